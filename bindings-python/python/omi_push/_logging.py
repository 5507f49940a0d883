"""The ``logging`` records of the core's events: the native forwarder hands each event to
:func:`emit` from a thread that holds the GIL."""

from __future__ import annotations

import logging
from typing import Optional


def emit(target: str, level: int, file: str, line: int, module: Optional[str], text: str, created: float) -> None:
    """Logs one event (its Rust ``target``, e.g. ``omi_push::wait``, names the logger,
    ``omi_push.wait``; the simulator's events go to ``omi_push.simulator``) with the time it
    happened, not the time it is emitted."""
    name = "omi_push.simulator" if target.split("::")[0] == "omi_push_sim" else target.replace("::", ".")
    logger = logging.getLogger(name)
    if logger.isEnabledFor(level):
        record = logger.makeRecord(logger.name, level, file, line, text, (), None, module, {"rust_target": target})
        record.created, record.msecs = created, (created - int(created)) * 1000 // 1
        logger.handle(record)


def dropped(count: int, limit: int) -> None:
    """Warns that ``count`` records or events were dropped (more than ``limit`` waited)."""
    logging.getLogger("omi_push").warning(f"{count} log records or events were dropped: more than {limit} were waiting")
