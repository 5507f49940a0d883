"""Core `tracing` events reach Python `logging` under `omi_push`; secrets and tokens never
appear in a repr, an error or a log record."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import types

import pytest

import omi_push
from omi_push import Client, OmiError
from omi_push.testing import Simulator

from conftest import SECRET, STATIC_TOKEN


def test_events_reach_python_logging(sim: Simulator, client: Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="omi_push")
    ticket = client.send_push("user-1", "m", device_id="dev-1")
    sim.approve(ticket)
    client.wait_for_confirmation(ticket, timeout=5)
    records = [r for r in caplog.records if r.name.startswith("omi_push")]
    names = {r.name for r in records}
    assert "omi_push.client" in names and "omi_push.auth" in names, names
    sent = [r for r in records if r.name == "omi_push.client" and r.getMessage().startswith("push sent")]
    assert len(sent) == 1 and sent[0].levelno == logging.INFO
    assert "to_all_devices=false" in sent[0].getMessage()
    assert sent[0].pathname.endswith(".rs") and sent[0].lineno > 0


def test_logger_level_is_respected(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="omi_push")
    client.send_push("user-1", "m", device_id="dev-1")
    assert [r for r in caplog.records if r.name.startswith("omi_push")] == []
    caplog.set_level(logging.INFO, logger="omi_push")  # changed at run time: applies at once
    client.send_push("user-1", "m", device_id="dev-1")
    infos = [r for r in caplog.records if r.name.startswith("omi_push")]
    assert infos and all(r.levelno >= logging.INFO for r in infos)


def test_async_events_are_logged_too(sim: Simulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="omi_push")

    async def main() -> None:
        async with sim.async_client() as c:
            await c.send_push("user-1", "m", device_id="dev-1")

    asyncio.run(main())
    assert any(r.name == "omi_push.client" and "push sent" in r.getMessage() for r in caplog.records)


def test_a_calls_records_are_logged_when_it_returns_with_the_event_time(
    sim: Simulator, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    # Events are queued on the runtime's threads (which never wait for the GIL) and reach
    # `logging` from the calling thread before the call returns: in the main thread and in others.
    caplog.set_level(logging.INFO, logger="omi_push")
    seen: list = []

    def call() -> None:
        before = time.time()
        client.send_push("user-1", "m", device_id="dev-1")
        after = time.time()
        sent = [r for r in caplog.records if r.getMessage().startswith("push sent")]
        seen.append((len(sent), before, after, sent[-1].created if sent else None))

    call()
    worker = threading.Thread(target=call)
    worker.start()
    worker.join()
    assert [n for n, *_ in seen] == [1, 2], seen
    for _, before, after, created in seen:
        assert created is not None and before <= created <= after


def test_records_from_many_threads_with_a_slow_handler_are_all_delivered(sim: Simulator, client: Client) -> None:
    # A handler that releases the GIL while it writes makes finishing calls wait for each
    # other's deliveries: nothing may be lost, duplicated or left waiting.
    records: list = []

    class Slow(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            time.sleep(0.002)
            records.append(record.getMessage())

    logger = logging.getLogger("omi_push")
    handler = Slow()
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        def pushes() -> None:
            for _ in range(5):
                client.send_push("user-1", "m", device_id="dev-1")

        threads = [threading.Thread(target=pushes) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in threads)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    assert sum(m.startswith("push sent") for m in records) == 80


def test_records_of_a_running_wait_reach_logging_while_it_waits(
    sim: Simulator, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="omi_push")
    ticket = client.send_push("user-1", "m", device_id="dev-1")
    sim.add_fault("confirmation", status=500)
    ended: list = []

    def wait() -> None:
        try:
            client.wait_for_confirmation(ticket, timeout=4)
        except OmiError as e:  # the polls keep failing: the wait gives up in the end
            ended.append(e)

    worker = threading.Thread(target=wait)
    worker.start()
    deadline = time.monotonic() + 3
    retried = []
    while not retried and time.monotonic() < deadline:
        time.sleep(0.05)
        retried = [r for r in caplog.records if "poll failed; retrying" in r.getMessage()]
    still_waiting = worker.is_alive()
    worker.join()
    assert retried, "no record of the failing polls arrived while the wait was running"
    assert still_waiting


def test_secret_and_tokens_never_leak(sim: Simulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(1)  # everything, every logger
    texts = []
    with sim.client(poll_interval=0.05) as c:
        texts += [repr(c), str(c)]
        ticket = c.send_push("user-1", "m", device_id="dev-1")
        texts += [repr(ticket), str(ticket)]
        sim.revoke_tokens()  # forces a refresh: two tokens go through the client
        c.wait_for_confirmation(ticket, timeout=0.3)
        for call in (lambda: c.list_devices("nobody"), lambda: c.send_push("", "m")):
            try:
                call()
            except OmiError as e:
                texts += [str(e), repr(e), repr(e.__dict__)]
    with Client(sim.base_url, client_id=sim.client_id, client_secret="wrong-" + SECRET) as bad:
        texts.append(repr(bad))
        try:
            bad.list_devices("user-1")
        except OmiError as e:
            texts += [str(e), repr(e)]
    with Client(sim.base_url, access_token=STATIC_TOKEN) as st:
        texts.append(repr(st))
        try:
            st.list_devices("user-1")
        except OmiError as e:
            texts += [str(e), repr(e)]
    texts += [r.getMessage() for r in caplog.records] + [repr(r.__dict__) for r in caplog.records]
    assert len(caplog.records) > 3
    blob = "\n".join(texts)
    assert SECRET not in blob and STATIC_TOKEN not in blob
    assert "access_token" not in "\n".join(r.getMessage() for r in caplog.records)


def test_public_names_have_docstrings() -> None:
    import omi_push.testing as testing

    missing = []
    for module in (omi_push, testing):
        for name in module.__all__:
            obj = getattr(module, name)
            if name.startswith("__") or name in ("Seconds", "DeviceSpec", "UsersSpec", "Verdict", "Key"):
                continue
            if not (getattr(obj, "__doc__", None) or "").strip():
                missing.append(f"{module.__name__}.{name}")
            if isinstance(obj, type):
                for attr, value in vars(obj).items():
                    documented = (property, types.GetSetDescriptorType, types.MemberDescriptorType, classmethod)
                    if attr.startswith("_") or not (callable(value) or isinstance(value, documented)):
                        continue
                    if not (getattr(value, "__doc__", None) or "").strip():
                        missing.append(f"{module.__name__}.{name}.{attr}")
    assert missing == []
