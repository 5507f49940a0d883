import os

from flask import Flask, abort, session

from omi_push import Client, PushTicket

app = Flask(__name__)
app.secret_key = os.environ["FLASK_SECRET_KEY"]

# One client per process, shared by every request thread. Creating it at import time is
# fine under gunicorn's pre-fork model: it keeps working in each forked worker.
omi = Client(
    os.environ["OMI_BASE_URL"],
    client_id=os.environ["OMI_CLIENT_ID"],
    client_secret=os.environ["OMI_CLIENT_SECRET"],
)


@app.post("/payment-method/step-up")
def start_step_up() -> dict[str, str]:
    ticket = omi.send_push(session["user_id"], "Confirm the change of your payment method")
    # The ticket is a short string: keep it in the session and wait in the next request,
    # possibly in another worker process.
    session["step_up"] = str(ticket)
    return {"status": "sent"}


@app.post("/payment-method/step-up/wait")
def finish_step_up() -> dict[str, str]:
    ticket = PushTicket.parse(session.pop("step_up"))
    outcome = omi.wait_for_confirmation(ticket, timeout=60)
    if not outcome.confirmed:
        abort(403, f"step-up not confirmed: {outcome.kind}")
    session["stepped_up"] = True
    return {"status": "confirmed"}
