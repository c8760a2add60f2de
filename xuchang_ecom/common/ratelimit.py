"""Counting events per key in the shared cache (Redis in production, so every web process
counts together), for limits such as the password-reset mails an address may receive."""
import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def within_limit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more event under ``key``; True while the events counted in the window
    (``window_seconds`` from the first of them) are at most ``limit``.

    Redis increments atomically, so concurrent requests never both take the last place.
    If the cache is unreachable the event is allowed, as the API's throttles allow a
    request: an outage of Redis must not turn pages into errors.
    """
    key = f"ratelimit:{key}"
    try:
        cache.add(key, 0, timeout=window_seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add() and incr(): a new one starts
            cache.add(key, 1, timeout=window_seconds)
            count = 1
    except Exception:
        logger.warning("Rate-limit cache unreachable: event allowed", exc_info=True)
        return True
    return count <= limit
