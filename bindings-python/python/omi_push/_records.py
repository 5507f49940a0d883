"""The result records (:class:`Device`, :class:`PushTicket`, :class:`Status`, :class:`Outcome`):
plain frozen dataclasses, so they pickle, hash, compare and can be built for fakes in tests.

The native client hands each record over as the JSON of the core's FFI record
(``omi_push_ffi::records``): its derived flags (``is_final``, ``is_confirmed``) come from there,
and a record built here checks its values through the same records.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, Type, TypeVar

from . import _native
from ._args import string, type_error

__all__ = ["Device", "PushTicket", "Status", "Outcome"]

State = Literal["pending", "confirmed", "rejected", "expired", "unknown"]
OutcomeKind = Literal["confirmed", "rejected", "expired", "timed_out"]


@dataclass(frozen=True, init=False, repr=False)
class Device:
    """A device enrolled for push confirmations. Immutable, hashable, picklable; build one
    for a fake in tests."""

    id: str
    """The device id, used as ``device_id`` of ``send_push``."""
    name: Optional[str]
    """Display name, when the server gives one."""
    platform: Optional[str]
    """``"android"``, ``"ios"`` or whatever else the server says."""
    created_at: Optional[str]
    """Enrolment time as the server sent it (RFC 3339 text)."""
    last_used_at: Optional[str]
    """Time of last use as the server sent it (RFC 3339 text)."""
    _extra: Tuple[Tuple[str, str], ...] = field(default=())

    def __init__(
        self,
        id: str,
        name: Optional[str] = None,
        platform: Optional[str] = None,
        created_at: Optional[str] = None,
        last_used_at: Optional[str] = None,
        extra: Optional[Mapping[str, Any]] = None,
    ) -> None:
        pairs = tuple((str(k), json.dumps(v, sort_keys=True)) for k, v in (extra or {}).items())
        _set(self, id=id, name=name, platform=platform, created_at=created_at, last_used_at=last_used_at, _extra=pairs)

    @classmethod
    def _of(cls, r: Mapping[str, Any]) -> Device:
        # `extra`: the other fields as JSON text, as pairs or a map.
        pairs = r["extra"].items() if isinstance(r["extra"], dict) else r["extra"]
        extra = tuple((k, json.dumps(json.loads(v), sort_keys=True)) for k, v in pairs)
        return _of(cls, ("id", "name", "platform", "created_at", "last_used_at"), r, _extra=extra)

    @property
    def extra(self) -> Dict[str, Any]:
        """Every other field the server sent, as it came (a fresh dict on each access)."""
        return {k: json.loads(v) for k, v in self._extra}

    def __reduce__(self) -> Any:
        return (Device, (self.id, self.name, self.platform, self.created_at, self.last_used_at, self.extra))

    def __repr__(self) -> str:
        return f"Device(id={self.id!r}, name={self.name!r}, platform={self.platform!r})"


@dataclass(frozen=True, repr=False)
class PushTicket:
    """A sent push. ``str(ticket)`` is a compact, URL-safe string that :meth:`PushTicket.parse`
    reads back, so a web app can keep it in a session and wait from another request or worker.
    It holds no secret."""

    nonce: str
    """The nonce that identifies this push; pass it to ``wait_for_confirmation``."""
    user_id: str
    """The user the push was sent to."""
    device_id: Optional[str]
    """The device the push was sent to, or ``None`` for all of the user's devices."""
    sent_at_ms: int
    """When the push was accepted, in Unix milliseconds."""
    expires_at_ms: Optional[int] = None
    """When the server said the push expires, in Unix milliseconds, if it said."""

    @classmethod
    def parse(cls, text: str) -> PushTicket:
        """Reads a ticket back from ``str(ticket)``. Raises ``InvalidArgumentError`` (a
        ``ValueError``) when the text is not a ticket."""
        return ticket(_native.parse_ticket(text))

    @property
    def sent_at(self) -> datetime:
        """When the push was accepted (an aware ``datetime`` in UTC)."""
        return datetime.fromtimestamp(self.sent_at_ms / 1000, tz=timezone.utc)

    @property
    def expires_at(self) -> Optional[datetime]:
        """When the server said the push expires (aware ``datetime`` in UTC), or ``None``."""
        ms = self.expires_at_ms
        return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=timezone.utc)

    def __str__(self) -> str:
        return _native.ticket_text((self.nonce, self.user_id, self.device_id, self.sent_at_ms, self.expires_at_ms))

    def __reduce__(self) -> Any:
        return (PushTicket.parse, (str(self),))

    def __repr__(self) -> str:
        return f"PushTicket(nonce={self.nonce!r}, user_id={self.user_id!r}, device_id={self.device_id!r})"


@dataclass(frozen=True, init=False, repr=False)
class Status:
    """The confirmation state of a push, as read once. Immutable, hashable, picklable; build
    one for a fake in tests (``is_final`` follows the state; ``raw`` defaults to its upper case)."""

    state: State
    """The state; ``"unknown"`` for a value this client does not know (treated as pending)."""
    raw: str
    """The state string exactly as the server sent it."""
    is_final: bool
    """``True`` when no further change is expected (confirmed, rejected or expired)."""

    def __init__(self, state: State, raw: Optional[str] = None) -> None:
        state = _name("state", state, _native.STATES)
        raw = state.upper() if string("raw", raw, optional=True) is None else raw
        _set(self, state=state, raw=raw, is_final=_native.state_is_final(state))

    def __reduce__(self) -> Any:
        return (Status, (self.state, self.raw))

    def __repr__(self) -> str:
        return f"Status(state={self.state!r}, raw={self.raw!r})"


@dataclass(frozen=True, init=False, repr=False)
class Outcome:
    """How a wait ended. Outcomes are data, not errors: only failures raise. Immutable,
    hashable, picklable; ``bool(outcome)`` is ``outcome.is_confirmed``; build one for a fake."""

    kind: OutcomeKind
    """``"confirmed"``, ``"rejected"``, ``"expired"`` or ``"timed_out"``."""
    elapsed: float
    """Seconds from the start of the wait to its end."""
    polls: int
    """Confirmation requests sent (failed ones included)."""
    last_status: Optional[str]
    """The last state string the server sent, as it came."""
    is_confirmed: bool
    """The user approved the push (also ``confirmed``)."""

    def __init__(
        self, kind: OutcomeKind, elapsed: float = 0.0, polls: int = 0, last_status: Optional[str] = None
    ) -> None:
        kind = _name("kind", kind, _native.OUTCOMES)
        if isinstance(elapsed, bool) or not isinstance(elapsed, (int, float)):
            raise type_error("elapsed", "a number of seconds", elapsed)
        if not (math.isfinite(elapsed) and elapsed >= 0):
            raise _native.refusal("must be a finite, non-negative number of seconds", "elapsed")
        if isinstance(polls, bool) or not isinstance(polls, int) or not 0 <= polls < 2**32:
            raise type_error("polls", "an int from 0 to 2**32 - 1", polls)
        last_status = string("last_status", last_status, optional=True)
        confirmed = kind == "confirmed"
        _set(self, kind=kind, elapsed=float(elapsed), polls=polls, last_status=last_status, is_confirmed=confirmed)


    def __bool__(self) -> bool:
        return self.is_confirmed

    @property
    def confirmed(self) -> bool:
        """The user approved the push."""
        return self.is_confirmed

    @property
    def rejected(self) -> bool:
        """The user denied the push."""
        return self.kind == "rejected"

    @property
    def expired(self) -> bool:
        """The push expired before the user answered."""
        return self.kind == "expired"

    @property
    def timed_out(self) -> bool:
        """The wait's timeout passed first; the push may still be answered later."""
        return self.kind == "timed_out"

    def __reduce__(self) -> Any:
        return (Outcome, (self.kind, self.elapsed, self.polls, self.last_status))

    def __repr__(self) -> str:
        return f"Outcome(kind={self.kind!r}, elapsed={self.elapsed:.3f}, polls={self.polls}, last_status={self.last_status!r})"


_R = TypeVar("_R")


def _name(field: str, given: Any, names: Sequence[str]) -> Any:
    """``given`` if it is one of the core's ``names`` (an ``InvalidArgumentError`` else)."""
    if given not in names:
        given_text = json.dumps(string(field, given))
        raise _native.refusal(f"must be one of {', '.join(names)}, not {given_text}", field)
    return given


def _of(cls: Type[_R], names: Tuple[str, ...], record: Mapping[str, Any], **more: Any) -> _R:
    """A record of the core's, without ``__init__`` (the values are the core's)."""
    obj = cls.__new__(cls)
    obj.__dict__.update({name: record[name] for name in names}, **more)
    return obj


def devices(text: str) -> List[Device]:
    return [Device._of(d) for d in json.loads(text)]


def ticket(text: str) -> PushTicket:
    r = json.loads(text)
    return PushTicket(r["nonce"], r["user_id"], r["device_id"], r["sent_at_ms"], r["expires_at_ms"])


def status(text: str) -> Status:
    return _of(Status, ("state", "raw", "is_final"), json.loads(text))


def outcome(text: str) -> Outcome:
    r = json.loads(text)
    return _of(Outcome, ("kind", "polls", "last_status", "is_confirmed"), r, elapsed=r["elapsed_ms"] / 1000)


def _set(obj: object, **values: Any) -> None:
    """Fills a frozen record (its own ``__init__`` only)."""
    for name, value in values.items():
        object.__setattr__(obj, name, value)
