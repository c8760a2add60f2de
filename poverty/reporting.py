"""What poverty-alleviation enterprises (with their bases) report each month."""
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.reporting.groups import FigureGroup, register

register(FigureGroup(
    key="poverty",
    label=_("Poverty alleviation"),
    fields=("poor_employed", "wages_paid", "land_leased_mu", "rent_paid", "dividends_paid", "take_home_pay"),
    members=lambda: Q(poverty_enterprise__isnull=False),
))
