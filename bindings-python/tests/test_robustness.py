"""No Rust panic reaches Python, odd inputs raise ordinary exceptions, and scripts that use
the library exit promptly."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any, Callable, List

from omi_push import Client, PushTicket
from omi_push.testing import Simulator

from conftest import run_script

ODD: List[Any] = [
    "",
    "\x00",
    "a\x00b",
    "\ud800",  # a lone surrogate cannot be encoded as UTF-8
    "é" * 300,
    "x" * 100_000,
    "../../etc",
    "%2F",
    " ",
    "\n",
    "😀",
    None,
    0,
    -1,
    2**80,
    1.5,
    float("nan"),
    float("inf"),
    b"bytes",
    [],
    {},
    object(),
    timedelta(days=-1),
    timedelta(days=10**6),
]


def every_call(client: Client) -> List[Callable[[Any], Any]]:
    return [
        lambda v: client.list_devices(v),
        lambda v: client.send_push(v, "m"),
        lambda v: client.send_push("user-1", v),
        lambda v: client.send_push("user-1", "m", device_id=v),
        lambda v: client.send_push("user-1", "m", nonce=v),
        lambda v: client.confirmation_status(v),
        lambda v: client.wait_for_confirmation(v, timeout=0.05),
        lambda v: client.wait_for_confirmation("A" * 24, timeout=v, poll_interval=0.01),
        lambda v: client.wait_for_confirmation("A" * 24, timeout=0.05, poll_interval=v),
        lambda v: PushTicket.parse(v),
        lambda v: Client(v, client_id="a", client_secret="b"),
        lambda v: Client("http://127.0.0.1:9", client_id=v, client_secret="b"),
        lambda v: Client("http://127.0.0.1:9", client_id="a", client_secret=v),
        lambda v: Client("http://127.0.0.1:9", access_token=v),
        lambda v: Client("http://127.0.0.1:9", client_id="a", client_secret="b", request_timeout=v),
        lambda v: Client("http://127.0.0.1:9", client_id="a", client_secret="b", scopes=[v]),
        lambda v: Client("http://127.0.0.1:9", client_id="a", client_secret="b", max_message_chars=v),
        lambda v: Client("http://127.0.0.1:9", client_id="a", client_secret="b", paths={"devices": v}),
        lambda v: Client("http://127.0.0.1:9", client_id="a", client_secret="b", ca_cert_pem=v),
    ]


def test_odd_inputs_raise_ordinary_exceptions(sim: Simulator) -> None:
    """pyo3 turns a Rust panic into PanicException, a BaseException: catching `Exception`
    here would let it through and fail the test."""
    with sim.client(request_timeout=2, max_retries=0) as client:
        outcomes = 0
        for call in every_call(client):
            for value in ODD:
                try:
                    call(value)
                except Exception:
                    pass
                outcomes += 1
        assert outcomes == len(ODD) * len(every_call(client))
        # Still healthy afterwards.
        assert len(client.list_devices("user-1")) == 2


def test_script_exits_promptly_when_done(sim: Simulator) -> None:
    start = time.monotonic()
    result = run_script(
        """
        import asyncio, sys, threading
        from omi_push import AsyncClient, Client
        from omi_push.testing import Simulator

        sim = Simulator()  # never stopped: must not keep the process alive
        client = Client(sim.base_url, client_id=sim.client_id, client_secret=sim.client_secret)
        ticket = client.send_push("user-1", "m", device_id="dev-1")
        client.wait_for_confirmation(ticket, timeout=0.2, poll_interval=0.05)

        async def main():
            a = AsyncClient(sim.base_url, client_id=sim.client_id, client_secret=sim.client_secret)
            await a.list_devices("user-1")
            # left pending: asyncio.run cancels it at the end
            asyncio.create_task(a.wait_for_confirmation(ticket, timeout=60, poll_interval=0.05))
            await asyncio.sleep(0.1)

        asyncio.run(main())
        # a daemon thread still blocked in a wait when the script ends
        threading.Thread(target=client.wait_for_confirmation, args=(ticket,),
                         kwargs={"timeout": 60, "poll_interval": 0.05}, daemon=True).start()
        print("END", flush=True)
        """,
        timeout=30,
    )
    elapsed = time.monotonic() - start
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "END"
    assert "panic" not in result.stderr.lower() and "Traceback" not in result.stderr, result.stderr
    assert elapsed < 15, f"the script took {elapsed:.1f} s to exit"


def test_exit_while_runtime_threads_deliver_results_and_logs() -> None:
    # Runtime threads keep completing asyncio futures and forwarding log events while the
    # interpreter exits. A runtime thread that took the GIL during finalization used to be
    # ended with pthread_exit, which crashed the process (SIGSEGV/SIGABRT, about 1 run in 3).
    code = """
        import asyncio, logging, sys, threading
        from omi_push import AsyncClient
        from omi_push.testing import Simulator

        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s %(message)s")
        logging.getLogger("omi_push.simulator").setLevel(logging.WARNING)
        sim = Simulator()
        kw = dict(client_id=sim.client_id, client_secret=sim.client_secret)

        def busy():
            async def main():
                a = AsyncClient(sim.base_url, **kw)
                while True:
                    await asyncio.gather(*(a.list_devices("user-1") for _ in range(50)))
            asyncio.run(main())

        async def main():
            a = AsyncClient(sim.base_url, **kw)
            await asyncio.gather(*(a.list_devices("user-1") for _ in range(300)))

        for _ in range(2):
            threading.Thread(target=busy, daemon=True).start()
        asyncio.run(main())
        print("END", flush=True)
        """
    for run in range(5):
        result = run_script(code, timeout=60)
        assert result.returncode == 0, f"run {run}: exit status {result.returncode}; stderr tail:\n{result.stderr[-2000:]}"
        assert result.stdout.strip() == "END"


def test_import_alone_exits_promptly() -> None:
    result = run_script("import omi_push, omi_push.testing; print(omi_push.__version__)", timeout=20)
    assert result.returncode == 0 and result.stdout.strip(), result.stderr
