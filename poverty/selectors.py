"""Reads that depend on who asks. Out-of-scope rows are absent (404), never forbidden.

Enterprise reporters see their own enterprise and bases but no household and no link:
those are personal data kept by bureau staff.
"""
from collections.abc import Iterable

from django.shortcuts import get_object_or_404

from xuchang_ecom.accounts.validators import normalise_resident_id
from xuchang_ecom.common.crypto import keyed_hash
from xuchang_ecom.common.masking import mask_name, mask_resident_id

from .models import (
    REVEAL_PERMISSION,
    Base,
    Dividend,
    Employment,
    Enterprise,
    Household,
    LandLease,
    RevealLog,
    TakeHomeWork,
)


def enterprise_list(*, user):
    return (
        Enterprise.objects.visible_to(user)
        .select_related("organisation", "organisation__region")
        .prefetch_related("alleviation_models")
    )


def enterprise_get(*, user, pk) -> Enterprise:
    """The enterprise, or Http404 if it does not exist or ``user`` may not see it."""
    return get_object_or_404(enterprise_list(user=user), pk=pk)


def base_list(*, user):
    return Base.objects.visible_to(user).select_related("region", "enterprise__organisation")


def base_get(*, user, pk) -> Base:
    """The base, or Http404 if it does not exist or ``user`` may not see it."""
    return get_object_or_404(base_list(user=user), pk=pk)


def household_list(*, user):
    return Household.objects.visible_to(user).select_related("village")


def household_get(*, user, pk) -> Household:
    """The household, or Http404 if it does not exist or ``user`` may not see it."""
    return get_object_or_404(household_list(user=user), pk=pk)


def may_reveal_resident_id(user) -> bool:
    """Whether ``user`` may see full resident ID numbers and households' names in full."""
    return bool(user and user.is_authenticated and user.has_perm(REVEAL_PERMISSION))


def household_personal_data(*, user, household: Household) -> dict[str, str]:
    """The household's head name (masked unless ``user`` may reveal numbers) and resident
    ID number, always masked: a full number is shown only by ``services.household_reveal_id``."""
    head_name = household.head_name if may_reveal_resident_id(user) else mask_name(household.head_name)
    return {"head_name": head_name, "resident_id": mask_resident_id(household.resident_id)}


def household_find_by_id_number(*, user, number: str) -> Household | None:
    """The household ``user`` may see whose head has resident ID ``number`` (any spacing or
    case of x), or None: a number out of the user's area is as unknown as a wrong one.

    Not logged: only for users who may read numbers (``may_reveal_resident_id``); anyone
    else looks numbers up through ``services.resident_ids_look_up``.
    """
    number = normalise_resident_id(number)
    return find_by_resident_id(household_list(user=user), [number]).get(number)


def find_by_resident_id(households, numbers: Iterable[str]) -> dict[str, Household]:
    """The households of the QuerySet ``households`` whose heads have one of the resident ID
    ``numbers``, keyed by the normalised number: a query per 1,000 numbers, not one per row
    of an import."""
    by_hash = {keyed_hash(number): number for number in {normalise_resident_id(str(n or "")) for n in numbers}
               if number}
    hashes, found = list(by_hash), {}
    for start in range(0, len(hashes), 1000):
        for household in households.filter(id_hash__in=hashes[start:start + 1000]).order_by():
            found[by_hash[household.id_hash]] = household
    return found


def employment_list(*, user):
    return Employment.objects.visible_to(user).select_related(
        "household__village", "enterprise__organisation", "base"
    )


def land_lease_list(*, user):
    return LandLease.objects.visible_to(user).select_related("household__village", "enterprise__organisation", "base")


def dividend_list(*, user):
    return Dividend.objects.visible_to(user).select_related("household__village", "enterprise__organisation", "base")


def take_home_work_list(*, user):
    return TakeHomeWork.objects.visible_to(user).select_related("household__village", "enterprise__organisation")


def reveal_log_list(*, user):
    return RevealLog.objects.visible_to(user).select_related("user", "household__village")
