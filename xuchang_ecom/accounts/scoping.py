"""The one scoping mechanism: which rows an acting user may see and change.

Every model whose rows belong somewhere declares, on its QuerySet, the lookup to its
region node and (where it has one) to its owning organisation. Selectors, the admin, the
HTML views and the API all call ``visible_to(user)``, so the rule lives here only.
"""
from django.db import models

from xuchang_ecom.regions.models import Region

from .roles import Role


def user_region(user) -> Region | None:
    """The county-level division a county staff account is bound to, cached on the user."""
    if not hasattr(user, "_scope_region"):
        user._scope_region = user.region if user.region_id else None
    return user._scope_region


def user_sees_everything(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role == Role.CITY_STAFF)
    )


def scope_queryset(
    queryset: models.QuerySet,
    *,
    user,
    region_field: str | None,
    organisation_field: str | None = None,
) -> models.QuerySet:
    """Filter ``queryset`` to the rows ``user`` may see.

    City staff and superusers see everything; county staff see rows whose region is at or
    under their division; reporters see rows of their own organisation. Anyone else, and
    any role the model has no lookup for, sees nothing. ``region_field=""`` scopes the
    Region model itself.
    """
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if user_sees_everything(user):
        return queryset
    if user.role == Role.COUNTY_STAFF and region_field is not None and user_region(user):
        lookup = f"{region_field}__path__startswith" if region_field else "path__startswith"
        return queryset.filter(**{lookup: user_region(user).path})
    if user.role == Role.REPORTER and organisation_field and user.organisation_id:
        return queryset.filter(**{organisation_field: user.organisation_id})
    return queryset.none()


def region_in_scope(*, user, region: Region | None) -> bool:
    """Whether ``user`` may place a record at ``region`` (used by every write)."""
    if region is None or not (user and user.is_authenticated and user.is_active):
        return False
    if user_sees_everything(user):
        return True
    if user.role == Role.COUNTY_STAFF and user_region(user):
        return region.is_at_or_under(user_region(user))
    return False


def regions_in_scope(*, user) -> models.QuerySet:
    """The division nodes ``user`` may place records at (for form choices)."""
    return scope_queryset(Region.objects.all(), user=user, region_field="")


class ScopedQuerySet(models.QuerySet):
    """A QuerySet that knows where its rows live. Subclasses set the two lookups."""

    scope_region_field: str | None = None
    scope_organisation_field: str | None = None

    def visible_to(self, user) -> "ScopedQuerySet":
        return scope_queryset(
            self,
            user=user,
            region_field=self.scope_region_field,
            organisation_field=self.scope_organisation_field,
        )
