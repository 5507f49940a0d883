"""omi_push.fastapi: the web step-up flow for FastAPI (``pip install omi-push[fastapi]``).

::

    from fastapi import Depends, FastAPI
    from starlette.middleware.sessions import SessionMiddleware
    from omi_push.fastapi import StepUpRouter, require_step_up

    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key=...)
    StepUpRouter(step_up, user=lambda request: request.session.get("user")).install(app)

    @app.get("/payment-method")
    async def payment(user: str = Depends(require_step_up("change-payment-method"))) -> ...:

The guard lets a request through once per fresh approval of that user for that action; else
the browser goes to the flow's pages (the device picker, the waiting page) and comes back, and
an API client (``Accept: application/json``) gets 401 JSON. The flow's value lives in the
request's session (Starlette's ``SessionMiddleware``). Conversion only: the logic and pages
are the core's.
"""

from __future__ import annotations

import inspect
from typing import Any, Awaitable, Callable, Optional, Union

from fastapi import APIRouter, FastAPI, Request
from starlette.responses import Response

from ._flow import Allowed, AsyncStepUpFlow, FlowResponse
from ._stepup import AsyncStepUp
from ._web import DEFAULT_SESSION_KEY, adapter_flow, params, session_get, session_set, too_large, wants_json

__all__ = ["StepUpRouter", "require_step_up", "StepUpRequired", "UserCallable"]

UserCallable = Callable[[Request], Union[Optional[str], Awaitable[Optional[str]]]]
"""How the app identifies the current user: ``user(request)`` gives the signed-in user's id
(or an awaitable of it), ``None`` when nobody is signed in."""

_STATE = "omi_push_step_up"


class StepUpRequired(Exception):
    """Raised by the guard to answer with the flow's response instead of the route's (the
    handler that :meth:`StepUpRouter.install` adds sends it)."""

    def __init__(self, response: FlowResponse) -> None:
        super().__init__(f"step-up required ({response.status})")
        self.response = response


def to_response(r: FlowResponse) -> Response:
    """The core's answer as a Starlette response: status, Content-Type, Location, headers."""
    response = Response(content=r.body, status_code=r.status)
    response.headers["content-type"] = r.content_type
    if r.location is not None:
        response.headers["location"] = r.location
    for name, value in r.headers:
        response.headers.append(name, value)
    return response


async def _answer(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StepUpRequired)
    return to_response(exc.response)


def _session(request: Request) -> Any:
    if "session" not in request.scope:
        raise RuntimeError("omi_push.fastapi keeps the flow's value in request.session: add SessionMiddleware")
    return request.session


class StepUpRouter(APIRouter):
    """An ``APIRouter`` with the flow's routes (``{mount}/start``, ``/wait``, ``/status``),
    and the guard of routes. Call :meth:`install` once (or include it and add the handler of
    :class:`StepUpRequired` yourself).

    Args:
        step_up: An :class:`~omi_push.AsyncStepUp` (the flow is built with ``mount`` and
            ``message``) or an :class:`~omi_push.AsyncStepUpFlow`.
        user: How the app identifies the current user (see :data:`UserCallable`).
        mount: Where the flow's routes are (default ``/step-up``).
        message: What the phone shows (default "Confirm this action on your phone").
        session_key: The session key of the flow's value.
    """

    def __init__(
        self,
        step_up: Union[AsyncStepUp, AsyncStepUpFlow],
        *,
        user: UserCallable,
        mount: Optional[str] = None,
        message: Optional[str] = None,
        session_key: str = DEFAULT_SESSION_KEY,
    ) -> None:
        super().__init__()
        self.flow = adapter_flow(step_up, AsyncStepUpFlow, user, mount, message)
        self._user = user
        self._key = session_key
        self.add_api_route(
            self.flow.mount + "/{route}", self._handle, methods=["GET", "POST"], include_in_schema=False
        )

    def install(self, app: FastAPI) -> StepUpRouter:
        """Includes the flow's routes in ``app``, answers :class:`StepUpRequired`, and makes
        this the router :func:`require_step_up` uses."""
        setattr(app.state, _STATE, self)
        app.include_router(self)
        app.add_exception_handler(StepUpRequired, _answer)
        return self

    async def _current_user(self, request: Request) -> Optional[str]:
        user = self._user(request)
        if inspect.isawaitable(user):
            user = await user
        if user is not None and not isinstance(user, str):
            raise TypeError(f"the user callable must return a str or None, not {type(user).__name__}")
        return user

    async def _handle(self, request: Request, route: str) -> Response:
        if too_large(request.headers.get("content-length")):
            return Response("step-up form too large", status_code=413)
        body = await request.body() if request.method == "POST" else b""
        session = _session(request)
        r = await self.flow.handle(
            request.method,
            "/" + route,
            params(request.url.query, request.headers.get("content-type"), body),
            user_id=await self._current_user(request),
            session=session_get(session, self._key),
        )
        session_set(session, self._key, r.session)
        return to_response(r)

    async def guard(self, action: str, request: Request) -> str:
        """The guard of ``request`` for ``action``: the user's id when allowed (the approval
        is spent), else raises :class:`StepUpRequired`."""
        session = _session(request)
        raw = request.scope.get("raw_path") or request.url.path.encode()
        query = request.scope.get("query_string") or b""
        url = raw.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
        user = await self._current_user(request)
        g = await self.flow.guard(
            action,
            user_id=user,
            session=session_get(session, self._key),
            url=url,
            wants_json=wants_json(request.headers.get("accept")),
        )
        if isinstance(g, Allowed) and user is not None:
            session_set(session, self._key, g.session)
            return user
        assert isinstance(g, FlowResponse)
        session_set(session, self._key, g.session)
        raise StepUpRequired(g)

    def require(self, action: str) -> Callable[[Request], Awaitable[str]]:
        """A dependency: ``Depends(router.require("change-payment-method"))``."""

        async def step_up_guard(request: Request) -> str:
            return await self.guard(action, request)

        return step_up_guard


def require_step_up(action: str) -> Callable[[Request], Awaitable[str]]:
    """The dependency that guards a route: ``Depends(require_step_up("change-payment-method"))``
    lets the request through once per fresh approval of the current user for ``action`` (its
    value is the user's id), through the :class:`StepUpRouter` installed on the app."""
    if not isinstance(action, str):
        raise TypeError(f"action must be a str, not {type(action).__name__}")

    async def step_up_guard(request: Request) -> str:
        router = getattr(request.app.state, _STATE, None)
        if not isinstance(router, StepUpRouter):
            raise RuntimeError("require_step_up needs a StepUpRouter installed on the app: StepUpRouter(...).install(app)")
        return await router.guard(action, request)

    return step_up_guard
