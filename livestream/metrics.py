"""The livestream registry's metrics, registered under stable keys for the plan's targets."""
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.common.metrics import Metric, per_county, register

from .models import Agency, Anchor, Brand, Cluster, Session


def _end_of(as_of: date) -> datetime:
    """The first instant after ``as_of`` in the project's time zone."""
    return timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))


def _sessions_until(as_of: date):
    return Session.objects.filter(started_at__lt=_end_of(as_of))


CLUSTERS = register(Metric(
    key="livestream.clusters_recognised",
    label=_("Livestream industry clusters recognised"),
    unit=_("clusters"),
    query=lambda as_of: per_county(Cluster.objects.recognised_on(as_of), region_field="region", value=Count("pk")),
))
AGENCIES = register(Metric(
    key="livestream.agencies_supported",
    label=_("Demonstration livestream agencies supported"),
    unit=_("agencies"),
    query=lambda as_of: per_county(
        Agency.objects.supported_on(as_of), region_field="organisation__region", value=Count("pk")
    ),
))
BRANDS = register(Metric(
    key="livestream.brands_incubated",
    label=_("Influencer brands incubated"),
    unit=_("brands"),
    query=lambda as_of: per_county(Brand.objects.incubated_by(as_of), region_field="region", value=Count("pk")),
))
ANCHORS = register(Metric(
    key="livestream.anchors_cultivated",
    label=_("Anchors cultivated"),
    unit=_("people"),
    # One row per anchor however many platform accounts they have: no join to accounts.
    query=lambda as_of: per_county(Anchor.objects.cultivated_by(as_of), region_field="region", value=Count("pk")),
))
SESSIONS = register(Metric(
    key="livestream.sessions_held",
    label=_("Livestream sessions held"),
    unit=_("sessions"),
    query=lambda as_of: per_county(_sessions_until(as_of), region_field="region", value=Count("pk")),
))
SALES = register(Metric(
    key="livestream.session_sales",
    label=_("Livestream sales"),
    unit=_("yuan"),
    query=lambda as_of: per_county(_sessions_until(as_of), region_field="region", value=Sum("sales")),
))
