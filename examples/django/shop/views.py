from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from django.views.decorators.http import require_POST

from .step_up import USER_ID, signed_in, steps


def home(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if user is None:
        # A real project uses {% csrf_token %}; the demo login is exempt (see urls.py).
        return HttpResponse(f'<form method="post" action="/login"><button>Sign in as {escape(USER_ID)}</button></form>')
    return HttpResponse(f'<h1>Hello, {escape(user)}</h1><p><a href="/payment-method">Change payment method</a></p>')


@require_POST
def login(request: HttpRequest) -> HttpResponse:
    request.session["user"] = USER_ID
    return HttpResponse(status=303, headers={"Location": "/"})


@steps.require("change-payment-method")
def payment_method(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        f'<h1>Change payment method</h1><p id="confirmed">Confirmed on your phone, {escape(signed_in(request))}.</p>'
    )
