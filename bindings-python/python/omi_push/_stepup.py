"""Step-up: let *this user* do *this one thing*, *now*, *once*.

:class:`StepUp` (blocking) and :class:`AsyncStepUp` (asyncio) wrap the core's step-up on a
:class:`~omi_push.Client` / :class:`~omi_push.AsyncClient`: ``begin`` sends the push and
returns a signed :class:`Challenge`; ``check`` (one poll) and ``wait`` verify the challenge
before any request (signature and key, user, action, age) and give ``"approved"`` exactly
once, consuming it atomically in the store (memory, or Redis across every process of an app).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, List, Literal, Optional, Sequence, Union

from . import _native
from ._args import Seconds, ms, type_error
from ._client import AsyncClient, Client
from ._records import Device
from ._records import devices as _devices

__all__ = ["StepUp", "AsyncStepUp", "Challenge", "Verdict", "Key"]

Verdict = Literal["pending", "approved", "rejected", "expired"]
"""The state of a challenge: ``"approved"`` is given once per challenge."""

Key = Union[bytes, str]
"""A signing key: bytes, or a str (its UTF-8 bytes); at least 32 bytes."""

VERDICTS = ("pending", "approved", "rejected", "expired")


@dataclass(frozen=True)
class Challenge:
    """What :meth:`StepUp.begin` returns. ``text`` (also ``str(challenge)``) is the signed
    challenge: it holds no secret and is safe in a cookie, a form or a URL; the other fields
    are what it says, for display and logs. ``check`` and ``wait`` take the text or this."""

    text: str
    user_id: str
    action: str
    device_id: Optional[str]
    """The device the push went to, or ``None`` for all of the user's devices."""
    nonce: str
    """The push's nonce (what the phone confirms)."""
    issued_at_ms: int
    """Unix milliseconds."""
    expires_at_ms: int
    """Unix milliseconds; after it, ``check`` and ``wait`` say ``"expired"`` with no request."""

    @property
    def issued_at(self) -> datetime:
        """When the challenge was issued (aware, UTC)."""
        return datetime.fromtimestamp(self.issued_at_ms / 1000, tz=timezone.utc)

    @property
    def expires_at(self) -> datetime:
        """When the challenge expires (aware, UTC)."""
        return datetime.fromtimestamp(self.expires_at_ms / 1000, tz=timezone.utc)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Challenge(user_id={self.user_id!r}, action={self.action!r}, device_id={self.device_id!r})"

    @classmethod
    def _from_json(cls, text: str) -> Challenge:
        record: Dict[str, Any] = json.loads(text)
        return cls(**record)


def _key(value: Any) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise type_error("a step-up key", "bytes or str", value)


def _text(challenge: Union[str, Challenge]) -> str:
    if isinstance(challenge, Challenge):
        return challenge.text
    if isinstance(challenge, str):
        return challenge
    raise type_error("challenge", "a str or a Challenge", challenge)


class _BaseStepUp:
    __slots__ = ("_core", "_client")

    def __init__(
        self,
        client: Any,
        keys: Union[Key, Sequence[Key]],
        *,
        max_age: Optional[Seconds] = None,
        max_unresolved: Optional[int] = None,
        min_gap: Optional[Seconds] = None,
        store: Optional[str] = None,
        store_prefix: Optional[str] = None,
    ) -> None:
        key_list: List[Any] = [keys] if isinstance(keys, (bytes, bytearray, memoryview, str)) else list(keys)
        if isinstance(max_unresolved, bool) or not isinstance(max_unresolved, (int, type(None))):
            raise type_error("max_unresolved", "an int", max_unresolved)
        options = {
            "max_age_ms": ms("max_age", max_age),
            "max_unresolved": max_unresolved,
            "min_gap_ms": ms("min_gap", min_gap),
            "store": store,
            "store_prefix": store_prefix,
        }
        self._client = client
        self._core = _native.StepUpCore(
            client._core, [_key(k) for k in key_list], json.dumps({k: v for k, v in options.items() if v is not None})
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._client!r})"


class StepUp(_BaseStepUp):
    """Step-up challenges on a blocking :class:`~omi_push.Client`.

    Args:
        client: The client that sends the pushes and polls.
        keys: The signing key (bytes or str, at least 32 bytes), or several: the first signs,
            every one verifies (key rotation). Keep them secret, the same in every process.
        max_age: A challenge older than this is ``"expired"``, with no request (default 300 s).
        max_unresolved: Most unresolved challenges per user; over it ``begin`` raises
            :class:`ThrottledError` and sends nothing (default 3).
        min_gap: Least time between two pushes to one user (default 10 s; 0 = none).
        store: ``"memory"`` (default, one process) or a ``redis://`` URL (every process of
            the app; approvals and the throttle are atomic across them). A store that cannot
            answer raises :class:`StoreUnavailableError`: nothing is approved.
        store_prefix: Prefix of every Redis key (default ``omi-push:stepup:``).

    Raises:
        ConfigError: A key shorter than 32 bytes, a bad store URL or option, a closed client.

    Every call releases the GIL and answers Ctrl-C in the main thread; closing the client
    ends a ``wait`` in flight with :class:`CancelledError`.
    """

    __slots__ = ()

    def __init__(
        self,
        client: Client,
        keys: Union[Key, Sequence[Key]],
        *,
        max_age: Optional[Seconds] = None,
        max_unresolved: Optional[int] = None,
        min_gap: Optional[Seconds] = None,
        store: Optional[str] = None,
        store_prefix: Optional[str] = None,
    ) -> None:
        super().__init__(
            client, keys, max_age=max_age, max_unresolved=max_unresolved, min_gap=min_gap, store=store,
            store_prefix=store_prefix,
        )

    def devices(self, user_id: str) -> List[Device]:
        """The user's devices, for a picker; pass the chosen id (or ``None``) to :meth:`begin`."""
        return _devices(self._core.devices(user_id, asyncio=False))

    def begin(self, user_id: str, action: str, message: str, *, device_id: Optional[str] = None) -> Challenge:
        """Sends the push (to ``device_id``, or all the user's devices) and returns the
        signed challenge for ``user_id`` doing ``action`` (1 to 64 of ``A-Z a-z 0-9 . _ : -``).

        Raises:
            ThrottledError: Too many pushes to this user; nothing was sent.
            StoreUnavailableError: The store cannot answer; nothing was sent.
        """
        return Challenge._from_json(self._core.begin((user_id, action, message, device_id), asyncio=False))

    def check(self, challenge: Union[str, Challenge], user_id: str, action: str) -> Verdict:
        """One poll: ``"pending"``, ``"approved"`` (once), ``"rejected"`` or ``"expired"``.

        Raises:
            InvalidChallengeError: Not a challenge of these keys (edited, garbled, other key).
            ChallengeMismatchError: Issued for another user or action.
            AlreadyUsedError: Approved before.
        """
        return self._core.check((_text(challenge), user_id, action), asyncio=False)

    def wait(
        self,
        challenge: Union[str, Challenge],
        user_id: str,
        action: str,
        *,
        timeout: Optional[Seconds] = None,
        poll_interval: Optional[Seconds] = None,
    ) -> Verdict:
        """Polls until a final verdict; ``"pending"`` when ``timeout`` passes first,
        ``"expired"`` when the challenge expires first. Same errors as :meth:`check`."""
        wait = (ms("timeout", timeout), ms("poll_interval", poll_interval))
        return self._core.wait((_text(challenge), user_id, action), wait, asyncio=False)


class AsyncStepUp(_BaseStepUp):
    """:class:`StepUp` for asyncio, on an :class:`~omi_push.AsyncClient`: the same arguments
    and methods, as coroutines. Cancelling the awaiting task stops a wait at once."""

    __slots__ = ()

    def __init__(
        self,
        client: AsyncClient,
        keys: Union[Key, Sequence[Key]],
        *,
        max_age: Optional[Seconds] = None,
        max_unresolved: Optional[int] = None,
        min_gap: Optional[Seconds] = None,
        store: Optional[str] = None,
        store_prefix: Optional[str] = None,
    ) -> None:
        super().__init__(
            client, keys, max_age=max_age, max_unresolved=max_unresolved, min_gap=min_gap, store=store,
            store_prefix=store_prefix,
        )

    async def devices(self, user_id: str) -> List[Device]:
        """The user's devices, for a picker."""
        return _devices(await self._core.devices(user_id, asyncio=True))

    async def begin(self, user_id: str, action: str, message: str, *, device_id: Optional[str] = None) -> Challenge:
        """Sends the push and returns the signed challenge; see :meth:`StepUp.begin`."""
        return Challenge._from_json(await self._core.begin((user_id, action, message, device_id), asyncio=True))

    async def check(self, challenge: Union[str, Challenge], user_id: str, action: str) -> Verdict:
        """One poll; see :meth:`StepUp.check`."""
        return await self._core.check((_text(challenge), user_id, action), asyncio=True)

    async def wait(
        self,
        challenge: Union[str, Challenge],
        user_id: str,
        action: str,
        *,
        timeout: Optional[Seconds] = None,
        poll_interval: Optional[Seconds] = None,
    ) -> Verdict:
        """Waits for a final verdict; see :meth:`StepUp.wait`."""
        wait = (ms("timeout", timeout), ms("poll_interval", poll_interval))
        return await self._core.wait((_text(challenge), user_id, action), wait, asyncio=True)
