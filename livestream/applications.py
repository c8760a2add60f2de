"""What an approved application (申报) grants in the livestream registry."""
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.applications.grants import GrantKind, register

from . import services
from .models import Agency, Anchor, Base, Brand, Cluster

register(GrantKind(
    key="demonstration_agency",
    label=_("Demonstration livestream agency"),
    subjects=lambda organisation: Agency.objects.filter(organisation=organisation),
    grant=lambda *, user, subject, on, batch: services.agency_support(user=user, agency=subject, on=on, batch=batch),
    granted=_("demonstration livestream agency"),
))
register(GrantKind(
    key="industry_cluster",
    label=_("Livestream industry cluster"),
    subjects=lambda organisation: Cluster.objects.filter(bases__operator=organisation).distinct(),
    grant=lambda *, user, subject, on, batch: services.cluster_recognise(user=user, cluster=subject, on=on),
    granted=_("recognised livestream industry cluster"),
))
register(GrantKind(
    key="check_in_base",
    label=_("Influencer check-in base"),
    subjects=lambda organisation: Base.objects.filter(operator=organisation),
    grant=lambda *, user, subject, on, batch: services.base_make_check_in(user=user, base=subject),
    granted=_("influencer check-in base"),
))
register(GrantKind(
    key="incubated_brand",
    label=_("Incubated influencer brand"),
    subjects=lambda organisation: Brand.objects.filter(owner=organisation),
    grant=lambda *, user, subject, on, batch: services.brand_incubate(user=user, brand=subject, on=on),
    granted=_("incubated influencer brand"),
))
register(GrantKind(
    key="certified_anchor",
    label=_("Certified anchor"),
    subjects=lambda organisation: Anchor.objects.filter(agency__organisation=organisation),
    grant=lambda *, user, subject, on, batch: services.anchor_certify(user=user, anchor=subject, on=on),
    granted=_("certified anchor"),
))
