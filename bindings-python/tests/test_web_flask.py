"""omi_push.flask: the web flow's scenarios (web_flow.py) on a Flask app, through Flask's
test client (no browser), against the simulator; memory and Redis stores."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List

import pytest
from flask import Flask, Response, request, session

from omi_push import StepUp, StepUpFlow
from omi_push.flask import FlaskStepUp, require_step_up
from omi_push.testing import Simulator

from web_flow import (  # noqa: F401  (the tests run here, with this module's `make_web`)
    CARD,
    KEY,
    MESSAGE,
    PAY,
    Factory,
    Resp,
    own_redis,
    store,
    test_a_replayed_approval_is_refused,
    test_an_api_client_gets_401_json,
    test_another_action_is_not_unlocked,
    test_denied_on_the_phone,
    test_guard_picker_wait_approve_then_allowed_once,
    test_signed_out_gets_401,
    test_store_down_fails_closed,
    web,
)


def build(step_up: StepUp) -> Flask:
    app = Flask(__name__)
    app.secret_key = "test-only-session-secret"
    steps = FlaskStepUp(step_up, user=lambda: session.get("user"), message=MESSAGE, app=app)

    @app.get("/login")
    def login() -> str:
        session["user"] = request.args["user"]
        return "signed in"

    @app.get("/payment-method")
    @require_step_up(PAY)
    def payment() -> Response:
        return Response(f"paid:{session['user']}", content_type="text/plain")

    @app.get("/card-number")
    @steps.require(CARD)
    def card() -> str:
        return "card:4242"

    return app


class FlaskWeb:
    def __init__(self, app: Flask) -> None:
        self.client = app.test_client()

    def _resp(self, r: Any) -> Resp:
        return Resp(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.get_data(as_text=True))

    def get(self, url: str, accept: str = "text/html,*/*;q=0.8") -> Resp:
        return self._resp(self.client.get(url, headers={"Accept": accept}))

    def post(self, url: str, form: Dict[str, str]) -> Resp:
        return self._resp(self.client.post(url, data=form))

    def cookies(self) -> Any:
        c = self.client.get_cookie("session")
        return c.value if c else None

    def set_cookies(self, saved: Any) -> None:
        self.client.set_cookie("session", saved)


@pytest.fixture
def make_web(sim: Simulator) -> Iterator[Factory]:
    clients: List[Any] = []

    def make(store: Dict[str, Any]) -> FlaskWeb:
        omi = sim.client(poll_interval=0.05, request_timeout=5)
        clients.append(omi)
        return FlaskWeb(build(StepUp(omi, KEY, min_gap=0, **store)))

    yield make
    for c in clients:
        c.close()


def test_without_the_extension_the_guard_fails_closed() -> None:
    app = Flask(__name__)

    @app.get("/x")
    @require_step_up(PAY)
    def x() -> str:
        return "ran"

    r = app.test_client().get("/x")
    assert r.status_code == 500 and b"ran" not in r.data


def test_options_are_checked(sim: Simulator) -> None:
    with sim.client() as omi:
        su = StepUp(omi, KEY)
        with pytest.raises(TypeError, match="user must be a callable"):
            FlaskStepUp(su, user="alice")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="belong to the StepUpFlow"):
            FlaskStepUp(StepUpFlow(su), user=lambda: None, message="hi")
