"""The core's events through `Client(..., on_event=callable)`: dicts of the core's event JSON,
delivered through the outbox as log records are (a call's events before it returns), for the
blocking and the asyncio client; a failing callback does not affect the call."""

from __future__ import annotations

import asyncio
import sys
import threading
from typing import Any, Dict, List

import pytest

from omi_push import Client, StepUp
from omi_push.testing import Simulator


def test_a_calls_events_arrive_before_it_returns(sim: Simulator) -> None:
    events: List[Dict[str, Any]] = []
    sim.add_fault("devices", status=503, times=1)
    with sim.client(poll_interval=0.05, on_event=events.append) as c:
        c.list_devices("user-1")
        names = [e["event"] for e in events]
        assert names[0] == "token" and names.count("request") == 2 and "retry" in names, names
        [retry] = [e for e in events if e["event"] == "retry"]
        assert (retry["op"], retry["attempt"], retry["error"]) == ("list_devices", 2, "server")  # the attempt that comes next
        ticket = c.send_push("user-1", "m", device_id="dev-1")
        assert events[-1] == {"event": "push", "to_all_devices": False}
        sim.approve(ticket, after=0.2)
        c.wait_for_confirmation(ticket, timeout=5)
        wait = events[-1]
        assert wait["event"] == "wait" and wait["outcome"] == "confirmed" and wait["polls"] >= 1
        assert wait["error"] is None and 150 < wait["elapsed_ms"] < 5000
    for e in events:
        assert ticket.nonce not in str(e) and sim.client_secret not in str(e)


def test_rate_limits_and_step_up_calls_have_events(sim: Simulator) -> None:
    events: List[Dict[str, Any]] = []
    sim.add_fault("devices", status=429, retry_after=2, times=1)
    with sim.client(on_event=events.append) as c:
        with pytest.raises(Exception):
            c.list_devices("user-1")
        assert {"event": "rate_limited", "op": "list_devices", "retry_after_ms": 2000.0} in events
        su = StepUp(c, b"k" * 32, min_gap=0)
        challenge = su.begin("user-1", "pay", "m")
        assert events[-1]["event"] == "push" and events[-1]["to_all_devices"] is True
        assert su.wait(challenge, "user-1", "pay", timeout=0.2) == "pending"
        assert events[-1]["event"] == "wait" and events[-1]["outcome"] == "timed_out"


def test_async_client_events(sim: Simulator) -> None:
    events: List[Dict[str, Any]] = []
    threads = set()

    def on_event(e: Dict[str, Any]) -> None:
        threads.add(threading.current_thread().name)
        events.append(e)

    async def main() -> None:
        async with sim.async_client(poll_interval=0.05, on_event=on_event) as c:
            ticket = await c.send_push("user-1", "m", device_id="dev-1")
            sim.reject(ticket)
            assert (await c.wait_for_confirmation(ticket, timeout=5)).rejected
            # The call's events were queued before its result: they have been delivered.
            assert events[-1]["event"] == "wait" and events[-1]["outcome"] == "rejected"

    asyncio.run(main())
    assert {"token", "request", "push", "wait"} <= {e["event"] for e in events}
    assert threads, "no event delivered"


def test_a_failing_callback_is_reported_and_the_call_goes_on(sim: Simulator, monkeypatch: Any) -> None:
    reported: List[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)

    def broken(event: Dict[str, Any]) -> None:
        raise RuntimeError("metrics backend down")

    with sim.client(on_event=broken) as c:
        assert [d.id for d in c.list_devices("user-1")] == ["dev-1", "dev-2"]
    assert reported and isinstance(reported[0].exc_value, RuntimeError)
    assert reported[0].object is broken


def test_on_event_must_be_callable(sim: Simulator) -> None:
    with pytest.raises(TypeError, match="on_event"):
        Client(sim.base_url, client_id=sim.client_id, client_secret=sim.client_secret, on_event=42)  # type: ignore[arg-type]
    with sim.client(on_event=None) as c:  # None: no hook
        assert c.list_devices("user-1")
