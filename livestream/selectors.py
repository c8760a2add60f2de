"""Reads that depend on who asks. Out-of-scope rows are absent (404), never forbidden."""
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from .models import Agency, Anchor, AnchorAccount, Base, Brand, Cluster, Contest, Session, Training


def cluster_list(*, user):
    return Cluster.objects.visible_to(user).select_related("region")


def base_list(*, user):
    return Base.objects.visible_to(user).select_related("region", "operator", "cluster").prefetch_related("platforms")


def agency_list(*, user):
    return Agency.objects.visible_to(user).select_related("organisation", "organisation__region")


def brand_list(*, user):
    return Brand.objects.visible_to(user).select_related(
        "region", "owner", "incubated_by_base", "incubated_by_agency__organisation"
    )


def anchor_list(*, user):
    return (
        Anchor.objects.visible_to(user)
        .select_related("region", "agency__organisation")
        .prefetch_related(Prefetch("accounts", queryset=AnchorAccount.objects.select_related("platform")))
    )


def anchor_get(*, user, pk) -> Anchor:
    return get_object_or_404(anchor_list(user=user), pk=pk)


def session_list(*, user):
    return (
        Session.objects.visible_to(user)
        .select_related("platform", "region", "base", "agency__organisation")
        # Only what a session shows of its anchors: their personal fields stay in the database.
        .prefetch_related(Prefetch("anchors", queryset=Anchor.objects.only("pk", "display_name")))
    )


def session_get(*, user, pk) -> Session:
    return get_object_or_404(session_list(user=user), pk=pk)


def training_list(*, user):
    return Training.objects.visible_to(user).select_related("region")


def contest_list(*, user):
    return Contest.objects.visible_to(user).select_related("region")


def may_see_personal_data(user) -> bool:
    return Anchor.personal_data.may_read(user)


def anchor_personal_data(*, user, anchor: Anchor) -> dict[str, str]:
    """The anchor's real name and mobile number, masked unless ``user`` has the permission."""
    return Anchor.personal_data.shown(anchor, user=user)
