"""omi_push.flask: the web step-up flow for Flask (``pip install omi-push[flask]``).

::

    from flask import Flask, session
    from omi_push.flask import FlaskStepUp, require_step_up

    app = Flask(__name__)
    app.secret_key = ...
    FlaskStepUp(step_up, user=lambda: session.get("user"), app=app)

    @app.get("/payment-method")
    @require_step_up("change-payment-method")
    def payment() -> str: ...

The guard lets a request through once per fresh approval of that user for that action; else
the browser goes to the flow's pages (the device picker, the waiting page) and comes back, and
an API client (``Accept: application/json``) gets 401 JSON. The flow's value lives in Flask's
``session``. Conversion only: the logic and pages are the core's.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Optional, TypeVar, Union, cast

from flask import Blueprint, Flask, Response, current_app, request, session

from ._flow import Allowed, FlowResponse, StepUpFlow
from ._stepup import StepUp
from ._web import DEFAULT_SESSION_KEY, adapter_flow, params, session_get, session_set, too_large, wants_json

__all__ = ["FlaskStepUp", "require_step_up", "UserCallable"]

UserCallable = Callable[[], Optional[str]]
"""How the app identifies the current user: ``user()`` (in the request context) gives the
signed-in user's id, ``None`` when nobody is signed in."""

_EXTENSION = "omi_push.step_up"

F = TypeVar("F", bound=Callable[..., Any])


def to_response(r: FlowResponse) -> Response:
    """The core's answer as a Flask response: status, Content-Type, Location, headers."""
    response = Response(r.body, status=r.status, content_type=r.content_type)
    if r.location is not None:
        response.headers["Location"] = r.location
    for name, value in r.headers:
        response.headers.add(name, value)
    return response


class FlaskStepUp:
    """The step-up flow of a Flask app: :attr:`blueprint` has the flow's routes
    (``{mount}/start``, ``/wait``, ``/status``), :meth:`require` guards a view.

    Args:
        step_up: A :class:`~omi_push.StepUp` (the flow is built with ``mount`` and
            ``message``) or a :class:`~omi_push.StepUpFlow`.
        user: How the app identifies the current user (see :data:`UserCallable`).
        mount: Where the flow's routes are (default ``/step-up``).
        message: What the phone shows (default "Confirm this action on your phone").
        session_key: The session key of the flow's value.
        app: The app to :meth:`init_app` now.
    """

    def __init__(
        self,
        step_up: Union[StepUp, StepUpFlow],
        *,
        user: UserCallable,
        mount: Optional[str] = None,
        message: Optional[str] = None,
        session_key: str = DEFAULT_SESSION_KEY,
        app: Optional[Flask] = None,
    ) -> None:
        self.flow = adapter_flow(step_up, StepUpFlow, user, mount, message)
        self._user = user
        self._key = session_key
        self.blueprint = Blueprint("omi_push_step_up", __name__)
        self.blueprint.add_url_rule(
            self.flow.mount + "/<route>", "flow", self._handle, methods=["GET", "POST"]
        )
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Registers the flow's routes on ``app`` and makes this the flow
        :func:`require_step_up` uses."""
        app.extensions[_EXTENSION] = self
        app.register_blueprint(self.blueprint)

    def _current_user(self) -> Optional[str]:
        user = self._user()
        if user is not None and not isinstance(user, str):
            raise TypeError(f"the user callable must return a str or None, not {type(user).__name__}")
        return user

    def _handle(self, route: str) -> Response:
        if too_large(request.headers.get("Content-Length")):
            return Response("step-up form too large", status=413)
        body = request.get_data() if request.method == "POST" else b""
        r = self.flow.handle(
            request.method,
            "/" + route,
            params(request.query_string.decode("latin-1"), request.content_type, body),
            user_id=self._current_user(),
            session=session_get(session, self._key),
        )
        session_set(session, self._key, r.session)
        return to_response(r)

    def guard(self, action: str) -> Optional[Response]:
        """The guard of the current request for ``action``: ``None`` when allowed (the
        approval is spent), else the response to send."""
        user = self._current_user()
        g = self.flow.guard(
            action,
            user_id=user,
            session=session_get(session, self._key),
            url=request.full_path if request.query_string else request.path,
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
        return _decorator(action, lambda: self)


def _installed() -> FlaskStepUp:
    steps = current_app.extensions.get(_EXTENSION)
    if not isinstance(steps, FlaskStepUp):
        raise RuntimeError("require_step_up needs a FlaskStepUp on the app: FlaskStepUp(..., app=app)")
    return steps


def _decorator(action: str, steps: Callable[[], FlaskStepUp]) -> Callable[[F], F]:
    if not isinstance(action, str):
        raise TypeError(f"action must be a str, not {type(action).__name__}")

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            refused = steps().guard(action)
            if refused is not None:
                return refused
            return view(*args, **kwargs)

        return cast(F, guarded)

    return decorate


def require_step_up(action: str) -> Callable[[F], F]:
    """A view decorator: ``@require_step_up("change-payment-method")`` lets the view run once
    per fresh approval of the current user for ``action``, through the app's
    :class:`FlaskStepUp`."""
    return _decorator(action, _installed)
