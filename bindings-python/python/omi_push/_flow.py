"""The web step-up flow: a route guard, the device picker, the waiting page and its status
route, for any web framework (``omi_push.fastapi``, ``omi_push.flask`` and
``omi_push.django`` are built on it). This file only converts: the flow's logic and pages are
the core's (``omi_push::stepup::flow``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple, Union

from . import _native
from ._args import string as _str
from ._stepup import AsyncStepUp, StepUp

__all__ = ["StepUpFlow", "AsyncStepUpFlow", "FlowResponse", "Allowed", "GuardResult", "DEFAULT_MOUNT", "DEFAULT_MESSAGE"]

DEFAULT_MOUNT = "/step-up"
DEFAULT_MESSAGE = "Confirm this action on your phone"


@dataclass(frozen=True)
class FlowResponse:
    """What to answer: set the status, ``Content-Type``, ``Location`` (when given), every
    entry of ``headers``, and the body; store ``session`` in the framework's session when it
    is not ``None`` (``""`` = remove the value)."""

    status: int
    content_type: str
    body: str
    location: Optional[str] = None
    session: Optional[str] = None
    headers: Tuple[Tuple[str, str], ...] = ()

    def __repr__(self) -> str:
        return f"FlowResponse(status={self.status}, content_type={self.content_type!r}, location={self.location!r})"

    @classmethod
    def _from(cls, r: Mapping[str, Any]) -> FlowResponse:
        headers = tuple((str(k), str(v)) for k, v in r.get("headers") or ())
        return cls(r["status"], r["content_type"], r["body"], r.get("location"), r.get("session"), headers)


@dataclass(frozen=True)
class Allowed:
    """The guard let the request through (its approval is spent now): store ``session``."""

    session: str

    def __repr__(self) -> str:
        return "Allowed()"


GuardResult = Union[Allowed, FlowResponse]
"""What :meth:`StepUpFlow.guard` decides: :class:`Allowed`, or the :class:`FlowResponse` to
answer instead (a redirect to the flow, 401 JSON for an API client, 401 without a user, 503
when the store cannot answer)."""


def _guard(text: str) -> GuardResult:
    g: Dict[str, Any] = json.loads(text)
    if "allow" in g:
        return Allowed(g["allow"]["session"])
    return FlowResponse._from(g["respond"])


def _guard_args(
    action: str, user_id: Optional[str], session: Optional[str], url: str, wants_json: bool
) -> Tuple[str, Optional[str], Optional[str], str, bool]:
    if not isinstance(wants_json, bool):
        raise TypeError(f"wants_json must be a bool, not {type(wants_json).__name__}")
    return (
        _str("action", action),
        _str("user_id", user_id, True),
        _str("session", session, True),
        _str("url", url),
        wants_json,
    )


def _request(method: str, route: str, params: Mapping[str, str], user_id: Optional[str], session: Optional[str]) -> str:
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping of str to str, not {type(params).__name__}")
    request = {
        "method": _str("method", method),
        "route": _str("route", route),
        "params": {_str("params key", k): _str(f"params[{k!r}]", v) for k, v in params.items()},
        "user_id": _str("user_id", user_id, True),
        "session": _str("session", session, True),
    }
    return json.dumps(request)


class _BaseFlow:
    __slots__ = ("_core", "_mount", "_step_up")

    def __init__(
        self, step_up: Union[StepUp, AsyncStepUp], expected: type, mount: str, message: str, layout: Optional[str]
    ) -> None:
        if not isinstance(step_up, expected):
            raise TypeError(f"step_up must be a {expected.__name__}, not {type(step_up).__name__}")
        self._step_up: Any = step_up
        self._mount: str = _str("mount", mount)
        layout = _str("layout", layout, True)
        self._core = _native.FlowCore(step_up._core, self._mount, _str("message", message), layout)

    @property
    def mount(self) -> str:
        """Where the flow's routes are, e.g. ``/step-up`` (``/start``, ``/wait``, ``/status`` below)."""
        return self._mount

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mount={self._mount!r})"


class StepUpFlow(_BaseFlow):
    """The web step-up flow on a blocking :class:`~omi_push.StepUp`, its routes mounted at
    ``mount``, pushing ``message`` to the phone. A framework adapter calls :meth:`guard` on a
    protected route and :meth:`handle` for the flow's routes, and keeps the ``session`` value
    they return in the framework's session. ``layout``: the app's own page template, HTML with
    ``{{content}}`` (and optionally ``{{title}}``, ``{{head}}`` inside ``<head>``, ``{{style}}``
    for the built-in CSS) around every page of the flow.

    Raises:
        ConfigError: A bad mount point (it starts with ``/`` and does not end with one), or a
            layout without ``{{content}}``.
        InvalidArgumentError: A message the core refuses.

    Every call releases the GIL and answers Ctrl-C in the main thread.
    """

    __slots__ = ()

    def __init__(
        self,
        step_up: StepUp,
        *,
        mount: str = DEFAULT_MOUNT,
        message: str = DEFAULT_MESSAGE,
        layout: Optional[str] = None,
    ) -> None:
        super().__init__(step_up, StepUp, mount, message, layout)

    @property
    def step_up(self) -> StepUp:
        """The step-up the flow runs on."""
        s: StepUp = self._step_up
        return s

    def guard(
        self, action: str, *, user_id: Optional[str], session: Optional[str], url: str, wants_json: bool = False
    ) -> GuardResult:
        """The guard of a route for ``action``: :class:`Allowed` when ``user_id`` has a fresh
        approval for it in ``session`` (spent now, once), else the response to send. ``url``:
        the request's local URL (path and query), to come back to; ``wants_json``: an API
        client (it gets 401 JSON instead of a redirect)."""
        return _guard(self._core.guard(_guard_args(action, user_id, session, url, wants_json), asyncio=False))

    def handle(
        self,
        method: str,
        route: str,
        params: Mapping[str, str],
        *,
        user_id: Optional[str],
        session: Optional[str],
    ) -> FlowResponse:
        """Answers one request to the flow's routes: ``route`` is the path below the mount
        point (``/start``, ``/wait``, ``/status``), ``params`` the query and form values."""
        text = self._core.handle(_request(method, route, params, user_id, session), asyncio=False)
        return FlowResponse._from(json.loads(text))


class AsyncStepUpFlow(_BaseFlow):
    """:class:`StepUpFlow` for asyncio, on an :class:`~omi_push.AsyncStepUp`: the same
    arguments, ``guard`` and ``handle`` as coroutines (cancelling the task stops the call)."""

    __slots__ = ()

    def __init__(
        self,
        step_up: AsyncStepUp,
        *,
        mount: str = DEFAULT_MOUNT,
        message: str = DEFAULT_MESSAGE,
        layout: Optional[str] = None,
    ) -> None:
        super().__init__(step_up, AsyncStepUp, mount, message, layout)

    @property
    def step_up(self) -> AsyncStepUp:
        """The step-up the flow runs on."""
        s: AsyncStepUp = self._step_up
        return s

    async def guard(
        self, action: str, *, user_id: Optional[str], session: Optional[str], url: str, wants_json: bool = False
    ) -> GuardResult:
        """See :meth:`StepUpFlow.guard`."""
        return _guard(await self._core.guard(_guard_args(action, user_id, session, url, wants_json), asyncio=True))

    async def handle(
        self,
        method: str,
        route: str,
        params: Mapping[str, str],
        *,
        user_id: Optional[str],
        session: Optional[str],
    ) -> FlowResponse:
        """See :meth:`StepUpFlow.handle`."""
        text = await self._core.handle(_request(method, route, params, user_id, session), asyncio=True)
        return FlowResponse._from(json.loads(text))
