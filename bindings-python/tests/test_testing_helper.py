"""omi_push.testing.Simulator is a thin shim over the one simulator handle of every binding
(omi_push_ffi::sim::SimHandle): the native class (in the testing kit's own library,
omi_push_testing._native) has start, request and stop only, and every helper method is one
JSON request."""

from __future__ import annotations

import json

import pytest

import omi_push_testing
from omi_push import _native
from omi_push.testing import Simulator, SimulatorError
from omi_push_testing import _native as kit_native


def test_the_native_handle_is_start_request_stop() -> None:
    public = {n for n in dir(kit_native.SimHandle) if not n.startswith("_")}
    assert public == {"start", "request", "stop"}


def test_the_simulator_is_the_testing_kit_not_the_library() -> None:
    """The omi-push library has no simulator; omi_push.testing re-exports the kit's."""
    assert not hasattr(_native, "SimHandle")
    assert Simulator is omi_push_testing.Simulator and SimulatorError is omi_push_testing.SimulatorError
    assert kit_native.__version__ == _native.__version__


def test_requests_go_through_the_shared_handle(sim: Simulator) -> None:
    info = json.loads(sim._handle.request(json.dumps({"do": "info"})))
    assert info["base_url"] == sim.base_url and info["client_secret"] == sim.client_secret
    sim.add_user("zoe", ["zoe-phone"])
    with sim.client() as c:
        ticket = c.send_push("zoe", "m", device_id="zoe-phone")
    assert [p.nonce for p in sim.pushes()] == [ticket.nonce]
    assert sim.count("push_device", "POST") == 1
    sim.approve(ticket)
    assert sim.pushes()[0].status == "CONFIRMED"


def test_refusals_are_simulator_errors_with_the_reason(sim: Simulator) -> None:
    with pytest.raises(SimulatorError, match="nonce"):
        sim.approve("nope-nope-nope-nope-nope")
    with pytest.raises(SimulatorError):
        sim.control({"do": "no-such-step"})
    with pytest.raises(SimulatorError):
        sim.add_fault("nowhere")
    with pytest.raises(SimulatorError):
        sim.control({"do": "expect_requests", "route": "*", "count": 99})


def test_a_stopped_simulator_refuses_requests_and_answers_no_client() -> None:
    from omi_push import TransportError

    sim = Simulator()
    client = sim.client(max_retries=0)
    assert client.list_devices("user-1")
    sim.stop()
    sim.stop()
    assert not sim.running
    with pytest.raises(SimulatorError, match="stopped"):
        sim.pushes()
    with pytest.raises(TransportError):
        client.list_devices("user-1")
    client.close()
