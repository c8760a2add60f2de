"""Reads that depend on who asks. Out-of-scope rows are simply absent (404, not 403)."""
from django.shortcuts import get_object_or_404

from .models import Designation, DesignationQuerySet, Honour


def designation_list(*, user, filters: dict | None = None) -> DesignationQuerySet:
    """Designations ``user`` may see, with what a list shows already joined."""
    qs = Designation.objects.visible_to(user).select_related("place", "source")
    filters = filters or {}
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("county"):
        qs = qs.filter(place__path__startswith=filters["county"].path)
    return qs


def designation_get(*, user, pk) -> Designation:
    """The designation, or Http404 if it does not exist or ``user`` may not see it."""
    return get_object_or_404(designation_list(user=user), pk=pk)


def honour_list(*, user):
    return Honour.objects.visible_to(user).select_related("place", "source")
