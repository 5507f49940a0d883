"""Fork safety (pre-fork servers such as gunicorn): clients created, and used, before
`os.fork()` keep working in the child, blocking and asyncio alike."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
import warnings
from typing import Any, Callable, Dict, List

import pytest

from omi_push import AsyncClient, Client
from omi_push.testing import Simulator

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def in_child(work: Callable[[], Dict[str, Any]], timeout: float = 30.0) -> Dict[str, Any]:
    """Runs `work` in a forked child and returns what it returned (or raised)."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads
        pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 0
        try:
            os.close(read_end)
            try:
                result = work()
            except BaseException as e:  # report anything, including a crash of the work
                result = {"error": repr(e)}
                code = 1
            os.write(write_end, json.dumps(result).encode())
        finally:
            os._exit(code)
    os.close(write_end)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            raise AssertionError("the forked child hung")
        time.sleep(0.02)
    with os.fdopen(read_end) as f:
        data = f.read()
    assert os.WIFEXITED(status), f"the child died: status {status}"
    out: Dict[str, Any] = json.loads(data) if data else {"error": "no output"}
    assert os.WEXITSTATUS(status) == 0 and "error" not in out, out
    return out


def test_blocking_client_used_before_fork_works_in_child(sim: Simulator) -> None:
    sim.set_auto_respond("approve", delay=0.2)
    client = sim.client(poll_interval=0.05)
    # Warm everything up in the parent: runtime threads, token cache, pooled connections.
    assert len(client.list_devices("user-1")) == 2
    parent_ticket = client.send_push("user-1", "parent", device_id="dev-1")

    def work() -> Dict[str, Any]:
        devices = [d.id for d in client.list_devices("user-1")]
        ticket = client.send_push("user-1", "child", device_id="dev-2")
        outcome = client.wait_for_confirmation(ticket, timeout=10)
        return {"devices": devices, "outcome": outcome.kind, "pid": os.getpid()}

    out = in_child(work)
    assert out["devices"] == ["dev-1", "dev-2"] and out["outcome"] == "confirmed" and out["pid"] != os.getpid()
    # The parent's client is unharmed.
    assert client.wait_for_confirmation(parent_ticket, timeout=10).confirmed
    assert [p.message for p in sim.pushes()] == ["parent", "child"]
    client.close()


def test_client_created_before_fork_and_first_used_in_child(sim: Simulator) -> None:
    client = sim.client()
    out = in_child(lambda: {"n": len(client.list_devices("user-1"))})
    assert out == {"n": 2}


def test_async_client_in_a_childs_new_event_loop(sim: Simulator) -> None:
    sim.set_auto_respond("approve", delay=0.2)
    aclient = sim.async_client(poll_interval=0.05)
    assert len(asyncio.run(aclient.list_devices("user-1"))) == 2  # used in the parent first

    def work() -> Dict[str, Any]:
        async def main() -> Dict[str, Any]:
            ticket = await aclient.send_push("user-1", "child", device_id="dev-1")
            outcome = await aclient.wait_for_confirmation(ticket, timeout=10)
            task = asyncio.create_task(aclient.wait_for_confirmation(ticket, timeout=10))
            task.cancel()
            return {"outcome": outcome.kind, "cancelled": await asyncio.gather(task, return_exceptions=True) != []}

        return asyncio.run(main())

    assert in_child(work) == {"outcome": "confirmed", "cancelled": True}
    assert len(asyncio.run(aclient.list_devices("user-1"))) == 2
    aclient.close()


def test_simulator_started_in_child(sim: Simulator) -> None:
    """The testing helper itself works after a fork (e.g. in a forked test worker)."""

    def work() -> Dict[str, Any]:
        with Simulator() as child_sim, child_sim.client() as c:
            return {"n": len(c.list_devices("user-1"))}

    assert in_child(work) == {"n": 1}
    assert sys.modules["omi_push"] is not None


def test_forks_while_other_threads_use_the_client(sim: Simulator) -> None:
    """A fork copies whatever locks the parent's other threads hold at that instant (the token
    cache, the connection pool, a nonce's poll lock, the runtime slot), and those threads do not
    exist in the child. Before the core kept that state per process, about 1 fork in 8 of this
    test left a child that hung or timed out; 60 forks then fail almost surely (0.87^60 < 0.1%)."""
    client = sim.client(poll_interval=0.05)
    ticket = client.send_push("user-1", "approved before the forks", device_id="dev-1")
    sim.approve(ticket)
    stop = threading.Event()
    failures: List[BaseException] = []

    def busy(call: Callable[[], object]) -> None:
        while not stop.is_set():
            try:
                call()
            except BaseException as e:  # pragma: no cover - reported below
                failures.append(e)
                return

    calls: List[Callable[[], object]] = [
        lambda: client.list_devices("user-1"),
        lambda: client.list_devices("user-1"),
        lambda: client.wait_for_confirmation(ticket, timeout=5),
        lambda: client.wait_for_confirmation(ticket, timeout=5),
    ]
    threads = [threading.Thread(target=busy, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    try:

        def work() -> Dict[str, Any]:
            devices = len(client.list_devices("user-1"))
            return {"devices": devices, "outcome": client.wait_for_confirmation(ticket, timeout=5).kind}

        for i in range(60):
            assert in_child(work, timeout=15) == {"devices": 2, "outcome": "confirmed"}, f"fork {i}"
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert failures == []
    client.close()
