"""Shared fixtures: a fresh simulator per test and helpers to run scripts in subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Iterator, List, Optional

import pytest

from omi_push import AsyncClient, Client
from omi_push.testing import Simulator

HERE = Path(__file__).resolve().parent

# Known values, so tests can check that they never leak.
SECRET = "s3cr3t-client-secret-value-XYZ"
STATIC_TOKEN = "static-token-value-ABC123"


def conformance_dir() -> Path:
    env = os.environ.get("OMI_PUSH_CONFORMANCE_DIR")
    return Path(env) if env else HERE.parents[1] / "tests" / "conformance"


def readme_path() -> Path:
    env = os.environ.get("OMI_PUSH_README")
    return Path(env) if env else HERE.parent / "README.md"


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator(
        client_secret=SECRET,
        users={"user-1": [{"id": "dev-1", "name": "Pixel 9", "platform": "android"}, "dev-2"]},
    ) as s:
        yield s


@pytest.fixture
def client(sim: Simulator) -> Iterator[Client]:
    with sim.client(poll_interval=0.05, request_timeout=5) as c:
        yield c


@pytest.fixture
def aclient(sim: Simulator) -> Iterator[AsyncClient]:
    c = sim.async_client(poll_interval=0.05, request_timeout=5)
    yield c
    c.close()


def default_sigint() -> None:
    """``preexec_fn`` of every child that a test interrupts with SIGINT: a shell without job
    control (``cmd &``, nohup, some CI runners) starts commands with SIGINT ignored, every child
    inherits that, and Python then installs no KeyboardInterrupt handler at all. A terminal's
    Ctrl-C reaches a script with SIGINT at its default; so does this."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Script:
    """A Python script running in a subprocess, read line by line."""

    def __init__(self, code: str, args: Optional[List[str]] = None) -> None:
        env = dict(os.environ)
        env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code), *(args or [])],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            preexec_fn=default_sigint,
        )

    def expect_line(self, prefix: str, timeout: float = 30.0) -> str:
        """Reads stdout until a line starting with `prefix` (fails on EOF or timeout)."""
        deadline = time.monotonic() + timeout
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith(prefix):
                return line.strip()
        self.proc.kill()
        _, err = self.proc.communicate()
        raise AssertionError(f"no line starting with {prefix!r}; stderr:\n{err}")

    def finish(self, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            raise AssertionError(f"the script did not exit within {timeout} s; stderr:\n{err}")
        return subprocess.CompletedProcess(self.proc.args, self.proc.returncode, out, err)


def run_script(code: str, timeout: float = 60.0, args: Optional[List[str]] = None) -> subprocess.CompletedProcess[str]:
    """Runs a script to its end; fails if it takes longer than `timeout`."""
    return Script(code, args).finish(timeout)
