import os
from collections import Counter
from typing import Any

from omi_push import Client

outcomes: Counter[str] = Counter()  # confirmed, rejected, expired, timed_out (or an error kind)
wait_seconds: list[float] = []
retries = 0


def on_event(event: dict[str, Any]) -> None:
    global retries
    if event["event"] == "wait":
        outcomes[event["outcome"] or event["error"]] += 1
        wait_seconds.append(event["elapsed_ms"] / 1000)
    elif event["event"] == "retry":
        retries += 1


omi = Client(
    os.environ["OMI_BASE_URL"],
    client_id=os.environ["OMI_CLIENT_ID"],
    client_secret=os.environ["OMI_CLIENT_SECRET"],
    on_event=on_event,
)
