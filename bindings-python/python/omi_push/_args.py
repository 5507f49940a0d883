"""Argument conversions shared by the public classes: the Python types are checked here (a
``TypeError`` names the argument); the values are the core's to judge."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import Any, Dict, Mapping, Optional, Sequence, Union

from . import _native

Seconds = Union[float, timedelta]
"""A duration: a number of seconds (int or float) or a :class:`datetime.timedelta`."""

_DURATIONS = ("request_timeout", "connect_timeout", "poll_interval", "wait_timeout", "call_timeout")
# The integer options and the largest value of their type in the core (u32, usize).
_COUNTS = {"max_retries": 2**32 - 1, "request_budget": 2**32 - 1}
_COUNTS.update(max_response_bytes=sys.maxsize * 2 + 1, max_message_chars=sys.maxsize * 2 + 1)
_USER_AGENT = f"python/{sys.version_info[0]}.{sys.version_info[1]}"


def type_error(name: str, expected: str, value: Any) -> TypeError:
    return TypeError(f"{name} must be {expected}, not {type(value).__name__}")


def string(name: str, value: Any, optional: bool = False) -> Any:
    """``value`` if it is a str (or ``None``, when optional)."""
    if isinstance(value, str) or (optional and value is None):
        return value
    raise type_error(name, "a str or None" if optional else "a str", value)


def ms(name: str, value: Optional[Seconds]) -> Optional[float]:
    """A duration in milliseconds, for the core's one duration rule. An int too large for a
    float becomes an infinity, which the rule refuses like any huge value."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, timedelta)):
        raise type_error(name, "a number of seconds or a datetime.timedelta", value)
    if isinstance(value, timedelta):
        return value.total_seconds() * 1000
    try:
        return float(value) * 1000
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def _option_ms(name: str, value: Seconds) -> Optional[float]:
    """A client duration: what JSON cannot carry (NaN, infinities), negative or absurd values
    are refused here as ``InvalidArgumentError``; the rest by the core."""
    millis = ms(name, value)
    if millis is not None and not 0 <= millis <= 1e12:
        reason = "is too large" if millis > 1e12 else "must be a finite, non-negative number of seconds"
        raise _native.refusal(reason, name)
    return millis


def _count(name: str, value: Any) -> int:
    """An int (or an object with ``__index__``) the core's type can hold, else ``ConfigError``."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise type_error(name, "an int", value)
    try:
        number = int(value.__index__())
    except Exception:
        raise type_error(name, "an int", value) from None
    if number < 0:
        raise _native.refusal(f"{name} must not be negative (got {number})", None)
    if number > _COUNTS[name]:
        raise _native.refusal(f"{name} must be at most {_COUNTS[name]} (got {number})", None)
    return number


def client_options(base_url: str, options: Mapping[str, Any]) -> str:
    """The core's ``ClientOptions`` record as JSON (durations as ``<name>_ms``), without the
    secret and the token; unset options are left to the core's defaults."""
    record: Dict[str, Any] = {"base_url": string("base_url", base_url), "user_agent_suffix": _USER_AGENT}
    for name, value in options.items():
        if value is None:
            continue
        if name in _DURATIONS:
            record[f"{name}_ms"] = _option_ms(name, value)
        elif name in _COUNTS:
            record[name] = _count(name, value)
        elif name == "scopes":
            if isinstance(value, str) or not isinstance(value, Sequence) or not all(isinstance(s, str) for s in value):
                raise type_error(name, "a list of str", value)
            record[name] = list(value)
        elif name == "paths":
            if not isinstance(value, Mapping) or not all(isinstance(x, str) for kv in value.items() for x in kv):
                raise type_error(name, "a dict of str", value)
            record[name] = dict(value)
        elif name == "allow_insecure_http":
            if not isinstance(value, bool):
                raise type_error(name, "a bool", value)
            record[name] = value
        else:
            record[name] = string(name, value)
    return json.dumps(record)
