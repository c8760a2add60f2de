"""What livestream agencies and base operators report each month."""
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.reporting.groups import FigureGroup, register

from .models import Base

register(FigureGroup(
    key="livestream",
    label=_("Livestream e-commerce"),
    fields=("sessions_held", "anchors_trained", "brands_incubated"),
    members=lambda: Q(livestream_agency__isnull=False) | Q(pk__in=Base.objects.values("operator")),
))
