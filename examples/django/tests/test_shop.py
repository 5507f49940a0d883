"""The Django sample through Django's test client, on its embedded simulator: approve → the
protected page (once); deny → the waiting page says so and offers Send again. (The simulator is
the project's, one per test process.)"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlencode

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
os.environ.pop("OMI_BASE_URL", None)

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from shop.step_up import sim  # noqa: E402


@pytest.fixture
def web() -> Iterator[Any]:
    c = Client(enforce_csrf_checks=True)
    assert c.post("/login").status_code == 303
    yield c


def to_waiting_page(web: Any) -> str:
    r = web.get("/payment-method")
    assert r.status_code == 303 and r["Location"].startswith("/step-up/start?")
    r = web.get(r["Location"])  # one phone: pushed at once
    assert r.status_code == 303 and r["Location"].startswith("/step-up/wait?")
    wait: str = r["Location"]
    page = web.get(wait).content.decode()
    assert "Check your phone" in page and "Confirm the change of your payment method" in page
    return wait


def test_approve_opens_the_page_once(web: Any) -> None:
    status = to_waiting_page(web).replace("/step-up/wait", "/step-up/status", 1)
    assert web.get(status).json() == {"verdict": "pending"}
    sim.approve(sim.pushes()[-1].nonce)
    assert web.get(status).json()["verdict"] == "approved"
    page = web.get("/payment-method")
    assert page.status_code == 200 and "Confirmed on your phone, alice" in page.content.decode()
    assert web.get("/payment-method").status_code == 303  # spent


def test_deny_says_so_and_send_again_posts_past_django_csrf(web: Any) -> None:
    wait = to_waiting_page(web)
    sim.reject(sim.pushes()[-1].nonce)
    page = web.get(wait).content.decode()
    assert "You denied the request on your phone." in page and "Send again" in page
    assert web.get("/payment-method").status_code == 303
    # The Send again form (the core's own CSRF field) passes Django's CSRF middleware.
    action = re.search(r'<form method="post" action="([^"]+)"', page)
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert action and token
    pushes = len(sim.pushes())
    form = urlencode({"csrf": token.group(1)})  # as a browser posts it
    again = web.post(action.group(1).replace("&amp;", "&"), form, content_type="application/x-www-form-urlencoded")
    assert again.status_code == 303 and again["Location"].startswith("/step-up/wait?")
    assert len(sim.pushes()) == pushes + 1
