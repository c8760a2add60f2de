"""The metric registry: named figures the plan's targets and the dashboard are built on.

A registry app registers each metric under a stable key (``livestream.anchors_cultivated``).
A metric computes its value as of a date for every county-level division in one database
query; the city's value is the sum over the divisions plus records placed at city level.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models

# county-level division id (None: placed at city level) -> value
CountyValues = dict[int | None, Decimal]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    #: Returns a QuerySet of ``{"county": id, "value": number}`` rows for the date.
    query: Callable[[date], models.QuerySet]

    def by_county(self, as_of: date) -> CountyValues:
        """The value per county-level division as of ``as_of``, from one query."""
        return {row["county"]: Decimal(row["value"] or 0) for row in self.query(as_of)}

    def city_total(self, as_of: date) -> Decimal:
        return sum(self.by_county(as_of).values(), Decimal(0))


_REGISTRY: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    """Add ``metric``; raises ValueError if its key is already taken by another metric."""
    existing = _REGISTRY.get(metric.key)
    if existing is not None and existing != metric:
        raise ValueError(f"Metric key {metric.key!r} is registered twice")
    _REGISTRY[metric.key] = metric
    return metric


def get_metric(key: str) -> Metric:
    """The metric registered under ``key``; raises KeyError for an unknown key."""
    return _REGISTRY[key]


def all_metrics() -> list[Metric]:
    return sorted(_REGISTRY.values(), key=lambda m: m.key)


def per_county(queryset: models.QuerySet, *, region_field: str, value) -> models.QuerySet:
    """Group ``queryset`` by the county of ``region_field`` and aggregate ``value``."""
    return (
        queryset.order_by()
        .values(county=models.F(f"{region_field}__county"))
        .annotate(value=value)
        .values("county", "value")
    )
