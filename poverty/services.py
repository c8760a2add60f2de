"""Every write to the poverty-alleviation registry. The admin, the imports and the API call these."""
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.accounts.services import organisation_find_or_build, organisation_get_or_create
from xuchang_ecom.common.services import organisation_record_check, scoped_delete, scoped_save, scoped_update
from xuchang_ecom.regions.models import Region

from . import selectors
from .models import (
    AlleviationModel,
    Base,
    Dividend,
    Employment,
    Enterprise,
    Household,
    LandLease,
    RevealLog,
    TakeHomeWork,
)


def _check_alleviation_models(alleviation_models: Iterable[AlleviationModel]) -> None:
    if not list(alleviation_models):
        raise ValidationError({"alleviation_models": _("Choose at least one poverty-alleviation model.")})


def _check_not_yet_an_enterprise(organisation: Organisation, field: str) -> None:
    if organisation.pk is not None and Enterprise.objects.filter(organisation=organisation).exists():
        raise ValidationError({field: _("This organisation is already registered as a poverty-alleviation "
                                        "enterprise.")})


@transaction.atomic
def alleviation_model_create(*, code: str, name: str) -> AlleviationModel:
    """Add a poverty-alleviation model (city staff only: the admin allows no one else).

    Raises ValidationError for a code or name already in use.
    """
    alleviation_model = AlleviationModel(code=code.strip(), name=name.strip())
    alleviation_model.full_clean()
    alleviation_model.save()
    return alleviation_model


@transaction.atomic
def alleviation_model_update(*, alleviation_model: AlleviationModel, name: str) -> AlleviationModel:
    """Rename a poverty-alleviation model; its code stays, as code and data refer to it.

    Raises ValidationError for a name already in use.
    """
    alleviation_model.name = name.strip()
    alleviation_model.full_clean()
    alleviation_model.save()
    return alleviation_model


def enterprise_build(*, name: str, region: Region | None, uscc: str | None = None) -> Enterprise:
    """An unsaved enterprise whose organisation is the one registered under credit code
    ``uscc`` or, when there is none, a new unsaved one. Forms and import previews validate
    it with ``enterprise_check`` before ``enterprise_create`` saves anything."""
    return Enterprise(organisation=organisation_find_or_build(name=name, region=region, uscc=uscc))


def enterprise_check(*, user, enterprise: Enterprise) -> None:
    """Raise ValidationError unless ``user`` may keep ``enterprise`` (see ``enterprise_build``).

    Besides refusing an organisation already registered as an enterprise, it is
    ``common.services.organisation_record_check``: errors about the organisation are keyed
    by its fields (``name``, ``uscc``, ``region``), the others by the enterprise's. The
    poverty-alleviation models are many-to-many, so the caller checks them.
    """
    if enterprise.pk is None:
        _check_not_yet_an_enterprise(enterprise.organisation, "uscc")
    organisation_record_check(user=user, record=enterprise)


@transaction.atomic
def enterprise_create(
    *,
    user,
    alleviation_models: Iterable[AlleviationModel],
    recognised_on: date,
    name: str = "",
    region: Region | None = None,
    uscc: str | None = None,
    organisation: Organisation | None = None,
    products: str = "",
    note: str = "",
) -> Enterprise:
    """Register an enterprise and, unless it is given or its credit code is known, its organisation.

    Pass ``organisation`` for one already registered (e.g. without a credit code);
    otherwise ``name``, ``region`` and ``uscc`` find or create it. Raises ValidationError
    if no model is chosen, the organisation is already an enterprise, or it lies outside
    the user's area.
    """
    alleviation_models = list(alleviation_models)
    _check_alleviation_models(alleviation_models)
    field = "organisation" if organisation is not None else "uscc"
    if organisation is None:
        organisation = organisation_get_or_create(user=user, name=name, region=region, uscc=uscc)
    _check_not_yet_an_enterprise(organisation, field)
    enterprise = Enterprise(organisation=organisation, products=products.strip(), recognised_on=recognised_on,
                            note=note)
    return scoped_save(user=user, instance=enterprise, m2m={"alleviation_models": alleviation_models})


def base_create(*, user, name: str, region: Region, opened_on: date, enterprise: Enterprise | None = None,
                products: str = "", area_mu: Decimal | None = None, closed_on: date | None = None) -> Base:
    base = Base(name=name.strip(), region=region, enterprise=enterprise, products=products.strip(), area_mu=area_mu,
                opened_on=opened_on, closed_on=closed_on)
    return scoped_save(user=user, instance=base)


def household_create(*, user, head_name: str, resident_id: str, village: Region, size: int,
                     disabled_members: int = 0, exited_in: int | None = None) -> Household:
    """Register a household; its number is validated, normalised and stored encrypted.

    Raises ValidationError (showing the number masked) for an invalid number or one
    already registered, whatever its spacing or the case of its x.
    """
    household = Household(head_name=head_name.strip(), resident_id=resident_id, village=village, size=size,
                          disabled_members=disabled_members, exited_in=exited_in)
    return scoped_save(user=user, instance=household)


def employment_create(*, user, household: Household, member_name: str, started_on: date,
                      enterprise: Enterprise | None = None, base: Base | None = None, is_disabled: bool = False,
                      ended_on: date | None = None, monthly_wage: Decimal | None = None) -> Employment:
    """Record a job at exactly one enterprise or base; raises ValidationError otherwise."""
    employment = Employment(household=household, enterprise=enterprise, base=base, member_name=member_name.strip(),
                            is_disabled=is_disabled, started_on=started_on, ended_on=ended_on,
                            monthly_wage=monthly_wage)
    return scoped_save(user=user, instance=employment)


def land_lease_create(*, user, household: Household, area_mu: Decimal, annual_rent: Decimal, started_on: date,
                      enterprise: Enterprise | None = None, base: Base | None = None,
                      ended_on: date | None = None) -> LandLease:
    """Record land leased out to exactly one enterprise or base; raises ValidationError otherwise."""
    lease = LandLease(household=household, enterprise=enterprise, base=base, area_mu=area_mu,
                      annual_rent=annual_rent, started_on=started_on, ended_on=ended_on)
    return scoped_save(user=user, instance=lease)


def dividend_create(*, user, household: Household, year: int, amount: Decimal, paid_on: date,
                    enterprise: Enterprise | None = None, base: Base | None = None) -> Dividend:
    """Record a dividend from exactly one enterprise or base; raises ValidationError otherwise."""
    dividend = Dividend(household=household, enterprise=enterprise, base=base, year=year, amount=amount,
                        paid_on=paid_on)
    return scoped_save(user=user, instance=dividend)


def take_home_work_create(*, user, household: Household, enterprise: Enterprise, period_start: date,
                          period_end: date, pay: Decimal, pieces: int = 0) -> TakeHomeWork:
    work = TakeHomeWork(household=household, enterprise=enterprise, period_start=period_start,
                        period_end=period_end, pieces=pieces, pay=pay)
    return scoped_save(user=user, instance=work)


def record_update(*, user, instance, data: dict, m2m: dict | None = None):
    """Change any poverty-alleviation record (the admin and the imports use this for every type).

    Raises ValidationError, e.g. when an enterprise would be left without a model.
    """
    if m2m and "alleviation_models" in m2m:
        _check_alleviation_models(m2m["alleviation_models"])
    return scoped_update(user=user, instance=instance, data=data, m2m=m2m)


def record_delete(*, user, instance) -> None:
    """Delete a record in the user's area; a household's jobs, leases and work go with it.

    Raises ProtectedError for a household whose number was revealed (its audit trail stays).
    """
    scoped_delete(user=user, instance=instance)


@transaction.atomic
def household_reveal_id(*, user, household: Household) -> str:
    """The household's full resident ID number, with the reveal written to the audit log.

    Raises PermissionDenied without the reveal permission, Http404 if the household is
    outside the user's area (as if it did not exist).
    """
    if not selectors.may_reveal_resident_id(user):
        raise PermissionDenied
    household = selectors.household_get(user=user, pk=household.pk)
    RevealLog.objects.create(user=user, household=household)
    return household.resident_id


@transaction.atomic
def household_reveal_in_export(*, user, households: QuerySet) -> int:
    """Write one audit entry per household of ``households`` whose full resident ID number
    goes into an export made by ``user``; returns how many were written.

    An export with full numbers reveals every number in it, so it is logged like a reveal
    on the household's page. Raises PermissionDenied without the reveal permission.
    """
    if not selectors.may_reveal_resident_id(user):
        raise PermissionDenied
    pks = selectors.household_list(user=user).filter(pk__in=households.values("pk")).values_list("pk", flat=True)
    entries = RevealLog.objects.bulk_create([RevealLog(user=user, household_id=pk) for pk in pks])
    return len(entries)
