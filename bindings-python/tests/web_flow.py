"""The web step-up flow's scenarios, written once and run for each framework adapter
(test_web_fastapi.py, test_web_flask.py, test_web_django.py import these tests and give the
`web` fixture: a signed-in browser, a framework test client, on an app whose StepUp uses the
store given). The app under test: GET /login?user=... signs in; GET /payment-method is guarded
by "change-payment-method" and answers "paid:<user>"; GET /card-number by "view-card-number"."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, Optional, Protocol
from urllib.parse import parse_qs, urlsplit

import pytest

from omi_push import generate_nonce
from omi_push.testing import Simulator

from test_stepup import redis_url

KEY = b"web-flow-test-key-0123456789abcdef0123"
PAY = "change-payment-method"
CARD = "view-card-number"
MESSAGE = "Confirm the change of your payment method"


@dataclass
class Resp:
    status: int
    headers: Dict[str, str]
    body: str

    @property
    def location(self) -> Optional[str]:
        return self.headers.get("location")

    def json(self) -> Any:
        return json.loads(self.body)


class Web(Protocol):
    """A browser on the app: cookies kept between requests, redirects not followed."""

    def get(self, url: str, accept: str = "text/html,*/*;q=0.8") -> Resp: ...
    def post(self, url: str, form: Dict[str, str]) -> Resp: ...
    def cookies(self) -> Any: ...
    def set_cookies(self, saved: Any) -> None: ...


Factory = Callable[[Dict[str, Any]], Web]
"""Builds the app on a StepUp(sim client, KEY, min_gap=0, **store) and a signed-out browser."""


@pytest.fixture(params=["memory", "redis"])
def store(request: Any) -> Dict[str, Any]:
    if request.param == "memory":
        return {"store": "memory"}
    return {"store": redis_url(), "store_prefix": f"py-web:{generate_nonce()}:"}


@pytest.fixture
def web(make_web: Factory, store: Dict[str, Any]) -> Web:
    w = make_web(store)
    assert w.get("/login?user=user-1").status in (200, 302, 303)
    return w


def csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, html
    return m.group(1)


def query(url: Optional[str]) -> Dict[str, str]:
    assert url is not None
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def to_waiting_page(web: Web, sim: Simulator, path: str = "/payment-method", device: str = "dev-2") -> Resp:
    """Guard → picker (two devices, nothing pushed) → its POST → the waiting page."""
    r = web.get(path)
    assert r.status == 303 and r.location is not None and r.location.startswith("/step-up/start?"), r
    assert query(r.location)["next"] == path
    picker = web.get(r.location)
    assert picker.status == 200 and "Where should we send the confirmation?" in picker.body
    assert picker.headers.get("cache-control") == "no-store" and picker.headers.get("x-frame-options") == "DENY"
    assert sim.pushes() == []
    form = {**query(r.location), "device": device, "csrf": csrf(picker.body)}
    sent = web.post("/step-up/start", form)
    assert sent.status == 303 and sent.location is not None and sent.location.startswith("/step-up/wait?"), sent
    assert [p.device_ids for p in sim.pushes()] == [(device,)]
    page = web.get(sent.location)
    assert page.status == 200 and "Check your phone" in page.body and MESSAGE in page.body
    return page


def status(web: Web, action: str = PAY) -> Dict[str, Any]:
    r = web.get(f"/step-up/status?action={action}&next=/payment-method", accept="application/json")
    assert r.status == 200 and r.headers.get("content-type", "").startswith("application/json"), r
    answer: Dict[str, Any] = r.json()
    return answer


def approve(web: Web, sim: Simulator) -> None:
    to_waiting_page(web, sim)
    assert status(web)["verdict"] == "pending"
    sim.approve(sim.pushes()[-1].nonce)
    approved = status(web)
    assert approved == {"verdict": "approved", "redirect": "/payment-method"}, approved


def test_guard_picker_wait_approve_then_allowed_once(web: Web, sim: Simulator) -> None:
    approve(web, sim)
    ok = web.get("/payment-method")
    assert ok.status == 200 and ok.body == "paid:user-1", ok
    again = web.get("/payment-method")
    assert again.status == 303 and again.location is not None and "/step-up/start?" in again.location


def test_a_replayed_approval_is_refused(web: Web, sim: Simulator) -> None:
    approve(web, sim)
    saved = web.cookies()  # the session as the browser held it, approval included
    assert web.get("/payment-method").body == "paid:user-1"
    web.set_cookies(saved)
    replayed = web.get("/payment-method")
    assert replayed.status == 303 and "paid:" not in replayed.body, replayed


def test_another_action_is_not_unlocked(web: Web, sim: Simulator) -> None:
    approve(web, sim)
    card = web.get("/card-number")
    assert card.status == 303 and query(card.location) == {"action": CARD, "next": "/card-number"}, card
    assert web.get("/payment-method").body == "paid:user-1"  # still there for its own action


def test_an_api_client_gets_401_json(web: Web, sim: Simulator) -> None:
    r = web.get("/payment-method", accept="application/json")
    assert r.status == 401 and r.headers["content-type"].startswith("application/json"), r
    body = r.json()
    assert body["error"] == "step_up_required" and body["action"] == PAY
    assert body["start"].startswith("/step-up/start?")
    assert sim.pushes() == []


def test_denied_on_the_phone(web: Web, sim: Simulator) -> None:
    to_waiting_page(web, sim)
    sim.reject(sim.pushes()[-1].nonce)
    assert status(web)["verdict"] == "rejected"
    page = web.get("/step-up/wait?action=change-payment-method&next=/payment-method")
    assert page.status == 200 and "denied" in page.body and "Send again" in page.body, page.body
    assert web.get("/payment-method").status == 303


def test_signed_out_gets_401(make_web: Factory) -> None:
    r = make_web({"store": "memory"}).get("/payment-method")
    assert r.status == 401 and "paid:" not in r.body


@pytest.fixture
def own_redis() -> Iterator["subprocess.Popen[bytes]"]:
    """A redis-server of this test's own on a free port (scripts/with-redis installs it)."""
    server = shutil.which("redis-server")
    assert server, "redis-server is missing (scripts/with-redis installs it)"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    proc.port = port  # type: ignore[attr-defined]
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_store_down_fails_closed(make_web: Factory, sim: Simulator, own_redis: Any) -> None:
    web = make_web({"store": f"redis://127.0.0.1:{own_redis.port}/0"})
    web.get("/login?user=user-1")
    approve(web, sim)
    own_redis.kill()  # approved on the phone, then the store goes away
    own_redis.wait()
    r = web.get("/payment-method")
    assert r.status == 503 and "paid:" not in r.body, r
    assert web.get("/step-up/status?action=change-payment-method", accept="application/json").status == 503
