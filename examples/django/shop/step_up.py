"""The project's step-up: a StepUp on a real tenant (OMI_BASE_URL, OMI_CLIENT_ID,
OMI_CLIENT_SECRET) or, by default, on an embedded simulator, and the flow of its views."""

from __future__ import annotations

import os
import secrets
from typing import Any, Optional

from django.http import HttpRequest

from omi_push import Client, StepUp
from omi_push.django import DjangoStepUp

USER_ID = os.environ.get("DEMO_USER_ID", "alice")
DEMO_DEVICE = "demo-phone"

sim: Optional[Any] = None
if os.environ.get("OMI_BASE_URL"):
    client = Client(
        os.environ["OMI_BASE_URL"],
        client_id=os.environ.get("OMI_CLIENT_ID"),
        client_secret=os.environ.get("OMI_CLIENT_SECRET"),
    )
else:
    from omi_push.testing import Simulator

    sim = Simulator(users={USER_ID: [{"id": DEMO_DEVICE, "name": "Pixel 9", "platform": "android"}]})
    client = sim.client()
    print(f"Virtual phone: {sim.phone_url(DEMO_DEVICE)}", flush=True)

step_up = StepUp(
    client,
    os.environ.get("STEP_UP_KEY") or secrets.token_bytes(32),
    store=os.environ.get("REDIS_URL") or "memory",
    min_gap=0 if sim is not None else None,
)


def signed_in(request: HttpRequest) -> Optional[str]:
    """The demo login: the user's id in the session (a real project: request.user)."""
    user = request.session.get("user")
    return user if isinstance(user, str) else None


steps = DjangoStepUp(step_up, user=signed_in, message="Confirm the change of your payment method")
