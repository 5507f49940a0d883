"""Type stubs of the private native module ``omi_push._native``; import ``omi_push`` instead."""

from typing import Any, Awaitable, Callable, Dict, List, Literal, Optional, Tuple, final, overload

_Verdict = Literal["pending", "approved", "rejected", "expired"]
_WaitMs = Tuple[Optional[float], Optional[float]]
"""timeout_ms, poll_interval_ms"""
_Claim = Tuple[str, str, str]
"""challenge, user_id, action"""

__version__: str

def generate_nonce() -> str:
    """A fresh random nonce (24 URL-safe characters), as ``send_push`` makes when none is given."""

def error_kinds() -> List[str]: ...
def client_option_names() -> List[str]: ...
def raise_sample_error(kind: str) -> None: ...
def sample_error_record(kind: str) -> str: ...

def refusal(reason: str, field: Optional[str]) -> Exception:
    """The core's error for a value refused before the call: ``InvalidArgumentError`` for
    ``field``, or ``ConfigError``."""

# Results are the JSON text of the core's FFI records (omi_push._records makes the dataclasses).
STATES: List[str]
OUTCOMES: List[str]

def parse_ticket(text: str) -> str: ...
def ticket_text(fields: Tuple[str, str, Optional[str], int, Optional[int]]) -> str: ...
def state_is_final(state: str) -> bool: ...

@final
class Core:
    """The native client behind ``Client`` and ``AsyncClient``."""

    def __init__(
        self,
        options: str,
        client_secret: Optional[str],
        access_token: Optional[str],
        on_event: Optional[Callable[[Dict[str, Any]], object]],
    ) -> None: ...
    @property
    def base_url(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    # Each call blocks, or with ``asyncio=True`` returns an awaitable of the same value.
    @overload
    def list_devices(self, user_id: str, *, asyncio: Literal[False]) -> str: ...
    @overload
    def list_devices(self, user_id: str, *, asyncio: Literal[True]) -> Awaitable[str]: ...
    @overload
    def send_push(
        self, user_id: str, message: str, device_id: Optional[str], nonce: Optional[str], *, asyncio: Literal[False]
    ) -> str: ...
    @overload
    def send_push(
        self, user_id: str, message: str, device_id: Optional[str], nonce: Optional[str], *, asyncio: Literal[True]
    ) -> Awaitable[str]: ...
    @overload
    def confirmation_status(self, nonce: str, *, asyncio: Literal[False]) -> str: ...
    @overload
    def confirmation_status(self, nonce: str, *, asyncio: Literal[True]) -> Awaitable[str]: ...
    @overload
    def wait_for_confirmation(self, nonce: str, wait: _WaitMs, *, asyncio: Literal[False]) -> str: ...
    @overload
    def wait_for_confirmation(self, nonce: str, wait: _WaitMs, *, asyncio: Literal[True]) -> Awaitable[str]: ...

@final
class StepUpCore:
    """The native step-up behind ``StepUp`` and ``AsyncStepUp``."""

    def __init__(self, core: Core, keys: List[bytes], options_json: str) -> None: ...
    @overload
    def devices(self, user_id: str, *, asyncio: Literal[False]) -> str: ...
    @overload
    def devices(self, user_id: str, *, asyncio: Literal[True]) -> Awaitable[str]: ...
    @overload
    def begin(
        self, user_id: str, action: str, message: str, device_id: Optional[str], *, asyncio: Literal[False]
    ) -> str: ...
    @overload
    def begin(
        self, user_id: str, action: str, message: str, device_id: Optional[str], *, asyncio: Literal[True]
    ) -> Awaitable[str]: ...
    @overload
    def check(self, claim: _Claim, *, asyncio: Literal[False]) -> _Verdict: ...
    @overload
    def check(self, claim: _Claim, *, asyncio: Literal[True]) -> Awaitable[_Verdict]: ...
    @overload
    def wait(self, claim: _Claim, wait: _WaitMs, *, asyncio: Literal[False]) -> _Verdict: ...
    @overload
    def wait(self, claim: _Claim, wait: _WaitMs, *, asyncio: Literal[True]) -> Awaitable[_Verdict]: ...

_GuardArgs = Tuple[str, Optional[str], Optional[str], str, bool]
"""action, user_id, session, url, wants_json"""

def flow_wants_json(accept: Optional[str]) -> bool:
    """True for an API client by its ``Accept`` header (the core's one rule)."""

@final
class FlowCore:
    """The native web step-up flow behind ``StepUpFlow`` and ``AsyncStepUpFlow`` (JSON out)."""

    def __init__(self, step_up: StepUpCore, mount: str, message: str, layout: Optional[str]) -> None: ...
    @overload
    def guard(self, args: _GuardArgs, *, asyncio: Literal[False]) -> str: ...
    @overload
    def guard(self, args: _GuardArgs, *, asyncio: Literal[True]) -> Awaitable[str]: ...
    @overload
    def handle(self, request: str, *, asyncio: Literal[False]) -> str: ...
    @overload
    def handle(self, request: str, *, asyncio: Literal[True]) -> Awaitable[str]: ...
