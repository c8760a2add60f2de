"""The public pages' cache: aggregates computed once per data version, never per request.

Every cached public figure lives under a key that includes the current *version*; a change
to the published data (new snapshots, a change to a public registry) bumps the version
after its transaction commits, so the next request computes afresh and new figures show
within the roll-up's debounce window, not a day later. Old versions simply expire.

If the cache is unreachable (Redis down), the figures are computed without it: slower,
never an error page.
"""
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from xuchang_ecom.common.signals import on_commit_once

logger = logging.getLogger(__name__)

VERSION_KEY = "public:version"
TIMEOUT = 24 * 60 * 60


def version() -> int:
    """The current version of the published data (0 when the cache is unreachable)."""
    try:
        current = cache.get(VERSION_KEY)
        if current is None:
            cache.add(VERSION_KEY, 1, timeout=None)
            current = cache.get(VERSION_KEY) or 1
        return int(current)
    except Exception:
        logger.warning("Public cache unreachable: computing without it", exc_info=True)
        return 0


def cached(name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, cached under ``name`` for the current data version."""
    current = version()
    if not current:
        return compute()
    key = f"public:{current}:{name}"
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("Public cache unreachable: computing without it", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=TIMEOUT)
        except Exception:
            logger.warning("Could not store %s in the public cache", key, exc_info=True)
    return value


def _bump() -> None:
    try:
        if not cache.add(VERSION_KEY, 2, timeout=None):
            cache.incr(VERSION_KEY)
    except Exception:
        logger.warning("Could not bump the public cache version", exc_info=True)


def bump_on_commit() -> None:
    """Start a new version of the published data once the current transaction commits
    (once per transaction, however many writes it holds)."""
    on_commit_once(_bump)
