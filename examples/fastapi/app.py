"""The example app: a signed-in user (a fixed demo login) and a "change payment method" page
behind the step-up guard of omi_push.fastapi. A second page, "view card number", is another
action with a flow of its own (its own message): approving one does not unlock the other."""

from __future__ import annotations

import html
from typing import Optional

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.middleware.sessions import SessionMiddleware

from omi_push import AsyncStepUp
from omi_push.fastapi import StepUpRouter, require_step_up

PAY = "change-payment-method"
CARD = "view-card-number"


def signed_in(request: Request) -> Optional[str]:
    """The demo login: the user's id in the session (a real app has its own authentication)."""
    user = request.session.get("user")
    return user if isinstance(user, str) else None


def page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}}
button{{font:inherit;padding:.4rem 1rem}}</style></head><body><main>{body}</main></body></html>"""
    )


def create_app(step_up: AsyncStepUp, *, user_id: str, session_secret: str) -> FastAPI:
    """The app on ``step_up``; ``user_id`` is the one demo account; ``session_secret`` signs
    the session cookie (the same in every process of the app)."""
    app = FastAPI(title="omi-push FastAPI example", docs_url=None, redoc_url=None)
    app.add_middleware(SessionMiddleware, secret_key=session_secret, same_site="lax")
    # The step-up flow: its pages under /step-up, and the guard that require_step_up uses.
    StepUpRouter(step_up, user=signed_in, message="Confirm the change of your payment method").install(app)
    card_flow = StepUpRouter(step_up, user=signed_in, mount="/step-up-card", message="Confirm showing your card number")
    app.include_router(card_flow)

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> HTMLResponse:
        user = signed_in(request)
        if user is None:
            return page(
                "Demo shop",
                '<h1>Demo shop</h1><form method="post" action="/login">'
                f'<button type="submit">Sign in as {html.escape(user_id)}</button></form>',
            )
        return page(
            "Demo shop",
            f"<h1>Hello, {html.escape(user)}</h1>"
            '<p><a href="/payment-method">Change payment method</a> (asks your phone first)</p>'
            '<p><a href="/card-number">View card number</a> (asks your phone first)</p>'
            '<form method="post" action="/logout"><button type="submit">Sign out</button></form>',
        )

    @app.post("/login")
    async def login(request: Request) -> RedirectResponse:
        request.session["user"] = user_id
        return RedirectResponse("/", status_code=303)

    @app.post("/logout")
    async def logout(request: Request) -> RedirectResponse:
        request.session.clear()
        return RedirectResponse("/", status_code=303)

    # Reached only right after this user approved this action on their phone, once.
    @app.get("/payment-method", response_class=HTMLResponse)
    async def payment_method(user: str = Depends(require_step_up(PAY))) -> HTMLResponse:
        return page(
            "Change payment method",
            f'<h1>Change payment method</h1><p id="confirmed">Confirmed on your phone, {html.escape(user)}.</p>'
            '<p>Current card: Visa •••• 4242</p><p><a href="/">Back</a></p>',
        )

    @app.get("/card-number", response_class=HTMLResponse)
    async def card_number(user: str = Depends(card_flow.require(CARD))) -> HTMLResponse:
        return page(
            "Card number",
            f'<h1>Card number</h1><p id="confirmed">Confirmed on your phone, {html.escape(user)}.</p>'
            '<p>4242 4242 4242 4242</p><p><a href="/">Back</a></p>',
        )

    return app
