"""Every write to the programs: programs, targets and their county parts, and the roll-up."""
import logging
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuchang_ecom.audit.bulk import log_bulk
from xuchang_ecom.audit.models import LogEntry
from xuchang_ecom.common import publiccache
from xuchang_ecom.common.metrics import all_aggregates, get_metric
from xuchang_ecom.regions.models import Level, Region

from . import briefing as briefing_module
from . import rollup
from .models import Briefing, BriefingStatus, CountyTarget, Program, Snapshot, Target, TargetChange
from .signals import briefing_requested

logger = logging.getLogger(__name__)

# Fields whose change needs a reason, kept in TargetChange.
TRACKED_FIELDS = ("value", "deadline")


@transaction.atomic
def program_create(*, name: str, issuer: str, starts_on: date, ends_on: date, document_reference: str = "",
                   is_published: bool = True) -> Program:
    program = Program(name=name.strip(), issuer=issuer.strip(), starts_on=starts_on, ends_on=ends_on,
                      document_reference=document_reference.strip(), is_published=is_published)
    program.full_clean()
    program.save()
    return program


@transaction.atomic
def program_update(*, program: Program, data: dict) -> Program:
    """Change ``program``'s fields to ``data``; returns it saved. Raises ValidationError.

    The public dashboard shows the published programs' targets: publishing or withdrawing
    one, or renaming it, shows there at once, not after the next roll-up."""
    for name, value in data.items():
        setattr(program, name, value.strip() if isinstance(value, str) else value)
    program.full_clean()
    program.save()
    publiccache.bump_on_commit()
    return program


@transaction.atomic
def target_create(*, program: Program, metric_key: str, baseline_on: date, value: Decimal | None = None,
                  deadline: date | None = None, unit: str = "", baseline_value: Decimal = Decimal(0),
                  position: int = 0) -> Target:
    """Add a target (with ``value`` and ``deadline``) or an indicator (without) to ``program``.

    The unit defaults to the metric's. Raises ValidationError for an unknown metric, a
    metric the program already tracks, or a value without a deadline.
    """
    if not unit:
        try:
            unit = str(get_metric(metric_key).unit)
        except KeyError:
            unit = ""
    target = Target(program=program, metric_key=metric_key, value=value, deadline=deadline, unit=unit,
                    baseline_value=baseline_value, baseline_on=baseline_on, position=position)
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def target_update(*, user, target: Target, data: dict, reason: str = "",
                  parts: dict[Region, Decimal] | None = None) -> Target:
    """Change ``target``'s fields to ``data`` and, when ``parts`` is given, replace its
    county parts (see ``target_split_set``). A change of value or deadline needs a reason,
    kept with who and when (TargetChange); the county parts must still add up.

    Raises ValidationError (on ``reason`` when it is missing).
    """
    before = Target.objects.select_for_update().get(pk=target.pk)
    for name, value in data.items():
        setattr(target, name, value)
    changed = [name for name in TRACKED_FIELDS if getattr(before, name) != getattr(target, name)]
    if changed and not reason.strip():
        raise ValidationError({"reason": _("Say why the target's value or deadline changes.")})
    target.full_clean()
    if parts is not None:
        target_split_set(target=target, parts=parts)
    elif "value" in changed and target.splits.exists():
        target_split_check(target=target, parts={part.county: part.value for part in target.splits.all()})
    target.save()
    TargetChange.objects.bulk_create([
        TargetChange(target=target, changed_by=user, field=name, old_value=_text(getattr(before, name)),
                     new_value=_text(getattr(target, name)), reason=reason.strip())
        for name in changed
    ])
    return target


@transaction.atomic
def target_delete(*, target: Target) -> None:
    """Delete ``target`` with its county parts, changes and snapshots. The public
    dashboard stops showing it at once, not after the next roll-up."""
    target.delete()
    publiccache.bump_on_commit()


def _text(value) -> str:
    return "" if value is None else str(value)


def target_split_check(*, target: Target, parts: dict[Region, Decimal]) -> None:
    """Raise ValidationError unless ``parts`` (county -> value) add up to ``target``'s value."""
    total = sum(parts.values(), Decimal(0))
    if target.value is None:
        raise ValidationError(_("An indicator has no target to split among the counties."))
    if total != target.value:
        raise ValidationError(
            _("The county parts add up to %(total)s, but the city's target is %(target)s.")
            % {"total": _number(total), "target": _number(target.value)}
        )


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


@transaction.atomic
def target_split_set(*, target: Target, parts: dict[Region, Decimal]) -> list[CountyTarget]:
    """Replace ``target``'s county parts with ``parts`` (county -> value); an empty dict
    removes the split. Raises ValidationError unless every key is a county-level
    division and the parts add up to the target."""
    for county, value in parts.items():
        if county.level != Level.COUNTY:
            raise ValidationError(_("%(place)s is not a county-level division.") % {"place": county.name})
        if value < 0:
            raise ValidationError(_("A target cannot be negative."))
    if parts:
        target_split_check(target=target, parts=parts)
    target.splits.all().delete()
    created = CountyTarget.objects.bulk_create(
        [CountyTarget(target=target, county=county, value=value) for county, value in parts.items()]
    )
    # bulk_create sends no signals: the trail is told here (the deletions above it heard).
    log_bulk(LogEntry.Action.CREATE, ((None, part) for part in created))
    return created


def rollup_run(*, as_of: date, aggregates: bool = True) -> int:
    """Compute and store every target's snapshots for ``as_of``; returns how many rows.
    With ``aggregates``, first rebuild the tables of totals the dashboard reads (they do
    not depend on the date, so a run over many dates rebuilds them once).

    Idempotent: the rows are upserted on (target, place, date), so running it twice, or
    on two workers at once, leaves the same rows. Rows are written in key order so two
    concurrent runs cannot deadlock on each other.
    """
    values = rollup.rollup_compute(as_of)
    now = timezone.now()
    rows = [
        Snapshot(target_id=target_id, region_id=region_id, as_of=as_of, value=value, computed_at=now)
        for (target_id, region_id), value in sorted(values.items())
    ]
    with transaction.atomic():
        if aggregates:
            for aggregate in all_aggregates():
                aggregate.refresh()
        Snapshot.objects.bulk_create(
            rows, batch_size=1000, update_conflicts=True, unique_fields=["target", "region", "as_of"],
            update_fields=["value", "computed_at"],
        )
        publiccache.bump_on_commit()
    logger.info("Roll-up for %s: %d snapshots", as_of, len(rows))
    return len(rows)


def rollup_dates(dates) -> list[int]:
    """Run the roll-up for each of ``dates`` in turn, rebuilding the tables of totals
    once (with the first); returns how many snapshots each date stored."""
    return [rollup_run(as_of=as_of, aggregates=position == 0) for position, as_of in enumerate(dates)]


def rollup_backfill(*, start: date, end: date) -> list[date]:
    """Store the snapshots of every month end from ``start`` to ``end`` (and of ``end``
    itself when it is not a month end); returns the dates computed."""
    dates = rollup.backfill_dates(start, end)
    rollup_dates(dates)
    return dates


@transaction.atomic
def briefing_request(*, user, program: Program, month_end: date) -> Briefing:
    """Ask for the briefing of ``program`` for the month ending ``month_end``; it is built in
    the background once this transaction commits. Raises ValidationError for a month that
    has not ended yet."""
    if month_end >= timezone.localdate():
        raise ValidationError({"month": _("Choose a month that has ended.")})
    briefing = Briefing.objects.create(program=program, month=month_end, requested_by=user)
    # The task is enqueued by programs.triggers, which hears this after commit.
    transaction.on_commit(lambda: briefing_requested.send(sender=Briefing, briefing_id=briefing.pk))
    return briefing


def briefing_build(*, briefing_id: int) -> bool:
    """Build a waiting briefing; returns False if another worker has claimed it already.

    The claim is a conditional UPDATE, so a task delivered twice builds the file once.
    """
    claimed = Briefing.objects.filter(pk=briefing_id, status=BriefingStatus.PENDING).update(
        status=BriefingStatus.RUNNING, progress=5)
    if not claimed:
        return False
    briefing = Briefing.objects.select_related("program").get(pk=briefing_id)
    try:
        for as_of in (briefing.month, briefing_module.previous_month_end(briefing.month)):
            if not Snapshot.objects.filter(target__program=briefing.program, as_of=as_of).exists():
                rollup_run(as_of=as_of, aggregates=False)
        Briefing.objects.filter(pk=briefing_id).update(progress=30)

        def progress(percent: int) -> None:
            Briefing.objects.filter(pk=briefing_id).update(progress=percent)

        content = briefing_module.briefing_workbook(program=briefing.program, month_end=briefing.month,
                                                    progress=progress)
        briefing.file.save(f"briefing-{briefing.program_id}-{briefing.month:%Y-%m}-{briefing.pk}.xlsx",
                           ContentFile(content), save=False)
        Briefing.objects.filter(pk=briefing_id).update(file=briefing.file.name, status=BriefingStatus.DONE,
                                                       progress=100, finished_at=timezone.now())
    except Exception:
        Briefing.objects.filter(pk=briefing_id).update(status=BriefingStatus.FAILED, finished_at=timezone.now())
        raise
    return True
