import os
from typing import Optional

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse
from starlette.middleware.sessions import SessionMiddleware

from omi_push import AsyncClient, AsyncStepUp
from omi_push.fastapi import StepUpRouter, require_step_up

omi = AsyncClient(
    os.environ["OMI_BASE_URL"],
    client_id=os.environ["OMI_CLIENT_ID"],
    client_secret=os.environ["OMI_CLIENT_SECRET"],
)
step_up = AsyncStepUp(omi, os.environ["STEP_UP_KEY"], store=os.environ.get("STEP_UP_STORE", "memory"))

app = FastAPI()
# The flow keeps its value (signed challenges, no secret) in the session.
app.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"])


def current_user(request: Request) -> Optional[str]:
    """Your authentication: the signed-in user's id, or None."""
    user = request.session.get("user")
    return user if isinstance(user, str) else None


# The flow's pages under /step-up (device picker, waiting page, status), and the guard.
StepUpRouter(step_up, user=current_user, message="Confirm the change of your payment method").install(app)


@app.get("/payment-method", response_class=HTMLResponse)
async def payment_method(user: str = Depends(require_step_up("change-payment-method"))) -> str:
    # Runs once per fresh approval of this user for this action.
    return f"<h1>Change payment method</h1><p>Confirmed on your phone, {user}.</p>"
