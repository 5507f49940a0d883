import logging

from omi_push import Client, NotFoundError, OmiError, RateLimitedError

log = logging.getLogger(__name__)


def ask_for_confirmation(client: Client, user_id: str) -> str:
    try:
        ticket = client.send_push(user_id, "Confirm your sign-in")
        return client.wait_for_confirmation(ticket, timeout=60).kind
    except NotFoundError:
        return "no-device"  # the user has not enrolled a phone
    except RateLimitedError as e:
        log.warning("slow down for %s s", e.retry_after)
        return "try-later"
    except OmiError as e:
        log.error("push failed: %s (kind=%s, status=%s)", e, e.kind, e.status)
        return "error"
