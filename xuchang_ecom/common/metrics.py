"""The metric registry: named figures the plan's targets and the dashboard are built on.

A registry app registers each metric under a stable key (``livestream.anchors_cultivated``).
A metric names the records behind its value as of a date (``records``), where each record
is (``region_field``) and how they add up (``value``). Its value for every county-level
division comes from one database query; the city's value is the sum over the divisions
plus records placed at city level. The same ``records`` serve the drill-down, so the list
behind a number is the list the number was computed from.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models

from .registry import Registry

# county-level division id (None: placed at city level) -> value
CountyValues = dict[int | None, Decimal]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    #: The records counted as of a date (unscoped: callers scope them for a user).
    records: Callable[[date], models.QuerySet]
    #: The lookup from a record to its region node, e.g. ``household__village``.
    region_field: str
    #: How the records add up (e.g. ``Sum("sales")``); None counts them.
    value: models.Aggregate | None = None

    @property
    def counts_records(self) -> bool:
        """Whether the value is the number of records, so its drill-down list has as many rows."""
        return self.value is None

    def query(self, as_of: date) -> models.QuerySet:
        """``{"county": id, "value": number}`` rows for ``as_of``: one query."""
        value = models.Count("pk") if self.value is None else self.value
        return per_county(self.records(as_of), region_field=self.region_field, value=value)

    def by_county(self, as_of: date) -> CountyValues:
        """The value per county-level division as of ``as_of``, from one query."""
        return {row["county"]: Decimal(row["value"] or 0) for row in self.query(as_of)}

    def city_total(self, as_of: date) -> Decimal:
        return sum(self.by_county(as_of).values(), Decimal(0))


_METRICS: Registry[Metric] = Registry("Metric")
register = _METRICS.register
get_metric = _METRICS.get
all_metrics = _METRICS.all


def metric_choices() -> list[tuple[str, str]]:
    """``(key, label)`` of every registered metric, for form and model choices."""
    return [(metric.key, metric.label) for metric in all_metrics()]


def per_county(queryset: models.QuerySet, *, region_field: str, value) -> models.QuerySet:
    """Group ``queryset`` by the county of ``region_field`` and aggregate ``value``."""
    return (
        queryset.order_by()
        .values(county=models.F(f"{region_field}__county"))
        .annotate(value=value)
        .values("county", "value")
    )


@dataclass(frozen=True)
class Aggregate:
    """A table of totals kept by the roll-up (e.g. sessions per month), for pages that would
    otherwise add up a large table on every cold render. Registered by the app that owns it."""

    key: str
    #: Rebuild the totals from the records; returns how many rows the table holds.
    refresh: Callable[[], int]
    #: A description of every stored row that differs from a fresh computation.
    differences: Callable[[], list[str]]


_AGGREGATES: Registry[Aggregate] = Registry("Aggregate")
register_aggregate = _AGGREGATES.register
all_aggregates = _AGGREGATES.all


@dataclass(frozen=True)
class Source:
    """An app whose records the metrics count: a write to any of its models asks for a
    roll-up (``programs.triggers``). The app registers itself, so the plan names no registry."""

    #: The app label.
    key: str


_SOURCES: Registry[Source] = Registry("Source")
register_source = _SOURCES.register


def source_labels() -> frozenset[str]:
    """The labels of the apps whose writes start a roll-up."""
    return _SOURCES.keys()
