"""The AsyncClient: results, cancellation stops polling, asyncio.wait_for, several loops."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Coroutine, List, TypeVar

import pytest

from omi_push import AsyncClient, InvalidArgumentError, NotFoundError, Outcome
from omi_push.testing import Simulator

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def test_all_calls(sim: Simulator, aclient: AsyncClient) -> None:
    async def main() -> Outcome:
        devices = await aclient.list_devices("user-1")
        assert [d.id for d in devices] == ["dev-1", "dev-2"]
        ticket = await aclient.send_push("user-1", "Confirm", device_id="dev-1")
        assert (await aclient.confirmation_status(ticket)).state == "pending"
        sim.approve(ticket, after=0.2)
        return await aclient.wait_for_confirmation(ticket.nonce, timeout=10)

    outcome = run(main())
    assert outcome.confirmed and outcome.polls >= 1


def test_methods_are_coroutines_and_do_nothing_until_awaited(sim: Simulator, aclient: AsyncClient) -> None:
    async def main() -> None:
        coro = aclient.send_push("user-1", "never sent", device_id="dev-1")
        assert asyncio.iscoroutine(coro)
        coro.close()
        await asyncio.sleep(0.2)
        task = asyncio.create_task(aclient.list_devices("user-1"))
        assert len(await task) == 2

    run(main())
    assert sim.pushes() == []


def test_cancelling_the_task_stops_polling(sim: Simulator, aclient: AsyncClient) -> None:
    async def main() -> None:
        ticket = await aclient.send_push("user-1", "m", device_id="dev-1")
        task = asyncio.create_task(aclient.wait_for_confirmation(ticket, timeout=60, poll_interval=0.05))
        await asyncio.sleep(0.5)
        assert sim.count("confirmation", "GET") >= 2, "the wait should be polling by now"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.1)
        after_cancel = sim.count("confirmation", "GET")
        await asyncio.sleep(0.6)
        assert sim.count("confirmation", "GET") == after_cancel, "polling went on after cancel"

    run(main())


def test_wait_for_timeout_cancels_the_wait(sim: Simulator, aclient: AsyncClient) -> None:
    async def main() -> None:
        ticket = await aclient.send_push("user-1", "m", device_id="dev-1")
        start = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(aclient.wait_for_confirmation(ticket, timeout=60, poll_interval=0.05), timeout=0.4)
        assert time.monotonic() - start < 5
        await asyncio.sleep(0.1)
        after = sim.count("confirmation", "GET")
        assert after >= 1
        await asyncio.sleep(0.5)
        assert sim.count("confirmation", "GET") == after

    run(main())


def test_several_event_loops_in_sequence(sim: Simulator, aclient: AsyncClient) -> None:
    for i in range(3):
        devices = run(aclient.list_devices("user-1"))
        assert len(devices) == 2, i
    loop = asyncio.new_event_loop()
    try:
        assert len(loop.run_until_complete(aclient.list_devices("user-1"))) == 2
    finally:
        loop.close()
    assert sim.count("token", "POST") == 1  # the token cache outlives each loop


def test_many_concurrent_waits(sim: Simulator, aclient: AsyncClient) -> None:
    async def main() -> List[str]:
        tickets = await asyncio.gather(*(aclient.send_push("user-1", f"m{i}", device_id="dev-1") for i in range(10)))
        for i, t in enumerate(tickets):
            (sim.approve if i % 2 == 0 else sim.reject)(t, after=0.2)
        outcomes = await asyncio.gather(*(aclient.wait_for_confirmation(t, timeout=10) for t in tickets))
        return [o.kind for o in outcomes]

    assert run(main()) == ["confirmed", "rejected"] * 5


def test_the_event_loop_stays_responsive(sim: Simulator, aclient: AsyncClient) -> None:
    async def main() -> int:
        ticket = await aclient.send_push("user-1", "m", device_id="dev-1")
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        t = asyncio.create_task(ticker())
        outcome = await aclient.wait_for_confirmation(ticket, timeout=0.6, poll_interval=0.05)
        t.cancel()
        assert outcome.timed_out
        return ticks

    assert run(main()) > 20


def test_errors_and_bad_arguments(sim: Simulator, aclient: AsyncClient) -> None:
    async def main() -> None:
        with pytest.raises(NotFoundError):
            await aclient.list_devices("nobody")
        with pytest.raises(InvalidArgumentError):
            await aclient.wait_for_confirmation("A" * 24, timeout=0)
        with pytest.raises(TypeError):
            await aclient.list_devices(1)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            await aclient.send_push("user-1", "m", device_id=b"x")  # type: ignore[arg-type]

    run(main())
    assert sim.count("*", "POST") == 1 and sim.count("devices", "GET") == 1  # token + the 404


def test_async_context_manager_closes(sim: Simulator) -> None:
    async def main() -> AsyncClient:
        async with sim.async_client() as c:
            assert not c.closed
            assert repr(c).startswith("AsyncClient(base_url=")
        return c

    c = run(main())
    assert c.closed


def test_calling_outside_a_running_loop_fails_cleanly(aclient: AsyncClient) -> None:
    coro = aclient.list_devices("user-1")
    with pytest.raises(RuntimeError):
        coro.send(None)
    coro.close()


def test_event_loops_in_several_threads_at_once(sim: Simulator, aclient: AsyncClient) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def in_own_loop(i: int) -> str:
        async def main() -> str:
            ticket = await aclient.send_push("user-1", f"m{i}", device_id="dev-1")
            sim.approve(ticket, after=0.1)
            return (await aclient.wait_for_confirmation(ticket, timeout=10)).kind

        return asyncio.run(main())

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(in_own_loop, range(4))) == ["confirmed"] * 4


def test_a_result_for_a_closed_event_loop_is_dropped_and_later_calls_work(sim: Simulator, aclient: AsyncClient) -> None:
    first = asyncio.new_event_loop()
    ticket = first.run_until_complete(aclient.send_push("user-1", "m", device_id="dev-1"))
    sim.approve(ticket, after=0.2)
    pending = first.create_task(aclient.wait_for_confirmation(ticket, timeout=10))
    first.run_until_complete(asyncio.sleep(0.05))
    first.close()  # the wait goes on; its result finds no loop to go to

    async def later() -> str:
        await asyncio.sleep(0.5)  # the first wait's result came and was dropped
        return (await aclient.wait_for_confirmation(ticket, timeout=10)).kind

    assert run(later()) == "confirmed"
    assert not pending.done()
    pending._log_destroy_pending = False  # type: ignore[attr-defined]  # left pending on purpose

