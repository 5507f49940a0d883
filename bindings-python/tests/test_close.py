"""close() (and leaving `with` / `async with`) stops waits in flight on other threads and
event loops at once, with omi_push.CancelledError, and later calls raise ConfigError."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Callable, List, Optional

import pytest

from omi_push import AsyncClient, CancelledError, Client, ConfigError
from omi_push.testing import Simulator

# Far longer than any test runs: a wait that ends did so because of close().
WAIT = 30
# Longer than the time close() is given to end a wait, so it cannot end at its next poll.
POLL = 2.0
PROMPT = 1.0


def wait_for_polls(sim: Simulator, at_least: int = 1) -> None:
    deadline = time.monotonic() + 10
    while sim.count("confirmation", "GET") < at_least:
        assert time.monotonic() < deadline, "the wait never polled"
        time.sleep(0.01)


class Waiter(threading.Thread):
    """A blocking wait in its own thread, recording how and when it ended."""

    def __init__(self, client: Client, nonce: str) -> None:
        super().__init__(daemon=True)
        self.client, self.nonce = client, nonce
        self.error: Optional[BaseException] = None
        self.ended = 0.0

    def run(self) -> None:
        try:
            self.client.wait_for_confirmation(self.nonce, timeout=WAIT, poll_interval=POLL)
        except BaseException as e:  # noqa: BLE001 - the test inspects it
            self.error = e
        self.ended = time.monotonic()


def assert_cancelled_promptly(waiters: List[Waiter], closed_at: float) -> None:
    for w in waiters:
        w.join(10)
        assert not w.is_alive(), "the wait went on after close()"
        assert isinstance(w.error, CancelledError), repr(w.error)
        assert w.error.kind == "cancelled"
        assert w.ended - closed_at < PROMPT, f"ended {w.ended - closed_at:.2f} s after close()"


def assert_no_more_polls(sim: Simulator) -> None:
    polls = sim.count("confirmation", "GET")
    time.sleep(0.3)
    assert sim.count("confirmation", "GET") == polls, "polling went on after close()"


def test_close_cancels_waits_in_other_threads(sim: Simulator) -> None:
    client = sim.client()
    nonces = [client.send_push("user-1", f"m{i}", device_id="dev-1").nonce for i in range(4)]
    waiters = [Waiter(client, n) for n in nonces]
    for w in waiters:
        w.start()
    wait_for_polls(sim, at_least=4)
    closed_at = time.monotonic()
    client.close()
    assert time.monotonic() - closed_at < 0.5, "close() itself must not wait for the waits"
    assert client.closed
    assert_cancelled_promptly(waiters, closed_at)
    assert_no_more_polls(sim)


def test_calls_after_close_raise_config_error(sim: Simulator) -> None:
    client = sim.client()
    ticket = client.send_push("user-1", "m", device_id="dev-1")
    client.close()
    before = len(sim.request_log())
    calls: List[Callable[[], object]] = [
        lambda: client.list_devices("user-1"),
        lambda: client.send_push("user-1", "m"),
        lambda: client.confirmation_status(ticket),
        lambda: client.wait_for_confirmation(ticket, timeout=1),
    ]
    for call in calls:
        with pytest.raises(ConfigError, match="closed"):
            call()
    assert len(sim.request_log()) == before
    client.close()  # twice is fine


def test_leaving_the_with_block_cancels_a_wait_in_another_thread(sim: Simulator) -> None:
    with sim.client() as client:
        waiter = Waiter(client, client.send_push("user-1", "m", device_id="dev-1").nonce)
        waiter.start()
        wait_for_polls(sim)
        closed_at = time.monotonic()
    assert_cancelled_promptly([waiter], closed_at)
    assert_no_more_polls(sim)


def test_close_from_another_thread_cancels_a_wait_in_the_main_thread(sim: Simulator) -> None:
    """The main thread's wait sleeps in slices to answer Ctrl-C: close() ends it as well."""
    assert threading.current_thread() is threading.main_thread()
    client = sim.client()
    ticket = client.send_push("user-1", "m", device_id="dev-1")
    closed_at: List[float] = []

    def close_when_polling() -> None:
        wait_for_polls(sim)
        closed_at.append(time.monotonic())
        client.close()

    closer = threading.Thread(target=close_when_polling)
    closer.start()
    with pytest.raises(CancelledError):
        client.wait_for_confirmation(ticket, timeout=WAIT, poll_interval=POLL)
    ended = time.monotonic()
    closer.join()
    assert ended - closed_at[0] < PROMPT


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(asyncio.wait_for(coro, 20))


async def polled(sim: Simulator) -> None:
    while sim.count("confirmation", "GET") < 1:
        await asyncio.sleep(0.01)


@pytest.mark.parametrize("how", ["aclose", "close", "async with"])
def test_closing_an_async_client_cancels_its_waits(sim: Simulator, how: str) -> None:
    async def main() -> float:
        aclient = sim.async_client()

        async def wait_in(client: AsyncClient) -> float:
            ticket = await client.send_push("user-1", "m", device_id="dev-1")
            with pytest.raises(CancelledError):
                await client.wait_for_confirmation(ticket, timeout=WAIT, poll_interval=POLL)
            return time.monotonic()

        if how == "async with":
            async with aclient:
                task = asyncio.create_task(wait_in(aclient))
                await polled(sim)
                closed_at = time.monotonic()
        else:
            task = asyncio.create_task(wait_in(aclient))
            await polled(sim)
            closed_at = time.monotonic()
            if how == "aclose":
                await aclient.aclose()
            else:
                aclient.close()
        ended = await task
        assert aclient.closed
        with pytest.raises(ConfigError, match="closed"):
            await aclient.list_devices("user-1")
        return ended - closed_at

    latency = run(main())
    assert latency < PROMPT, f"the wait ended {latency:.2f} s after close"
    assert_no_more_polls(sim)


def test_close_from_another_thread_cancels_an_asyncio_wait(sim: Simulator) -> None:
    aclient = sim.async_client()

    async def main() -> None:
        ticket = await aclient.send_push("user-1", "m", device_id="dev-1")
        closer = threading.Timer(0.3, aclient.close)
        closer.start()
        start = time.monotonic()
        with pytest.raises(CancelledError):
            await aclient.wait_for_confirmation(ticket, timeout=WAIT, poll_interval=POLL)
        assert time.monotonic() - start < 0.3 + PROMPT
        closer.join()

    run(main())
