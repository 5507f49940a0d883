"""The README's examples: each code block is a file of tests/readme_examples/, checked by
`mypy --strict` and executed here against the simulator."""

from __future__ import annotations

import asyncio
import http.client
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, Iterator, Tuple

import pytest

from omi_push import Client, StepUp
from omi_push.testing import Simulator

from conftest import HERE, readme_path, run_script

EXAMPLES = HERE / "readme_examples"


def readme_blocks() -> list:  # type: ignore[type-arg]
    text = readme_path().read_text(encoding="utf-8")
    return [b.strip("\n") for b in re.findall(r"```python\n(.*?)```", text, flags=re.S)]


def test_every_readme_block_is_an_example_file() -> None:
    files = {p.name: p.read_text(encoding="utf-8").strip("\n") for p in EXAMPLES.glob("*.py")}
    blocks = readme_blocks()
    assert len(blocks) == len(files) >= 6
    for block in blocks:
        assert block in files.values(), f"README block not in {EXAMPLES}:\n{block[:200]}"


@pytest.mark.parametrize("target", [[str(EXAMPLES)], ["-p", "omi_push"]], ids=["examples", "package"])
def test_mypy_strict(target: list) -> None:  # type: ignore[type-arg]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *target],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=HERE,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def env(sim: Simulator) -> Iterator[Dict[str, str]]:
    values = {
        "OMI_BASE_URL": sim.base_url,
        "OMI_CLIENT_ID": sim.client_id,
        "OMI_CLIENT_SECRET": sim.client_secret,
        "FLASK_SECRET_KEY": "test-only",
        "STEP_UP_KEY": "readme-step-up-key-0123456789abcdef0123",
    }
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    yield values
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"readme_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quickstart(sim: Simulator, env: Dict[str, str]) -> None:
    sim.set_auto_respond("approve", delay=0.2)
    code = (EXAMPLES / "quickstart.py").read_text()
    # The example waits with the default 1 s poll interval; the answer comes after 0.2 s.
    result = run_script(code, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "confirmed"


def test_flask_example(sim: Simulator, env: Dict[str, str]) -> None:
    module = load("flask_app")
    web = module.app.test_client()
    with web.session_transaction() as s:
        s["user_id"] = "user-1"
    assert web.post("/payment-method/step-up").json == {"status": "sent"}
    [push] = sim.pushes()
    with web.session_transaction() as s:
        replayed = dict(s)  # the session cookie as the browser held it, challenge included
    sim.approve(push.nonce, after=0.2)
    response = web.post("/payment-method/step-up/wait")
    assert response.status_code == 200 and response.json == {"status": "approved"}
    with web.session_transaction() as s:
        assert s["stepped_up"] is True and "step_up" not in s

    # Replaying the old cookie (the approved challenge) does not pass step-up again.
    with web.session_transaction() as s:
        s.clear()
        s.update(replayed)
    sim.clear_log()
    assert web.post("/payment-method/step-up/wait").status_code == 403
    # Nor does another user's challenge copied into mallory's session.
    sim.add_user("mallory", ["mallory-phone"])
    other = StepUp(module.omi, env["STEP_UP_KEY"], min_gap=0).begin("user-1", module.ACTION, "Confirm")
    sim.approve(other.nonce)
    with web.session_transaction() as s:
        s.update({"user_id": "mallory", "step_up": other.text})
    assert web.post("/payment-method/step-up/wait").status_code == 403
    assert sim.count("confirmation", "GET") == 0  # both refused before any request

    with web.session_transaction() as s:
        s["user_id"] = "user-2"
    sim.add_user("user-2", ["dev-3"])
    assert web.post("/payment-method/step-up").status_code == 200
    sim.reject(sim.pushes()[-1].nonce)
    assert web.post("/payment-method/step-up/wait").status_code == 403
    module.omi.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn is POSIX only")
@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_gunicorn_hooks_end_waits_at_shutdown(sim: Simulator, env: Dict[str, str], sig: str) -> None:
    """The Flask app under gunicorn's gthread worker with the README's config: a request
    waiting (up to 60 s) does not hold the shutdown, whether graceful (SIGTERM) or quick."""
    flask_app = load("flask_app")
    challenge = flask_app.step_up.begin("user-1", flask_app.ACTION, "Confirm the change of your payment method")
    signer = flask_app.app.session_interface.get_signing_serializer(flask_app.app)
    cookie = signer.dumps({"user_id": "user-1", "step_up": challenge.text})
    flask_app.omi.close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn_conf.py", "-k", "gthread", "--threads", "4",
         "-w", "1", "-b", f"127.0.0.1:{port}", "flask_app:app"],
        cwd=EXAMPLES,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    answer: Dict[str, object] = {}

    def wait_request() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=90)
        conn.request("POST", "/payment-method/step-up/wait", headers={"Cookie": f"session={cookie}"})
        answer["status"] = conn.getresponse().status

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.05)
        client = threading.Thread(target=wait_request, daemon=True)
        client.start()
        while sim.count("confirmation", "GET") < 1:
            assert time.monotonic() < deadline, "the request never started waiting"
            time.sleep(0.02)
        sent = time.monotonic()
        server.send_signal(getattr(signal, sig))
        server.wait(timeout=10)
        took = time.monotonic() - sent
    finally:
        if server.poll() is None:
            server.kill()
        _, log = server.communicate()
    assert took < 3.0, f"gunicorn took {took:.1f} s to stop; log:\n{log}"
    client.join(5)
    assert answer.get("status") == 500, (answer, log)  # the wait's CancelledError
    assert "CancelledError" in log
    polls = sim.count("confirmation", "GET")
    time.sleep(0.3)
    assert sim.count("confirmation", "GET") == polls


def test_fastapi_example(sim: Simulator, env: Dict[str, str]) -> None:
    from fastapi.testclient import TestClient

    module = load("fastapi_app")
    sim.set_auto_respond("approve", delay=0.2)
    sim.add_user("user-2", ["dev-3"])
    with TestClient(module.app) as web:
        ok = web.post("/transfers/t-1/confirm", params={"user_id": "user-1"})
        assert ok.status_code == 200 and ok.json() == {"transfer_id": "t-1", "status": "approved"}
        # The default throttle: at most one push to a user per 10 s.
        assert web.post("/transfers/t-4/confirm", params={"user_id": "user-1"}).status_code == 429
        sim.set_auto_respond("reject", delay=0.1)
        denied = web.post("/transfers/t-2/confirm", params={"user_id": "user-2"})
        assert denied.status_code == 403 and "rejected" in denied.json()["detail"]
        assert web.post("/transfers/t-3/confirm", params={"user_id": "nobody"}).status_code == 404
    assert module.omi.closed  # the lifespan closed it
    assert [p.message for p in sim.pushes()] == ["Confirm transfer t-1", "Confirm transfer t-2"]


async def post_then_disconnect(sim: Simulator, app: Any, path: str, polls_before: int = 3) -> Tuple[int, bool, int]:
    """Runs one POST through the ASGI app as uvicorn does, the client disconnecting once the
    handler has polled `polls_before` times. Returns the polls at the disconnect, whether the
    handler ended within 3 s, and the polls then."""
    gone = asyncio.Event()
    body_sent = False

    async def receive() -> Dict[str, Any]:
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: Dict[str, Any]) -> None:
        pass

    raw, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": raw, "raw_path": raw.encode(), "query_string": query.encode(),
        "headers": [], "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80), "root_path": "",
    }
    handler = asyncio.ensure_future(app(scope, receive, send))
    while sim.count("confirmation", "GET") < polls_before:
        await asyncio.sleep(0.01)
    gone.set()
    at_disconnect = sim.count("confirmation", "GET")
    done, _ = await asyncio.wait({handler}, timeout=3)
    handler.cancel()
    return at_disconnect, bool(done), sim.count("confirmation", "GET")


def test_fastapi_example_stops_polling_when_the_client_disconnects(sim: Simulator, env: Dict[str, str]) -> None:
    module = load("fastapi_app")

    async def main() -> None:
        at_disconnect, ended, polls = await post_then_disconnect(sim, module.app, "/transfers/t-9/confirm?user_id=user-1")
        assert ended, "the handler went on after the client disconnected"
        assert polls <= at_disconnect + 1, (at_disconnect, polls)  # one may have been on the wire

        # What the README says of Starlette: a bare wait in a handler goes on polling.
        @module.app.post("/bare")
        async def bare(user_id: str) -> str:
            ticket = await module.omi.send_push(user_id, "Confirm")
            return (await module.omi.wait_for_confirmation(ticket, timeout=60, poll_interval=0.2)).kind

        start = sim.count("confirmation", "GET")
        at_disconnect, ended, polls = await post_then_disconnect(sim, module.app, "/bare?user_id=user-1", start + 2)
        assert not ended and polls >= at_disconnect + 5, (at_disconnect, polls)

    asyncio.run(main())
    module.omi.close()


def test_web_step_up_example(sim: Simulator, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    monkeypatch.setenv("SESSION_SECRET", "test-only")
    module = load("web_step_up")

    from starlette.responses import PlainTextResponse

    async def login(request: Any) -> PlainTextResponse:  # the app's own authentication, in the test
        request.session["user"] = "user-1"
        return PlainTextResponse("ok")

    module.app.add_route("/test-login", login)
    with TestClient(module.app, follow_redirects=False) as web:
        assert web.get("/payment-method").status_code == 401  # nobody signed in
        web.get("/test-login")
        api = web.get("/payment-method", headers={"Accept": "application/json"})
        assert api.status_code == 401 and api.json()["error"] == "step_up_required"
        start = web.get("/payment-method").headers["location"]
        picker = web.get(start)  # user-1 has two phones: the picker first
        assert "Pixel 9" in picker.text and sim.pushes() == []
        token = re.search(r'name="csrf" value="([^"]+)"', picker.text)
        assert token
        sent = web.post(start, data={"device": "dev-1", "csrf": token.group(1)})
        assert sent.status_code == 303 and "Check your phone" in web.get(sent.headers["location"]).text
        sim.approve(sim.pushes()[0].nonce)
        # What the waiting page's script polls; on "approved" it goes back to the page.
        status = web.get(sent.headers["location"].replace("/wait?", "/status?"))
        assert status.json() == {"verdict": "approved", "redirect": "/payment-method"}
        page = web.get("/payment-method")
        assert page.status_code == 200 and "Confirmed on your phone, user-1." in page.text
        assert web.get("/payment-method").status_code == 303  # once
    module.omi.close()


def test_testing_helper_example() -> None:
    module = load("testing_helper")
    module.test_step_up_is_confirmed()
    module.test_step_up_survives_a_flaky_server()


def test_error_handling_example(sim: Simulator, client: Client) -> None:
    module = load("error_handling")
    assert module.ask_for_confirmation(client, "nobody") == "no-device"
    sim.add_fault("push_all", status=429, retry_after=3, times=1)
    assert module.ask_for_confirmation(client, "user-1") == "try-later"
    sim.add_fault("push_all", status=500, times=1)
    assert module.ask_for_confirmation(client, "user-1") == "error"
    sim.set_auto_respond("approve", delay=0.1)
    assert module.ask_for_confirmation(client, "user-1") == "confirmed"


def test_metrics_example(sim: Simulator, env: Dict[str, str]) -> None:
    module = load("metrics")
    sim.add_fault("devices", status=503, times=1)  # one failed request, retried
    with module.omi as omi:
        assert omi.list_devices("user-1") and module.retries == 1
        ticket = omi.send_push("user-1", "Confirm", device_id="dev-1")
        sim.approve(ticket, after=0.3)
        assert omi.wait_for_confirmation(ticket, timeout=10, poll_interval=0.1).confirmed
        # The events of a call have reached the callback when it returns.
        assert module.outcomes == {"confirmed": 1} and len(module.wait_seconds) == 1
        assert 0.25 < module.wait_seconds[0] < 5
        assert omi.wait_for_confirmation(omi.send_push("user-1", "m"), timeout=0.2).timed_out
    assert module.outcomes == {"confirmed": 1, "timed_out": 1} and len(module.wait_seconds) == 2


def test_logging_example(sim: Simulator) -> None:
    setup = (EXAMPLES / "logging_setup.py").read_text()
    result = run_script(
        setup
        + "\nimport sys\nfrom omi_push import Client\n"
        + "c = Client(sys.argv[1], client_id=sys.argv[2], client_secret=sys.argv[3])\n"
        + "c.send_push('user-1', 'm')\n",
        args=[sim.base_url, sim.client_id, sim.client_secret],
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"omi_push\.client INFO push sent", result.stderr), result.stderr
    assert re.search(r"omi_push\.auth DEBUG requesting an access token", result.stderr), result.stderr
    assert sim.client_secret not in result.stderr
