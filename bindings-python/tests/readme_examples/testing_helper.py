from omi_push.testing import Simulator


def test_step_up_is_confirmed() -> None:
    with Simulator(users={"alice": ["alice-phone"]}) as sim:
        client = sim.client(poll_interval=0.1)
        ticket = client.send_push("alice", "Confirm the transfer", device_id="alice-phone")
        sim.approve(ticket, after=0.3)  # the "phone" answers in the background
        assert client.wait_for_confirmation(ticket, timeout=5).confirmed
        assert sim.count("push_device", "POST") == 1


def test_step_up_survives_a_flaky_server() -> None:
    with Simulator() as sim:
        sim.add_fault("confirmation", status=503, times=2)  # two failed polls, then fine
        client = sim.client(poll_interval=0.1)
        ticket = client.send_push("user-1", "Confirm the transfer")
        sim.reject(ticket)
        assert client.wait_for_confirmation(ticket, timeout=10).rejected
