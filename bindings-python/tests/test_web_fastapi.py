"""omi_push.fastapi: the web flow's scenarios (web_flow.py) on a FastAPI app, through
Starlette's test client (no browser), against the simulator; memory and Redis stores."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List

import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient
from starlette.middleware.sessions import SessionMiddleware

from omi_push import AsyncStepUp, AsyncStepUpFlow
from omi_push.fastapi import StepUpRouter, require_step_up
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


def build(step_up: AsyncStepUp) -> FastAPI:
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key="test-only-session-secret")
    StepUpRouter(step_up, user=lambda request: request.session.get("user"), message=MESSAGE).install(app)

    @app.get("/login")
    async def login(request: Request, user: str) -> PlainTextResponse:
        request.session["user"] = user
        return PlainTextResponse("signed in")

    @app.get("/payment-method")
    async def payment(user: str = Depends(require_step_up(PAY))) -> PlainTextResponse:
        return PlainTextResponse(f"paid:{user}")

    @app.get("/card-number", dependencies=[Depends(require_step_up(CARD))])
    def card() -> PlainTextResponse:
        return PlainTextResponse("card:4242")

    return app


class FastAPIWeb:
    def __init__(self, client: TestClient) -> None:
        self.client = client

    def _resp(self, r: Any) -> Resp:
        return Resp(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.text)

    def get(self, url: str, accept: str = "text/html,*/*;q=0.8") -> Resp:
        return self._resp(self.client.get(url, headers={"Accept": accept}, follow_redirects=False))

    def post(self, url: str, form: Dict[str, str]) -> Resp:
        return self._resp(self.client.post(url, data=form, follow_redirects=False))

    def cookies(self) -> Any:
        return dict(self.client.cookies)

    def set_cookies(self, saved: Any) -> None:
        self.client.cookies.clear()
        for k, v in saved.items():
            self.client.cookies.set(k, v)


@pytest.fixture
def make_web(sim: Simulator) -> Iterator[Factory]:
    clients: List[Any] = []

    def make(store: Dict[str, Any]) -> FastAPIWeb:
        omi = sim.async_client(poll_interval=0.05, request_timeout=5)
        clients.append(omi)
        client = TestClient(build(AsyncStepUp(omi, KEY, min_gap=0, **store)))
        clients.append(client)
        return FastAPIWeb(client)

    yield make
    for c in clients:
        c.close()


def test_without_install_the_guard_fails_closed(sim: Simulator) -> None:
    app = FastAPI()

    @app.get("/x", dependencies=[Depends(require_step_up(PAY))])
    def x() -> str:
        return "ran"

    with pytest.raises(RuntimeError, match="install"):
        TestClient(app).get("/x")


def test_options_are_checked(sim: Simulator) -> None:
    omi = sim.async_client()
    su = AsyncStepUp(omi, KEY)
    with pytest.raises(TypeError, match="user must be a callable"):
        StepUpRouter(su, user="alice")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="belong to the AsyncStepUpFlow"):
        StepUpRouter(AsyncStepUpFlow(su), user=lambda r: None, mount="/x")
    omi.close()
