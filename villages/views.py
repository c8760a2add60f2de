from django.db.models import Count, Q
from django.shortcuts import render

from .models import Designation, DesignationKind


def home(request):
    """The public home page: registry aggregates only, never rows about people."""
    by_year = (
        Designation.objects.values("year")
        .annotate(
            villages=Count("pk", filter=Q(kind=DesignationKind.VILLAGE)),
            towns=Count("pk", filter=Q(kind=DesignationKind.TOWN)),
        )
        .order_by("-year")
    )
    return render(request, "home.html", {"by_year": by_year})
