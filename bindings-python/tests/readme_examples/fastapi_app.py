import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException

from omi_push import AsyncClient, NotFoundError

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


@app.post("/transfers/{transfer_id}/confirm")
async def confirm_transfer(transfer_id: str, user_id: str) -> dict[str, str]:
    try:
        ticket = await omi.send_push(user_id, f"Confirm transfer {transfer_id}")
    except NotFoundError:
        raise HTTPException(status_code=404, detail="no enrolled device") from None
    # Awaiting does not block the event loop; if the client disconnects and the request is
    # cancelled, the polling stops too.
    outcome = await omi.wait_for_confirmation(ticket, timeout=60)
    if not outcome.confirmed:
        raise HTTPException(status_code=403, detail=f"not confirmed: {outcome.kind}")
    return {"transfer_id": transfer_id, "status": "confirmed"}
