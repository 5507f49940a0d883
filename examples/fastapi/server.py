"""``make run``: the example app on the embedded OMI simulator (or a real tenant, see
README.md), served by uvicorn. Prints the app's URL and the virtual phone page's URL."""

from __future__ import annotations

import os
import secrets
import socket
import sys
from typing import Any, Dict, Mapping, Optional

import uvicorn

from omi_push import AsyncClient, AsyncStepUp

from app import create_app

DEMO_DEVICE = "demo-phone"


def main(env: Mapping[str, str]) -> None:
    user_id = env.get("DEMO_USER_ID", "alice")
    sim: Optional[Any] = None
    if env.get("OMI_BASE_URL"):
        client = AsyncClient(
            env["OMI_BASE_URL"], client_id=env.get("OMI_CLIENT_ID"), client_secret=env.get("OMI_CLIENT_SECRET")
        )
    else:
        from omi_push.testing import Simulator

        sim = Simulator(
            users={user_id: [{"id": DEMO_DEVICE, "name": "Pixel 9", "platform": "android"}]},
            client_secret=env.get("OMI_SIM_CLIENT_SECRET"),
        )
        client = sim.async_client()
    options: Dict[str, Any] = {"store": env.get("REDIS_URL") or "memory"}
    if env.get("STEP_UP_STORE_PREFIX"):
        options["store_prefix"] = env["STEP_UP_STORE_PREFIX"]
    if env.get("STEP_UP_MAX_AGE"):
        options["max_age"] = float(env["STEP_UP_MAX_AGE"])
    if sim is not None:
        options["min_gap"] = 0  # the demo's one phone may be asked again at once
    # A key from your secrets store in production (at least 32 bytes); a fresh one per run here.
    step_up = AsyncStepUp(client, env.get("STEP_UP_KEY") or secrets.token_bytes(32), **options)
    app = create_app(
        step_up, user_id=user_id, session_secret=env.get("SESSION_SECRET") or secrets.token_urlsafe(32)
    )

    host = env.get("HOST", "127.0.0.1")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, int(env.get("PORT", "8000"))))
    sock.listen(128)  # connections wait in the backlog until uvicorn serves
    print(f"App:           http://{host}:{sock.getsockname()[1]}/")
    if sim is not None:
        print(f"Virtual phone: {sim.phone_url(DEMO_DEVICE)}")
        print(f"Simulator:     {sim.base_url}")
    else:
        print(f"OMI tenant:    {env['OMI_BASE_URL']}")
    sys.stdout.flush()
    try:
        uvicorn.Server(uvicorn.Config(app, log_level=env.get("LOG_LEVEL", "info"))).run(sockets=[sock])
    finally:
        client.close()
        if sim is not None:
            sim.stop()


if __name__ == "__main__":
    main(os.environ)
