"""Computing progress snapshots: the metrics' values per target and place on a date.

One database query per metric however many targets use it; the city's value is the sum
over its county-level divisions plus the records placed at city level. Writing them is
``programs.services.rollup_run``; this module only reads.
"""
import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from xuchang_ecom.common.metrics import get_metric
from xuchang_ecom.regions.models import Level, Region

from .models import Snapshot, Target

# (target id, region id) -> value
SnapshotValues = dict[tuple[int, int], Decimal]


def month_ends(start: date, end: date) -> list[date]:
    """The last day of every month from ``start``'s to ``end``'s, inclusive."""
    days = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        days.append(date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def backfill_dates(start: date, end: date) -> list[date]:
    """Every month end from ``start`` to ``end``, and ``end`` itself when it is not one."""
    dates = [day for day in month_ends(start, end) if day <= end]
    if not dates or dates[-1] != end:
        dates.append(end)
    return dates


def places() -> tuple[Region | None, list[Region]]:
    """The city node (None before the region tree is loaded) and its county-level divisions:
    the places a snapshot is kept for."""
    return Region.objects.filter(level=Level.CITY).first(), list(Region.objects.counties().order_by("path"))


def rollup_compute(as_of: date, *, targets=None) -> SnapshotValues:
    """The value of every target (or of ``targets``) for the city and each county-level
    division as of ``as_of``. Targets whose metric is no longer registered are left out."""
    targets = list(Target.objects.all() if targets is None else targets)
    if not targets:
        return {}
    city, counties = places()
    if city is None:
        return {}
    by_metric: dict[str, list[Target]] = defaultdict(list)
    for target in targets:
        by_metric[target.metric_key].append(target)
    values: SnapshotValues = {}
    for key, metric_targets in by_metric.items():
        try:
            metric = get_metric(key)
        except KeyError:
            continue
        by_county = metric.by_county(as_of)
        city_value = sum(by_county.values(), Decimal(0))
        for target in metric_targets:
            values[(target.pk, city.pk)] = city_value
            for county in counties:
                values[(target.pk, county.pk)] = by_county.get(county.pk, Decimal(0))
    return values


@dataclass(frozen=True)
class Difference:
    target_id: int
    region_id: int
    as_of: date
    stored: Decimal | None
    computed: Decimal | None

    def __str__(self) -> str:
        return f"target {self.target_id} region {self.region_id} {self.as_of}: stored {self.stored}, " \
               f"computed {self.computed}"


def rollup_differences(dates: list[date]) -> list[Difference]:
    """Every snapshot on ``dates`` whose stored value differs from a fresh computation,
    including ones missing on either side."""
    differences = []
    for as_of in dates:
        computed = rollup_compute(as_of)
        stored = {
            (row["target_id"], row["region_id"]): row["value"]
            for row in Snapshot.objects.filter(as_of=as_of).values("target_id", "region_id", "value")
        }
        for key in sorted(computed.keys() | stored.keys()):
            if computed.get(key) is None or stored.get(key) is None or computed[key] != stored[key]:
                differences.append(Difference(*key, as_of=as_of, stored=stored.get(key), computed=computed.get(key)))
    return differences
