"""Spreadsheet import and export of the poverty-alleviation registry, written by its services.

Households and their links carry personal data. A resident ID number is exported in full
only to users with ``poverty.reveal_resident_id`` (and each household so exported is written
to the reveal audit log); everyone else gets it masked (``410182********123X``), with the
head's and members' names masked too. A masked cell coming back is never written, and the
import preview and its error reports show numbers masked to everyone.

A household is identified by its resident ID number, matched through the keyed hash among
the households the acting user may see; its links by that number and their own key fields.
"""
import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import widgets

from xuchang_ecom.accounts.validators import normalise_resident_id, validate_resident_id
from xuchang_ecom.common.masking import MASK_CHARACTER, mask_name, mask_resident_id
from xuchang_ecom.common.models import field_label
from xuchang_ecom.records.importexport.cells import cell_text
from xuchang_ecom.records.importexport.columns import Column, region_code_column
from xuchang_ecom.records.importexport.resources import OrganisationResource, Resource
from xuchang_ecom.records.importexport.widgets import RelatedListWidget, TextWidget, WholeNumberWidget

from . import selectors, services
from .models import (
    AlleviationModel,
    Base,
    Dividend,
    Employment,
    Enterprise,
    Household,
    LandLease,
    RevealVia,
    TakeHomeWork,
)

ENTERPRISE_FIELDS = ("products", "recognised_on", "note")
BASE_FIELDS = ("name", "region", "enterprise", "products", "area_mu", "opened_on", "closed_on")
HOUSEHOLD_FIELDS = ("head_name", "resident_id", "village", "size", "disabled_members", "exited_in")
EMPLOYMENT_FIELDS = ("household", "member_name", "is_disabled", "enterprise", "base", "started_on", "ended_on",
                     "monthly_wage")
LAND_LEASE_FIELDS = ("household", "enterprise", "base", "area_mu", "annual_rent", "started_on", "ended_on")
DIVIDEND_FIELDS = ("household", "enterprise", "base", "year", "amount", "paid_on")
TAKE_HOME_WORK_FIELDS = ("household", "enterprise", "period_start", "period_end", "pieces", "pay")


def _masked(value: Any) -> bool:
    return MASK_CHARACTER in cell_text(value)


# ---------------------------------------------------------------------------------------
# Personal data: masked columns
# ---------------------------------------------------------------------------------------


class MaskedColumn(Column):
    """A column of personal data, exported as ``resource.reveals_personal_data()`` allows:
    in full, or through ``mask``. See ``PersonalDataMixin`` for the import side."""

    def __init__(self, *args, mask: Callable[[str], str], **kwargs):
        super().__init__(*args, **kwargs)
        self.mask = mask
        #: The resource this column belongs to; set by ``PersonalDataMixin``. Without
        #: one the column masks (fail closed).
        self.resource = None

    def export(self, instance, **kwargs):
        value = super().export(instance, **kwargs)
        if self.resource is not None and self.resource.reveals_personal_data():
            return value
        return self.mask(cell_text(value))


class PersonalDataMixin:
    """Masking of personal data for a resource with ``MaskedColumn`` columns.

    * Exports are in full only for users who may reveal resident ID numbers; such an
      export of the resident ID column is written to the audit log, one entry per
      household (``revealed_households``).
    * Every row carries its ``registry_number`` (the record's id): a row that gives it is
      that record (among those the user may see), whatever else it says, so an exported
      file comes back with its masked cells and means "keep what is stored".
    * The import preview and its error reports show every masked column masked, whoever
      imports: an error report is not a way to read a number back.
    * A masked cell coming back (it contains ``*``) leaves the stored value unchanged; a
      new record needs the full value.
    * ``guess_columns``: for a user without the permission, a row that gives one of them
      unmasked is written rather than reported as unchanged, which would confirm a
      guess, and such a cell never identifies a record: only the registry number or a
      resident ID number (looked up, logged and limited) do.
    * Numbers are looked up a chunk of the file at a time, before its rows, and an
      import's look-ups count as one (``services.resident_id_lookups``): for a user
      without the permission they are logged, and refused over the daily limit.
    """

    guess_columns: tuple[str, ...] = ()
    #: The field name of the column holding a resident ID number, for the audit log.
    resident_id_column: str = ""

    def __init__(self, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self._importing = False
        for field in self._masked_columns():
            field.resource = self

    def reveals_personal_data(self) -> bool:
        """Whether exported cells are in full: never during an import (its preview and
        its errors are shown to whoever imports), else if the user may reveal numbers."""
        return not self._importing and selectors.may_reveal_resident_id(self.user)

    def revealed_households(self, queryset: QuerySet) -> QuerySet:
        """The households whose numbers an export of ``queryset`` contains."""
        raise NotImplementedError

    def _masked_columns(self) -> list[MaskedColumn]:
        return [field for field in self.fields.values() if isinstance(field, MaskedColumn)]

    @contextlib.contextmanager
    def import_context(self, *, file_name: str) -> Iterator[None]:
        self._importing = True
        try:
            with super().import_context(file_name=file_name), \
                    services.resident_id_lookups(via=RevealVia.IMPORT, file_name=file_name):
                yield
        finally:
            self._importing = False

    def look_up(self, numbers) -> services.NumberLookup:
        """Look up the valid resident ID numbers among ``numbers`` (cells of the file);
        raises ValueError (the whole file refused) over the user's daily limit."""
        valid = []
        for number in {normalise_resident_id(cell_text(value)) for value in numbers}:
            try:
                validate_resident_id(number)
            except ValidationError:
                continue  # reported on its row; never looked up
            valid.append(number)
        try:
            return services.resident_ids_look_up(user=self.user, numbers=valid)
        except services.LookupLimitExceeded as error:
            raise ValueError(error.messages[0]) from None

    def get_instance(self, instance_loader, row):
        """The record the row's registry number names, else the one its natural key finds
        (never through a guessed personal cell of a user without the permission)."""
        column = self.fields["registry_number"].column_name
        if cell_text(row.get(column)):
            try:
                pk = self.fields["registry_number"].clean(row)
            except ValueError:
                return None  # reported on its column by check_row
            return self.get_queryset().filter(pk=pk).first() if pk else None
        if not selectors.may_reveal_resident_id(self.user) and any(
                name in self.get_import_id_fields() and self._typed(name, row) for name in self.guess_columns):
            return None
        return super().get_instance(instance_loader, row)

    def check_row(self, instance, row, errors: dict, **kwargs) -> None:
        super().check_row(instance, row, errors, **kwargs)
        column = self.fields["registry_number"].column_name
        if instance.pk is None and cell_text(row.get(column)):
            # Missing, out of the user's area or not a number: all read the same.
            errors["registry_number"] = [ValidationError(
                gettext("No %(model)s with registry number “%(number)s” was found in your area.")
                % {"model": self._meta.model._meta.verbose_name, "number": cell_text(row.get(column))},
                code="unknown_registry_number",
            )]

    def _typed(self, name: str, row) -> bool:
        value = row.get(self.fields[name].column_name)
        return bool(cell_text(value)) and not _masked(value)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if isinstance(field, MaskedColumn) and not field.readonly and _masked(row.get(field.column_name)):
            if instance.pk is None:
                raise ValueError(gettext("This cell is masked (it contains *); a new record needs the full value."))
            return  # a masked export coming back: keep what is stored
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not selectors.may_reveal_resident_id(self.user) and any(self._typed(name, row)
                                                                   for name in self.guess_columns):
            # Reporting "unchanged" would confirm a guessed name or number to someone not
            # allowed to read it; the row is written instead.
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.validation_error is not None or row_result.errors:
            # The preview lists a bad row's cells: mask them like an export would.
            for field in self._masked_columns():
                if field.column_name in row:
                    row[field.column_name] = field.mask(cell_text(row[field.column_name]))
        return row_result

    def after_export(self, queryset, dataset, **kwargs):
        super().after_export(queryset, dataset, **kwargs)
        column = self.fields[self.resident_id_column].column_name
        if self.reveals_personal_data() and column in (dataset.headers or []) and len(dataset):
            services.household_reveal_in_export(user=self.user, households=self.revealed_households(queryset))


def registry_number_column() -> Column:
    """The record's id, exported so that a file coming back names its records without
    personal data; read by ``PersonalDataMixin.get_instance``, never written."""
    return Column(attribute="id", column_name=_("registry number"), widget=WholeNumberWidget(), readonly=True)


class ResidentIdWidget(widgets.Widget):
    """A resident ID number as typed: spaces removed and a lower-case x raised. The
    model's validator checks it (its messages show the number masked)."""

    def clean(self, value, row=None, **kwargs) -> str:
        return normalise_resident_id(cell_text(value))

    def render(self, value, obj=None, **kwargs) -> str:
        return value or ""


class HouseholdWidget(widgets.Widget):
    """A household by its head's resident ID number, among the households ``user`` may
    see. Messages show the number masked. The resource looks the file's numbers up at
    once (``PersonalDataMixin.look_up``) and hands them over with ``found``.

    ``clean`` raises ValueError for a masked, invalid or unknown number.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._found: dict[str, Household] = {}

    def clean(self, value, row=None, **kwargs) -> Household | None:
        number = normalise_resident_id(cell_text(value))
        if not number:
            return None
        if MASK_CHARACTER in number:
            raise ValueError(gettext("The resident ID number is masked (it contains *); give the full number."))
        try:
            validate_resident_id(number)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None
        household = self._found.get(number)
        if household is None:
            raise ValueError(
                gettext("No registered household with resident ID number %(number)s was found in your area.")
                % {"number": mask_resident_id(number)}
            )
        return household

    def render(self, value, obj=None, **kwargs) -> str:
        return value.resident_id if value is not None else ""

    def found(self, households: dict[str, Household]) -> None:
        """The households the import's look-up found among those the user may see."""
        self._found = dict(households)


# ---------------------------------------------------------------------------------------
# Enterprises and bases
# ---------------------------------------------------------------------------------------


class EnterpriseResource(OrganisationResource):
    """One row per poverty-alleviation enterprise, identified by its credit code or, when
    the row has none, its name (see ``OrganisationResource``). Models are written
    ``电商+贫困户、电商+基地+贫困户``."""

    alleviation_models = Column(attribute="alleviation_models",
                                column_name=field_label(Enterprise, "alleviation_models"),
                                widget=RelatedListWidget(AlleviationModel, field="name"))
    relation_fields = ("alleviation_models",)

    class Meta:
        model = Enterprise
        fields = ("organisation", "uscc", "place", "place_code", "alleviation_models", "products", "recognised_on",
                  "note")
        name = Enterprise._meta.verbose_name_plural

    def get_queryset(self):
        return selectors.enterprise_list(user=self.user)

    def build_record(self, *, name: str, region, uscc: str) -> Enterprise:
        return services.enterprise_build(name=name, region=region, uscc=uscc)

    def check_instance(self, instance: Enterprise) -> None:
        errors: dict = {}
        try:
            services.enterprise_check(user=self.user, enterprise=instance)
        except ValidationError as error:
            errors = self.organisation_errors(error).update_error_dict(errors)
        models = self.relations(instance).get("alleviation_models")
        if (instance.pk is None or models is not None) and not models:
            errors["alleviation_models"] = [gettext("Choose at least one poverty-alleviation model.")]
        if errors:
            raise ValidationError(errors)

    def create(self, instance: Enterprise) -> Enterprise:
        organisation = instance.organisation
        where = ({"organisation": organisation} if organisation.pk is not None else
                 {"name": organisation.name, "region": organisation.region, "uscc": organisation.uscc})
        return services.enterprise_create(
            user=self.user, alleviation_models=self.relations(instance)["alleviation_models"], **where,
            **self.values(instance, ENTERPRISE_FIELDS),
        )

    def update(self, instance: Enterprise) -> Enterprise:
        return services.record_update(user=self.user, instance=instance,
                                      data=self.values(instance, ENTERPRISE_FIELDS), m2m=self.relations(instance))


class BaseResource(Resource):
    """One row per poverty-alleviation base; its name identifies it."""

    region_code = region_code_column("region")

    class Meta:
        model = Base
        fields = ("name", "region", "region_code", "enterprise", "products", "area_mu", "opened_on", "closed_on")
        import_id_fields = ("name",)
        widgets = {"enterprise": {"field": "organisation__name"}}
        name = Base._meta.verbose_name_plural

    def get_queryset(self):
        return selectors.base_list(user=self.user)

    def create(self, instance: Base) -> Base:
        return services.base_create(user=self.user, **self.values(instance, BASE_FIELDS))

    def update(self, instance: Base) -> Base:
        return services.record_update(user=self.user, instance=instance, data=self.values(instance, BASE_FIELDS))


# ---------------------------------------------------------------------------------------
# Households
# ---------------------------------------------------------------------------------------


class HouseholdResource(PersonalDataMixin, Resource):
    """One row per registered poor household, identified by its resident ID number
    (matched through the keyed hash, so spacing and the case of x do not matter).

    A number may appear only once in a file; a masked number identifies nothing.
    """

    head_name = MaskedColumn(attribute="head_name", column_name=field_label(Household, "head_name"),
                             widget=TextWidget(), mask=mask_name)
    resident_id = MaskedColumn(attribute="resident_id", column_name=field_label(Household, "resident_id"),
                               widget=ResidentIdWidget(), mask=mask_resident_id)
    village_code = region_code_column("village")
    registry_number = registry_number_column()
    # A typed number is always written: "unchanged" would confirm it.
    guess_columns = ("head_name", "resident_id")
    resident_id_column = "resident_id"

    class Meta:
        model = Household
        fields = ("registry_number", "head_name", "resident_id", "village", "village_code", "size",
                  "disabled_members", "exited_in")
        import_id_fields = ("resident_id",)
        name = Household._meta.verbose_name_plural

    def __init__(self, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        # The spreadsheet row each number was first seen on, in the current import.
        self._rows_by_number: dict[str, int] = {}

    def get_queryset(self):
        return selectors.household_list(user=self.user)

    def revealed_households(self, queryset: QuerySet) -> QuerySet:
        return queryset

    @contextlib.contextmanager
    def import_context(self, *, file_name: str) -> Iterator[None]:
        self._rows_by_number = {}
        with super().import_context(file_name=file_name):
            yield

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # The file's numbers, looked up at once (see get_instance).
        self._lookup = self.look_up(dataset[self.fields["resident_id"].column_name])

    def get_instance(self, instance_loader, row):
        column = self.fields["registry_number"].column_name
        if cell_text(row.get(column)):
            return super().get_instance(instance_loader, row)
        number = self.fields["resident_id"].clean(row)
        if not number or MASK_CHARACTER in number:
            return None
        if number in self._rows_by_number:  # an earlier row of this file may have registered it
            return selectors.find_by_resident_id(self.get_queryset(), [number]).get(number)
        return self._lookup.visible.get(number)

    def check_row(self, instance: Household, row, errors: dict, **kwargs) -> None:
        super().check_row(instance, row, errors, **kwargs)
        number = self.fields["resident_id"].clean(row)
        if number and MASK_CHARACTER not in number:
            row_number = self.spreadsheet_row(kwargs.get("row_number", 0))
            first = self._rows_by_number.setdefault(number, row_number)
            if first != row_number:
                # Otherwise the second row would silently update the household the
                # first one created.
                errors["resident_id"] = [ValidationError(
                    gettext("Resident ID number %(number)s is also in row %(row)s; a household appears only once.")
                    % {"number": mask_resident_id(number), "row": first},
                    code="duplicate_in_file",
                )]

    def create(self, instance: Household) -> Household:
        return services.household_create(user=self.user, **self.values(instance, HOUSEHOLD_FIELDS))

    def update(self, instance: Household) -> Household:
        data = self.values(instance, HOUSEHOLD_FIELDS)
        if not self._typed_number:
            del data["resident_id"]  # kept as stored: nothing to look up
        return services.record_update(user=self.user, instance=instance, data=data)

    def import_row(self, row, instance_loader, **kwargs):
        self._typed_number = self._typed("resident_id", row)
        return super().import_row(row, instance_loader, **kwargs)


# ---------------------------------------------------------------------------------------
# Links: employment, land leases, dividends, take-home work
# ---------------------------------------------------------------------------------------


class HouseholdLinkResource(PersonalDataMixin, Resource):
    """Base of the link resources: the household by its head's resident ID number, its
    head's name for reading (never imported), and the workplace by name. Subclasses set
    ``Meta``, ``create_service`` and ``link_fields``."""

    household = MaskedColumn(attribute="household", column_name=_("resident ID number of the head of household"),
                             widget=HouseholdWidget(), mask=mask_resident_id)
    head_name = MaskedColumn(attribute="household__head_name", column_name=field_label(Household, "head_name"),
                             widget=TextWidget(), readonly=True, mask=mask_name)
    registry_number = registry_number_column()
    resident_id_column = "household"
    list_selector: Callable | None = None
    create_service: Callable | None = None
    link_fields: tuple[str, ...] = ()

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        column = self.fields["household"].column_name
        if column in (dataset.headers or []):
            self.fields["household"].widget.found(self.look_up(dataset[column]).visible)

    def get_queryset(self):
        return self.list_selector(user=self.user)

    def revealed_households(self, queryset: QuerySet) -> QuerySet:
        return Household.objects.filter(pk__in=queryset.values("household_id"))

    def create(self, instance):
        return self.create_service(user=self.user, **self.values(instance, self.link_fields))

    def update(self, instance):
        return services.record_update(user=self.user, instance=instance, data=self.values(instance, self.link_fields))


WORKPLACE_WIDGETS = {"enterprise": {"field": "organisation__name"}, "base": {"field": "name"}}


class EmploymentResource(HouseholdLinkResource):
    """One row per job; the household, workplace, employee and start date identify it."""

    member_name = MaskedColumn(attribute="member_name", column_name=field_label(Employment, "member_name"),
                               widget=TextWidget(), mask=mask_name)
    guess_columns = ("member_name",)
    list_selector = staticmethod(selectors.employment_list)
    create_service = staticmethod(services.employment_create)
    link_fields = EMPLOYMENT_FIELDS

    class Meta:
        model = Employment
        fields = ("registry_number", "household", "head_name", "member_name", "is_disabled", "enterprise", "base",
                  "started_on", "ended_on", "monthly_wage")
        import_id_fields = ("household", "enterprise", "base", "member_name", "started_on")
        widgets = WORKPLACE_WIDGETS
        name = Employment._meta.verbose_name_plural


class LandLeaseResource(HouseholdLinkResource):
    """One row per lease; the household, the lessee and the start date identify it."""

    list_selector = staticmethod(selectors.land_lease_list)
    create_service = staticmethod(services.land_lease_create)
    link_fields = LAND_LEASE_FIELDS

    class Meta:
        model = LandLease
        fields = ("registry_number", "household", "head_name", "enterprise", "base", "area_mu", "annual_rent",
                  "started_on", "ended_on")
        import_id_fields = ("household", "enterprise", "base", "started_on")
        widgets = WORKPLACE_WIDGETS
        name = LandLease._meta.verbose_name_plural


class DividendResource(HouseholdLinkResource):
    """One row per dividend; the household, the payer, the year and the payment date identify it."""

    list_selector = staticmethod(selectors.dividend_list)
    create_service = staticmethod(services.dividend_create)
    link_fields = DIVIDEND_FIELDS

    class Meta:
        model = Dividend
        fields = ("registry_number", "household", "head_name", "enterprise", "base", "year", "amount", "paid_on")
        import_id_fields = ("household", "enterprise", "base", "year", "paid_on")
        widgets = WORKPLACE_WIDGETS
        name = Dividend._meta.verbose_name_plural


class TakeHomeWorkResource(HouseholdLinkResource):
    """One row per period of take-home work; the household, enterprise and start identify it."""

    list_selector = staticmethod(selectors.take_home_work_list)
    create_service = staticmethod(services.take_home_work_create)
    link_fields = TAKE_HOME_WORK_FIELDS

    class Meta:
        model = TakeHomeWork
        fields = ("registry_number", "household", "head_name", "enterprise", "period_start", "period_end", "pieces",
                  "pay")
        import_id_fields = ("household", "enterprise", "period_start")
        widgets = {"enterprise": WORKPLACE_WIDGETS["enterprise"]}
        name = TakeHomeWork._meta.verbose_name_plural
