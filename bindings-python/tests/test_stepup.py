"""Step-up (issue 12) through the Python API, against the simulator, with both stores
(memory, and Redis from OMI_PUSH_REDIS_URL, which `make test` sets through scripts/with-redis):
forged user, replay, an edited byte anywhere, too old, throttle, a Redis stopped mid-run, and
the wait guarantees (deadline, close, Ctrl-C, asyncio cancel)."""

from __future__ import annotations

import asyncio
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any, Dict, Iterator

import pytest

from omi_push import (
    AlreadyUsedError,
    AsyncStepUp,
    CancelledError,
    Challenge,
    ChallengeMismatchError,
    Client,
    ConfigError,
    InvalidArgumentError,
    InvalidChallengeError,
    StepUp,
    StoreUnavailableError,
    ThrottledError,
    generate_nonce,
)
from omi_push.testing import Simulator

from conftest import Script

KEY = b"step-up-test-key-0123456789abcdef0123"
ACTION = "change-payment-method"
MESSAGE = "Confirm the change of your payment method"


def redis_url() -> str:
    url = os.environ.get("OMI_PUSH_REDIS_URL")
    assert url, "OMI_PUSH_REDIS_URL is not set: run under scripts/with-redis (make test does)"
    return url


@pytest.fixture(params=["memory", "redis"])
def store(request: Any) -> Dict[str, Any]:
    """StepUp keyword arguments of a store, each test with Redis keys of its own."""
    if request.param == "memory":
        return {"store": "memory"}
    return {"store": redis_url(), "store_prefix": f"py-test:{generate_nonce()}:"}


def step_up(client: Client, store: Dict[str, Any], **options: Any) -> StepUp:
    options.setdefault("min_gap", 0)
    return StepUp(client, KEY, **store, **options)


def test_approved_once_then_already_used(sim: Simulator, client: Client, store: Dict[str, Any]) -> None:
    su = step_up(client, store)
    challenge = su.begin("user-1", ACTION, MESSAGE, device_id="dev-1")
    assert (challenge.user_id, challenge.action, challenge.device_id) == ("user-1", ACTION, "dev-1")
    assert challenge.expires_at_ms - challenge.issued_at_ms == 300_000 and str(challenge) == challenge.text
    assert [p.nonce for p in sim.pushes()] == [challenge.nonce]
    assert su.check(challenge, "user-1", ACTION) == "pending"
    sim.approve(challenge.nonce, after=0.2)
    assert su.wait(challenge.text, "user-1", ACTION, timeout=5) == "approved"
    sim.clear_log()
    with pytest.raises(AlreadyUsedError):  # replay
        su.check(challenge, "user-1", ACTION)
    with pytest.raises(AlreadyUsedError):
        su.wait(challenge, "user-1", ACTION, timeout=5)
    if store["store"] != "memory":  # another worker of the app, on the same Redis, refuses it too
        with pytest.raises(AlreadyUsedError):
            step_up(client, store).check(challenge, "user-1", ACTION)
    assert sim.request_log() == []
    assert pickle.loads(pickle.dumps(challenge)) == challenge


def test_forged_user_or_action_is_a_mismatch_without_a_request(
    sim: Simulator, client: Client, store: Dict[str, Any]
) -> None:
    sim.add_user("mallory", ["mallory-phone"])
    su = step_up(client, store)
    mallory = su.begin("mallory", ACTION, MESSAGE, device_id="mallory-phone")
    sim.approve(mallory.nonce)  # mallory confirms on his own phone ...
    sim.clear_log()
    with pytest.raises(ChallengeMismatchError) as info:  # ... and presents it as user-1
        su.check(mallory, "user-1", ACTION)
    assert info.value.field == "user" and isinstance(info.value, PermissionError)
    with pytest.raises(ChallengeMismatchError) as info:
        su.wait(mallory, "mallory", "delete-account", timeout=5)
    assert info.value.field == "action"
    assert sim.request_log() == []
    assert su.check(mallory, "mallory", ACTION) == "approved"  # still unused by the refusals


def test_an_edited_byte_anywhere_is_an_invalid_challenge(sim: Simulator, client: Client, store: Dict[str, Any]) -> None:
    su = step_up(client, store)
    text = su.begin("user-1", ACTION, MESSAGE, device_id="dev-1").text
    sim.approve(sim.pushes()[0].nonce)
    sim.clear_log()
    for i, c in enumerate(text):
        forged = text[:i] + ("B" if c == "A" else "A") + text[i + 1 :]
        with pytest.raises(InvalidChallengeError):
            su.check(forged, "user-1", ACTION)
    for bad in (text[:-1], text[:10], text + "A", "", "x" * (1 << 20), text.replace(".", "!", 1)):
        with pytest.raises((InvalidChallengeError, InvalidArgumentError)):
            su.check(bad, "user-1", ACTION)
    other_key = StepUp(client, b"another-key-of-another-app-0123456789", min_gap=0, **store)
    with pytest.raises(InvalidChallengeError):
        other_key.check(text, "user-1", ACTION)
    assert sim.request_log() == []
    assert su.check(text, "user-1", ACTION) == "approved"


def test_too_old_is_expired_with_no_request(sim: Simulator, client: Client, store: Dict[str, Any]) -> None:
    su = step_up(client, store, max_age=1)
    challenge = su.begin("user-1", ACTION, MESSAGE, device_id="dev-1")
    sim.approve(challenge.nonce)
    time.sleep(1.1)
    sim.clear_log()
    assert su.check(challenge, "user-1", ACTION) == "expired"
    assert su.wait(challenge, "user-1", ACTION, timeout=5) == "expired"
    assert sim.request_log() == []


def test_throttle_is_a_typed_error_with_no_push(sim: Simulator, client: Client, store: Dict[str, Any]) -> None:
    su = step_up(client, store, max_unresolved=1)
    first = su.begin("user-1", ACTION, MESSAGE)
    with pytest.raises(ThrottledError) as info:
        su.begin("user-1", ACTION, MESSAGE)
    assert info.value.kind == "throttled" and info.value.code == "OMI_THROTTLED"
    assert [p.nonce for p in sim.pushes()] == [first.nonce]
    assert sim.count("push_all", "POST") == 1
    sim.reject(first.nonce)
    assert su.check(first, "user-1", ACTION) == "rejected"  # resolved: the slot is free again
    su.begin("user-1", ACTION, MESSAGE)
    assert len(sim.pushes()) == 2

    gap = step_up(client, store, min_gap=30)
    sim.add_user("gap-user", ["gap-phone"])
    gap.begin("gap-user", ACTION, MESSAGE)
    with pytest.raises(ThrottledError) as info:
        gap.begin("gap-user", ACTION, MESSAGE)
    assert info.value.retry_after is not None and 0 < info.value.retry_after <= 30
    assert sum(1 for p in sim.pushes() if p.user_id == "gap-user") == 1


def test_bad_keys_and_options_are_config_errors(client: Client) -> None:
    with pytest.raises(ConfigError):
        StepUp(client, b"too-short")
    with pytest.raises(ConfigError):
        StepUp(client, [KEY, "short"])
    with pytest.raises(ConfigError):
        StepUp(client, KEY, store="mysql://x")
    with pytest.raises(ConfigError):
        StepUp(client, KEY, max_age=-1)
    with pytest.raises(ConfigError):
        StepUp(client, KEY, max_unresolved=-1)
    with pytest.raises(TypeError):
        StepUp(client, 42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        StepUp(client, KEY, max_age="5")  # type: ignore[arg-type]


def test_keys_rotate_and_str_keys_are_their_utf8_bytes(sim: Simulator, client: Client) -> None:
    old = StepUp(client, KEY.decode(), min_gap=0)
    challenge = old.begin("user-1", ACTION, MESSAGE)
    rotated = StepUp(client, [b"the-new-key-of-this-app-0123456789abcdef", KEY], min_gap=0)
    assert rotated.check(challenge, "user-1", ACTION) == "pending"  # the old key still verifies
    new = rotated.begin("user-1", ACTION, MESSAGE)
    with pytest.raises(InvalidChallengeError):
        old.check(new, "user-1", ACTION)


def test_devices_for_a_picker(client: Client) -> None:
    assert [d.id for d in StepUp(client, KEY).devices("user-1")] == ["dev-1", "dev-2"]


# -- a Redis stopped mid-run ---------------------------------------------------------------


@pytest.fixture
def own_redis() -> Iterator[subprocess.Popen[bytes]]:
    """A redis-server of this test's own, on a free loopback port."""
    server = shutil.which("redis-server")
    assert server, "redis-server is missing (scripts/with-redis installs it)"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    proc.port = port  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def test_redis_stopped_mid_run_fails_closed(sim: Simulator, client: Client, own_redis: Any) -> None:
    su = StepUp(client, KEY, store=f"redis://127.0.0.1:{own_redis.port}/0", min_gap=0)
    challenge = su.begin("user-1", ACTION, MESSAGE, device_id="dev-1")
    assert su.check(challenge, "user-1", ACTION) == "pending"
    sim.approve(challenge.nonce)  # the user confirms ...
    own_redis.kill()  # ... and the store goes away
    own_redis.wait()
    with pytest.raises(StoreUnavailableError) as info:
        su.check(challenge, "user-1", ACTION)
    assert info.value.kind == "store_unavailable" and info.value.code == "OMI_STORE_UNAVAILABLE"
    with pytest.raises(StoreUnavailableError):
        su.wait(challenge, "user-1", ACTION, timeout=5)
    pushes = len(sim.pushes())
    with pytest.raises(StoreUnavailableError):
        su.begin("user-1", ACTION, MESSAGE)
    assert len(sim.pushes()) == pushes  # nothing sent without the throttle's say


# -- the wait guarantees -------------------------------------------------------------------


def test_wait_deadline_gives_pending(client: Client, store: Dict[str, Any]) -> None:
    su = step_up(client, store)
    challenge = su.begin("user-1", ACTION, MESSAGE)
    started = time.monotonic()
    assert su.wait(challenge, "user-1", ACTION, timeout=0.3, poll_interval=0.05) == "pending"
    assert 0.25 < time.monotonic() - started < 2.0
    assert su.check(challenge, "user-1", ACTION) == "pending"


def test_close_ends_a_wait_in_another_thread(sim: Simulator) -> None:
    client = sim.client(poll_interval=0.05)
    su = StepUp(client, KEY, min_gap=0)
    challenge = su.begin("user-1", ACTION, MESSAGE)
    result: Dict[str, Any] = {}

    def wait() -> None:
        try:
            result["verdict"] = su.wait(challenge, "user-1", ACTION, timeout=30)
        except BaseException as e:
            result["error"] = e

    t = threading.Thread(target=wait)
    t.start()
    time.sleep(0.3)
    started = time.monotonic()
    client.close()
    t.join(5)
    assert not t.is_alive() and time.monotonic() - started < 2
    assert isinstance(result.get("error"), CancelledError), result
    with pytest.raises(ConfigError):
        su.check(challenge, "user-1", ACTION)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_interrupts_a_step_up_wait_and_stops_polling(sim: Simulator) -> None:
    script = Script(
        """
        import sys, time
        from omi_push import Client, StepUp
        base_url, client_id, secret = sys.argv[1:4]
        client = Client(base_url, client_id=client_id, client_secret=secret)
        su = StepUp(client, b"k" * 32, min_gap=0)
        challenge = su.begin("user-1", "pay", "m", device_id="dev-1")
        print("WAITING", flush=True)
        start = time.monotonic()
        try:
            su.wait(challenge, "user-1", "pay", timeout=60, poll_interval=0.05)
            print("RETURNED", flush=True)
        except KeyboardInterrupt:
            print(f"INTERRUPTED {time.monotonic() - start:.3f}", flush=True)
        time.sleep(1.0)
        print("DONE", flush=True)
        """,
        [sim.base_url, sim.client_id, sim.client_secret],
    )
    script.expect_line("WAITING")
    time.sleep(0.5)
    assert sim.count("confirmation", "GET") >= 2, "the wait should be polling by now"
    sent = time.monotonic()
    script.proc.send_signal(signal.SIGINT)
    script.expect_line("INTERRUPTED")
    assert time.monotonic() - sent < 2.0
    time.sleep(0.2)
    polls = sim.count("confirmation", "GET")
    script.expect_line("DONE")
    result = script.finish()
    assert result.returncode == 0, result.stderr
    assert sim.count("confirmation", "GET") == polls, "polling went on after Ctrl-C"


def test_async_step_up_and_task_cancel(sim: Simulator, store: Dict[str, Any]) -> None:
    async def main() -> None:
        async with sim.async_client(poll_interval=0.05) as client:
            su = AsyncStepUp(client, KEY, min_gap=0, **store)
            assert [d.id for d in await su.devices("user-1")] == ["dev-1", "dev-2"]
            challenge = await su.begin("user-1", ACTION, MESSAGE, device_id="dev-1")
            assert isinstance(challenge, Challenge)
            assert await su.check(challenge, "user-1", ACTION) == "pending"
            task = asyncio.ensure_future(su.wait(challenge, "user-1", ACTION, timeout=30))
            await asyncio.sleep(0.3)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            polls = sim.count("confirmation", "GET")
            await asyncio.sleep(0.3)
            assert sim.count("confirmation", "GET") == polls, "polling went on after the cancel"
            sim.approve(challenge.nonce, after=0.2)
            assert await su.wait(challenge, "user-1", ACTION, timeout=5) == "approved"
            with pytest.raises(AlreadyUsedError):
                await su.check(challenge, "user-1", ACTION)
            with pytest.raises(ChallengeMismatchError):
                await su.wait(challenge, "user-2", ACTION, timeout=5)

    asyncio.run(main())
