"""The testing kit of omi-push (the ``omi-push-testing`` wheel): an embedded simulator of the
OMI push API. Import it as :mod:`omi_push.testing`, which re-exports everything here.

:class:`Simulator` runs a real HTTP server on a free loopback port, in this process, with the
OAuth token endpoint, users and devices, the push state machine, a virtual phone, fault
injection and a request log. Point a :class:`~omi_push.Client` at it to test your own step-up
flow without the real service::

    from omi_push.testing import Simulator

    with Simulator(users={"alice": ["alice-phone"]}) as sim:
        client = sim.client(poll_interval=0.1)
        ticket = client.send_push("alice", "Confirm the transfer", device_id="alice-phone")
        sim.approve(ticket, after=0.2)          # the "phone" answers in the background
        assert client.wait_for_confirmation(ticket, timeout=5).confirmed

``python -m omi_push.testing serve`` runs one as a standalone server (see :func:`serve`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from types import TracebackType
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, Type, Union

from omi_push import AsyncClient, Client, PushTicket

from . import _native

__all__ = [
    "Simulator",
    "SimulatorError",
    "LoggedRequest",
    "SimPush",
    "DeviceSpec",
    "UsersSpec",
]

Seconds = Union[float, timedelta]
DeviceSpec = Union[str, Mapping[str, Any]]
"""A device: its id, or a mapping with ``id`` and optional ``name`` and ``platform``."""
UsersSpec = Union[Mapping[str, Sequence[DeviceSpec]], Sequence[Mapping[str, Any]]]
"""Users: ``{"user-id": [device, ...]}``, or a list of ``{"id": ..., "devices": [...]}``."""


_LOGGER = logging.getLogger("omi_push.simulator")


def _log_events() -> None:
    """Hands the simulator's events recorded so far to ``logging`` (logger ``omi_push.simulator``),
    from the calling Python thread: the simulator's own threads never wait for the GIL."""
    for level, text, created, file, line in _native.take_events():
        if not _LOGGER.isEnabledFor(level):
            continue
        record = _LOGGER.makeRecord(_LOGGER.name, level, file, line, text, (), None)
        record.created = created  # the time of the event, not of its delivery
        record.msecs = (created % 1) * 1000
        _LOGGER.handle(record)


class SimulatorError(Exception):
    """A simulator operation failed (unknown nonce, push not pending, bad configuration)."""


@dataclass(frozen=True)
class LoggedRequest:
    """One request the simulator received (OMI and token routes only; never headers or bodies)."""

    seq: int
    """Increases by one per request."""
    route: str
    """``token``, ``devices``, ``push_device``, ``push_all`` or ``confirmation``."""
    method: str
    """``GET`` or ``POST``."""
    path: str
    """The raw (percent-encoded) path."""
    query: Optional[str]
    """The raw query string, if any."""
    status: int
    """The response status; 0 for a dropped connection or a request still in flight."""
    t_ms: float
    """Milliseconds since the simulator started, when the request arrived."""


@dataclass(frozen=True)
class SimPush:
    """A push as the simulator holds it."""

    nonce: str
    user_id: str
    device_ids: Tuple[str, ...]
    message: str
    status: str
    """``PENDING``, ``CONFIRMED``, ``REJECTED``, ``EXPIRED`` or a custom state."""
    created_ms: float


def _ms(value: Seconds, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, timedelta)):
        raise TypeError(f"{name} must be a number of seconds or a datetime.timedelta")
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    if not seconds >= 0:
        raise ValueError(f"{name} must not be negative")
    return int(round(seconds * 1000))


def _nonce(value: Union[str, PushTicket]) -> str:
    if isinstance(value, PushTicket):
        return value.nonce
    if isinstance(value, str):
        return value
    raise TypeError(f"nonce must be a str or a PushTicket, not {type(value).__name__}")


def _device(spec: DeviceSpec) -> Dict[str, Any]:
    if isinstance(spec, str):
        return {"id": spec}
    return dict(spec)


def _users(spec: UsersSpec) -> List[Dict[str, Any]]:
    if isinstance(spec, Mapping):
        return [{"id": uid, "devices": [_device(d) for d in devices]} for uid, devices in spec.items()]
    return [dict(u) for u in spec]


class Simulator:
    """An embedded OMI push API simulator, started on construction.

    Use it as a context manager (or call :meth:`stop`). By default it has one user
    ``user-1`` with one device ``dev-1``, client id ``sim-client`` and a random client
    secret.

    Args:
        users: Users and their devices, e.g. ``{"alice": ["alice-phone"]}``; replaces the
            default user.
        client_id: The OAuth client the token endpoint accepts.
        client_secret: Its secret; random when ``None`` (read it from :attr:`client_secret`).
        allowed_scopes: Scopes the token endpoint grants; default the four push scopes.
        token_lifetime: Lifetime of issued tokens.
        push_ttl: A pending push becomes ``EXPIRED`` after this.
        auto_respond: ``"approve"`` or ``"reject"`` every new push after ``auto_respond_delay``.
        auto_respond_delay: Delay of the auto-response (default 2 s).
        faults: Faults active from the start (mappings as in :meth:`add_fault`'s JSON form).
        config: Raw simulator configuration (JSON object); the other arguments override it.
    """

    def __init__(
        self,
        *,
        users: Optional[UsersSpec] = None,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        allowed_scopes: Optional[Sequence[str]] = None,
        token_lifetime: Optional[Seconds] = None,
        push_ttl: Optional[Seconds] = None,
        auto_respond: Optional[Literal["approve", "reject"]] = None,
        auto_respond_delay: Seconds = 2.0,
        faults: Optional[Sequence[Mapping[str, Any]]] = None,
        config: Optional[Mapping[str, Any]] = None,
    ) -> None:
        cfg: Dict[str, Any] = {"mode": "test"}
        cfg.update(config or {})
        if users is not None:
            cfg["users"] = _users(users)
        if client_id is not None:
            cfg["client_id"] = client_id
        if client_secret is not None:
            cfg["client_secret"] = client_secret
        if allowed_scopes is not None:
            cfg["allowed_scopes"] = list(allowed_scopes)
        if token_lifetime is not None:
            cfg["token_lifetime_ms"] = _ms(token_lifetime, "token_lifetime")
        if push_ttl is not None:
            cfg["push_ttl_ms"] = _ms(push_ttl, "push_ttl")
        if auto_respond is not None:
            cfg["auto_respond"] = {
                "action": auto_respond,
                "delay_ms": _ms(auto_respond_delay, "auto_respond_delay"),
            }
        if faults is not None:
            cfg["faults"] = [dict(f) for f in faults]
        self._handle = _native.SimHandle.start(json.dumps(cfg))
        info = self._request("info")
        self._base_url: str = info["base_url"]
        self._client_id: str = info["client_id"]
        self._client_secret: str = info["client_secret"]
        self._running = True

    def _request(self, do: str, **fields: Any) -> Any:
        """One request to the simulator handle (see ``omi_push_ffi::sim``), JSON in and out."""
        if do != "info" and not getattr(self, "_running", True):
            raise SimulatorError("the simulator is stopped")
        try:
            return json.loads(self._handle.request(json.dumps({"do": do, **fields})))
        finally:
            _log_events()

    # -- lifecycle -------------------------------------------------------------------------

    def stop(self) -> None:
        """Stops the server. Idempotent."""
        self._running = False
        self._handle.stop()
        _log_events()

    @property
    def running(self) -> bool:
        """Whether the server still runs."""
        return self._running

    def __enter__(self) -> Simulator:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"Simulator(base_url={self.base_url!r}, client_id={self.client_id!r}, {state})"

    # -- connection details ----------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return self._base_url

    @property
    def client_id(self) -> str:
        """The client id the token endpoint accepts."""
        return self._client_id

    @property
    def client_secret(self) -> str:
        """The client secret the token endpoint accepts (a test value)."""
        return self._client_secret

    def client(self, **options: Any) -> Client:
        """A blocking :class:`~omi_push.Client` for this simulator; ``options`` are passed on."""
        return Client(self.base_url, **self._credentials(options))

    def async_client(self, **options: Any) -> AsyncClient:
        """An :class:`~omi_push.AsyncClient` for this simulator; ``options`` are passed on."""
        return AsyncClient(self.base_url, **self._credentials(options))

    def _credentials(self, options: Dict[str, Any]) -> Dict[str, Any]:
        merged = dict(options)
        if "access_token" not in merged:
            merged.setdefault("client_id", self.client_id)
            merged.setdefault("client_secret", self.client_secret)
        return merged

    def phone_url(self, device_id: str) -> str:
        """The device's virtual phone page (open it in a browser to approve by hand)."""
        url: str = self._request("phone_url", device_id=device_id)
        return url

    # -- users and devices -----------------------------------------------------------------

    def add_user(self, user_id: str, devices: Sequence[DeviceSpec] = ()) -> None:
        """Adds a user with its devices, replacing a user with the same id."""
        self._request("add_user", user={"id": user_id, "devices": [_device(d) for d in devices]})

    def add_device(
        self,
        user_id: str,
        device_id: str,
        *,
        name: Optional[str] = None,
        platform: Optional[str] = None,
    ) -> None:
        """Adds a device to a user, replacing a device with the same id."""
        self._request("add_device", user_id=user_id, device={"id": device_id, "name": name, "platform": platform})

    # -- the phone ---------------------------------------------------------------------------

    def _phone(self, action: str, nonce: Union[str, PushTicket], after: Optional[Seconds]) -> None:
        if after is None:
            self._request(action, nonce=_nonce(nonce))
        else:
            self.control({"do": "phone", "nonce": _nonce(nonce), "action": action, "after_ms": _ms(after, "after")})

    def approve(self, nonce: Union[str, PushTicket], *, after: Optional[Seconds] = None) -> None:
        """The user approves the push: now, or ``after`` a delay (in the background)."""
        self._phone("approve", nonce, after)

    def reject(self, nonce: Union[str, PushTicket], *, after: Optional[Seconds] = None) -> None:
        """The user denies the push: now, or ``after`` a delay (in the background)."""
        self._phone("reject", nonce, after)

    def expire(self, nonce: Union[str, PushTicket], *, after: Optional[Seconds] = None) -> None:
        """The push expires: now, or ``after`` a delay (in the background)."""
        self._phone("expire", nonce, after)

    def set_state(self, nonce: Union[str, PushTicket], state: str) -> None:
        """Sets any raw state string (e.g. one the client does not know)."""
        self._request("set_state", nonce=_nonce(nonce), state=state)

    def pushes(self) -> List[SimPush]:
        """Every push received, oldest first."""
        return [
            SimPush(
                nonce=p["nonce"],
                user_id=p["user_id"],
                device_ids=tuple(p["device_ids"]),
                message=p["message"],
                status=p["status"],
                created_ms=p["created_ms"],
            )
            for p in self._request("pushes")
        ]

    def set_auto_respond(self, action: Optional[Literal["approve", "reject"]], *, delay: Seconds = 2.0) -> None:
        """Answers every new push by itself after ``delay``; ``None`` turns it off."""
        value = None if action is None else {"action": action, "delay_ms": _ms(delay, "delay")}
        self._request("set_auto_respond", auto=value)

    # -- faults ------------------------------------------------------------------------------

    def add_fault(
        self,
        route: str = "*",
        *,
        status: Optional[int] = None,
        retry_after: Optional[int] = None,
        latency: Optional[Seconds] = None,
        drop: bool = False,
        malformed: bool = False,
        skip: int = 0,
        times: Optional[int] = None,
    ) -> None:
        """Injects a fault into requests of ``route``.

        Args:
            route: ``token``, ``devices``, ``push_device``, ``push_all``, ``confirmation``,
                ``"omi"`` (the four OMI routes) or ``"*"`` (all).
            status: Answer with this HTTP status instead of processing the request.
            retry_after: ``Retry-After`` seconds sent with ``status``.
            latency: Wait this long before anything else.
            drop: Break the connection instead of answering.
            malformed: Process the request, then answer 200 with a body that is not JSON.
            skip: Let the first ``skip`` matching requests through untouched.
            times: Then apply to this many requests (``None``: forever).
        """
        fault: Dict[str, Any] = {"route": route, "drop": drop, "malformed": malformed, "skip": skip, "times": times}
        if status is not None:
            fault["status"] = status
        if retry_after is not None:
            fault["retry_after_s"] = retry_after
        if latency is not None:
            fault["latency_ms"] = _ms(latency, "latency")
        self._request("add_fault", fault=fault)

    def clear_faults(self) -> None:
        """Removes every fault."""
        self._request("clear_faults")

    def revoke_tokens(self) -> None:
        """Every token issued so far is refused from now on (the client must fetch a new one)."""
        self._request("revoke_tokens")

    # -- the request log ---------------------------------------------------------------------

    def request_log(self) -> List[LoggedRequest]:
        """The OMI and token requests so far, oldest first."""
        return [LoggedRequest(**entry) for entry in self._request("request_log")]

    def requests(self, route: Optional[str] = None, method: Optional[str] = None) -> List[LoggedRequest]:
        """The logged requests of ``route`` (any when ``None``) and ``method`` (any when ``None``)."""
        return [
            r
            for r in self.request_log()
            if (route is None or r.route == route) and (method is None or r.method.upper() == method.upper())
        ]

    def count(self, route: str = "*", method: str = "GET") -> int:
        """How many requests of ``route`` (``"*"``: all) with ``method`` were logged."""
        n: int = self._request("count", route=route, method=method)
        return n

    def clear_log(self) -> None:
        """Empties the request log."""
        self._request("clear_log")

    # -- conformance scenarios ---------------------------------------------------------------

    def control(self, step: Mapping[str, Any]) -> None:
        """Runs one simulator-side step of a conformance scenario (``tests/conformance``).

        Raises:
            SimulatorError: The step failed (e.g. an ``expect_requests`` did not hold).
        """
        step = dict(step)
        self._request(str(step.pop("do")), **step)
