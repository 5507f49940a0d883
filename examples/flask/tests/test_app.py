"""The Flask sample through Flask's test client, on its embedded simulator: approve → the
protected page (once); deny → the waiting page says so and offers Send again."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, Iterator, Tuple

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import from_env  # noqa: E402


@pytest.fixture
def shop() -> Iterator[Tuple[Any, Any]]:
    app, sim = from_env({})
    web = app.test_client()
    assert web.post("/login").status_code == 303
    yield web, sim
    sim.stop()


def to_waiting_page(web: Any) -> str:
    r = web.get("/payment-method")
    assert r.status_code == 303 and r.headers["Location"].startswith("/step-up/start?")
    r = web.get(r.headers["Location"])  # one phone: pushed at once
    assert r.status_code == 303 and r.headers["Location"].startswith("/step-up/wait?")
    wait: str = r.headers["Location"]
    page = web.get(wait).get_data(as_text=True)
    assert "Check your phone" in page and "Confirm the change of your payment method" in page
    return wait


def test_approve_opens_the_page_once(shop: Tuple[Any, Any]) -> None:
    web, sim = shop
    status = re.sub(r"^/step-up/wait", "/step-up/status", to_waiting_page(web))
    assert web.get(status).json == {"verdict": "pending"}
    sim.approve(sim.pushes()[-1].nonce)
    assert web.get(status).json["verdict"] == "approved"
    page = web.get("/payment-method")
    assert page.status_code == 200 and "Confirmed on your phone, alice" in page.get_data(as_text=True)
    assert web.get("/payment-method").status_code == 303  # spent


def test_deny_says_so(shop: Tuple[Any, Any]) -> None:
    web, sim = shop
    wait = to_waiting_page(web)
    sim.reject(sim.pushes()[-1].nonce)
    page = web.get(wait).get_data(as_text=True)
    assert "You denied the request on your phone." in page and "Send again" in page
    assert web.get("/payment-method").status_code == 303
