"""The Taobao village registry's metrics, registered under stable keys.

Alibaba publishes one list a year; a place counts as a Taobao village or town as of a date
when it is on the most recent list published by then. A list counts from its source
report's publication date or, when that is not recorded, from the last day of its year.
"""
from datetime import date

from django.db.models import Max, Q, Subquery
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.common.metrics import Metric, Source, register, register_source

from .models import Designation, DesignationKind

# A write to any record of this registry asks for a roll-up (programs.triggers).
register_source(Source("villages"))


def _published_by(as_of: date) -> Q:
    last_year_counted = as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1
    return Q(source__published_on__lte=as_of) | Q(source__published_on__isnull=True, year__lte=last_year_counted)


def _on_latest_list(as_of: date, kind: str):
    """The designations of ``kind`` on the most recent list published by ``as_of``."""
    # Not correlated with the outer row: PostgreSQL computes the latest year once.
    latest_year = (
        Designation.objects.filter(_published_by(as_of), kind=kind)
        .order_by()
        .values("kind")
        .annotate(latest=Max("year"))
        .values("latest")
    )
    return Designation.objects.filter(_published_by(as_of), kind=kind, year=Subquery(latest_year))


TAOBAO_VILLAGES = register(Metric(
    key="villages.taobao_villages",
    label=_("Taobao villages on the latest list"),
    unit=_("villages"),
    records=lambda as_of: _on_latest_list(as_of, DesignationKind.VILLAGE),
    region_field="place",
))
TAOBAO_TOWNS = register(Metric(
    key="villages.taobao_towns",
    label=_("Taobao towns on the latest list"),
    unit=_("towns"),
    records=lambda as_of: _on_latest_list(as_of, DesignationKind.TOWN),
    region_field="place",
))
