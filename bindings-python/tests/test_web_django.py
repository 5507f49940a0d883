"""omi_push.django: the web flow's scenarios (web_flow.py) on a Django project (settings made
here: signed-cookie sessions, no database), through Django's test client (no browser),
against the simulator; memory and Redis stores."""

from __future__ import annotations

import sys
import types
from typing import Any, Dict, Iterator, List
from urllib.parse import urlencode

import django
import pytest
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="test-only-session-secret",
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF="omi_web_django_urls",
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
        ],
        INSTALLED_APPS=["django.contrib.sessions"],
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
        DATABASES={},
    )
    django.setup()

from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

from omi_push import StepUp, StepUpFlow  # noqa: E402
from omi_push.django import DjangoStepUp  # noqa: E402
from omi_push.testing import Simulator  # noqa: E402

from web_flow import (  # noqa: F401,E402  (the tests run here, with this module's `make_web`)
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

URLS = types.ModuleType("omi_web_django_urls")
sys.modules[URLS.__name__] = URLS


def build(step_up: StepUp) -> None:
    """Makes the URLconf of the project: one app at a time."""
    steps = DjangoStepUp(step_up, user=lambda request: request.session.get("user"), message=MESSAGE)

    def login(request: HttpRequest) -> HttpResponse:
        request.session["user"] = request.GET["user"]
        return HttpResponse("signed in")

    @steps.require(PAY)
    def payment(request: HttpRequest) -> HttpResponse:
        return HttpResponse(f"paid:{request.session['user']}", content_type="text/plain")

    @steps.require(CARD)
    def card(request: HttpRequest) -> HttpResponse:
        return HttpResponse("card:4242")

    URLS.urlpatterns = [  # type: ignore[attr-defined]
        path("login", login),
        path("payment-method", payment),
        path("card-number", card),
        *steps.urlpatterns,
    ]
    clear_url_caches()


class DjangoWeb:
    def __init__(self) -> None:
        self.client = Client()

    def _resp(self, r: Any) -> Resp:
        return Resp(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.content.decode())

    def get(self, url: str, accept: str = "text/html,*/*;q=0.8") -> Resp:
        return self._resp(self.client.get(url, headers={"Accept": accept}))

    def post(self, url: str, form: Dict[str, str]) -> Resp:
        return self._resp(self.client.post(url, data=urlencode(form), content_type="application/x-www-form-urlencoded"))

    def cookies(self) -> Any:
        return {k: m.value for k, m in self.client.cookies.items()}

    def set_cookies(self, saved: Any) -> None:
        self.client.cookies.clear()
        for k, v in saved.items():
            self.client.cookies[k] = v


@pytest.fixture
def make_web(sim: Simulator) -> Iterator[Factory]:
    clients: List[Any] = []

    def make(store: Dict[str, Any]) -> DjangoWeb:
        omi = sim.client(poll_interval=0.05, request_timeout=5)
        clients.append(omi)
        build(StepUp(omi, KEY, min_gap=0, **store))
        return DjangoWeb()

    yield make
    for c in clients:
        c.close()


def test_options_are_checked(sim: Simulator) -> None:
    with sim.client() as omi:
        su = StepUp(omi, KEY)
        with pytest.raises(TypeError, match="user must be a callable"):
            DjangoStepUp(su, user="alice")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="belong to the StepUpFlow"):
            DjangoStepUp(StepUpFlow(su), user=lambda r: None, mount="/x")
