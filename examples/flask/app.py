"""A minimal Flask app whose "change payment method" page needs a confirmation on the user's
phone (omi_push.flask). ``make run`` starts it on the embedded OMI simulator and prints the
app's URL and the virtual phone page's URL; OMI_BASE_URL / OMI_CLIENT_ID / OMI_CLIENT_SECRET
point it at a real tenant instead."""

from __future__ import annotations

import os
import secrets
from typing import Any, Mapping, Optional, Tuple

from flask import Flask, redirect, session
from markupsafe import escape
from werkzeug.wrappers import Response

from omi_push import Client, StepUp
from omi_push.flask import FlaskStepUp, require_step_up

DEMO_DEVICE = "demo-phone"


def create_app(step_up: StepUp, *, user_id: str, secret_key: str) -> Flask:
    app = Flask(__name__)
    app.secret_key = secret_key
    FlaskStepUp(step_up, user=lambda: session.get("user"), message="Confirm the change of your payment method", app=app)

    @app.get("/")
    def home() -> str:
        user = session.get("user")
        if user is None:
            return f'<form method="post" action="/login"><button>Sign in as {escape(user_id)}</button></form>'
        return f'<h1>Hello, {escape(user)}</h1><p><a href="/payment-method">Change payment method</a></p>'

    @app.post("/login")
    def login() -> Response:
        session["user"] = user_id
        return redirect("/", code=303)

    @app.get("/payment-method")
    @require_step_up("change-payment-method")
    def payment_method() -> str:
        return f'<h1>Change payment method</h1><p id="confirmed">Confirmed on your phone, {escape(session["user"])}.</p>'

    return app


def from_env(env: Mapping[str, str]) -> Tuple[Flask, Optional[Any]]:
    """The app on a real tenant (OMI_BASE_URL, ...) or, by default, an embedded simulator
    (returned too, for its phone page)."""
    user_id = env.get("DEMO_USER_ID", "alice")
    sim: Optional[Any] = None
    if env.get("OMI_BASE_URL"):
        client = Client(env["OMI_BASE_URL"], client_id=env.get("OMI_CLIENT_ID"), client_secret=env.get("OMI_CLIENT_SECRET"))
        min_gap: Optional[float] = None
    else:
        from omi_push.testing import Simulator

        sim = Simulator(users={user_id: [{"id": DEMO_DEVICE, "name": "Pixel 9", "platform": "android"}]})
        client = sim.client()
        min_gap = 0
    key = env.get("STEP_UP_KEY") or secrets.token_bytes(32)
    step_up = StepUp(client, key, store=env.get("REDIS_URL") or "memory", min_gap=min_gap)
    app = create_app(step_up, user_id=user_id, secret_key=env.get("SECRET_KEY") or secrets.token_urlsafe(32))
    return app, sim


if __name__ == "__main__":
    app, sim = from_env(os.environ)
    port = int(os.environ.get("PORT", "5000"))
    print(f"App:           http://127.0.0.1:{port}/")
    if sim is not None:
        print(f"Virtual phone: {sim.phone_url(DEMO_DEVICE)}", flush=True)
    app.run(host="127.0.0.1", port=port, threaded=True)
