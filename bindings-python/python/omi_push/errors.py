"""Exceptions raised by omi_push.

Every failure raises a subclass of :class:`OmiError`, one per error kind of the core, with
structured attributes. Outcomes of a wait (confirmed, rejected, expired, timed out) are not
errors: they come back as :class:`omi_push.Outcome`.

Where Python has a builtin exception for the same situation, the class also derives from it,
so ``except ValueError`` or ``except TimeoutError`` work as users expect. All of them pickle
(for multiprocessing, task queues and the like). No message or attribute ever holds the client
secret or a token.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple, Type

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
        status: The HTTP status when the server answered, else ``None``.
        code: The error code from the server's body (``error`` or ``error_code``), if any.
        request_id: The server's request id (``x-request-id``), if it sent one.
        retry_after: Seconds the server asked to wait (``Retry-After``), if it said.
        missing_scope: For :class:`PermissionDeniedError`, the OAuth scope the call needs.
        field: For :class:`InvalidArgumentError`, the refused argument's name.
        retryable: ``True`` when trying the same call again later may succeed.
    """

    kind: str = "unknown"

    def __init__(
        self,
        message: str,
        *,
        kind: Optional[str] = None,
        status: Optional[int] = None,
        code: Optional[str] = None,
        request_id: Optional[str] = None,
        retry_after: Optional[float] = None,
        missing_scope: Optional[str] = None,
        field: Optional[str] = None,
        retryable: bool = False,
    ) -> None:
        super().__init__(message)
        self.message: str = message
        if kind is not None:
            self.kind = kind
        self.status: Optional[int] = status
        self.code: Optional[str] = code
        self.request_id: Optional[str] = request_id
        self.retry_after: Optional[float] = retry_after
        self.missing_scope: Optional[str] = missing_scope
        self.field: Optional[str] = field
        self.retryable: bool = retryable

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        extras = [
            f"{name}={getattr(self, name)!r}"
            for name in ("status", "code", "retry_after", "missing_scope", "field")
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
    """Any other error status from the server; see ``status`` and ``code``."""

    kind = "server"


class TransportError(OmiError, ConnectionError):
    """The request did not complete: connection refused or dropped, DNS, TLS."""

    kind = "transport"


class RequestTimeoutError(TransportError, TimeoutError):
    """One HTTP request took longer than ``request_timeout``.

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
