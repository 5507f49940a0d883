"""Type stubs of the private native module ``omi_push._native``; import ``omi_push`` instead."""

from datetime import datetime, timedelta
from typing import Any, Awaitable, Callable, Dict, List, Literal, Optional, Sequence, Union, final

_Seconds = Union[float, timedelta]
_Nonce = Union[str, "PushTicket"]
_Verdict = Literal["pending", "approved", "rejected", "expired"]
_State = Literal["pending", "confirmed", "rejected", "expired", "unknown"]
_OutcomeKind = Literal["confirmed", "rejected", "expired", "timed_out"]

__version__: str

def generate_nonce() -> str:
    """A fresh random nonce (24 URL-safe characters), as ``send_push`` makes when none is given."""

def error_kinds() -> List[str]: ...
def client_option_names() -> List[str]: ...
def raise_sample_error(kind: str) -> None: ...
def sample_error_record(kind: str) -> str: ...

@final
class Device:
    """A device enrolled for push confirmations. Immutable, hashable, picklable; build one
    for a fake in tests."""

    def __init__(
        self,
        id: str,
        name: Optional[str] = None,
        platform: Optional[str] = None,
        created_at: Optional[str] = None,
        last_used_at: Optional[str] = None,
        extra: Optional[Dict[str, Any]] = None,
    ) -> None: ...
    def __hash__(self) -> int: ...

    @property
    def id(self) -> str:
        """The device id, used as ``device_id`` of ``send_push``."""
    @property
    def name(self) -> Optional[str]:
        """Display name, when the server gives one."""
    @property
    def platform(self) -> Optional[str]:
        """``"android"``, ``"ios"`` or whatever else the server says."""
    @property
    def created_at(self) -> Optional[str]:
        """Enrolment time as the server sent it (RFC 3339 text)."""
    @property
    def last_used_at(self) -> Optional[str]:
        """Time of last use as the server sent it (RFC 3339 text)."""
    @property
    def extra(self) -> Dict[str, Any]:
        """Every other field the server sent, as it came (a fresh dict on each access)."""

@final
class PushTicket:
    """A sent push; ``str(ticket)`` round-trips through :meth:`PushTicket.parse`."""

    @classmethod
    def parse(cls, text: str) -> PushTicket:
        """Reads a ticket back from ``str(ticket)``; raises ``InvalidArgumentError``."""
    @property
    def nonce(self) -> str:
        """The nonce that identifies this push."""
    @property
    def user_id(self) -> str:
        """The user the push was sent to."""
    @property
    def device_id(self) -> Optional[str]:
        """The device the push was sent to, or ``None`` for all of the user's devices."""
    @property
    def sent_at_ms(self) -> int:
        """When the push was accepted, in Unix milliseconds."""
    @property
    def expires_at_ms(self) -> Optional[int]:
        """When the server said the push expires, in Unix milliseconds, if it said."""
    @property
    def sent_at(self) -> datetime:
        """When the push was accepted (aware, UTC)."""
    @property
    def expires_at(self) -> Optional[datetime]:
        """When the server said the push expires (aware, UTC), or ``None``."""
    def __hash__(self) -> int: ...

@final
class Status:
    """The confirmation state of a push, as read once. Immutable, hashable, picklable; build
    one for a fake in tests (``is_final`` follows the state; ``raw`` defaults to its upper case)."""

    def __init__(self, state: _State, raw: Optional[str] = None) -> None: ...
    def __hash__(self) -> int: ...

    @property
    def state(self) -> Literal["pending", "confirmed", "rejected", "expired", "unknown"]:
        """The state; ``"unknown"`` for a value this client does not know (treated as pending)."""
    @property
    def raw(self) -> str:
        """The state string exactly as the server sent it."""
    @property
    def is_final(self) -> bool:
        """``True`` when no further change is expected."""

@final
class Outcome:
    """How a wait ended. Outcomes are data, not errors. Immutable, hashable, picklable;
    ``bool(outcome)`` is ``outcome.is_confirmed``; build one for a fake in tests."""

    def __init__(
        self, kind: _OutcomeKind, elapsed: float = 0.0, polls: int = 0, last_status: Optional[str] = None
    ) -> None: ...
    def __hash__(self) -> int: ...
    def __bool__(self) -> bool: ...

    @property
    def kind(self) -> Literal["confirmed", "rejected", "expired", "timed_out"]:
        """How the wait ended."""
    @property
    def elapsed(self) -> float:
        """Seconds from the start of the wait to its end."""
    @property
    def polls(self) -> int:
        """Confirmation requests sent (failed ones included)."""
    @property
    def last_status(self) -> Optional[str]:
        """The last state string the server sent, as it came."""
    @property
    def confirmed(self) -> bool:
        """The user approved the push."""
    @property
    def is_confirmed(self) -> bool:
        """The user approved the push (the same as ``confirmed``)."""
    @property
    def rejected(self) -> bool:
        """The user denied the push."""
    @property
    def expired(self) -> bool:
        """The push expired before the user answered."""
    @property
    def timed_out(self) -> bool:
        """The wait's timeout passed first."""

@final
class Core:
    """The native client behind ``Client`` and ``AsyncClient``."""

    def __init__(
        self,
        base_url: str,
        *,
        client_id: Optional[str] = ...,
        client_secret: Optional[str] = ...,
        access_token: Optional[str] = ...,
        client_auth: Optional[str] = ...,
        token_url: Optional[str] = ...,
        scopes: Optional[Sequence[str]] = ...,
        request_timeout: Optional[_Seconds] = ...,
        connect_timeout: Optional[_Seconds] = ...,
        poll_interval: Optional[_Seconds] = ...,
        wait_timeout: Optional[_Seconds] = ...,
        call_timeout: Optional[_Seconds] = ...,
        max_retries: Optional[int] = ...,
        max_response_bytes: Optional[int] = ...,
        request_budget: Optional[int] = ...,
        http2: Optional[str] = ...,
        paths: Optional[Dict[str, str]] = ...,
        max_message_chars: Optional[int] = ...,
        allow_insecure_http: Optional[bool] = ...,
        ca_cert_pem: Optional[str] = ...,
        user_agent: Optional[str] = ...,
        on_event: Optional[Callable[[Dict[str, Any]], object]] = ...,
    ) -> None: ...
    @property
    def base_url(self) -> str: ...
    @property
    def client_id(self) -> Optional[str]: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def list_devices(self, user_id: str) -> List[Device]: ...
    def list_devices_async(self, user_id: str) -> Awaitable[List[Device]]: ...
    def send_push(
        self, user_id: str, message: str, *, device_id: Optional[str] = ..., nonce: Optional[str] = ...
    ) -> PushTicket: ...
    def send_push_async(
        self, user_id: str, message: str, *, device_id: Optional[str] = ..., nonce: Optional[str] = ...
    ) -> Awaitable[PushTicket]: ...
    def confirmation_status(self, nonce: _Nonce) -> Status: ...
    def confirmation_status_async(self, nonce: _Nonce) -> Awaitable[Status]: ...
    def wait_for_confirmation(
        self, nonce: _Nonce, *, timeout: Optional[_Seconds] = ..., poll_interval: Optional[_Seconds] = ...
    ) -> Outcome: ...
    def wait_for_confirmation_async(
        self, nonce: _Nonce, *, timeout: Optional[_Seconds] = ..., poll_interval: Optional[_Seconds] = ...
    ) -> Awaitable[Outcome]: ...

@final
class StepUpCore:
    """The native step-up behind ``StepUp`` and ``AsyncStepUp``."""

    def __init__(self, core: Core, keys: List[bytes], options_json: str) -> None: ...
    def devices(self, user_id: str) -> List[Device]: ...
    def devices_async(self, user_id: str) -> Awaitable[List[Device]]: ...
    def begin(self, user_id: str, action: str, message: str, *, device_id: Optional[str] = ...) -> str: ...
    def begin_async(
        self, user_id: str, action: str, message: str, *, device_id: Optional[str] = ...
    ) -> Awaitable[str]: ...
    def check(self, challenge: str, user_id: str, action: str) -> _Verdict: ...
    def check_async(self, challenge: str, user_id: str, action: str) -> Awaitable[_Verdict]: ...
    def wait(
        self,
        challenge: str,
        user_id: str,
        action: str,
        *,
        timeout: Optional[_Seconds] = ...,
        poll_interval: Optional[_Seconds] = ...,
    ) -> _Verdict: ...
    def wait_async(
        self,
        challenge: str,
        user_id: str,
        action: str,
        *,
        timeout: Optional[_Seconds] = ...,
        poll_interval: Optional[_Seconds] = ...,
    ) -> Awaitable[_Verdict]: ...

@final
class SimHandle:
    """A running simulator, JSON in and out (see ``omi_push.testing.Simulator``)."""

    @staticmethod
    def start(config_json: str) -> SimHandle: ...
    def request(self, request_json: str) -> str: ...
    def stop(self) -> None: ...
