"""Runs every scenario of tests/conformance/ unchanged, through the public Python API, once
with the blocking Client and once with the AsyncClient. Simulator-side steps go to the
simulator's own `control`."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

from omi_push import AsyncClient, AsyncStepUp, Client, OmiError, PushTicket, StepUp, generate_nonce
from omi_push.testing import Simulator, raise_sample_error

from conftest import conformance_dir

SCENARIOS = sorted(conformance_dir().glob("*.json"))
CLIENT_STEPS = {"list_devices", "send_push", "status", "wait"}
STEPUP_STEPS = {"stepup_begin", "stepup_check", "stepup_wait"}
# An expected error's fields (README: Error fields) and their names here; `"*"` is any value, null none.
ERROR_FIELDS = {
    "code": "code", "retryable": "retryable", "status": "status", "server_code": "server_code",
    "request_id": "request_id", "missing_scope": "missing_scope", "field": "field", "reason": "reason",
}
STEP_UP_KEY = "conformance-step-up-key-0123456789abcdef"
OTHER_KEY = "another-step-up-key-0123456789abcdef0123"
DOWN = "redis://127.0.0.1:1/0"
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


def load(path: Path) -> Dict[str, Any]:
    with path.open() as f:
        scenario: Dict[str, Any] = json.load(f)
    return scenario


def stores_of(scenario: Dict[str, Any]) -> List[str]:
    """The step-up stores a scenario runs with (README: once per store unless it names one)."""
    spec = scenario.get("stepup")
    if spec is None:
        return ["none"]
    return [spec["store"]] if "store" in spec else ["memory", "redis"]


CASES = [(p, store) for p in SCENARIOS for store in stores_of(load(p))]
IDS = [p.stem if store == "none" else f"{p.stem}[{store}]" for p, store in CASES]


def stepup_options(spec: Dict[str, Any], store: str) -> Dict[str, Any]:
    """StepUp keyword arguments of a scenario's `stepup` object."""
    options: Dict[str, Any] = {"min_gap": spec.get("min_gap_ms", 0) / 1000}
    if "max_age_ms" in spec:
        options["max_age"] = spec["max_age_ms"] / 1000
    if "max_unresolved" in spec:
        options["max_unresolved"] = spec["max_unresolved"]
    unknown = set(spec) - {"min_gap_ms", "max_age_ms", "max_unresolved", "store"}
    assert not unknown, f"the runner does not know the stepup keys {unknown}"
    if store == "redis":
        url = os.environ.get("OMI_PUSH_REDIS_URL")
        assert url, "OMI_PUSH_REDIS_URL is not set (run under scripts/with-redis, as make test does)"
        options["store"] = url
    elif store == "down":
        options["store"] = DOWN
    else:
        options["store"] = "memory"
    options["store_prefix"] = f"conformance:{generate_nonce()}:"
    return options


def edited(text: str, edit: Optional[str]) -> str:
    """A saved challenge, changed as a step's `edit` says."""
    if edit == "flip":
        mid = len(text) // 2
        return text[:mid] + ("B" if text[mid] == "A" else "A") + text[mid + 1 :]
    if edit == "truncate":
        return text[:-5]
    if edit == "huge":
        return "x" * (1 << 20)
    assert edit is None, f"unknown edit {edit!r}"
    return text


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


def check_error_fields(where: str, err: OmiError, expect: Dict[str, Any]) -> None:
    """Every field the expectation names has the expected value (README: Error fields)."""
    shown = {key: getattr(err, name) for key, name in ERROR_FIELDS.items()}
    shown["retry_after_ms"] = None if err.retry_after is None else round(err.retry_after * 1000, 3)
    for key, want in expect.items():
        if key in shown and not (want == "*" and shown[key] is not None):
            assert shown[key] == want, f"{where}: {key} is {shown[key]!r}, expected {want!r} ({err!r})"


def check_duration(where: str, step: Dict[str, Any], started: float) -> None:
    if "max_ms" in step:
        took_ms = (time.monotonic() - started) * 1000
        assert took_ms <= step["max_ms"], f"{where}: took {took_ms:.0f} ms, more than max_ms {step['max_ms']}"


class Runner:
    def __init__(
        self,
        sim: Simulator,
        client: Any,
        step_ups: Optional[Tuple[Any, Any]],
        call: Callable[[Any], Any],
    ) -> None:
        self.sim = sim
        self.client = client
        self.step_ups = step_ups
        self.call = call  # a method's result: as is (blocking), or awaited on the loop (asyncio)
        self.tickets: Dict[str, str] = {}
        self.challenges: Dict[str, str] = {}
        self.secrets = secrets_of(sim)

    def run(self, what: str, step: Dict[str, Any]) -> Any:
        if what == "error_probe":
            raise_sample_error(step["kind"])
        if what in CLIENT_STEPS:
            args, kwargs = args_of(what, step)
            return self.call(getattr(self.client, METHODS[what])(*args, **kwargs))
        assert self.step_ups is not None, "a step-up step needs a `stepup` object"
        main, other = self.step_ups
        user, action = text(step.get("user_id", "")), text(step.get("action", ""))
        if what == "stepup_begin":
            su = other if step.get("other_key") else main
            return self.call(su.begin(user, action, text(step.get("message", "")), device_id=text(step.get("device_id"))))
        challenge = edited(self.challenges[step["challenge"]], step.get("edit"))
        if what == "stepup_check":
            return self.call(main.check(challenge, user, action))
        return self.call(main.wait(challenge, user, action, timeout=step.get("timeout_ms", 5000) / 1000))

    def step(self, index: int, step: Dict[str, Any]) -> None:
        step = dict(step)
        if "ticket" in step:
            step["nonce"] = self.tickets[step.pop("ticket")]
        what = step["do"]
        where = f"step {index} ({what})"
        if what not in CLIENT_STEPS | STEPUP_STEPS | {"error_probe"}:
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
            assert err.code == "OMI_" + err.kind.upper(), f"{where}: {err!r}"
            check_error_fields(where, err, expect)
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
                self.tickets[step["save"]] = result.nonce
        elif what == "status":
            if "state" in expect:
                assert result.state == expect["state"], f"{where}: {result!r}"
        elif what == "wait":
            if "outcome" in expect:
                assert result.kind == expect["outcome"], f"{where}: {result!r}"
        elif what == "stepup_begin":
            self.challenges[step["save"]] = result.text
            self.tickets[step["save"]] = result.nonce
        elif "verdict" in expect:
            assert result == expect["verdict"], f"{where}: verdict {result!r}"


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


def start_sim(scenario: Dict[str, Any]) -> Simulator:
    return Simulator(config={**scenario.get("sim", {}), "mode": "test"})


@pytest.mark.parametrize("path,store", CASES, ids=IDS)
def test_blocking(path: Path, store: str) -> None:
    scenario = load(path)
    with start_sim(scenario) as sim:
        with Client(sim.base_url, **client_options(sim, scenario.get("client", {}))) as client:
            step_ups = None
            if "stepup" in scenario:
                options = stepup_options(scenario["stepup"], store)
                step_ups = (StepUp(client, STEP_UP_KEY, **options), StepUp(client, OTHER_KEY, **options))
            runner = Runner(sim, client, step_ups, lambda result: result)
            for i, step in enumerate(scenario["steps"]):
                runner.step(i, step)


@pytest.mark.parametrize("path,store", CASES, ids=IDS)
def test_asyncio(path: Path, store: str) -> None:
    scenario = load(path)
    with start_sim(scenario) as sim:

        async def main() -> None:
            loop = asyncio.get_running_loop()
            async with AsyncClient(sim.base_url, **client_options(sim, scenario.get("client", {}))) as client:
                step_ups = None
                if "stepup" in scenario:
                    options = stepup_options(scenario["stepup"], store)
                    step_ups = (AsyncStepUp(client, STEP_UP_KEY, **options), AsyncStepUp(client, OTHER_KEY, **options))

                def call(coro: Any) -> Any:
                    return asyncio.run_coroutine_threadsafe(coro, loop).result()

                runner = Runner(sim, client, step_ups, call)
                # Steps run in a worker thread, so that blocking simulator steps (sleep) do
                # not stall the loop that drives the client.
                for i, step in enumerate(scenario["steps"]):
                    await loop.run_in_executor(None, runner.step, i, step)

        asyncio.run(main())
