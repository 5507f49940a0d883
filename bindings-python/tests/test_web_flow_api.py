"""StepUpFlow / AsyncStepUpFlow themselves (the adapters' tests are test_web_*.py): the two
calls in both forms against the simulator, the GIL released and Ctrl-C answered while a
blocking call waits, cancellation of the asyncio form, argument checks."""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
import time

import pytest

from omi_push import Allowed, AsyncStepUp, AsyncStepUpFlow, ConfigError, FlowResponse, StepUp, StepUpFlow
from omi_push.testing import Simulator

from conftest import Script

KEY = b"web-flow-api-test-key-0123456789abcdef"
PAY = "change-payment-method"


def test_blocking_dance(sim: Simulator) -> None:
    with sim.client(poll_interval=0.05) as omi:
        flow = StepUpFlow(StepUp(omi, KEY, min_gap=0))
        g = flow.guard(PAY, user_id="user-1", session=None, url="/pay?x=1")
        assert isinstance(g, FlowResponse) and g.status == 303 and g.location is not None
        assert g.location.startswith("/step-up/start?") and ("Cache-Control", "no-store") in g.headers
        r = flow.handle("POST", "/start", {"action": PAY, "device": "all"}, user_id="user-1", session=None)
        assert r.status == 403  # a POST without the flow's own form token starts nothing
        assert sim.pushes() == []
        picker = flow.handle("GET", "/start", {"action": PAY, "next": "/pay?x=1"}, user_id="user-1", session=None)
        assert picker.status == 200 and "Pixel 9" in picker.body and picker.session is None
        token = picker.body.split('name="csrf" value="')[1].split('"')[0]
        form = {"action": PAY, "next": "/pay?x=1", "device": "all", "csrf": token}
        sent = flow.handle("POST", "/start", form, user_id="user-1", session=None)
        assert sent.status == 303 and sent.session and [p.device_ids for p in sim.pushes()] == [("dev-1", "dev-2")]
        sim.approve(sim.pushes()[0].nonce)
        status = flow.handle("GET", "/status", {"action": PAY, "next": "/pay?x=1"}, user_id="user-1", session=sent.session)
        assert status.status == 200 and '"verdict":"approved"' in status.body, status.body
        allowed = flow.guard(PAY, user_id="user-1", session=sent.session, url="/pay?x=1")
        assert isinstance(allowed, Allowed) and repr(allowed) == "Allowed()"
        again = flow.guard(PAY, user_id="user-1", session=sent.session, url="/pay?x=1")
        assert isinstance(again, FlowResponse) and again.status == 303


def test_async_dance_and_cancellation(sim: Simulator) -> None:
    async def main() -> None:
        omi = sim.async_client(poll_interval=0.05)
        flow = AsyncStepUpFlow(AsyncStepUp(omi, KEY, min_gap=0), mount="/confirm", message="Confirm it")
        assert flow.mount == "/confirm" and repr(flow) == "AsyncStepUpFlow(mount='/confirm')"
        api = await flow.guard(PAY, user_id="user-1", session=None, url="/pay", wants_json=True)
        assert isinstance(api, FlowResponse) and api.status == 401 and api.content_type == "application/json"
        sim.add_fault("devices", latency=30, times=1)
        task = asyncio.ensure_future(flow.handle("GET", "/start", {"action": PAY}, user_id="user-1", session=None))
        while sim.count("devices", "GET") < 1:
            await asyncio.sleep(0.01)
        start = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - start < 1.0
        page = await flow.handle("GET", "/start", {"action": PAY}, user_id="user-1", session=None)
        assert page.status == 200 and "Where should we send the confirmation?" in page.body
        omi.close()

    asyncio.run(main())


def test_a_blocking_call_releases_the_gil(sim: Simulator) -> None:
    with sim.client() as omi:
        flow = StepUpFlow(StepUp(omi, KEY))
        sim.add_fault("devices", latency=1.0, times=1)
        ticks = 0
        stop = threading.Event()

        def count() -> None:
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                time.sleep(0.01)

        counter = threading.Thread(target=count)
        counter.start()
        try:
            assert flow.handle("GET", "/start", {"action": PAY}, user_id="user-1", session=None).status == 200
        finally:
            stop.set()
            counter.join()
        assert ticks > 30, ticks


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_interrupts_a_blocking_call(sim: Simulator) -> None:
    sim.add_fault("devices", latency=30)
    script = Script(
        """
        import sys, time
        from omi_push import Client, StepUp, StepUpFlow
        base_url, client_id, secret = sys.argv[1:4]
        flow = StepUpFlow(StepUp(Client(base_url, client_id=client_id, client_secret=secret), "k" * 32))
        print("CALLING", flush=True)
        start = time.monotonic()
        try:
            flow.handle("GET", "/start", {"action": "pay"}, user_id="user-1", session=None)
            print("RETURNED", flush=True)
        except KeyboardInterrupt:
            print(f"INTERRUPTED {time.monotonic() - start:.3f}", flush=True)
        """,
        [sim.base_url, sim.client_id, sim.client_secret],
    )
    script.expect_line("CALLING")
    deadline = time.monotonic() + 20
    while sim.count("devices", "GET") < 1:
        assert time.monotonic() < deadline, "the call never reached the simulator"
        time.sleep(0.02)
    sent = time.monotonic()
    script.proc.send_signal(signal.SIGINT)
    script.expect_line("INTERRUPTED")
    assert time.monotonic() - sent < 2.0
    assert script.finish().returncode == 0


def test_arguments_are_checked(sim: Simulator) -> None:
    with sim.client() as omi:
        su = StepUp(omi, KEY)
        with pytest.raises(ConfigError):
            StepUpFlow(su, mount="step-up/")
        with pytest.raises(TypeError, match="step_up must be a StepUp"):
            StepUpFlow(AsyncStepUp(sim.async_client(), KEY))  # type: ignore[arg-type]
        flow = StepUpFlow(su)
        with pytest.raises(TypeError, match="user_id must be a str or None"):
            flow.guard(PAY, user_id=1, session=None, url="/")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="params"):
            flow.handle("GET", "/start", {"action": 1}, user_id="u", session=None)  # type: ignore[dict-item]
        with pytest.raises(TypeError, match="wants_json must be a bool"):
            flow.guard(PAY, user_id="u", session=None, url="/", wants_json="yes")  # type: ignore[arg-type]
        r = flow.handle("GET", "/nowhere", {"action": PAY}, user_id="user-1", session=None)
        assert r.status == 404 and "session" not in repr(r)


def test_the_package_imports_no_framework() -> None:
    code = (
        "import sys, omi_push\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'flask', 'django', 'starlette')))"
    )
    result = Script(code).finish()
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stderr


@pytest.mark.parametrize(
    "accept, api",
    [
        (None, False),
        ("*/*", False),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),
        ("application/json", True),
        ("application/json, text/plain, */*", True),
        ("text/html;q=0.5, application/json", True),
        ("application/json;q=0.1, text/html", False),
        ("application/*", True),
    ],
)
def test_an_api_client_is_one_that_prefers_json(accept: "str | None", api: bool) -> None:
    from omi_push._web import wants_json

    assert wants_json(accept) is api


def test_the_apps_layout_wraps_every_page(sim: Simulator) -> None:
    layout = "<html><head><title>Shop: {{title}}</title>{{head}}</head><body>{{content}}</body></html>"
    with sim.client(poll_interval=0.05) as omi:
        step_up = StepUp(omi, KEY, min_gap=0)
        flow = StepUpFlow(step_up, layout=layout)
        picker = flow.handle("GET", "/start", {"action": PAY}, user_id="user-1", session=None)
        assert picker.body.startswith("<html><head><title>Shop: Confirm on your phone</title>"), picker.body
        assert picker.body.endswith("</main></body></html>") and 'name="csrf"' in picker.body
        with pytest.raises(ConfigError):
            StepUpFlow(step_up, layout="<html>no content</html>")
        with pytest.raises(TypeError):
            StepUpFlow(step_up, layout=42)  # type: ignore[arg-type]
