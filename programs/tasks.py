"""Celery tasks of the programs: thin, idempotent, with time limits and retries."""
from datetime import date

from celery import shared_task
from django.db import DatabaseError
from django.db.models import Min
from django.utils import timezone

from . import services
from .models import Snapshot
from .rollup import month_ends

ROLLUP_OPTIONS = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "soft_time_limit": 240,
    "time_limit": 300,
    "acks_late": True,
}


@shared_task(name="programs.rollup", **ROLLUP_OPTIONS)
def rollup(as_of: str | None = None) -> int:
    """Recompute the snapshots for ``as_of`` (ISO date; today when omitted)."""
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return services.rollup_run(as_of=day)


@shared_task(name="programs.rollup_daily", **ROLLUP_OPTIONS)
def rollup_daily() -> int:
    """Celery beat's nightly run: today, and every month end already stored, so a record
    entered with a past date reaches the history too (and a missed trigger is caught up)."""
    today = timezone.localdate()
    first = Snapshot.objects.aggregate(first=Min("as_of"))["first"] or today
    stored = set(Snapshot.objects.filter(as_of__in=month_ends(first, today)).values_list("as_of", flat=True))
    return sum(services.rollup_dates(sorted({*stored, today})))


@shared_task(name="programs.rollup_catch_up", **ROLLUP_OPTIONS)
def rollup_catch_up() -> int:
    """Run today's roll-up if one could not be enqueued while the broker was down (beat
    asks every minute; nothing due, nothing done)."""
    from .models import RollupDue

    if not RollupDue.objects.exists():
        return 0
    started = timezone.now()
    rows = services.rollup_run(as_of=timezone.localdate())
    RollupDue.objects.filter(requested_at__lte=started).delete()
    return rows


@shared_task(name="programs.briefing_build", acks_late=True, soft_time_limit=240, time_limit=300)
def briefing_build(briefing_id: int) -> bool:
    """Build the monthly briefing ``briefing_id`` (safe to deliver twice)."""
    return services.briefing_build(briefing_id=briefing_id)
