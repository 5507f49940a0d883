"""The result records come from the core's FFI records (is_final, is_confirmed), and every
client option of the core is a keyword argument of Client/AsyncClient, the two new ones
(call_timeout, max_response_bytes) included."""

from __future__ import annotations

import inspect
import time
from typing import Any

import pytest

from omi_push import AsyncClient, Client, ProtocolError, TransportError, _native
from omi_push.testing import Simulator

# Core option → Python keyword: durations lose `_ms` (Python takes seconds); the user agent
# suffix is set by the binding itself (python/X.Y), the base URL is positional.
INTERNAL = {"user_agent_suffix"}
PYTHON_ONLY = {"on_event"}  # the core's event hook (Config::with_event_hook), not an option record field


def python_name(core_name: str) -> str:
    return core_name[: -len("_ms")] if core_name.endswith("_ms") else core_name


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_every_core_option_is_a_keyword(cls: type) -> None:
    names = _native.client_option_names()
    assert "call_timeout_ms" in names and "max_response_bytes" in names
    params = inspect.signature(cls.__init__).parameters
    missing = [n for n in names if n not in INTERNAL and python_name(n) not in params]
    assert not missing, f"{cls.__name__} lacks core options {missing}"
    extra = {p for p in params if p != "self"} - {python_name(n) for n in names} - PYTHON_ONLY
    assert not extra, f"{cls.__name__} has options the core does not know: {extra}"


def test_status_and_outcome_flags_come_from_the_core(sim: Simulator, client: Client) -> None:
    ticket = client.send_push("user-1", "m", device_id="dev-1")
    status = client.confirmation_status(ticket)
    assert (status.state, status.is_final) == ("pending", False)
    sim.set_state(ticket, "APPROVING")  # unknown to the client: pending, not final
    status = client.confirmation_status(ticket)
    assert (status.state, status.raw, status.is_final) == ("unknown", "APPROVING", False)
    sim.set_state(ticket, "CONFIRMED")
    status = client.confirmation_status(ticket)
    assert (status.state, status.is_final) == ("confirmed", True)
    outcome = client.wait_for_confirmation(ticket, timeout=5)
    assert outcome.is_confirmed and outcome.confirmed and outcome.polls == 1
    rejected = client.send_push("user-1", "m", device_id="dev-1")
    sim.reject(rejected)
    outcome = client.wait_for_confirmation(rejected, timeout=5)
    assert not outcome.is_confirmed and not outcome.confirmed and outcome.rejected
    assert client.confirmation_status(rejected).is_final


def test_ticket_times_are_integers_of_the_record(client: Client) -> None:
    ticket = client.send_push("user-1", "m", device_id="dev-1")
    assert isinstance(ticket.sent_at_ms, int) and abs(ticket.sent_at_ms / 1000 - time.time()) < 60
    again = type(ticket).parse(str(ticket))
    assert again == ticket and again.sent_at_ms == ticket.sent_at_ms


def test_max_response_bytes_caps_the_body(sim: Simulator) -> None:
    # A status body of 300 kB (valid JSON, state PENDING): over the default cap of 256 KiB.
    sim.control({"do": "fault", "fault": {"route": "confirmation", "oversized_bytes": 300_000}})
    nonce = "A" * 24
    with sim.client(max_retries=0) as c:
        with pytest.raises(ProtocolError):
            c.confirmation_status(nonce)
    with sim.client(max_retries=0, max_response_bytes=1 << 20) as c:
        assert c.confirmation_status(nonce).state == "pending"
    sim.clear_faults()
    sim.control({"do": "fault", "fault": {"route": "confirmation", "oversized_bytes": 2000}})
    with sim.client(max_retries=0) as c:
        assert c.confirmation_status(nonce).state == "pending"
    with sim.client(max_retries=0, max_response_bytes=1024) as c:
        with pytest.raises(ProtocolError):
            c.confirmation_status(nonce)


def test_call_timeout_bounds_a_call_with_its_retries(sim: Simulator) -> None:
    sim.add_fault("devices", latency=0.4)
    with sim.client(request_timeout=0.3, max_retries=5, call_timeout=0.5) as c:
        started = time.monotonic()
        with pytest.raises(TransportError) as info:
            c.list_devices("user-1")
        took = time.monotonic() - started
    assert info.value.timeout and took < 1.5, took
    with sim.client(call_timeout=2) as c:
        assert c.list_devices("user-1")


def test_request_budget_spaces_the_requests(sim: Simulator) -> None:
    with sim.client(request_budget=10, http2="never") as c:
        started = time.monotonic()
        for _ in range(6):
            c.list_devices("user-1")
        took = time.monotonic() - started
    assert took >= 0.4, took  # 6 requests (and a token) at 10 a second
    with sim.client(http2="never") as c:
        started = time.monotonic()
        for _ in range(6):
            c.list_devices("user-1")
        assert time.monotonic() - started < 0.4


def test_bad_new_options_are_config_errors() -> None:
    from omi_push import ConfigError

    with pytest.raises(ConfigError, match="max_response_bytes"):
        Client("http://127.0.0.1:9", client_id="a", client_secret="b", max_response_bytes=-1)
    with pytest.raises(TypeError):
        Client("http://127.0.0.1:9", client_id="a", client_secret="b", max_response_bytes=True)
    with pytest.raises(ValueError):
        Client("http://127.0.0.1:9", client_id="a", client_secret="b", call_timeout=-1)
    with pytest.raises(ConfigError, match="http2"):
        Client("http://127.0.0.1:9", client_id="a", client_secret="b", http2="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="request_budget"):
        Client("http://127.0.0.1:9", client_id="a", client_secret="b", request_budget=-1)


# -- records as plain data: constructible, picklable, hashable; bool(outcome) = confirmed ---


def test_records_are_constructible_picklable_and_hashable(client: Client, sim: Simulator) -> None:
    import pickle

    from omi_push import Device, Outcome, Status

    [real, _] = client.list_devices("user-1")
    fake = Device("dev-1", "Pixel 9", "android", real.created_at, real.last_used_at, real.extra)
    assert fake == real and hash(fake) == hash(real) and len({fake, real}) == 1
    ticket = client.send_push("user-1", "m", device_id="dev-1")
    sim.approve(ticket)
    status = client.confirmation_status(ticket)
    assert status == Status("confirmed") and hash(status) == hash(Status("confirmed", "CONFIRMED"))
    assert Status("unknown", "APPROVING").is_final is False and Status("expired").is_final is True
    outcome = client.wait_for_confirmation(ticket, timeout=5)
    again = Outcome(outcome.kind, outcome.elapsed, outcome.polls, outcome.last_status)
    assert again == outcome and hash(again) == hash(outcome) and again.is_confirmed
    for value in (real, Device("d", extra={"n": [1, {"a": None}]}), status, outcome, Outcome("timed_out", 2.5, 3)):
        copy = pickle.loads(pickle.dumps(value))
        assert copy == value and type(copy) is type(value) and hash(copy) == hash(value)
    assert Device("d", extra={"n": [1, {"a": None}]}).extra == {"n": [1, {"a": None}]}


def test_bool_of_an_outcome_means_confirmed() -> None:
    from omi_push import Outcome

    assert Outcome("confirmed")
    for kind in ("rejected", "expired", "timed_out"):
        assert not Outcome(kind)  # type: ignore[arg-type]


def test_bad_record_values_are_refused() -> None:
    from omi_push import InvalidArgumentError, Outcome, Status

    with pytest.raises(InvalidArgumentError) as info:
        Outcome("maybe")  # type: ignore[arg-type]
    assert info.value.field == "kind"
    with pytest.raises(InvalidArgumentError):
        Status("APPROVING")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        Outcome("confirmed", elapsed=-1)
    with pytest.raises(TypeError):
        Outcome()  # type: ignore[call-arg]


def test_mypy_refuses_records_without_their_required_fields(tmp_path: Any) -> None:
    import subprocess
    import sys

    source = tmp_path / "fake.py"
    source.write_text(
        "from omi_push import Device, Outcome, Status\n"
        "Outcome()\n"
        "Status()\n"
        "Device()\n"
        "Outcome('maybe')\n"
        "ok = [Outcome('confirmed', 1.0, 2), Status('pending'), Device('d', extra={'a': 1})]\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(source)],
        capture_output=True, text=True, timeout=300,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert sorted(int(line.split(":")[1]) for line in errors) == [2, 3, 4, 5], result.stdout
