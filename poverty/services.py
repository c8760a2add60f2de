"""Every write to the poverty-alleviation registry. The admin, the imports and the API call these."""
import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from xuchang_ecom.accounts.models import Organisation, Role
from xuchang_ecom.accounts.services import organisation_find_or_build, organisation_get_or_create
from xuchang_ecom.accounts.validators import normalise_resident_id, validate_resident_id
from xuchang_ecom.audit import context as audit
from xuchang_ecom.common.crypto import keyed_hash
from xuchang_ecom.common.masking import mask_resident_id
from xuchang_ecom.records.services import (
    check_in_scope,
    organisation_record_check,
    scoped_delete,
    scoped_save,
    scoped_update,
)
from xuchang_ecom.regions.models import Region
from xuchang_ecom.workflow.notifications import notify

from . import selectors
from .models import (
    AlleviationModel,
    Base,
    Dividend,
    Employment,
    Enterprise,
    Household,
    LandLease,
    RevealKind,
    RevealLog,
    RevealVia,
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


def household_check(*, user, household: Household) -> None:
    """Raise ValidationError (showing the number masked) if ``household``'s resident ID
    number is already registered to another household, anywhere in the city. Call it only
    with a number the user gave (a new household, a number typed to replace one).

    Whether a number is registered is itself personal data: for a user who may not read
    numbers the check is a look-up, logged and limited (``resident_ids_look_up``). A number
    that is not a valid one is left to the model's validation, and never looked up; nor is
    one for a household outside the user's area (ValidationError on its village).
    """
    check_in_scope(user=user, instance=household)  # nothing is looked up for a place outside the user's area
    number = normalise_resident_id(household.resident_id)
    try:
        validate_resident_id(number)
    except ValidationError:
        return
    # Looked up even when it is the number the household had: a look-up skipped for the
    # right number and made for a wrong one would tell them apart.
    other = resident_ids_look_up(user=user, numbers=[number]).registered.get(number)
    if other is not None and other.pk != household.pk:
        raise _already_registered(number)


def _already_registered(number: str) -> ValidationError:
    return ValidationError({"resident_id": ValidationError(
        _("A household with resident ID number %(number)s is already registered."),
        code="duplicate", params={"number": mask_resident_id(number)},
    )})


def _household_save(*, user, household: Household, data: dict | None = None) -> Household:
    """Save ``household`` (``scoped_save``, or ``scoped_update`` with ``data``). A number
    registered by someone else since ``household_check`` is refused by the unique index:
    that is reported as the check reports it, not as a database error."""
    try:
        if data is None:
            return scoped_save(user=user, instance=household)
        return scoped_update(user=user, instance=household, data=data)
    except IntegrityError:
        if Household.objects.filter(id_hash=household.id_hash).exclude(pk=household.pk).exists():
            raise _already_registered(household.resident_id) from None
        raise


def household_create(*, user, head_name: str, resident_id: str, village: Region, size: int,
                     disabled_members: int = 0, exited_in: int | None = None) -> Household:
    """Register a household; its number is validated, normalised and stored encrypted.

    Raises ValidationError (showing the number masked) for an invalid number or one
    already registered, whatever its spacing or the case of its x. (Not atomic around the
    check: its entry in the reveal log must stay when the number is refused.)
    """
    household = Household(head_name=head_name.strip(), resident_id=resident_id, village=village, size=size,
                          disabled_members=disabled_members, exited_in=exited_in)
    household_check(user=user, household=household)
    return _household_save(user=user, household=household)


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
    if isinstance(instance, Household):
        if "resident_id" in data:
            instance.resident_id = data["resident_id"]
            household_check(user=user, household=instance)
        return _household_save(user=user, household=instance, data=data)
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
    RevealLog.objects.create(user=user, kind=RevealKind.REVEAL, household=household)
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
    entries = RevealLog.objects.bulk_create([RevealLog(user=user, kind=RevealKind.EXPORT, household_id=pk)
                                             for pk in pks])
    return len(entries)


# ---------------------------------------------------------------------------------------
# Look-ups by resident ID number
# ---------------------------------------------------------------------------------------

#: The window of ``PERSONAL_DATA_MATCH_LIMIT``.
LOOKUP_WINDOW = timedelta(hours=24)


class LookupLimitExceeded(ValidationError):
    """A user who may not read resident ID numbers asked to look up more of them than
    ``PERSONAL_DATA_MATCH_LIMIT`` allows in 24 hours; nothing was looked up."""


@dataclass
class NumberLookup:
    """What a look-up of resident ID numbers found, keyed by normalised number."""

    #: Every registered household with one of the numbers, anywhere in the city: only to
    #: refuse registering a number twice, never to show.
    registered: dict[str, Household]
    #: Those of them the acting user may see.
    visible: dict[str, Household]


@dataclass
class _Journal:
    """The look-ups of one operation (an import's preview or confirmation)."""

    via: str
    file_name: str
    #: Every number looked up in the block, and the household registered with it (or None).
    found: dict[str, Household | None] = field(default_factory=dict)
    entries: list[dict] = field(default_factory=list)


_journal: ContextVar[_Journal | None] = ContextVar("poverty_lookup_journal", default=None)


@contextlib.contextmanager
def resident_id_lookups(*, via: str, file_name: str = "") -> Iterator[None]:
    """Treat the look-ups by number inside this block as one, and log them when it ends.

    An import looks numbers up before its rows and again as each row is checked; a number
    counts once. The entries are written after the block, outside the import's
    transaction, so a preview that rolls back everything it wrote still leaves them.
    """
    journal = _Journal(via=via, file_name=file_name[:255])
    token = _journal.set(journal)
    try:
        yield
    finally:
        _journal.reset(token)
        for entry in journal.entries:
            _log_lookup(**entry)


def resident_ids_look_up(*, user, numbers: Iterable[str]) -> NumberLookup:
    """The registered households whose heads have one of ``numbers`` (any spacing or case
    of x), found through the keyed hash: a query per 1,000 numbers.

    For a user who may read numbers that is all. For anyone else it tells whether each
    number is registered, so it is a reveal: written to the reveal log with how many
    numbers were looked up and how many matched, and limited to
    ``PERSONAL_DATA_MATCH_LIMIT`` numbers a day. The same numbers again within the day
    (an import's preview, then its confirmation) neither count again nor, if the answer is
    the same, log again. Raises ``LookupLimitExceeded`` (nothing looked up; city staff
    told) over the limit.
    """
    numbers = sorted({number for number in map(normalise_resident_id, (str(n or "") for n in numbers)) if number})
    journal = _journal.get()
    new = numbers if journal is None else [number for number in numbers if number not in journal.found]
    accountable = bool(new) and not selectors.may_reveal_resident_id(user)
    if accountable:
        digest = keyed_hash("\n".join(new))
        since = timezone.now() - LOOKUP_WINDOW
        earlier = RevealLog.objects.filter(user=user, kind=RevealKind.MATCH, refused=False, digest=digest,
                                           revealed_at__gte=since).first()
        charge = 0 if earlier is not None else len(new)
        used = RevealLog.objects.matches_charged(user=user, since=since) + sum(
            entry["charged"] for entry in (journal.entries if journal else []))
        if charge and used + charge > settings.PERSONAL_DATA_MATCH_LIMIT:
            _account(journal, user=user, numbers=len(new), charged=0, matched=[], digest=digest, refused=True)
            raise LookupLimitExceeded(
                _("You have looked up %(used)s resident ID numbers in the last 24 hours; these %(more)s would "
                  "pass the limit of %(limit)s a day for staff who may not read full numbers. Nothing was looked "
                  "up, and city staff have been told. City staff can import the file, or try again tomorrow.")
                % {"used": used, "more": charge, "limit": settings.PERSONAL_DATA_MATCH_LIMIT},
                code="lookup_limit",
            )
    # A number the block has looked up is answered as then: an import looks its file's
    # numbers up once, before its rows. (A household registered by someone else meanwhile
    # is still refused, by the unique index: see household_create.)
    registered = selectors.find_by_resident_id(Household.objects.select_related("village"), new)
    if journal is not None:
        journal.found.update((number, registered.get(number)) for number in new)
        registered = {number: journal.found[number] for number in numbers if journal.found[number] is not None}
    visible_pks = set()
    if registered:
        visible_pks = set(selectors.household_list(user=user).filter(
            pk__in=[household.pk for household in registered.values()]).values_list("pk", flat=True))
    if accountable:
        asked = set(new)
        matched = [household for number, household in registered.items() if number in asked]
        if earlier is None or earlier.matched != len(matched):
            _account(journal, user=user, numbers=len(new), charged=charge, matched=matched, digest=digest)
    return NumberLookup(registered=registered,
                        visible={number: h for number, h in registered.items() if h.pk in visible_pks})


#: The reveal log's channel of a look-up outside a journal, by the audit trail's channel.
VIA_OF_CHANNEL = {audit.ADMIN: RevealVia.FORM, audit.WEB: RevealVia.FORM, audit.API: RevealVia.API,
                  audit.IMPORT: RevealVia.IMPORT}


def _account(journal: _Journal | None, **entry) -> None:
    """Log a look-up now, or when the journal's block ends."""
    if journal is None:
        channel = audit.current()
        _log_lookup(via=VIA_OF_CHANNEL.get(channel.get("via"), ""), file_name=channel.get("file") or "", **entry)
    else:
        journal.entries.append({**entry, "via": journal.via, "file_name": journal.file_name})


def _log_lookup(*, user, via: str, numbers: int, charged: int, matched: list[Household], digest: str,
                refused: bool = False, file_name: str = "") -> None:
    """Write a look-up to the reveal log; the first refusal in a day tells city staff."""
    since = timezone.now() - LOOKUP_WINDOW
    first_refusal = refused and not RevealLog.objects.filter(
        user=user, kind=RevealKind.MATCH, refused=True, revealed_at__gte=since).exists()
    entry = RevealLog.objects.create(user=user, kind=RevealKind.MATCH, via=via, file_name=file_name,
                                     numbers=numbers, charged=charged, matched=len(matched), digest=digest,
                                     refused=refused)
    if matched:
        entry.households.set(matched)
    if first_refusal:
        city_staff = get_user_model().objects.filter(is_active=True, role=Role.CITY_STAFF)
        with override(settings.LANGUAGE_CODE):
            message = _("%(user)s tried to look up %(numbers)s resident ID numbers, over the limit of %(limit)s a "
                        "day for staff who may not read full numbers; the look-up was refused. The resident ID "
                        "reveals in the admin list what they looked up.") % {
                "user": user.get_username(), "numbers": numbers, "limit": settings.PERSONAL_DATA_MATCH_LIMIT}
        notify(users=city_staff, message=message)
