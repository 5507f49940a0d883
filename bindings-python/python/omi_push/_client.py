"""The public clients: :class:`Client` (blocking) and :class:`AsyncClient` (asyncio).

Both wrap the same native client; all behaviour (tokens, retries, the poll loop) lives in the
Rust core. Blocking calls release the GIL and answer Ctrl-C; async calls run on the core's
runtime, and cancelling the awaiting task stops the work.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Callable, Dict, List, Literal, Mapping, Optional, Sequence, Type, TypeVar, Union

from . import _native
from ._args import Seconds, client_options, ms, string, type_error
from ._records import Device, Outcome, PushTicket, Status, devices, outcome, status, ticket

__all__ = ["Client", "AsyncClient", "Seconds"]

_Self = TypeVar("_Self", bound="_BaseClient")


def _nonce(value: Union[str, PushTicket]) -> str:
    """A nonce given as itself or as its :class:`PushTicket`."""
    if isinstance(value, str):
        return value
    if isinstance(value, PushTicket):
        return value.nonce
    raise type_error("nonce", "a str or a PushTicket", value)


class _BaseClient:
    """Configuration and lifecycle shared by :class:`Client` and :class:`AsyncClient`."""

    __slots__ = ("_core", "_client_id")

    def __init__(
        self,
        base_url: str,
        *,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        access_token: Optional[str] = None,
        client_auth: Optional[str] = None,
        token_url: Optional[str] = None,
        scopes: Optional[Sequence[str]] = None,
        request_timeout: Optional[Seconds] = None,
        connect_timeout: Optional[Seconds] = None,
        poll_interval: Optional[Seconds] = None,
        wait_timeout: Optional[Seconds] = None,
        call_timeout: Optional[Seconds] = None,
        max_retries: Optional[int] = None,
        max_response_bytes: Optional[int] = None,
        request_budget: Optional[int] = None,
        http2: Optional[Literal["auto", "always", "never"]] = None,
        paths: Optional[Mapping[str, str]] = None,
        max_message_chars: Optional[int] = None,
        allow_insecure_http: Optional[bool] = None,
        ca_cert_pem: Optional[str] = None,
        on_event: Optional[Callable[[Dict[str, Any]], object]] = None,
    ) -> None:
        """Creates a client. No request is sent until the first call.

        Args:
            base_url: The OMI API's base URL, e.g. ``https://tenant.example``. ``http://``
                is accepted only for loopback addresses unless ``allow_insecure_http``.
            client_id: The OAuth2 client id (client-credentials grant).
            client_secret: The OAuth2 client secret. Never shown in a repr, an error or a log.
            access_token: A token obtained elsewhere, used as is, instead of
                ``client_id``/``client_secret``.
            client_auth: ``"basic"`` (default) or ``"post"``: how the client authenticates
                at the token endpoint.
            token_url: The token endpoint; defaults to ``{base_url}/auth/oauth2.0/v1/token``.
            scopes: Scopes to request; defaults to the four push scopes.
            request_timeout: Timeout of one HTTP request (default 10 s).
            connect_timeout: Timeout of opening a connection (default 5 s).
            poll_interval: Default time between two polls of a wait (default 1 s).
            wait_timeout: Default timeout of a wait (default 120 s).
            call_timeout: Total time of one ``list_devices``, ``send_push`` or
                ``confirmation_status`` call, retries included (default 30 s).
            max_retries: Retries of one idempotent request on transient failures (default 2).
            max_response_bytes: Largest response body accepted from the server, in bytes
                (default 256 KiB);
                a bigger one is a ``ProtocolError``.
            request_budget: Most requests a second for the whole client (all its calls and
                waits share it, each request taking the next evenly spaced slot); default
                none.
            http2: ``"auto"`` (default), ``"always"`` or ``"never"``.
            paths: Endpoint path overrides: keys ``devices``, ``push_device``, ``push_all``,
                ``confirmation``, ``confirmation_query``.
            max_message_chars: Longest push message accepted (default 1024).
            allow_insecure_http: Allow ``http://`` to a host that is not loopback (test
                networks only).
            ca_cert_pem: An extra trusted CA certificate in PEM form.
            on_event: Called with each event of the client, a dict such as ``{"event":
                "wait", "outcome": "confirmed", "polls": 2, "elapsed_ms": 2003.5, ...}``
                (events: ``request``, ``token``, ``retry``, ``rate_limited``, ``push``,
                ``wait``; never a secret, a token or a nonce), to count pushes, outcomes,
                retries and 429s or to time waits (OpenTelemetry, Prometheus). It runs in a
                Python thread that holds the GIL, as log records are delivered (a call's events
                before the call returns); keep it quick. Its exceptions go to
                ``sys.unraisablehook``.

        Raises:
            ConfigError: The configuration cannot work (a ``ValueError``).
            TypeError: An argument has the wrong type.
        """
        options: Dict[str, Any] = dict(
            client_id=client_id,
            client_auth=client_auth,
            token_url=token_url,
            scopes=scopes,
            request_timeout=request_timeout,
            connect_timeout=connect_timeout,
            poll_interval=poll_interval,
            wait_timeout=wait_timeout,
            call_timeout=call_timeout,
            max_retries=max_retries,
            max_response_bytes=max_response_bytes,
            request_budget=request_budget,
            http2=http2,
            paths=paths,
            max_message_chars=max_message_chars,
            allow_insecure_http=allow_insecure_http,
            ca_cert_pem=ca_cert_pem,
        )
        record = client_options(base_url, options)
        # The secret and the token cross apart from the record, never inside its text.
        client_secret = string("client_secret", client_secret, optional=True)
        access_token = string("access_token", access_token, optional=True)
        if on_event is not None and not callable(on_event):
            raise type_error("on_event", "a callable", on_event)
        self._core = _native.Core(record, (client_secret, access_token), on_event)
        self._client_id = client_id

    @property
    def base_url(self) -> str:
        """The API's base URL."""
        return self._core.base_url

    @property
    def client_id(self) -> Optional[str]:
        """The OAuth client id, or ``None`` when a static access token is used."""
        return self._client_id

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._core.closed

    def close(self) -> None:
        """Closes the client, from any thread.

        Waits in flight (``wait_for_confirmation``, in any thread or event loop) end at once
        with :class:`CancelledError`; other calls already running finish normally; later
        calls raise :class:`ConfigError`. Use it at shutdown to stop waits that other threads
        are blocked in. The connection pool and the token cache go with the client object
        (once nothing refers to it and no call uses them). Closing twice is fine.
        """
        self._core.close()

    def __repr__(self) -> str:
        who = f"client_id={self.client_id!r}" if self.client_id is not None else "access_token=***"
        closed = ", closed" if self.closed else ""
        return f"{type(self).__name__}(base_url={self.base_url!r}, {who}{closed})"


class Client(_BaseClient):
    """A blocking OMI push client, safe to share between threads.

    Every call releases the GIL while it waits, so other Python threads keep running, and
    answers Ctrl-C (``KeyboardInterrupt``) in the main thread, which also stops its network
    activity; waits in other threads end when the client is closed (:meth:`close`). A
    client created before ``os.fork()`` keeps working in the child (pre-fork servers such as
    gunicorn). Use it as a context manager to close it at the end::

        with Client("https://tenant.example", client_id="...", client_secret="...") as client:
            ticket = client.send_push("user-1", "Confirm the payment")
            outcome = client.wait_for_confirmation(ticket, timeout=60)
    """

    __slots__ = ()

    def list_devices(self, user_id: str) -> List[Device]:
        """Lists the devices the user enrolled for push confirmations.

        Raises:
            NotFoundError: The user is unknown.
            OmiError: Any other failure (see the exception table).
        """
        return devices(self._core.list_devices(user_id, asyncio=False))

    def send_push(
        self,
        user_id: str,
        message: str,
        *,
        device_id: Optional[str] = None,
        nonce: Optional[str] = None,
    ) -> PushTicket:
        """Sends a push asking the user to confirm ``message``.

        Args:
            user_id: The user to ask.
            message: The text shown on the phone.
            device_id: One device of the user; ``None`` sends to all of the user's devices.
            nonce: Your own nonce (A-Z, a-z, 0-9, ``-``, ``_``); by default a random one.

        Returns:
            A :class:`PushTicket`; keep ``str(ticket)`` to wait from another request.

        The request is never sent twice, so a failure never causes a duplicate push.
        """
        return ticket(self._core.send_push((user_id, message, device_id, nonce), asyncio=False))

    def confirmation_status(self, nonce: Union[str, PushTicket]) -> Status:
        """Reads the push's confirmation state once (no waiting)."""
        return status(self._core.confirmation_status(_nonce(nonce), asyncio=False))

    def wait_for_confirmation(
        self,
        nonce: Union[str, PushTicket],
        *,
        timeout: Optional[Seconds] = None,
        poll_interval: Optional[Seconds] = None,
    ) -> Outcome:
        """Polls until the user answers, the push expires or ``timeout`` passes.

        Args:
            nonce: The push's nonce, or its :class:`PushTicket`.
            timeout: Give up after this long (seconds or ``timedelta``); default: the
                client's ``wait_timeout``.
            poll_interval: Time between polls; default: the client's ``poll_interval``.

        Returns:
            An :class:`Outcome`: ``confirmed``, ``rejected``, ``expired`` or ``timed_out``.
            Only failures raise.
        """
        wait = (ms("timeout", timeout), ms("poll_interval", poll_interval))
        return outcome(self._core.wait_for_confirmation(_nonce(nonce), wait, asyncio=False))

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()


class AsyncClient(_BaseClient):
    """An asyncio OMI push client with the same methods as :class:`Client`.

    The work runs on the library's own runtime, never blocking the event loop. Cancelling
    the task that awaits a call (``task.cancel()``, ``asyncio.wait_for`` timeouts) stops it,
    polling included; closing the client ends every wait in flight with
    :class:`CancelledError`. One client may serve several event loops, one after another or
    at once, and keeps working in a forked child. Use ``async with`` to close it at the end.
    """

    __slots__ = ()

    async def list_devices(self, user_id: str) -> List[Device]:
        """Lists the devices the user enrolled for push confirmations."""
        return devices(await self._core.list_devices(user_id, asyncio=True))

    async def send_push(
        self,
        user_id: str,
        message: str,
        *,
        device_id: Optional[str] = None,
        nonce: Optional[str] = None,
    ) -> PushTicket:
        """Sends a push asking the user to confirm ``message``; see :meth:`Client.send_push`."""
        return ticket(await self._core.send_push((user_id, message, device_id, nonce), asyncio=True))

    async def confirmation_status(self, nonce: Union[str, PushTicket]) -> Status:
        """Reads the push's confirmation state once (no waiting)."""
        return status(await self._core.confirmation_status(_nonce(nonce), asyncio=True))

    async def wait_for_confirmation(
        self,
        nonce: Union[str, PushTicket],
        *,
        timeout: Optional[Seconds] = None,
        poll_interval: Optional[Seconds] = None,
    ) -> Outcome:
        """Polls until the user answers, the push expires or ``timeout`` passes.

        See :meth:`Client.wait_for_confirmation`. Cancelling the awaiting task stops the
        polling at once.
        """
        wait = (ms("timeout", timeout), ms("poll_interval", poll_interval))
        return outcome(await self._core.wait_for_confirmation(_nonce(nonce), wait, asyncio=True))

    async def aclose(self) -> None:
        """Same as :meth:`close` (which does not block), for symmetry with other async
        resources."""
        self.close()

    async def __aenter__(self: _Self) -> _Self:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()
