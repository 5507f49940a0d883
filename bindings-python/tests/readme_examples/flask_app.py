import os

from flask import Flask, abort, session

from omi_push import AlreadyUsedError, ChallengeMismatchError, Client, InvalidChallengeError, StepUp

app = Flask(__name__)
app.secret_key = os.environ["FLASK_SECRET_KEY"]

# One client per process, shared by every request thread. Creating it at import time is
# fine under gunicorn's pre-fork model: it keeps working in each forked worker.
omi = Client(
    os.environ["OMI_BASE_URL"],
    client_id=os.environ["OMI_CLIENT_ID"],
    client_secret=os.environ["OMI_CLIENT_SECRET"],
)
# The signing key (at least 32 bytes) is the same in every worker. With more than one
# worker, keep the step-up state in Redis (STEP_UP_STORE=redis://...): an approval is then
# given once across all of them, and the per-user push throttle holds across them too.
step_up = StepUp(omi, os.environ["STEP_UP_KEY"], store=os.environ.get("STEP_UP_STORE", "memory"))
ACTION = "change-payment-method"


@app.post("/payment-method/step-up")
def start_step_up() -> dict[str, str]:
    challenge = step_up.begin(session["user_id"], ACTION, "Confirm the change of your payment method")
    # Signed and bound to this user and this action: safe in the session cookie (or a form).
    session["step_up"] = challenge.text
    return {"status": "sent"}


@app.post("/payment-method/step-up/wait")
def finish_step_up() -> dict[str, str]:
    try:
        # Checked before any request: the signature, this user, this action, its age.
        verdict = step_up.wait(session.pop("step_up", ""), session["user_id"], ACTION, timeout=60)
    except (InvalidChallengeError, ChallengeMismatchError, AlreadyUsedError):
        abort(403, "no valid step-up challenge")  # forged, another user's, or replayed
    if verdict != "approved":
        abort(403, f"step-up not approved: {verdict}")
    session["stepped_up"] = True
    return {"status": "approved"}
