"""What the framework adapters (``omi_push.fastapi``, ``.flask``, ``.django``) share: reading
a request into the flow's terms, and keeping the flow's value in a session. Conversion only."""

from __future__ import annotations

from typing import Any, Dict, MutableMapping, Optional, Type, TypeVar
from urllib.parse import parse_qsl

from . import _native
from ._flow import DEFAULT_MESSAGE, DEFAULT_MOUNT

_Flow = TypeVar("_Flow")

DEFAULT_SESSION_KEY = "omi_push_step_up"
"""The session key of the flow's value (signed challenges: no secret, useless to others)."""

MAX_FORM_BYTES = 64 * 1024
"""The flow's own forms are a few hundred bytes; a bigger body is not one of them."""

FORM = "application/x-www-form-urlencoded"


def wants_json(accept: Optional[str]) -> bool:
    """An API client: it prefers JSON to HTML (the core's one rule, as Express's
    ``req.accepts(["html", "json"])``); ``*/*`` or no header mean HTML."""
    return _native.flow_wants_json(accept)


def params(query: str, content_type: Optional[str], body: bytes) -> Dict[str, str]:
    """Query and (urlencoded) form values, the form's winning; the first of repeated names."""
    out: Dict[str, str] = {}
    sources = [query]
    if (content_type or "").split(";")[0].strip().lower() == FORM:
        sources.append(body.decode("utf-8", "replace"))
    for source in sources:
        seen: Dict[str, str] = {}
        for k, v in parse_qsl(source, keep_blank_values=True):
            seen.setdefault(k, v)
        out.update(seen)
    return out


def too_large(content_length: Optional[str]) -> bool:
    try:
        return int(content_length or 0) > MAX_FORM_BYTES
    except ValueError:
        return True


def session_get(session: Any, key: str) -> Optional[str]:
    value = session.get(key)
    return value if isinstance(value, str) else None


def session_set(session: MutableMapping[str, Any], key: str, value: Optional[str]) -> None:
    """Stores the flow's new value: ``None`` = unchanged, ``""`` = remove it."""
    if value is None:
        return
    if value:
        session[key] = value
    else:
        session.pop(key, None)


def adapter_flow(
    step_up: Any, flow_type: Type[_Flow], user: Any, mount: Optional[str], message: Optional[str]
) -> _Flow:
    """The flow of an adapter: the given flow (``mount`` and ``message`` are its own then), or
    one built on the given step-up; ``user`` must be a callable."""
    if not callable(user):
        raise TypeError(f"user must be a callable, not {type(user).__name__}")
    if isinstance(step_up, flow_type):
        if mount is not None or message is not None:
            raise TypeError(f"mount and message belong to the {flow_type.__name__} given")
        return step_up
    flow: _Flow = flow_type(step_up, mount=mount or DEFAULT_MOUNT, message=message or DEFAULT_MESSAGE)  # type: ignore[call-arg]
    return flow
