"""omi_push.django: the web step-up flow for Django (``pip install omi-push[django]``).

::

    # shop/step_up.py
    from omi_push.django import DjangoStepUp
    steps = DjangoStepUp(step_up, user=lambda request: request.session.get("user"))

    # shop/urls.py
    urlpatterns = [path("payment-method", views.payment), *steps.urlpatterns]

    # shop/views.py
    @steps.require("change-payment-method")
    def payment(request): ...

The guard lets a request through once per fresh approval of that user for that action; else
the browser goes to the flow's pages (the device picker, the waiting page) and comes back, and
an API client (``Accept: application/json``) gets 401 JSON. The flow's value lives in
``request.session`` (``SessionMiddleware``). The flow's routes are exempt from Django's CSRF
middleware: the core checks a token of its own in its forms. Conversion only: the logic and
pages are the core's.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, List, Optional, TypeVar, Union, cast

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.csrf import csrf_exempt

from ._flow import Allowed, FlowResponse, StepUpFlow
from ._stepup import StepUp
from ._web import DEFAULT_SESSION_KEY, adapter_flow, params, session_get, session_set, too_large, wants_json

__all__ = ["DjangoStepUp", "UserCallable"]

UserCallable = Callable[[HttpRequest], Optional[str]]
"""How the app identifies the current user: ``user(request)`` gives the signed-in user's id
(e.g. ``request.user.get_username()`` when authenticated), ``None`` when nobody is."""

F = TypeVar("F", bound=Callable[..., Any])


def to_response(r: FlowResponse) -> HttpResponse:
    """The core's answer as a Django response: status, Content-Type, Location, headers."""
    response = HttpResponse(r.body, status=r.status, content_type=r.content_type)
    if r.location is not None:
        response["Location"] = r.location
    for name, value in r.headers:
        response[name] = value
    return response


def _session(request: HttpRequest) -> Any:
    s = getattr(request, "session", None)
    if s is None:
        raise RuntimeError("omi_push.django keeps the flow's value in request.session: add SessionMiddleware")
    return s


class DjangoStepUp:
    """The step-up flow of a Django project: :attr:`urlpatterns` are the flow's routes
    (``{mount}/start``, ``/wait``, ``/status``; add them at the root of the URLconf),
    :meth:`require` guards a view.

    Args:
        step_up: A :class:`~omi_push.StepUp` (the flow is built with ``mount`` and
            ``message``) or a :class:`~omi_push.StepUpFlow`.
        user: How the app identifies the current user (see :data:`UserCallable`).
        mount: Where the flow's routes are (default ``/step-up``).
        message: What the phone shows (default "Confirm this action on your phone").
        session_key: The session key of the flow's value.
    """

    def __init__(
        self,
        step_up: Union[StepUp, StepUpFlow],
        *,
        user: UserCallable,
        mount: Optional[str] = None,
        message: Optional[str] = None,
        session_key: str = DEFAULT_SESSION_KEY,
    ) -> None:
        self.flow = adapter_flow(step_up, StepUpFlow, user, mount, message)
        self._user = user
        self._key = session_key
        self.urlpatterns: List[URLPattern] = [
            path(self.flow.mount.lstrip("/") + "/<str:route>", csrf_exempt(self._handle), name="omi_push_step_up")
        ]

    def _current_user(self, request: HttpRequest) -> Optional[str]:
        user = self._user(request)
        if user is not None and not isinstance(user, str):
            raise TypeError(f"the user callable must return a str or None, not {type(user).__name__}")
        return user

    def _handle(self, request: HttpRequest, route: str) -> HttpResponse:
        if request.method not in ("GET", "POST"):
            return HttpResponse("method not allowed", status=405)
        if too_large(request.headers.get("Content-Length")):
            return HttpResponse("step-up form too large", status=413)
        body = request.body if request.method == "POST" else b""
        session = _session(request)
        r = self.flow.handle(
            request.method,
            "/" + route,
            params(request.META.get("QUERY_STRING", ""), request.content_type, body),
            user_id=self._current_user(request),
            session=session_get(session, self._key),
        )
        session_set(session, self._key, r.session)
        return to_response(r)

    def guard(self, action: str, request: HttpRequest) -> Optional[HttpResponse]:
        """The guard of ``request`` for ``action``: ``None`` when allowed (the approval is
        spent), else the response to send."""
        session = _session(request)
        user = self._current_user(request)
        g = self.flow.guard(
            action,
            user_id=user,
            session=session_get(session, self._key),
            url=request.get_full_path(),
            wants_json=wants_json(request.headers.get("Accept")),
        )
        if isinstance(g, Allowed) and user is not None:
            session_set(session, self._key, g.session)
            return None
        assert isinstance(g, FlowResponse)
        session_set(session, self._key, g.session)
        return to_response(g)

    def require(self, action: str) -> Callable[[F], F]:
        """A view decorator: the view runs once per fresh approval of the user for ``action``."""
        if not isinstance(action, str):
            raise TypeError(f"action must be a str, not {type(action).__name__}")

        def decorate(view: F) -> F:
            @functools.wraps(view)
            def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                refused = self.guard(action, request)
                if refused is not None:
                    return refused
                return view(request, *args, **kwargs)

            return cast(F, guarded)

        return decorate
