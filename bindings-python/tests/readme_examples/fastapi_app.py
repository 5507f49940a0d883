import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request

from omi_push import AsyncClient, NotFoundError, Outcome, PushTicket

omi = AsyncClient(
    os.environ["OMI_BASE_URL"],
    client_id=os.environ["OMI_CLIENT_ID"],
    client_secret=os.environ["OMI_CLIENT_SECRET"],
)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with omi:  # closes the client at shutdown
        yield


app = FastAPI(lifespan=lifespan)


async def wait_while_connected(request: Request, ticket: PushTicket) -> Outcome:
    """Waits for the user's answer, and stops polling if the browser goes away: Starlette
    does not cancel a handler when its client disconnects."""
    wait = asyncio.ensure_future(omi.wait_for_confirmation(ticket, timeout=60))
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
    try:
        ticket = await omi.send_push(user_id, f"Confirm transfer {transfer_id}")
    except NotFoundError:
        raise HTTPException(status_code=404, detail="no enrolled device") from None
    outcome = await wait_while_connected(request, ticket)  # does not block the event loop
    if not outcome.confirmed:
        raise HTTPException(status_code=403, detail=f"not confirmed: {outcome.kind}")
    return {"transfer_id": transfer_id, "status": "confirmed"}
