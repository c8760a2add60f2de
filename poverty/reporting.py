"""What poverty-alleviation enterprises (with their bases) report each month."""
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.reporting.groups import FigureGroup, register

from .models import Enterprise

register(FigureGroup(
    key="poverty",
    label=_("Poverty alleviation"),
    fields=("poor_employed", "wages_paid", "land_leased_mu", "rent_paid", "dividends_paid", "take_home_pay"),
    applies_to=lambda organisation: Enterprise.objects.filter(organisation=organisation).exists(),
))
