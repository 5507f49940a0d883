"""omi_push: ask a logged-in user to confirm a sensitive action on their enrolled phone,
through the OneWelcome/Thales Mobile Identity (OMI) push API.

Quick start (blocking)::

    from omi_push import Client

    client = Client("https://tenant.example", client_id="...", client_secret="...")
    ticket = client.send_push("user-1", "Confirm the change of your payment method")
    outcome = client.wait_for_confirmation(ticket, timeout=60)
    if outcome.confirmed:
        ...

:class:`AsyncClient` has the same methods for asyncio. Failures raise subclasses of
:class:`OmiError` (see :mod:`omi_push.errors`); :mod:`omi_push.testing` has an embedded
simulator for your own tests. Library events go to the ``logging`` logger ``omi_push``.
"""

import importlib as _importlib

try:
    _importlib.import_module(f"{__name__}._native")
except ImportError as _missing:  # no native library for this platform, or one that cannot load
    from ._platform import unsupported

    raise unsupported(_missing) from None
from ._native import __version__, generate_nonce
from ._records import Device, Outcome, PushTicket, Status
from ._client import AsyncClient, Client, Seconds
from ._stepup import AsyncStepUp, Challenge, Key, StepUp, Verdict
from ._flow import Allowed, AsyncStepUpFlow, FlowResponse, StepUpFlow
from ._flow import GuardResult as GuardResult  # a type alias: Allowed | FlowResponse
from . import errors as _errors
from .errors import *  # noqa: F403 (every exception class: errors.__all__)

__all__ = [
    "__version__",
    "Client",
    "AsyncClient",
    "Device",
    "PushTicket",
    "Status",
    "Outcome",
    "Seconds",
    "StepUp",
    "AsyncStepUp",
    "Challenge",
    "Verdict",
    "Key",
    "StepUpFlow",
    "AsyncStepUpFlow",
    "FlowResponse",
    "Allowed",
    "generate_nonce",
]
__all__ += _errors.__all__
