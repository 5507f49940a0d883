"""The testing kit as a package of its own: ``python -m omi_push.testing serve`` (a standalone
simulator that other processes share) and the ImportError that names the package to install
when the kit is missing."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request
from typing import IO, Any, Dict, Iterator, List

import pytest

from omi_push import Client

from conftest import default_sigint


def _start(args: List[str]) -> "subprocess.Popen[str]":
    return subprocess.Popen(
        [sys.executable, "-m", "omi_push.testing", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )


def _lines(stream: "IO[str]", n: int) -> Iterator[str]:
    for _ in range(n):
        yield stream.readline()


@pytest.fixture
def served() -> Iterator[Dict[str, Any]]:
    proc = _start(["--json", "--user", "alice=alice-phone,alice-tablet", "--client-secret", "shared-secret"])
    try:
        assert proc.stdout is not None
        info: Dict[str, Any] = json.loads(proc.stdout.readline())
        info["proc"] = proc
        yield info
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def test_serve_prints_how_to_reach_it(served: Dict[str, Any]) -> None:
    assert served["base_url"].startswith("http://127.0.0.1:")
    assert served["token_url"].startswith(served["base_url"])
    assert served["client_id"] == "sim-client" and served["client_secret"] == "shared-secret"
    assert set(served["phones"]) == {"alice/alice-phone", "alice/alice-tablet"}
    with urllib.request.urlopen(served["phones"]["alice/alice-phone"], timeout=10) as page:
        assert page.status == 200


def test_another_process_pushes_and_approves_then_ctrl_c_stops_it(served: Dict[str, Any]) -> None:
    """The server runs in its own process: this one is its client and its phone."""
    with Client(served["base_url"], client_id=served["client_id"], client_secret="shared-secret") as client:
        assert [d.id for d in client.list_devices("alice")] == ["alice-phone", "alice-tablet"]
        ticket = client.send_push("alice", "Confirm from another process", device_id="alice-phone")
        approve = urllib.request.Request(f"{served['base_url']}/_sim/pushes/{ticket.nonce}/approve", method="POST")
        with urllib.request.urlopen(approve, timeout=10) as answer:
            assert answer.status < 300
        assert client.wait_for_confirmation(ticket, timeout=20).confirmed
    proc: "subprocess.Popen[str]" = served["proc"]
    assert proc.poll() is None, "it runs until stopped"
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    assert time.monotonic() - started < 30
    assert proc.stderr is not None and "Traceback" not in proc.stderr.read()


def test_serve_text_output_and_sigterm() -> None:
    proc = _start(["--port", "0"])
    try:
        assert proc.stdout is not None
        lines = list(_lines(proc.stdout, 7))
        assert lines[0].startswith("omi-push simulator on http://127.0.0.1:") and "Ctrl-C" in lines[0]
        text = "".join(lines)
        for field in ("base_url", "token_url", "client_id      sim-client", "client_secret", "phone user-1/dev-1"):
            assert field in text
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert "omi-push simulator stopped" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def test_no_command_is_an_error_not_silence() -> None:
    run = subprocess.run([sys.executable, "-m", "omi_push.testing"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "serve" in run.stderr


def test_without_the_kit_the_import_error_names_the_package() -> None:
    """As in an environment where only the omi-push wheel is installed (make package-test
    checks that too, in a fresh venv)."""
    code = (
        "import sys; sys.modules['omi_push_testing'] = None\n"
        "import omi_push\n"
        "try:\n"
        "    import omi_push.testing\n"
        "except ImportError as e:\n"
        "    print(type(e).__name__, e.name, e)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=os.environ)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("ImportError omi_push_testing ")
    assert "pip install omi-push-testing" in run.stdout


def test_the_simulators_events_reach_logging(caplog: pytest.LogCaptureFixture) -> None:
    """The kit's library records the simulator's events; each simulator call hands them to the
    logger ``omi_push.simulator`` from the calling thread."""
    from omi_push.testing import Simulator

    caplog.set_level(logging.DEBUG, logger="omi_push.simulator")
    with Simulator() as sim, sim.client() as client:
        ticket = client.send_push("user-1", "logged?", device_id="dev-1")
        sim.approve(ticket)
    messages = [r.getMessage() for r in caplog.records if r.name == "omi_push.simulator"]
    assert any(m.startswith("OMI push simulator listening") for m in messages), messages
    assert any(m.startswith("push created") for m in messages), messages
    assert any(m.startswith("push approved") and ticket.nonce in m for m in messages), messages
    assert all(r.created <= time.time() for r in caplog.records)


@pytest.mark.parametrize("library", ["missing", "not-a-library"])
def test_a_platform_without_a_native_library_gets_an_error_naming_it(tmp_path: Any, library: str) -> None:
    """The package as it would be on a platform with no wheel: its Python files, and no native
    library (or a file that is not one for this platform). `import omi_push` names the
    platform, the supported ones and the loader's own reason, the same every time."""
    import shutil

    import omi_push

    package = tmp_path / "omi_push"
    shutil.copytree(os.path.dirname(omi_push.__file__), package, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    if library == "not-a-library":
        (package / "_native.abi3.so").write_bytes(b"\x7fELF not really a library")
    code = (
        "import sys\n"
        "for attempt in (1, 2):\n"
        "    try:\n"
        "        import omi_push\n"
        "    except ImportError as e:\n"
        "        print(attempt, e.name, e, flush=True)\n"
        "    else:\n"
        "        sys.exit('imported')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 2 and all("omi_push._native" in line for line in lines), run.stdout
    for line in lines:
        assert "no usable native library for this platform (linux-x86_64" in line, line
        assert "Supported platforms: Linux x86_64 (glibc 2.17+, manylinux2014)" in line and "Windows x64" in line
    assert lines[0][2:] == lines[1][2:], "the second import says the same"
