"""Runs every scenario of tests/conformance/ unchanged, through the public Python API, once
with the blocking Client and once with the AsyncClient. Simulator-side steps go to the
simulator's own `control`."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest

from omi_push import AsyncClient, Client, OmiError, PushTicket
from omi_push.testing import Simulator

from conftest import conformance_dir

SCENARIOS = sorted(conformance_dir().glob("*.json"))
CLIENT_STEPS = {"list_devices", "send_push", "status", "wait"}
# Scenario `client` keys → Client keyword arguments (durations in seconds).
DURATIONS = {
    "poll_interval_ms": "poll_interval",
    "request_timeout_ms": "request_timeout",
    "connect_timeout_ms": "connect_timeout",
    "wait_timeout_ms": "wait_timeout",
    "call_timeout_ms": "call_timeout",
}
PLAIN = {
    "scopes", "client_auth", "max_message_chars", "max_retries", "max_response_bytes", "token_url", "paths",
    "allow_insecure_http", "ca_cert_pem",
}


def test_scenarios_found() -> None:
    assert len(SCENARIOS) >= 10, f"too few scenarios in {conformance_dir()}"


def text(value: Any) -> Any:
    """A scenario string, or `{"repeat": s, "times": n}`."""
    if isinstance(value, dict) and "repeat" in value:
        return value["repeat"] * value["times"]
    return value


def client_options(sim: Simulator, spec: Dict[str, Any]) -> Dict[str, Any]:
    options: Dict[str, Any] = {}
    for key, value in spec.items():
        if key in DURATIONS:
            options[DURATIONS[key]] = value / 1000
        elif key in PLAIN:
            options[key] = value
        elif key in ("wrong_secret", "access_token"):
            pass
        else:
            raise AssertionError(f"the runner does not know the client key {key!r}")
    if "access_token" in spec:
        options["access_token"] = spec["access_token"]
    else:
        options["client_id"] = sim.client_id
        options["client_secret"] = "wrong-" + sim.client_secret if spec.get("wrong_secret") else sim.client_secret
    return options


def secrets_of(sim: Simulator) -> List[str]:
    """What a `"redacted": true` error must not show: the secret and the Basic value."""
    pair = f"{sim.client_id}:{sim.client_secret}".encode()
    return [sim.client_secret, base64.b64encode(pair).decode()]


def check_redacted(where: str, err: OmiError, secrets: List[str]) -> None:
    for shown in (str(err), repr(err)):
        for secret in secrets:
            assert secret not in shown, f"{where}: the error text shows a secret: {shown}"
        assert "***" in shown, f"{where}: expected a redacted echo in the error text: {shown}"


def check_duration(where: str, step: Dict[str, Any], started: float) -> None:
    if "max_ms" in step:
        took_ms = (time.monotonic() - started) * 1000
        assert took_ms <= step["max_ms"], f"{where}: took {took_ms:.0f} ms, more than max_ms {step['max_ms']}"


class Runner:
    def __init__(self, sim: Simulator, run: Callable[[str, Dict[str, Any]], Any]) -> None:
        self.sim = sim
        self.run = run
        self.tickets: Dict[str, PushTicket] = {}
        self.secrets = secrets_of(sim)

    def step(self, index: int, step: Dict[str, Any]) -> None:
        step = dict(step)
        if "ticket" in step:
            step["nonce"] = self.tickets[step.pop("ticket")].nonce
        what = step["do"]
        where = f"step {index} ({what})"
        if what not in CLIENT_STEPS:
            self.sim.control(step)
            return
        expect = step.get("expect", {})
        started = time.monotonic()
        try:
            result = self.run(what, step)
        except OmiError as err:
            check_duration(where, step, started)
            assert "error" in expect, f"{where}: unexpected {err!r}"
            assert err.kind == expect["error"], f"{where}: expected {expect['error']}, got {err!r}"
            if "field" in expect:
                assert err.field == expect["field"], f"{where}: {err!r}"
            if "scope" in expect:
                assert err.missing_scope == expect["scope"], f"{where}: {err!r}"
            if expect.get("redacted"):
                check_redacted(where, err, self.secrets)
            return
        check_duration(where, step, started)
        assert "error" not in expect, f"{where}: expected error {expect['error']}, got {result!r}"
        if what == "list_devices":
            if "device_ids" in expect:
                assert [d.id for d in result] == expect["device_ids"], where
        elif what == "send_push":
            assert isinstance(result, PushTicket)
            if step.get("nonce") is not None:
                assert result.nonce == step["nonce"], where
            if "save" in step:
                self.tickets[step["save"]] = result
        elif what == "status":
            if "state" in expect:
                assert result.state == expect["state"], f"{where}: {result!r}"
        elif what == "wait":
            if "outcome" in expect:
                assert result.kind == expect["outcome"], f"{where}: {result!r}"


def args_of(what: str, step: Dict[str, Any]) -> Any:
    if what == "list_devices":
        return (text(step["user_id"]),), {}
    if what == "send_push":
        return (text(step["user_id"]), text(step["message"])), {
            "device_id": text(step.get("device_id")),
            "nonce": text(step.get("nonce")),
        }
    if what == "status":
        return (text(step["nonce"]),), {}
    kwargs = {"timeout": step["timeout_ms"] / 1000}
    if "poll_interval_ms" in step:
        kwargs["poll_interval"] = step["poll_interval_ms"] / 1000
    return (text(step["nonce"]),), kwargs


METHODS = {"list_devices": "list_devices", "send_push": "send_push", "status": "confirmation_status", "wait": "wait_for_confirmation"}


def load(path: Path) -> Dict[str, Any]:
    with path.open() as f:
        scenario: Dict[str, Any] = json.load(f)
    return scenario


def start_sim(scenario: Dict[str, Any]) -> Simulator:
    return Simulator(config={**scenario.get("sim", {}), "mode": "test"})


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_blocking(path: Path) -> None:
    scenario = load(path)
    with start_sim(scenario) as sim:
        with Client(sim.base_url, **client_options(sim, scenario.get("client", {}))) as client:

            def run(what: str, step: Dict[str, Any]) -> Any:
                args, kwargs = args_of(what, step)
                return getattr(client, METHODS[what])(*args, **kwargs)

            runner = Runner(sim, run)
            for i, step in enumerate(scenario["steps"]):
                runner.step(i, step)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_asyncio(path: Path) -> None:
    scenario = load(path)
    with start_sim(scenario) as sim:

        async def main() -> None:
            loop = asyncio.get_running_loop()
            async with AsyncClient(sim.base_url, **client_options(sim, scenario.get("client", {}))) as client:

                def run(what: str, step: Dict[str, Any]) -> Any:
                    args, kwargs = args_of(what, step)
                    coro = getattr(client, METHODS[what])(*args, **kwargs)
                    return asyncio.run_coroutine_threadsafe(coro, loop).result()

                runner = Runner(sim, run)
                # Steps run in a worker thread, so that blocking simulator steps (sleep) do
                # not stall the loop that drives the client.
                for i, step in enumerate(scenario["steps"]):
                    await loop.run_in_executor(None, runner.step, i, step)

        asyncio.run(main())
