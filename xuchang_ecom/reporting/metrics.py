"""Figures from approved monthly reports, this year to date, registered as metrics.

A month counts once it is over and its report approved; a report that is unlocked stops
counting until it is approved again.
"""
from datetime import date, timedelta

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xuchang_ecom.common.metrics import Metric, register

from .models import Report


def approved_this_year(as_of: date):
    """Approved reports of the months of ``as_of``'s year that are over by ``as_of``."""
    first_uncounted = (as_of + timedelta(days=1)).replace(day=1)
    return Report.objects.approved().filter(period__month__year=as_of.year, period__month__lt=first_uncounted)


FIGURES = [
    ("sales", _("Online sales reported this year"), _("yuan")),
    ("orders", _("Online orders reported this year"), pgettext_lazy("unit", "orders")),
    ("wages_paid", _("Wages paid to poor household members this year"), _("yuan")),
    ("dividends_paid", _("Dividends reported paid this year"), _("yuan")),
    ("sessions_held", _("Livestream sessions reported this year"), _("sessions")),
    ("anchors_trained", _("Anchors trained this year"), _("people")),
]

for name, label, unit in FIGURES:
    register(Metric(key=f"reporting.{name}", label=label, unit=unit, records=approved_this_year,
                    region_field="organisation__region", value=Sum(name)))
