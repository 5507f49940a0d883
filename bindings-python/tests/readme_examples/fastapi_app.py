import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request

from omi_push import AsyncClient, AsyncStepUp, Challenge, NotFoundError, ThrottledError, Verdict

omi = AsyncClient(
    os.environ["OMI_BASE_URL"],
    client_id=os.environ["OMI_CLIENT_ID"],
    client_secret=os.environ["OMI_CLIENT_SECRET"],
)
step_up = AsyncStepUp(omi, os.environ["STEP_UP_KEY"], store=os.environ.get("STEP_UP_STORE", "memory"))


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with omi:  # closes the client at shutdown
        yield


app = FastAPI(lifespan=lifespan)


async def wait_while_connected(request: Request, challenge: Challenge, user_id: str, action: str) -> Verdict:
    """Waits for the user's answer, and stops polling if the browser goes away: Starlette
    does not cancel a handler when its client disconnects."""
    wait = asyncio.ensure_future(step_up.wait(challenge, user_id, action, timeout=60))
    try:
        while not await request.is_disconnected():
            done, _ = await asyncio.wait({wait}, timeout=0.5)
            if done:
                return wait.result()
    finally:
        wait.cancel()  # stops the polling at once; nothing happens if the wait has ended
    raise HTTPException(status_code=499, detail="the client closed the request")


@app.post("/transfers/{transfer_id}/confirm")
async def confirm_transfer(request: Request, transfer_id: str, user_id: str) -> dict[str, str]:
    # user_id stands for the logged-in user (in a real app: from your auth dependency).
    action = f"transfer:{transfer_id}"  # the approval is for this one transfer only
    try:
        challenge = await step_up.begin(user_id, action, f"Confirm transfer {transfer_id}")
    except NotFoundError:
        raise HTTPException(status_code=404, detail="no enrolled device") from None
    except ThrottledError:
        raise HTTPException(status_code=429, detail="too many confirmation requests") from None
    verdict = await wait_while_connected(request, challenge, user_id, action)  # does not block the loop
    if verdict != "approved":
        raise HTTPException(status_code=403, detail=f"not approved: {verdict}")
    return {"transfer_id": transfer_id, "status": "approved"}
