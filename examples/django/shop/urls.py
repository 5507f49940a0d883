from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from . import views
from .step_up import steps

urlpatterns = [
    path("", views.home),
    path("login", csrf_exempt(views.login)),
    path("payment-method", views.payment_method),
    *steps.urlpatterns,  # the flow's pages: /step-up/start, /step-up/wait, /step-up/status
]
