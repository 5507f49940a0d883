"""The blocking Client: results, argument handling, value classes, lifecycle."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone

import pytest

import omi_push
from omi_push import (
    AsyncClient,
    Client,
    ConfigError,
    Device,
    InvalidArgumentError,
    Outcome,
    PushTicket,
    Status,
)
from omi_push.testing import Simulator

from conftest import SECRET, STATIC_TOKEN


def test_list_devices(client: Client) -> None:
    devices = client.list_devices("user-1")
    assert [d.id for d in devices] == ["dev-1", "dev-2"]
    first = devices[0]
    assert isinstance(first, Device)
    assert (first.name, first.platform) == ("Pixel 9", "android")
    assert first.created_at is not None
    assert isinstance(first.extra, dict)
    assert repr(first) == "Device(id='dev-1', name='Pixel 9', platform='android')"
    assert devices == client.list_devices("user-1")


def test_send_push_and_wait_confirmed(sim: Simulator, client: Client) -> None:
    ticket = client.send_push("user-1", "Confirm the new payment method", device_id="dev-1")
    assert ticket.user_id == "user-1" and ticket.device_id == "dev-1"
    assert len(ticket.nonce) == 24
    assert client.confirmation_status(ticket.nonce) == client.confirmation_status(ticket)
    status = client.confirmation_status(ticket)
    assert isinstance(status, Status)
    assert (status.state, status.raw, status.is_final) == ("pending", "PENDING", False)
    assert repr(status) == "Status(state='pending', raw='PENDING')"
    sim.approve(ticket, after=0.2)
    outcome = client.wait_for_confirmation(ticket, timeout=10)
    assert isinstance(outcome, Outcome)
    assert outcome.kind == "confirmed" and outcome.confirmed
    assert not (outcome.rejected or outcome.expired or outcome.timed_out)
    assert outcome.polls >= 1 and 0.1 < outcome.elapsed < 10
    assert outcome.last_status == "CONFIRMED"
    assert repr(outcome).startswith("Outcome(kind='confirmed', elapsed=")
    assert [p.message for p in sim.pushes()] == ["Confirm the new payment method"]


def test_outcomes_rejected_expired_timed_out(sim: Simulator, client: Client) -> None:
    rejected = client.send_push("user-1", "r", device_id="dev-1")
    sim.reject(rejected)
    assert client.wait_for_confirmation(rejected.nonce, timeout=5).rejected
    expired = client.send_push("user-1", "e", device_id="dev-1")
    sim.expire(expired)
    assert client.wait_for_confirmation(expired, timeout=5).kind == "expired"
    pending = client.send_push("user-1", "t", device_id="dev-1")
    outcome = client.wait_for_confirmation(pending, timeout=timedelta(milliseconds=300))
    assert outcome.timed_out and outcome.last_status == "PENDING"
    assert 0.25 < outcome.elapsed < 5


def test_push_to_all_devices_and_own_nonce(sim: Simulator, client: Client) -> None:
    nonce = omi_push.generate_nonce()
    ticket = client.send_push("user-1", "all of them", nonce=nonce)
    assert ticket.nonce == nonce and ticket.device_id is None
    assert sim.pushes()[0].device_ids == ("dev-1", "dev-2")
    assert sim.count("push_all", "POST") == 1


def test_timeouts_take_seconds_or_timedelta(sim: Simulator, client: Client) -> None:
    ticket = client.send_push("user-1", "m", device_id="dev-1")
    for timeout in (0.2, 1, timedelta(milliseconds=200)):
        assert client.wait_for_confirmation(ticket, timeout=timeout, poll_interval=timedelta(milliseconds=50)).timed_out
    with Client(sim.base_url, client_id=sim.client_id, client_secret=SECRET, poll_interval=timedelta(milliseconds=50), wait_timeout=0.3) as c:
        assert c.wait_for_confirmation(ticket).timed_out  # the client's default timeout


def test_ticket_round_trips_as_text_and_pickle(client: Client) -> None:
    ticket = client.send_push("user-1", "m", device_id="dev-1")
    text = str(ticket)
    assert text.startswith("omi1.") and SECRET not in text
    again = PushTicket.parse(text)
    assert again == ticket and hash(again) == hash(ticket)
    assert pickle.loads(pickle.dumps(ticket)) == ticket
    assert isinstance(ticket.sent_at, datetime) and ticket.sent_at.tzinfo == timezone.utc
    assert abs(ticket.sent_at.timestamp() * 1000 - ticket.sent_at_ms) < 1
    assert ticket.expires_at is not None and ticket.expires_at > ticket.sent_at
    assert repr(ticket) == f"PushTicket(nonce={ticket.nonce!r}, user_id='user-1', device_id='dev-1')"
    # Another client (another worker) can wait on a parsed ticket.
    assert client.confirmation_status(PushTicket.parse(text)).state == "pending"


@pytest.mark.parametrize("bad", ["", "nonsense", "omi1.!!!", "omi1." + "A" * 5000])
def test_ticket_parse_refuses_garbage(bad: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        PushTicket.parse(bad)
    assert isinstance(info.value, ValueError) and info.value.field == "ticket"


def test_value_classes_are_immutable(client: Client) -> None:
    ticket = client.send_push("user-1", "m", device_id="dev-1")
    device = client.list_devices("user-1")[0]
    status = client.confirmation_status(ticket)
    for obj, attr in ((ticket, "nonce"), (device, "id"), (status, "state")):
        with pytest.raises(AttributeError):
            setattr(obj, attr, "x")
    with pytest.raises(TypeError):
        Device()  # type: ignore[call-arg]


def test_wrong_types_raise_type_error_without_a_request(sim: Simulator, client: Client) -> None:
    calls = [
        lambda: client.list_devices(42),  # type: ignore[arg-type]
        lambda: client.list_devices(None),  # type: ignore[arg-type]
        lambda: client.send_push("user-1", b"bytes"),  # type: ignore[arg-type]
        lambda: client.send_push("user-1", "m", device_id=7),  # type: ignore[arg-type]
        lambda: client.send_push("user-1", "m", "dev-1"),  # type: ignore[misc]
        lambda: client.confirmation_status(12345),  # type: ignore[arg-type]
        lambda: client.wait_for_confirmation(["x"]),  # type: ignore[arg-type]
        lambda: client.wait_for_confirmation("A" * 24, timeout="5"),  # type: ignore[arg-type]
        lambda: client.wait_for_confirmation("A" * 24, timeout=True),
        lambda: client.wait_for_confirmation("A" * 24, poll_interval=object()),  # type: ignore[arg-type]
        lambda: Client(sim.base_url, client_id=1, client_secret="x"),  # type: ignore[arg-type]
        lambda: Client(sim.base_url, client_id="a", client_secret="b", scopes="one-string"),
        lambda: Client(sim.base_url, client_id="a", client_secret="b", request_timeout=[1]),  # type: ignore[arg-type]
        lambda: Client(sim.base_url, client_id="a", client_secret="b", max_retries="2"),  # type: ignore[arg-type]
        lambda: Client(sim.base_url, client_id="a", client_secret="b", max_retries=2.0),  # type: ignore[arg-type]
        lambda: Client(sim.base_url, client_id="a", client_secret="b", max_message_chars=True),
        lambda: PushTicket.parse(None),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(TypeError):
            call()
    assert sim.request_log() == []


@pytest.mark.parametrize("cls", [Client, AsyncClient])
@pytest.mark.parametrize("option", ["max_retries", "max_message_chars"])
@pytest.mark.parametrize(
    "value",
    [-1, -(2**70), 2**32, 2**64, 2**70, 10**400],
    ids=["-1", "-2**70", "2**32", "2**64", "2**70", "10**400"],
)
def test_integer_options_out_of_range_raise_config_error(
    sim: Simulator, cls: type, option: str, value: int
) -> None:
    with pytest.raises(ConfigError, match=option) as info:
        cls(sim.base_url, client_id="a", client_secret=SECRET, **{option: value})
    assert isinstance(info.value, ValueError) and info.value.kind == "config"
    assert sim.request_log() == []


def test_integer_options_accept_index_objects(sim: Simulator) -> None:
    class Three:
        def __index__(self) -> int:
            return 3

    with sim.client(max_retries=Three(), max_message_chars=Three()) as c:  # type: ignore[arg-type]
        with pytest.raises(InvalidArgumentError, match="message"):
            c.send_push("user-1", "four")
    assert sim.request_log() == []


def test_huge_integer_durations_raise_value_error(sim: Simulator, client: Client) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        Client(sim.base_url, client_id="a", client_secret=SECRET, request_timeout=10**400)
    assert info.value.field == "request_timeout"
    with pytest.raises(InvalidArgumentError) as info:
        client.wait_for_confirmation("A" * 24, timeout=10**400)
    assert info.value.field == "timeout"
    assert sim.request_log() == []


def test_invalid_values_raise_value_error_without_a_request(sim: Simulator, client: Client) -> None:
    cases = [
        (lambda: client.list_devices(""), "user_id"),
        (lambda: client.send_push("user-1", ""), "message"),
        (lambda: client.send_push("user-1", "m", nonce="not a nonce"), "nonce"),
        (lambda: client.wait_for_confirmation("A" * 24, timeout=0), "timeout"),
        (lambda: client.wait_for_confirmation("A" * 24, timeout=-1), "timeout"),
        (lambda: client.wait_for_confirmation("A" * 24, timeout=float("nan")), "timeout"),
        (lambda: client.wait_for_confirmation("A" * 24, poll_interval=timedelta(days=-1)), "poll_interval"),
        (lambda: client.wait_for_confirmation("A" * 24, timeout=timedelta(days=2)), "timeout"),
    ]
    for call, field in cases:
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert isinstance(info.value, ValueError)
        assert info.value.field == field and info.value.kind == "invalid_argument"
    assert sim.request_log() == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"client_id": "a"},
        {"client_id": "a", "client_secret": SECRET, "access_token": STATIC_TOKEN},
        {"client_id": "a", "client_secret": SECRET, "client_auth": "digest"},
        {"client_id": "a", "client_secret": SECRET, "poll_interval": 0},
        {"client_id": "a", "client_secret": SECRET, "paths": {"nope": "/x"}},
        {"client_id": "a", "client_secret": SECRET, "scopes": []},
    ],
)
def test_bad_configuration_raises_config_error(kwargs: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(ConfigError) as info:
        Client("http://127.0.0.1:9", **kwargs)
    assert isinstance(info.value, ValueError)
    assert SECRET not in str(info.value) and STATIC_TOKEN not in str(info.value)


def test_plain_http_only_for_loopback() -> None:
    with pytest.raises(ConfigError):
        Client("http://example.com", client_id="a", client_secret="b")
    Client("http://example.com", client_id="a", client_secret="b", allow_insecure_http=True).close()
    Client("https://example.com", client_id="a", client_secret="b").close()


def test_static_token(sim: Simulator) -> None:
    with Client(sim.base_url, access_token=STATIC_TOKEN) as c:
        assert c.client_id is None
        assert repr(c) == f"Client(base_url={c.base_url!r}, access_token=***)"
        with pytest.raises(omi_push.AuthenticationError) as info:
            c.list_devices("user-1")
    assert STATIC_TOKEN not in str(info.value) and STATIC_TOKEN not in repr(info.value)
    assert sim.count("token", "POST") == 0


def test_client_auth_post_and_custom_scopes(sim: Simulator) -> None:
    with sim.client(client_auth="post", scopes=["credential:omi:devices:get"]) as c:
        assert [d.id for d in c.list_devices("user-1")] == ["dev-1", "dev-2"]
        with pytest.raises(omi_push.PermissionDeniedError):
            c.send_push("user-1", "m", device_id="dev-1")


def test_repr_and_context_manager(sim: Simulator) -> None:
    with sim.client() as c:
        assert repr(c) == f"Client(base_url={c.base_url!r}, client_id='sim-client')"
        assert SECRET not in repr(c) and SECRET not in str(c)
        assert c.base_url.startswith("http://127.0.0.1:") and not c.closed
    assert c.closed and repr(c).endswith(", closed)")
    with pytest.raises(ConfigError, match="closed"):
        c.list_devices("user-1")
    c.close()  # twice is fine


def test_one_client_many_calls_share_one_token(sim: Simulator, client: Client) -> None:
    for _ in range(5):
        client.list_devices("user-1")
    assert sim.count("token", "POST") == 1 and sim.count("devices", "GET") == 5


def test_testing_helper(sim: Simulator) -> None:
    sim.add_user("alice", ["alice-phone", {"id": "alice-tablet", "name": "Tab", "platform": "android"}])
    sim.add_device("alice", "alice-watch", name="Watch")
    with sim.client(poll_interval=0.05) as c:
        assert [d.id for d in c.list_devices("alice")] == ["alice-phone", "alice-tablet", "alice-watch"]
        t = c.send_push("alice", "m", device_id="alice-phone")
        sim.set_state(t, "WEIRD")
        assert c.confirmation_status(t).state == "unknown"
        sim.set_state(t, "confirmed")
        assert c.wait_for_confirmation(t, timeout=5).confirmed
        sim.add_fault("devices", status=503, times=1)
        assert len(c.list_devices("alice")) == 3  # retried once
    log = sim.requests("devices")
    assert [r.status for r in log][-2:] == [503, 200] and log[0].method == "GET"
    assert sim.phone_url("alice-phone").endswith("/_sim/phone/alice-phone")
    with pytest.raises(omi_push.testing.SimulatorError):
        sim.approve("A" * 24)
    sim.clear_log()
    assert sim.request_log() == []
    assert "secret" not in repr(sim).lower() and sim.client_secret not in repr(sim)
    sim.stop()
    assert not sim.running
    with pytest.raises(omi_push.testing.SimulatorError):
        sim.pushes()


def test_simulator_auto_respond() -> None:
    with Simulator(users={"bob": ["bob-phone"]}, auto_respond="reject", auto_respond_delay=0.1) as sim:
        with sim.client(poll_interval=0.05) as c:
            t = c.send_push("bob", "m")
            assert c.wait_for_confirmation(t, timeout=5).rejected
            sim.set_auto_respond(None)
            t2 = c.send_push("bob", "m")
            assert c.wait_for_confirmation(t2, timeout=0.4).timed_out
