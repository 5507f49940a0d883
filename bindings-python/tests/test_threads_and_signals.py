"""Blocking calls release the GIL, one client serves many threads, and Ctrl-C interrupts a
wait (and stops its polling)."""

from __future__ import annotations

import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import List

import pytest

from omi_push import Client
from omi_push.testing import Simulator

from conftest import Script


def test_wait_releases_the_gil(client: Client) -> None:
    ticket = client.send_push("user-1", "m", device_id="dev-1")
    ticks: List[float] = []
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.005)

    t = threading.Thread(target=spin)
    t.start()
    try:
        start = time.monotonic()
        outcome = client.wait_for_confirmation(ticket, timeout=1.0, poll_interval=0.1)
        end = time.monotonic()
    finally:
        stop.set()
        t.join()
    assert outcome.timed_out
    during = [x for x in ticks if start < x < end]
    # With the GIL held for the whole wait the other thread could not run at all.
    assert len(during) > 20, len(during)


def test_one_client_from_16_threads(sim: Simulator) -> None:
    users = {f"user-{i}": [f"dev-{i}"] for i in range(16)}
    for uid, devices in users.items():
        sim.add_user(uid, devices)
    sim.set_auto_respond("approve", delay=0.2)
    with sim.client(poll_interval=0.05) as client:

        def flow(i: int) -> tuple:  # type: ignore[type-arg]
            uid = f"user-{i}"
            devices = [d.id for d in client.list_devices(uid)]
            ticket = client.send_push(uid, f"message {i}", device_id=devices[0])
            outcome = client.wait_for_confirmation(ticket, timeout=20)
            return uid, devices, ticket.user_id, ticket.device_id, outcome.kind

        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(flow, range(16)))
    for i, (uid, devices, t_user, t_dev, kind) in enumerate(results):
        assert (uid, devices, t_user, t_dev, kind) == (f"user-{i}", [f"dev-{i}"], f"user-{i}", f"dev-{i}", "confirmed")
    assert len({p.nonce for p in sim.pushes()}) == 16
    assert sim.count("push_device", "POST") == 16
    assert sim.count("token", "POST") == 1  # one token fetch for all threads


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_interrupts_a_blocking_wait_and_stops_polling(sim: Simulator) -> None:
    script = Script(
        """
        import sys, time
        from omi_push import Client
        base_url, client_id, secret = sys.argv[1:4]
        client = Client(base_url, client_id=client_id, client_secret=secret)
        ticket = client.send_push("user-1", "m", device_id="dev-1")
        print("WAITING", flush=True)
        start = time.monotonic()
        try:
            client.wait_for_confirmation(ticket, timeout=60, poll_interval=0.05)
            print("RETURNED", flush=True)
        except KeyboardInterrupt:
            print(f"INTERRUPTED {time.monotonic() - start:.3f}", flush=True)
        time.sleep(1.0)  # stay alive: a wait that still polled would show in the log now
        print("DONE", flush=True)
        """,
        [sim.base_url, sim.client_id, sim.client_secret],
    )
    script.expect_line("WAITING")
    time.sleep(0.5)
    polls_before = sim.count("confirmation", "GET")
    assert polls_before >= 2, "the wait should be polling by now"
    sent = time.monotonic()
    script.proc.send_signal(signal.SIGINT)
    script.expect_line("INTERRUPTED")
    latency = time.monotonic() - sent
    assert latency < 2.0, f"KeyboardInterrupt came {latency:.2f} s after SIGINT"
    time.sleep(0.2)
    polls_after_interrupt = sim.count("confirmation", "GET")
    script.expect_line("DONE")
    result = script.finish()
    assert result.returncode == 0, result.stderr
    assert sim.count("confirmation", "GET") == polls_after_interrupt, "polling went on after Ctrl-C"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_with_default_handler_ends_the_script(sim: Simulator) -> None:
    script = Script(
        """
        import sys
        from omi_push import Client
        client = Client(sys.argv[1], client_id=sys.argv[2], client_secret=sys.argv[3])
        ticket = client.send_push("user-1", "m", device_id="dev-1")
        print("WAITING", flush=True)
        client.wait_for_confirmation(ticket, timeout=60, poll_interval=0.05)
        """,
        [sim.base_url, sim.client_id, sim.client_secret],
    )
    script.expect_line("WAITING")
    time.sleep(0.3)
    script.proc.send_signal(signal.SIGINT)
    result = script.finish(timeout=10)
    assert result.returncode != 0 and "KeyboardInterrupt" in result.stderr
    assert "panic" not in result.stderr.lower()


# Python runs a pending signal handler inside whatever Python code runs next; during a wait
# that is often `logging`, called to hand over the library's records. A slow handler makes
# the signal land there almost every time.
SLOW_LOGGING = """
import logging, time

class Slow(logging.Handler):
    def emit(self, record):
        time.sleep(0.02)

logging.getLogger("omi_push").addHandler(Slow())
logging.getLogger("omi_push").setLevel(logging.DEBUG)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_is_not_lost_in_logging(sim: Simulator) -> None:
    script = Script(
        SLOW_LOGGING
        + """
import sys
from omi_push import Client
client = Client(sys.argv[1], client_id=sys.argv[2], client_secret=sys.argv[3])
ticket = client.send_push("user-1", "m", device_id="dev-1")
print("WAITING", flush=True)
try:
    client.wait_for_confirmation(ticket, timeout=20, poll_interval=0.05)
    print("RETURNED", flush=True)
except KeyboardInterrupt:
    print("INTERRUPTED", flush=True)
""",
        [sim.base_url, sim.client_id, sim.client_secret],
    )
    script.expect_line("WAITING")
    time.sleep(0.5)
    sent = time.monotonic()
    script.proc.send_signal(signal.SIGINT)
    script.expect_line("INTERRUPTED", timeout=10)
    assert time.monotonic() - sent < 2.0
    assert script.finish().returncode == 0


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sys_exit_in_a_signal_handler_ends_a_wait(sim: Simulator) -> None:
    """What gunicorn's sync worker does on SIGQUIT/SIGINT: its handler calls sys.exit."""
    script = Script(
        SLOW_LOGGING
        + """
import signal, sys
from omi_push import Client
signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))
client = Client(sys.argv[1], client_id=sys.argv[2], client_secret=sys.argv[3])
ticket = client.send_push("user-1", "m", device_id="dev-1")
print("WAITING", flush=True)
client.wait_for_confirmation(ticket, timeout=20, poll_interval=0.05)
print("RETURNED", flush=True)
""",
        [sim.base_url, sim.client_id, sim.client_secret],
    )
    script.expect_line("WAITING")
    time.sleep(0.5)
    sent = time.monotonic()
    script.proc.send_signal(signal.SIGTERM)
    result = script.finish(timeout=10)
    assert time.monotonic() - sent < 2.0
    assert result.returncode == 3 and "RETURNED" not in result.stdout, result.stderr
