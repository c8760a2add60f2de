"""Reads of accounts that depend on who asks."""
from django.db.models import QuerySet

from .models import Organisation, Role, User


def reporter_list(*, user) -> QuerySet:
    """The enterprise reporter accounts of the organisations ``user`` may see, by
    organisation and username: city staff all, county staff those of their county's
    organisations, anyone else none."""
    if not staff_manage_reporters(user=user):
        return User.objects.none()
    return (User.objects.filter(role=Role.REPORTER, organisation__in=Organisation.objects.visible_to(user))
            .select_related("organisation", "organisation__region").order_by("organisation__name", "username"))


def staff_manage_reporters(*, user) -> bool:
    """Whether ``user`` keeps reporter accounts (city and county staff)."""
    return bool(user.is_authenticated and user.is_active
                and (user.is_superuser or user.role in (Role.CITY_STAFF, Role.COUNTY_STAFF)))
