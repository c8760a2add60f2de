"""The background work the programs' data asks for: today's snapshots recomputed soon after
a registry changes, without ever failing the write, and a requested briefing built
(``programs.signals.briefing_requested``).

A registry write calls ``rollup_soon()``: the signal receivers below do it for every model
of the apps registered as sources (``xuchang_ecom.common.metrics.register_source``), and for
``records_written`` (bulk imports, report approvals). After the transaction
commits, one roll-up is enqueued:

- once per transaction, however many records it wrote;
- with a broker, once per ``ROLLUP_DEBOUNCE_SECONDS`` across processes: the first write
  sets a marker in the cache and enqueues the task to run when the window closes, so every
  write inside the window is included and a burst of 1,000 writes costs one roll-up;
- if the broker (or the cache) is unreachable, the failure is logged, the write stands and
  the roll-up is kept as due in the database (``RollupDue``); ``programs.rollup_catch_up``,
  which beat runs every minute, runs it once the broker is back.
"""
import logging
import time

from django.apps import apps as global_apps
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from xuchang_ecom.celery import app as celery_app
from xuchang_ecom.common import publiccache
from xuchang_ecom.common.metrics import source_labels
from xuchang_ecom.common.signals import on_commit_once, records_written

from .signals import briefing_requested

logger = logging.getLogger(__name__)

PENDING_KEY = "programs:rollup:pending"

# After a failed enqueue this process stops trying for a while, so while the broker is
# down a write costs one failed attempt per window, not one per request.
_broker_down_until = 0.0


def rollup_soon(using: str = "default") -> None:
    """Ask for today's roll-up once the current transaction commits (see the module)."""
    on_commit_once(_enqueue, using=using)


def _enqueue() -> None:
    global _broker_down_until
    from .tasks import rollup

    if celery_app.conf.task_always_eager:
        try:
            rollup.apply_async()
        except Exception:
            logger.exception("The roll-up failed; the nightly run will catch up")
        return
    window = settings.ROLLUP_DEBOUNCE_SECONDS
    if time.monotonic() < _broker_down_until:
        return
    try:
        if not cache.add(PENDING_KEY, 1, timeout=window):
            return  # a roll-up is already due after this write
        # No publish retries: a request must not wait for a broker that is down.
        rollup.apply_async(countdown=window, retry=False)
    except Exception:
        _broker_down_until = time.monotonic() + window
        logger.exception("Could not enqueue the roll-up; it is kept as due and caught up once the broker is back")
        _keep_due()


def _keep_due() -> None:
    from .models import RollupDue

    try:
        RollupDue.objects.create()
    except Exception:
        logger.exception("Could not keep the roll-up as due either; the nightly run will catch up")


def _changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # loaddata
    if sender._meta.apps is not global_apps:
        return  # a migration's historical model: the tables a roll-up reads may not exist yet
    if sender._meta.app_label not in source_labels():
        return
    rollup_soon(using=kwargs.get("using") or "default")
    # The public pages show some registries directly (Taobao villages, livestream activity).
    publiccache.bump_on_commit()


def _written(sender, **kwargs) -> None:
    """A bulk import, or an approval or unlock of a report (whose figures feed metrics)."""
    rollup_soon()
    publiccache.bump_on_commit()


def _briefing_enqueue(sender, *, briefing_id: int, **kwargs) -> None:
    """Build a requested briefing in the background; if it cannot be enqueued, say so on the
    briefing (failed) rather than leave it waiting for ever."""
    from .models import Briefing, BriefingStatus
    from .tasks import briefing_build as task

    try:
        task.apply_async(args=[briefing_id], retry=False)
    except Exception:
        logger.exception("Could not enqueue briefing %s", briefing_id)
        Briefing.objects.filter(pk=briefing_id, status=BriefingStatus.PENDING).update(status=BriefingStatus.FAILED)


def connect_signals() -> None:
    records_written.connect(_written, dispatch_uid="rollup-records-written")
    briefing_requested.connect(_briefing_enqueue, dispatch_uid="briefing-requested")
    # Every model's signals, filtered by app when they fire: the registries register as
    # sources in their own ready(), which runs after this one.
    post_save.connect(_changed, dispatch_uid="rollup-save")
    post_delete.connect(_changed, dispatch_uid="rollup-delete")
    m2m_changed.connect(_changed, dispatch_uid="rollup-m2m")
