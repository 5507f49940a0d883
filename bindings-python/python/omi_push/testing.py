"""Test helpers: an embedded simulator of the OMI push API, and the error probe.

The simulator is the testing kit, a wheel of its own (``pip install omi-push-testing``) so
that the ``omi-push`` wheel your production code installs contains no simulator code; this
module re-exports it (:class:`Simulator`, :class:`SimulatorError`, ...) and raises an
``ImportError`` that names the package when it is not installed::

    from omi_push.testing import Simulator

    with Simulator(users={"alice": ["alice-phone"]}) as sim:
        client = sim.client(poll_interval=0.1)
        ticket = client.send_push("alice", "Confirm the transfer", device_id="alice-phone")
        sim.approve(ticket, after=0.2)          # the "phone" answers in the background
        assert client.wait_for_confirmation(ticket, timeout=5).confirmed

``python -m omi_push.testing serve`` runs a standalone simulator that several processes share:
it prints its base URL, client credentials and phone pages, and serves until Ctrl-C.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Tuple

from . import _native

try:
    from omi_push_testing import (
        DeviceSpec,
        LoggedRequest,
        SimPush,
        Simulator,
        SimulatorError,
        UsersSpec,
    )
except ImportError as _missing:  # pragma: no cover - the message is tested in a venv without the kit
    if _missing.name not in ("omi_push_testing", "omi_push_testing._native"):
        raise
    raise ImportError(
        "omi_push.testing needs the omi-push testing kit, a separate package: "
        "pip install omi-push-testing (the same version as omi-push)",
        name="omi_push_testing",
    ) from None

__all__ = [
    "Simulator",
    "SimulatorError",
    "LoggedRequest",
    "SimPush",
    "DeviceSpec",
    "UsersSpec",
    "ERROR_KINDS",
    "raise_sample_error",
    "sample_error_record",
]


ERROR_KINDS: Tuple[str, ...] = tuple(_native.error_kinds())
"""Every error kind of the core, in its order; :mod:`omi_push.errors` has a class for each."""


def raise_sample_error(kind: str) -> None:
    """Raises the core's sample error of ``kind`` (one of :data:`ERROR_KINDS`), converted as
    every error of the library is: for tests of your own error handling, and the
    cross-language error probe."""
    _native.raise_sample_error(kind)


def sample_error_record(kind: str) -> Dict[str, Any]:
    """The core's error record of the sample error of ``kind`` (what
    :func:`raise_sample_error` raises, before conversion)."""
    record: Dict[str, Any] = json.loads(_native.sample_error_record(kind))
    return record


if __name__ == "__main__":
    import sys

    from omi_push_testing._serve import main

    sys.exit(main())
