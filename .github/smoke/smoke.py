"""Release smoke test of the omi-push wheels (run by .github/workflows/release.yml in a fresh
venv with only the two wheels installed): push -> approve on the simulator -> confirmed."""

from omi_push import Client
from omi_push.testing import Simulator

with Simulator() as sim, Client(sim.base_url, client_id=sim.client_id, client_secret=sim.client_secret) as client:
    ticket = client.send_push("user-1", "release smoke test", device_id="dev-1")
    sim.approve(ticket)
    outcome = client.wait_for_confirmation(ticket, timeout=30)
    assert outcome.kind == "confirmed", outcome
    print(f"smoke: {outcome.kind}")
