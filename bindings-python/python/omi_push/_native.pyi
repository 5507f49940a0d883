"""Type stubs of the private native module ``omi_push._native``; import ``omi_push`` instead."""

from datetime import timedelta
from typing import Any, Awaitable, Callable, Dict, List, Literal, Optional, Sequence, Tuple, Union, final, overload

_Seconds = Union[float, timedelta]
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

# The result records as tuples, in the fields' order (omi_push._records makes the dataclasses).
_DeviceT = Tuple[str, Optional[str], Optional[str], Optional[str], Optional[str], List[Tuple[str, str]]]
_TicketT = Tuple[str, str, Optional[str], int, Optional[int]]
_StatusT = Tuple[_State, str, bool]
_OutcomeT = Tuple[_OutcomeKind, float, int, Optional[str], bool]

def parse_ticket(text: str) -> _TicketT: ...
def ticket_text(nonce: str, user_id: str, device_id: Optional[str], sent_at_ms: int, expires_at_ms: Optional[int]) -> str: ...
def status_record(state: str, raw: Optional[str] = None) -> _StatusT: ...
def outcome_record(kind: str, elapsed: float, polls: int, last_status: Optional[str] = None) -> _OutcomeT: ...

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
    # Each call blocks, or with ``asyncio=True`` returns an awaitable of the same value.
    @overload
    def list_devices(self, user_id: str, *, asyncio: Literal[False] = ...) -> List[_DeviceT]: ...
    @overload
    def list_devices(self, user_id: str, *, asyncio: Literal[True]) -> Awaitable[List[_DeviceT]]: ...
    @overload
    def send_push(
        self, user_id: str, message: str, *, device_id: Optional[str] = ..., nonce: Optional[str] = ...,
        asyncio: Literal[False] = ...,
    ) -> _TicketT: ...
    @overload
    def send_push(
        self, user_id: str, message: str, *, device_id: Optional[str] = ..., nonce: Optional[str] = ...,
        asyncio: Literal[True],
    ) -> Awaitable[_TicketT]: ...
    @overload
    def confirmation_status(self, nonce: str, *, asyncio: Literal[False] = ...) -> _StatusT: ...
    @overload
    def confirmation_status(self, nonce: str, *, asyncio: Literal[True]) -> Awaitable[_StatusT]: ...
    @overload
    def wait_for_confirmation(
        self, nonce: str, *, timeout: Optional[_Seconds] = ..., poll_interval: Optional[_Seconds] = ...,
        asyncio: Literal[False] = ...,
    ) -> _OutcomeT: ...
    @overload
    def wait_for_confirmation(
        self, nonce: str, *, timeout: Optional[_Seconds] = ..., poll_interval: Optional[_Seconds] = ...,
        asyncio: Literal[True],
    ) -> Awaitable[_OutcomeT]: ...

@final
class StepUpCore:
    """The native step-up behind ``StepUp`` and ``AsyncStepUp``."""

    def __init__(self, core: Core, keys: List[bytes], options_json: str) -> None: ...
    @overload
    def devices(self, user_id: str, *, asyncio: Literal[False] = ...) -> List[_DeviceT]: ...
    @overload
    def devices(self, user_id: str, *, asyncio: Literal[True]) -> Awaitable[List[_DeviceT]]: ...
    @overload
    def begin(
        self, user_id: str, action: str, message: str, *, device_id: Optional[str] = ..., asyncio: Literal[False] = ...
    ) -> str: ...
    @overload
    def begin(
        self, user_id: str, action: str, message: str, *, device_id: Optional[str] = ..., asyncio: Literal[True]
    ) -> Awaitable[str]: ...
    @overload
    def check(self, challenge: str, user_id: str, action: str, *, asyncio: Literal[False] = ...) -> _Verdict: ...
    @overload
    def check(self, challenge: str, user_id: str, action: str, *, asyncio: Literal[True]) -> Awaitable[_Verdict]: ...
    @overload
    def wait(
        self, challenge: str, user_id: str, action: str, *, timeout: Optional[_Seconds] = ...,
        poll_interval: Optional[_Seconds] = ..., asyncio: Literal[False] = ...,
    ) -> _Verdict: ...
    @overload
    def wait(
        self, challenge: str, user_id: str, action: str, *, timeout: Optional[_Seconds] = ...,
        poll_interval: Optional[_Seconds] = ..., asyncio: Literal[True],
    ) -> Awaitable[_Verdict]: ...

_GuardArgs = Tuple[str, Optional[str], Optional[str], str, bool]
"""action, user_id, session, url, wants_json"""

def flow_wants_json(accept: Optional[str]) -> bool:
    """True for an API client by its ``Accept`` header (the core's one rule)."""

@final
class FlowCore:
    """The native web step-up flow behind ``StepUpFlow`` and ``AsyncStepUpFlow`` (JSON out)."""

    def __init__(self, step_up: StepUpCore, mount: str, message: str, layout: Optional[str] = None) -> None: ...
    def guard(self, args: _GuardArgs) -> str: ...
    def guard_async(self, args: _GuardArgs) -> Awaitable[str]: ...
    def handle(self, request: str) -> str: ...
    def handle_async(self, request: str) -> Awaitable[str]: ...
