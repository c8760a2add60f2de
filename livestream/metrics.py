"""The livestream registry's metrics, registered under stable keys for the plan's targets."""
from datetime import date, datetime, time, timedelta

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.common.metrics import Aggregate, Metric, Source, register, register_aggregate, register_source

from . import services
from .models import Agency, Anchor, Brand, Cluster, Session

# A write to any record of this registry asks for a roll-up (programs.triggers).
register_source(Source("livestream"))


def _end_of(as_of: date) -> datetime:
    """The first instant after ``as_of`` in the project's time zone."""
    return timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))


def _sessions_until(as_of: date):
    return Session.objects.filter(started_at__lt=_end_of(as_of))


CLUSTERS = register(Metric(
    key="livestream.clusters_recognised",
    label=_("Livestream industry clusters recognised"),
    unit=_("clusters"),
    records=Cluster.objects.recognised_on,
    region_field="region",
))
AGENCIES = register(Metric(
    key="livestream.agencies_supported",
    label=_("Demonstration livestream agencies supported"),
    unit=_("agencies"),
    records=Agency.objects.supported_on,
    region_field="organisation__region",
))
BRANDS = register(Metric(
    key="livestream.brands_incubated",
    label=_("Influencer brands incubated"),
    unit=_("brands"),
    records=Brand.objects.incubated_by,
    region_field="region",
))
ANCHORS = register(Metric(
    key="livestream.anchors_cultivated",
    label=_("Anchors cultivated"),
    unit=_("people"),
    # One row per anchor however many platform accounts they have: no join to accounts.
    records=Anchor.objects.cultivated_by,
    region_field="region",
))
SESSIONS = register(Metric(
    key="livestream.sessions_held",
    label=_("Livestream sessions held"),
    unit=_("sessions"),
    records=_sessions_until,
    region_field="region",
))
SALES = register(Metric(
    key="livestream.session_sales",
    label=_("Livestream sales"),
    unit=_("yuan"),
    records=_sessions_until,
    region_field="region",
    value=Sum("sales"),
))

SESSION_MONTHS = register_aggregate(Aggregate(
    key="livestream.session_months",
    refresh=services.session_months_refresh,
    differences=services.session_months_differences,
))
