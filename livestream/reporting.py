"""What livestream agencies and base operators report each month."""
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.reporting.groups import FigureGroup, register

from .models import Agency, Base

register(FigureGroup(
    key="livestream",
    label=_("Livestream e-commerce"),
    fields=("sessions_held", "anchors_trained", "brands_incubated"),
    applies_to=lambda organisation: Agency.objects.filter(organisation=organisation).exists()
    or Base.objects.filter(operator=organisation).exists(),
))
