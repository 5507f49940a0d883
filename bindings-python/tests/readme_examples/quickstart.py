import os

from omi_push import Client

with Client(
    os.environ["OMI_BASE_URL"],
    client_id=os.environ["OMI_CLIENT_ID"],
    client_secret=os.environ["OMI_CLIENT_SECRET"],
) as client:
    devices = client.list_devices("user-1")
    ticket = client.send_push(
        "user-1",
        "Confirm the change of your payment method",
        device_id=devices[0].id,
    )
    outcome = client.wait_for_confirmation(ticket, timeout=60)  # GIL released, Ctrl-C works
    print(outcome.kind)  # "confirmed", "rejected", "expired" or "timed_out"
