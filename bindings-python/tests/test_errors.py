"""The exception hierarchy: one class per core error kind, structured attributes, builtin
bases, pickling, and no secret in any message; and the cross-language error probe (each
kind's sample error from the core, converted as every error is, against its record)."""

from __future__ import annotations

import pickle
import socket
from typing import Any, Dict

import pytest

import omi_push
from omi_push import (
    AlreadyUsedError,
    AuthenticationError,
    ChallengeMismatchError,
    InternalError,
    InvalidChallengeError,
    StoreUnavailableError,
    ThrottledError,
    CancelledError,
    Client,
    ConfigError,
    InvalidArgumentError,
    NotFoundError,
    OmiError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    TransportError,
)
from omi_push.errors import CLASSES
from omi_push.testing import ERROR_KINDS, Simulator, raise_sample_error, sample_error_record

from conftest import SECRET

ALL = [
    (InvalidArgumentError, "invalid_argument", ValueError),
    (ConfigError, "config", ValueError),
    (AuthenticationError, "authentication", OmiError),
    (PermissionDeniedError, "permission_denied", PermissionError),
    (NotFoundError, "not_found", LookupError),
    (RateLimitedError, "rate_limited", OmiError),
    (ServerError, "server", OmiError),
    (TransportError, "transport", ConnectionError),
    (RequestTimeoutError, "transport", TimeoutError),
    (ProtocolError, "protocol", OmiError),
    (CancelledError, "cancelled", OmiError),
    (InternalError, "internal", OmiError),
    (InvalidChallengeError, "invalid_challenge", ValueError),
    (ChallengeMismatchError, "challenge_mismatch", PermissionError),
    (AlreadyUsedError, "already_used", OmiError),
    (ThrottledError, "throttled", OmiError),
    (StoreUnavailableError, "store_unavailable", OmiError),
]

ATTRS = ("kind", "code", "server_code", "status", "retryable", "request_id", "retry_after",
         "missing_scope", "field", "reason", "connect", "timeout", "message")


@pytest.mark.parametrize("cls,kind,builtin", ALL, ids=[c[0].__name__ for c in ALL])
def test_hierarchy_and_pickling(cls: type, kind: str, builtin: type) -> None:
    assert issubclass(cls, OmiError) and issubclass(cls, builtin) and issubclass(cls, Exception)
    assert cls.kind == kind  # type: ignore[attr-defined]
    assert cls.__doc__ and cls.__module__ == "omi_push.errors"
    assert cls("boom").code == "OMI_" + kind.upper()
    err = cls("boom", kind=kind, status=503, server_code="X", request_id="sim-1", retry_after=1.5,
              missing_scope="s", field="f", reason="r", connect=True, timeout=True, retryable=True)
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is cls and str(again) == "boom"
    for attr in ATTRS:
        assert getattr(again, attr) == getattr(err, attr), attr
    assert repr(again).startswith(f"{cls.__name__}('boom'")


def test_one_class_per_core_kind() -> None:
    assert list(ERROR_KINDS) == list(CLASSES) and len(ERROR_KINDS) == 16
    assert {cls.kind for cls, _, _ in ALL} == set(ERROR_KINDS)
    for kind, cls in CLASSES.items():
        assert cls.kind == kind


def expected_fields(record: Dict[str, Any]) -> Dict[str, Any]:
    """The record's fields under their Python names (retry_after in seconds)."""
    fields = {k: v for k, v in record.items() if k != "retry_after_ms"}
    ms = record["retry_after_ms"]
    fields["retry_after"] = None if ms is None else ms / 1000
    return fields


@pytest.mark.parametrize("kind", ERROR_KINDS)
def test_error_probe_fields_equal_the_core_record(kind: str) -> None:
    record = sample_error_record(kind)
    assert record["kind"] == kind and record["code"] == "OMI_" + kind.upper()
    with pytest.raises(OmiError) as info:
        raise_sample_error(kind)
    err = info.value
    expected_class = RequestTimeoutError if kind == "transport" and record["timeout"] else CLASSES[kind]
    assert type(err) is expected_class
    fields = expected_fields(record)
    assert set(fields) == set(ATTRS), "a record field without a Python attribute (or one too many)"
    for name, value in fields.items():
        assert getattr(err, name) == value, f"{kind}.{name}: {getattr(err, name)!r} != {value!r}"
    again = pickle.loads(pickle.dumps(err))
    assert all(getattr(again, name) == value for name, value in fields.items())


def test_the_probe_has_the_core_values() -> None:
    # A few values, spelled out, so that a probe returning empty records would fail here.
    with pytest.raises(RateLimitedError) as rl:
        raise_sample_error("rate_limited")
    assert (rl.value.retryable, rl.value.status, rl.value.retry_after) == (True, 429, 1.5)
    with pytest.raises(ServerError) as se:
        raise_sample_error("server")
    assert (se.value.code, se.value.server_code, se.value.retryable) == ("OMI_SERVER", "SERVICE_UNAVAILABLE", True)
    with pytest.raises(InvalidArgumentError) as ia:
        raise_sample_error("invalid_argument")
    assert (ia.value.field, ia.value.reason, ia.value.retryable) == ("user_id", "must not be empty", False)
    with pytest.raises(TransportError) as te:
        raise_sample_error("transport")
    assert te.value.connect and not te.value.timeout
    with pytest.raises(ValueError):
        raise_sample_error("no_such_kind")


def test_every_name_is_exported() -> None:
    for cls, _, _ in ALL:
        assert getattr(omi_push, cls.__name__) is cls
    assert set(omi_push.errors.__all__) <= set(omi_push.__all__)


def raised(call: object) -> OmiError:
    with pytest.raises(OmiError) as info:
        call()  # type: ignore[operator]
    return info.value


def test_not_found(client: Client) -> None:
    err = raised(lambda: client.list_devices("nobody"))
    assert type(err) is NotFoundError and isinstance(err, LookupError)
    assert (err.kind, err.status, err.server_code, err.retryable) == ("not_found", 404, "USER_NOT_FOUND", False)
    assert err.code == "OMI_NOT_FOUND"
    assert err.request_id and err.request_id.startswith("sim-")
    err = raised(lambda: client.send_push("user-1", "m", device_id="nope"))
    assert err.server_code == "DEVICE_NOT_FOUND"
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is NotFoundError and again.server_code == "DEVICE_NOT_FOUND" and again.request_id == err.request_id


def test_authentication_wrong_secret(sim: Simulator) -> None:
    wrong = "wrong-" + SECRET
    with Client(sim.base_url, client_id=sim.client_id, client_secret=wrong) as c:
        err = raised(lambda: c.list_devices("user-1"))
    assert type(err) is AuthenticationError and err.status == 401 and err.server_code == "invalid_client"
    for text in (str(err), repr(err), str(err.__dict__)):
        assert wrong not in text and SECRET not in text


def test_permission_denied_names_scope() -> None:
    with Simulator(allowed_scopes=["credential:omi:devices:get"]) as sim, sim.client() as c:
        assert c.list_devices("user-1")
        err = raised(lambda: c.send_push("user-1", "m", device_id="dev-1"))
    assert isinstance(err, PermissionDeniedError) and isinstance(err, PermissionError)
    assert err.status == 403 and err.missing_scope == "credential:omi:push-notification:device:post"
    assert pickle.loads(pickle.dumps(err)).missing_scope == err.missing_scope


def test_rate_limited_carries_retry_after(sim: Simulator, client: Client) -> None:
    sim.add_fault("devices", status=429, retry_after=7)
    err = raised(lambda: client.list_devices("user-1"))
    assert type(err) is RateLimitedError
    assert (err.status, err.retry_after, err.retryable) == (429, 7.0, True)
    assert sim.count("devices", "GET") == 1  # a single call does not wait out a Retry-After


def test_server_error(sim: Simulator) -> None:
    sim.add_fault("devices", status=500)
    with sim.client(max_retries=1) as c:
        err = raised(lambda: c.list_devices("user-1"))
    assert type(err) is ServerError and err.status == 500 and err.retryable
    assert err.server_code == "SIMULATED_FAULT" and err.code == "OMI_SERVER"
    assert sim.count("devices", "GET") == 2


def test_transport_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, never listening: connections are refused
        with Client(f"http://127.0.0.1:{port}", client_id="a", client_secret=SECRET, max_retries=0) as c:
            err = raised(lambda: c.list_devices("user-1"))
    assert type(err) is TransportError and isinstance(err, ConnectionError) and isinstance(err, OSError)
    assert err.retryable and err.status is None and SECRET not in str(err)
    assert err.connect and not err.timeout


def test_request_timeout_is_a_timeout_error(sim: Simulator) -> None:
    sim.add_fault("devices", latency=2)
    with sim.client(request_timeout=0.3, max_retries=0) as c:
        with pytest.raises(TimeoutError) as info:
            c.list_devices("user-1")
    assert type(info.value) is RequestTimeoutError and info.value.kind == "transport" and info.value.timeout


def test_protocol_error_on_malformed_body(sim: Simulator) -> None:
    sim.add_fault("devices", malformed=True)
    with sim.client(max_retries=0) as c:
        err = raised(lambda: c.list_devices("user-1"))
    assert type(err) is ProtocolError and err.kind == "protocol"


def test_errors_in_async_calls_are_the_same_classes(sim: Simulator) -> None:
    import asyncio

    async def main() -> OmiError:
        async with sim.async_client() as c:
            try:
                await c.list_devices("nobody")
            except OmiError as e:
                return e
        raise AssertionError("no error")

    err = asyncio.run(main())
    assert type(err) is NotFoundError and err.status == 404
