"""Core `tracing` events reach Python `logging` under `omi_push`; secrets and tokens never
appear in a repr, an error or a log record."""

from __future__ import annotations

import asyncio
import logging
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
    assert "omi_push.client" in names and "omi_push.token" in names, names
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
            if name.startswith("__") or name in ("Seconds", "DeviceSpec", "UsersSpec"):
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
