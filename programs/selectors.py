"""Reads of the programs that depend on who asks: progress from the stored snapshots only.

A progress page costs a fixed handful of queries whatever the size of the registries:
targets, splits, the snapshots of the shown date and the history, each one query.
"""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Max, Q, QuerySet
from django.http import Http404

from xuchang_ecom.accounts.scoping import region_in_scope, user_region, user_sees_everything
from xuchang_ecom.common.metrics import Metric, get_metric
from xuchang_ecom.regions.models import Level, Region

from .models import Briefing, CountyTarget, Program, Snapshot, Target
from .pace import TREND_DAYS, Pace
from .rollup import month_ends


def may_view_progress(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm("programs.view_program"))


def program_list(*, user) -> QuerySet:
    """The programs ``user`` may follow on the staff pages (all of them, for staff)."""
    return Program.objects.all() if may_view_progress(user) else Program.objects.none()


def program_get(*, user, pk: int) -> Program:
    """Raises Http404 for a missing program and for a user who may not see programs."""
    program = program_list(user=user).filter(pk=pk).first()
    if program is None:
        raise Http404
    return program


def target_get(*, user, pk: int) -> Target:
    target = Target.objects.filter(program__in=program_list(user=user), pk=pk).select_related("program").first()
    if target is None:
        raise Http404
    return target


@dataclass
class PlaceProgress:
    region: Region
    value: Decimal
    computed_at: datetime
    #: The target for this place (the city's, or the county's part), None for none.
    goal: Decimal | None = None
    pace: Pace | None = None
    history: list[tuple[date, Decimal]] = field(default_factory=list)
    #: Whether the user may open the records behind the number (``region_records_visible``).
    may_open: bool = False


@dataclass
class TargetProgress:
    target: Target
    metric: Metric | None
    city: PlaceProgress | None
    counties: list[PlaceProgress]
    #: For a user who sees every county-level division: what the city holds at city level
    #: (市本级), the city's figure less the divisions' figures, so that the county table
    #: adds up to the city's figure. None otherwise.
    city_level: Decimal | None = None

    @property
    def is_indicator(self) -> bool:
        return self.target.is_indicator


def progress_as_of(*, program: Program, as_of: date | None = None) -> date | None:
    """The most recent snapshot date of ``program`` on or before ``as_of`` (any, if None)."""
    snapshots = Snapshot.objects.filter(target__program=program)
    if as_of is not None:
        snapshots = snapshots.filter(as_of__lte=as_of)
    return snapshots.aggregate(latest=Max("as_of"))["latest"]


def target_progress_list(*, user, program: Program, as_of: date) -> list[TargetProgress]:
    """Each target of ``program`` as of the snapshot date ``as_of``: the city's figures and
    those of every county-level division ``user`` may see, with pace and history.

    City staff see every division; county staff the city's total and their own division.
    """
    targets = list(program.targets.all())
    if user_sees_everything(user):
        places = Q(region__level__in=[Level.CITY, Level.COUNTY])
    else:
        places = Q(region__level=Level.CITY) | Q(region=user_region(user))
    # The history is the month ends (the chart), the days of the pace's trend window, and the
    # deadlines (what a target reached on its deadline, once it has passed).
    dates = Q(as_of__in=month_ends(min(program.starts_on, as_of), as_of)) | Q(
        as_of__gte=as_of - timedelta(days=TREND_DAYS)) | Q(as_of__in={t.deadline for t in targets if t.deadline})
    rows = (
        Snapshot.objects.filter(places, dates, target__in=targets, as_of__lte=as_of)
        .select_related("region")
        .order_by("target_id", "region__path", "as_of")
    )
    history: dict[tuple[int, int], list[Snapshot]] = defaultdict(list)
    for row in rows:
        history[(row.target_id, row.region_id)].append(row)
    splits = {(part.target_id, part.county_id): part for part in CountyTarget.objects.filter(target__in=targets)}
    may_open = region_records_visible(user=user, regions={snapshots[-1].region for snapshots in history.values()})

    result = []
    for target in targets:
        try:
            metric = get_metric(target.metric_key)
        except KeyError:
            metric = None
        places = []
        for (target_id, _region_id), snapshots in history.items():
            if target_id != target.pk or snapshots[-1].as_of != as_of:
                continue
            latest = snapshots[-1]
            place = PlaceProgress(
                region=latest.region, value=latest.value, computed_at=latest.computed_at,
                history=[(s.as_of, s.value) for s in snapshots], may_open=latest.region_id in may_open,
            )
            place.goal, baseline = target.goal(splits.get((target.pk, latest.region_id)),
                                               county=latest.region.level == Level.COUNTY)
            place.pace = target.pace_at(value=place.value, as_of=as_of, history=place.history[:-1],
                                        goal=place.goal, baseline=baseline)
            places.append(place)
        city = next((p for p in places if p.region.level == Level.CITY), None)
        counties = [p for p in places if p.region.level == Level.COUNTY]
        city_level = None
        if city is not None and user_sees_everything(user):
            city_level = city.value - sum((p.value for p in counties), Decimal(0))
        result.append(TargetProgress(target=target, metric=metric, city=city, counties=counties,
                                     city_level=city_level))
    return result


def briefing_list(*, user, program: Program) -> QuerySet:
    """The briefings of ``program``, newest first, for users who may download them."""
    if not user.has_perm("programs.view_briefing"):
        return Briefing.objects.none()
    return program.briefings.all()


def briefing_get(*, user, pk: int) -> Briefing:
    briefing = Briefing.objects.filter(program__in=program_list(user=user), pk=pk).select_related("program").first()
    if briefing is None or not user.has_perm("programs.view_briefing"):
        raise Http404
    return briefing


def target_metric(target: Target) -> Metric:
    """``target``'s metric; raises Http404 when it is no longer registered."""
    try:
        return get_metric(target.metric_key)
    except KeyError:
        raise Http404 from None


def region_records_visible(*, user, regions: Iterable[Region]) -> set[int]:
    """The pks of those of ``regions`` whose records ``user`` may open in the drill-down
    (``target_records`` asks it too): the places in the user's area, by the scoping rule
    (``accounts.scoping.region_in_scope``, the division nodes of ``regions_in_scope``).
    Pages ask it to show only the links a user may follow; it runs no query."""
    return {region.pk for region in regions if region_in_scope(user=user, region=region)}


def target_records(*, user, target: Target, region: Region, as_of: date) -> QuerySet:
    """The records behind ``target``'s number at ``region`` on ``as_of``, as ``user`` may
    see them: the drill-down. Raises Http404 for a place outside the user's area."""
    if region.pk not in region_records_visible(user=user, regions=[region]):
        raise Http404
    metric = target_metric(target)
    records = metric.records(as_of).visible_to(user)
    if region.level == Level.COUNTY:
        records = records.filter(**{f"{metric.region_field}__county": region})
    return records
