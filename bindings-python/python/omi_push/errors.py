"""Exceptions raised by omi_push.

Every failure raises a subclass of :class:`OmiError`, one per error kind of the core (the
same 16 kinds in every omi-push language), with structured attributes. Outcomes of a wait
(confirmed, rejected, expired, timed out) and step-up verdicts are not errors.

Where Python has a builtin exception for the same situation, the class also derives from it,
so ``except ValueError`` or ``except TimeoutError`` work as users expect. All of them pickle
(for multiprocessing, task queues and the like). No message or attribute ever holds the client
secret or a token.

Every exception the library raises is built by :func:`_from_record` from the core's error
record (``omi_push_ffi::ErrorRecord``): the class is chosen by the record's ``kind`` and every
attribute (``retryable`` and ``status`` included) is the core's own value.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional, Tuple, Type

__all__ = [
    "OmiError",
    "InvalidArgumentError",
    "ConfigError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitedError",
    "ServerError",
    "TransportError",
    "RequestTimeoutError",
    "ProtocolError",
    "CancelledError",
    "InternalError",
    "InvalidChallengeError",
    "ChallengeMismatchError",
    "AlreadyUsedError",
    "ThrottledError",
    "StoreUnavailableError",
]


def _rebuild(cls: Type[OmiError], message: str, state: Dict[str, Any]) -> OmiError:
    """Recreates an exception from its pickled form."""
    err = cls(message)
    err.__dict__.update(state)
    return err


class OmiError(Exception):
    """Base class of every omi_push error.

    Attributes:
        message: The error text (never holds a secret or a token).
        kind: The stable name of the error kind, e.g. ``"rate_limited"``; the same names as
            the other omi-push bindings and the conformance scenarios use.
        code: The stable code of the kind, e.g. ``"OMI_RATE_LIMITED"`` (the same in every
            omi-push language).
        server_code: The error code from the server's body (``error`` or ``error_code``), if any.
        status: The HTTP status when the server answered, else ``None``.
        retryable: ``True`` when trying the same call again later may succeed.
        request_id: The server's request id (``x-request-id``), if it sent one.
        retry_after: Seconds to wait before trying again (``Retry-After``, or the step-up
            throttle), if known.
        missing_scope: For :class:`PermissionDeniedError`, the OAuth scope the call needs.
        field: For :class:`InvalidArgumentError`, the refused argument's name.
        reason: For :class:`InvalidArgumentError`, why it was refused.
        connect: For :class:`TransportError`, the connection could not be made.
        timeout: For :class:`TransportError`, the request timed out.
    """

    kind: str = "internal"

    def __init__(
        self,
        message: str,
        *,
        kind: Optional[str] = None,
        code: Optional[str] = None,
        server_code: Optional[str] = None,
        status: Optional[int] = None,
        retryable: bool = False,
        request_id: Optional[str] = None,
        retry_after: Optional[float] = None,
        missing_scope: Optional[str] = None,
        field: Optional[str] = None,
        reason: Optional[str] = None,
        connect: bool = False,
        timeout: bool = False,
    ) -> None:
        super().__init__(message)
        self.message: str = message
        if kind is not None:
            self.kind = kind
        self.code: str = code if code is not None else "OMI_" + self.kind.upper()
        self.server_code: Optional[str] = server_code
        self.status: Optional[int] = status
        self.retryable: bool = retryable
        self.request_id: Optional[str] = request_id
        self.retry_after: Optional[float] = retry_after
        self.missing_scope: Optional[str] = missing_scope
        self.field: Optional[str] = field
        self.reason: Optional[str] = reason
        self.connect: bool = connect
        self.timeout: bool = timeout

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        extras = [
            f"{name}={getattr(self, name)!r}"
            for name in ("status", "server_code", "retry_after", "missing_scope", "field")
            if getattr(self, name, None) is not None
        ]
        inner = ", ".join([repr(self.message), *extras])
        return f"{type(self).__name__}({inner})"

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, dict(self.__dict__)))


class InvalidArgumentError(OmiError, ValueError):
    """A value was refused before any request was sent; ``field`` names the argument."""

    kind = "invalid_argument"


class ConfigError(OmiError, ValueError):
    """The configuration cannot work (bad URL, missing credentials), or the client is closed."""

    kind = "config"


class AuthenticationError(OmiError):
    """The token endpoint refused the client credentials, or a fresh token was refused (401)."""

    kind = "authentication"


class PermissionDeniedError(OmiError, PermissionError):
    """The access token lacks the scope this call needs (403); see ``missing_scope``."""

    kind = "permission_denied"


class NotFoundError(OmiError, LookupError):
    """Unknown user, device or nonce (404)."""

    kind = "not_found"


class RateLimitedError(OmiError):
    """The server asked to slow down (429, or 503 with Retry-After); see ``retry_after``."""

    kind = "rate_limited"


class ServerError(OmiError):
    """Any other error status from the server; see ``status`` and ``server_code``."""

    kind = "server"


class TransportError(OmiError, ConnectionError):
    """The request did not complete: connection refused or dropped, DNS, TLS."""

    kind = "transport"


class RequestTimeoutError(TransportError, TimeoutError):
    """A :class:`TransportError` whose request took longer than ``request_timeout``
    (``timeout`` is true).

    A wait that runs out of time is not an error: it returns an ``Outcome`` whose
    ``timed_out`` is true.
    """

    kind = "transport"


class ProtocolError(OmiError):
    """The server answered something this client cannot read."""

    kind = "protocol"


class CancelledError(OmiError):
    """The call was cancelled inside the library: a wait was in flight when its client was
    closed (``close()``, or leaving a ``with`` / ``async with`` block), e.g. at shutdown.

    Cancelling an asyncio task raises :class:`asyncio.CancelledError` as usual, and Ctrl-C
    during a blocking call raises :class:`KeyboardInterrupt`; this class is for cancellation
    that comes from the core itself.
    """

    kind = "cancelled"


class InternalError(OmiError):
    """A bug inside omi-push (a task of the library panicked); please report it."""

    kind = "internal"


class InvalidChallengeError(OmiError, ValueError):
    """A step-up challenge is not one this app signed: edited, truncated, garbled, from
    another key, or too long. Refused before any request."""

    kind = "invalid_challenge"


class ChallengeMismatchError(OmiError, PermissionError):
    """A step-up challenge was issued for another user or another action (``field`` says
    which). Refused before any request."""

    kind = "challenge_mismatch"


class AlreadyUsedError(OmiError):
    """A step-up challenge was already approved once; an approval is never given twice."""

    kind = "already_used"


class ThrottledError(OmiError):
    """Too many step-up pushes to this user (unresolved ones, or too soon after the last):
    nothing was sent. ``retry_after`` says when the next one may go, if known."""

    kind = "throttled"


class StoreUnavailableError(OmiError):
    """The step-up store (Redis) cannot answer; nothing was approved (fail closed)."""

    kind = "store_unavailable"


CLASSES: Dict[str, Type[OmiError]] = {cls.kind: cls for cls in OmiError.__subclasses__()}
"""The class of each error kind (the core's kind names): the direct subclasses of :class:`OmiError`,
in the order of definition (``RequestTimeoutError`` is the ``transport`` kind with ``timeout``)."""


def _from_json(text: str) -> OmiError:
    """The exception of a core error record as JSON, as the native module hands it over."""
    return _from_record(json.loads(text))


def _from_record(record: Mapping[str, Any]) -> OmiError:
    """The exception of a core error record (the only way the library builds its errors)."""
    kind = str(record["kind"])
    cls = CLASSES.get(kind, InternalError)
    if cls is TransportError and record.get("timeout"):
        cls = RequestTimeoutError
    retry_after_ms = record.get("retry_after_ms")
    return cls(
        str(record["message"]),
        kind=kind,
        code=record.get("code"),
        server_code=record.get("server_code"),
        status=record.get("status"),
        retryable=bool(record.get("retryable")),
        request_id=record.get("request_id"),
        retry_after=None if retry_after_ms is None else retry_after_ms / 1000,
        missing_scope=record.get("missing_scope"),
        field=record.get("field"),
        reason=record.get("reason"),
        connect=bool(record.get("connect")),
        timeout=bool(record.get("timeout")),
    )
