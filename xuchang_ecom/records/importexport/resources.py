"""The resource every registry's import and export subclasses, and how an import reports.

A registry declares a resource that subclasses ``Resource`` (or ``OrganisationResource``
when its records are organisations) and names its services. Every row is validated and
written by the app's services as the acting user, inside one transaction: if any row is
invalid, nothing is written, and every bad row is reported (``SpreadsheetResult``,
``row_message``) by its spreadsheet row number (the header is row 1) and its column. Rows
are looked up and exported only among those the acting user may see.
"""
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.results import Result, RowResult

from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.accounts.validators import normalise_uscc
from xuchang_ecom.audit.context import IMPORT, audit_context
from xuchang_ecom.common.models import field_label
from xuchang_ecom.records.importexport.cells import cell_text
from xuchang_ecom.records.importexport.columns import Column, region_code_column
from xuchang_ecom.records.importexport.formats import SpreadsheetFormat
from xuchang_ecom.records.importexport.outcome import ImportResult, row_message
from xuchang_ecom.records.importexport.uploads import ImportFileRejected
from xuchang_ecom.records.importexport.widgets import (
    ChoiceWidget,
    DateCellWidget,
    DecimalNumberWidget,
    RegionWidget,
    RelatedWidget,
    TextWidget,
    WholeNumberWidget,
)
from xuchang_ecom.records.services import check_in_scope
from xuchang_ecom.regions.models import Region


class SpreadsheetResult(Result):
    """Import results numbered as the spreadsheet numbers rows: the header is row 1, and
    the blank rows a format left out of the dataset count (``Resource.import_data``)."""

    HEADER_ROWS = 1

    def number_rows(self, spreadsheet_row) -> None:
        """Number the invalid and failed rows, reported by their place in the dataset (from
        1), by the spreadsheet: ``spreadsheet_row(place)``."""
        for reported in (*self.invalid_rows, *self.error_rows):
            reported.number = spreadsheet_row(reported.number)

    def row_errors(self):
        # Upstream numbers these by position among reported rows, which skipped rows shift.
        return [(error_row.number, error_row.errors) for error_row in self.error_rows]

    def messages(self) -> list[str]:
        """Every problem as one line: ``Row 3, 地点: …``."""
        lines = [str(error.error) for error in self.base_errors]
        for invalid in self.invalid_rows:
            for column, errors in invalid.error_dict.items():
                for message in errors:
                    lines.append(row_message(invalid.number, column, message))
        for number, errors in self.row_errors():
            for error in errors:
                lines.append(row_message(number, NON_FIELD_ERRORS, error.error))
        return lines


# ---------------------------------------------------------------------------------------
# The resource every registry subclasses
# ---------------------------------------------------------------------------------------


class Resource(resources.ModelResource):
    """Base of every registry's resource: Chinese headers, scoped, written by services.

    Subclasses set ``Meta.model``, ``Meta.fields`` (no ``id``), ``Meta.import_id_fields``
    (the natural key, so re-importing updates), ``Meta.widgets`` for the lookup field of
    other relations (``{"source": {"field": "title"}}``), and implement ``create`` and
    ``update`` (and ``check_instance`` when the app has a ``*_check`` service) with the
    app's services. The acting user is ``Resource(user=request.user)``.
    """

    DEFAULT_RESOURCE_FIELD = Column
    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "CharField": TextWidget,
        "TextField": TextWidget,
        "DecimalField": DecimalNumberWidget,
        "DateField": DateCellWidget,
        **dict.fromkeys(
            (
                "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
                "PositiveBigIntegerField", "SmallIntegerField", "BigIntegerField",
            ),
            WholeNumberWidget,
        ),
    }

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._file_refused = False  # see handle_import_error
        self._progress = lambda **values: None  # see run_import
        self._checked = self._bad = 0
        self._row_numbers = None  # see spreadsheet_row
        # Widgets that look rows up do so among those the user may see. The fields (and
        # so their widgets) are this instance's own copies.
        for field in self.fields.values():
            if hasattr(field.widget, "user"):
                field.widget.user = user

    # -- building columns from model fields ----------------------------------------------

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        label = django_field.verbose_name
        if isinstance(django_field, models.ForeignKey):
            related = django_field.related_model
            if related is Region:
                widget = RegionWidget()
            else:
                lookup = (cls._meta.widgets or {}).get(field_name, {}).get("field", "pk")
                widget = RelatedWidget(related, field=lookup)
            return Column(attribute=field_name, column_name=label, widget=widget, readonly=readonly)
        if django_field.choices:
            empty = "" if isinstance(django_field, models.CharField | models.TextField) else None
            return Column(
                attribute=field_name, column_name=label, readonly=readonly,
                widget=ChoiceWidget(django_field.flatchoices, empty=empty),
                default=django_field.default,
            )
        field = super().field_from_django_field(field_name, django_field, readonly)
        field.column_name = label
        return field

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, models.TextField) and django_field.blank:
            kwargs.update({"coerce_to_string": True, "allow_blank": True})
        return kwargs

    # -- scope -----------------------------------------------------------------------------

    def get_queryset(self):
        """The rows the acting user may see; existing rows are looked up only among them."""
        return self._visible(self._meta.model._default_manager.all())

    def filter_export(self, queryset, **kwargs):
        return self._visible(queryset)

    def _visible(self, queryset):
        return queryset.visible_to(self.user) if hasattr(queryset, "visible_to") else queryset

    def _check_scope(self, instance) -> None:
        """Raise ValidationError if the row's place is outside the user's scope.

        Services check this too; checking it here as well means no registry can import a
        row outside the user's area, whatever its service forgets.
        """
        if getattr(self._meta.model._default_manager.all(), "scope_region_field", None):
            check_in_scope(user=self.user, instance=instance)

    # -- hooks for subclasses --------------------------------------------------------------

    def check_instance(self, instance) -> None:
        """Raise ValidationError if the app's rules refuse ``instance`` (its ``*_check``)."""

    def create(self, instance) -> models.Model:
        """Create the row through the app's service; return the saved object."""
        raise NotImplementedError

    def update(self, instance) -> models.Model:
        """Save the changed row through the app's service; return the saved object."""
        raise NotImplementedError

    @staticmethod
    def values(instance, field_names) -> dict[str, Any]:
        """``{name: value}`` of ``instance`` for a service's keyword arguments."""
        return {name: getattr(instance, name) for name in field_names}

    def clean_columns(self, names, row, errors: dict) -> dict[str, Any]:
        """``{name: cleaned value}`` of the columns ``names`` that ``row`` has, for columns
        read apart from the model's fields. A cell that cannot be read is put in ``errors``
        as an error on its column instead."""
        values = {}
        for name in names:
            field = self.fields[name]
            if field.column_name not in row:
                continue
            try:
                values[name] = field.clean(row)
            except ValueError as error:
                errors[name] = ValidationError(str(error), code="invalid")
        return values

    # -- the import workflow -------------------------------------------------------------

    #: The progress is reported every this many rows.
    PROGRESS_EVERY = 200

    def run_import(self, data: bytes, file_format: SpreadsheetFormat, *, dry_run: bool, file_name: str = "",
                   progress=None) -> ImportResult:
        """Import the file ``data`` all or nothing (see ``import_data``), telling ``progress``
        (a callable taking ``total``, ``checked`` and ``errors``) how far it is.

        Returns what was found and done. Raises ImportFileRejected if the file is refused
        whole (by the format's checks, or for lacking a key column).
        """
        dataset = file_format.create_dataset(data)
        self._progress = progress or (lambda **values: None)
        self._checked = self._bad = 0
        self._progress(total=len(dataset), checked=0, errors=0)
        result = self.import_data(dataset, dry_run=dry_run, file_name=file_name)
        self._progress(checked=len(dataset))
        return self.import_result(result, dry_run=dry_run)

    @staticmethod
    def import_result(result: "SpreadsheetResult", *, dry_run: bool) -> ImportResult:
        """``result`` (django-import-export's) as an ``ImportResult``.

        Raises ImportFileRejected for an error about the whole file (a missing key column);
        re-raises any other.
        """
        for error in result.base_errors:
            if isinstance(error.error, ValueError) and not isinstance(error.error, ValidationError):
                raise ImportFileRejected(str(error.error), code="columns")
            raise error.error
        totals = result.totals
        outcome = ImportResult(dry_run=dry_run, total=sum(totals.values()),
                               new=totals[RowResult.IMPORT_TYPE_NEW], changed=totals[RowResult.IMPORT_TYPE_UPDATE],
                               unchanged=totals[RowResult.IMPORT_TYPE_SKIP])
        problems = []
        for invalid in result.invalid_rows:
            for column, messages in invalid.error_dict.items():
                problems.extend((invalid.number, column, message) for message in messages)
        for number, errors in result.row_errors():
            problems.extend((number, NON_FIELD_ERRORS, error.error) for error in errors)
        for number, column, message in sorted(problems, key=lambda problem: problem[0]):
            outcome.add_error(number, column, message)
        if outcome.ok and not dry_run:
            outcome.created = outcome.new + outcome.changed
        return outcome

    @classmethod
    def get_result_class(cls):
        return SpreadsheetResult

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        """Import ``dataset`` all or nothing: one invalid row and no row is written.

        Returns a ``SpreadsheetResult``.
        """
        self._file_refused = False
        self._row_numbers = getattr(dataset, "row_numbers", None)
        result = super().import_data(
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True,
            collect_failed_rows=collect_failed_rows, rollback_on_validation_errors=True,
            **kwargs,
        )
        result.number_rows(self.spreadsheet_row)
        return result

    def spreadsheet_row(self, place: int) -> int:
        """The spreadsheet's number of the row at ``place`` (from 1) in the dataset being
        imported: the header is row 1, and a format leaves blank rows out of the dataset
        but keeps the numbers of the others (``dataset.row_numbers``)."""
        numbers = self._row_numbers
        if numbers is not None and 0 < place <= len(numbers):
            return numbers[place - 1]
        return place + SpreadsheetResult.HEADER_ROWS

    def before_import(self, dataset, **kwargs):
        """Rename headers to the active language; raise ValueError if a key column is missing."""
        names = {}
        for field in self.fields.values():
            if isinstance(field, Column):
                for header in field.headers():
                    names.setdefault(header, field.column_name)
        if dataset.headers:
            dataset.headers = [names.get(str(header).strip(), header) for header in dataset.headers]
        headers = set(dataset.headers or [])
        missing = [
            self.fields[name].column_name for name in self.get_import_id_fields()
            if self.fields[name].column_name not in headers
        ]
        if missing:
            raise ValueError(
                gettext("The file has no column %(columns)s. The first row must hold the "
                        "column headers, as in an exported file.")
                % {"columns": "、".join(f"“{column}”" for column in missing)}
            )

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            # A key cell that cannot be read fails again, as a row error on its column,
            # when the row is imported; here it just means "no existing row".
            return None

    def import_instance(self, instance, row, **kwargs):
        """Read ``row`` into ``instance``; raises ValidationError with the errors of every
        cell, the model's fields' and those ``check_row`` finds, keyed by field name."""
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            error.update_error_dict(errors)
        self.check_row(instance, row, errors, **kwargs)
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row, errors: dict, **kwargs) -> None:
        """Read what ``row`` holds besides the model's fields into ``instance``, adding
        what is wrong to ``errors``. Subclasses and mixins extend it, calling super()."""

    def handle_import_error(self, result, error, raise_errors=False):
        # Reached from before_import (a whole file refused: a missing key column, a limit)
        # and after_import. Before the rows, none is read then: each would only fail again,
        # for the same reason, in a programmer's words.
        self._file_refused = True
        super().handle_import_error(result, error, raise_errors)

    def import_row(self, row, instance_loader, **kwargs):
        if self._file_refused or all(cell_text(value) == "" for value in row.values()):
            skipped = self.get_row_result_class()()
            skipped.import_type = RowResult.IMPORT_TYPE_SKIP
            return skipped
        # The row's writes are kept in the audit trail with the file and the row as the
        # spreadsheet numbers it.
        number = kwargs.get("row_number")
        with audit_context(via=IMPORT, file=kwargs.get("file_name") or "", actor=self.user,
                           row=None if number is None else self.spreadsheet_row(number)):
            row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.validation_error is not None:
            row_result.validation_error = self._by_column(row_result.validation_error)
        self._count(row_result)
        return row_result

    def _count(self, row_result) -> None:
        """Tell the progress, every ``PROGRESS_EVERY`` rows, how many are checked and bad."""
        self._checked += 1
        if row_result.validation_error is not None or row_result.errors:
            self._bad += 1
        if self._checked % self.PROGRESS_EVERY == 0:
            self._progress(checked=self._checked, errors=self._bad)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        self._collect(errors, self._check_scope, instance)
        if not errors:
            # The app's rules assume readable values; on a row that already failed they
            # would only restate its errors in other words.
            self._collect(errors, self.check_instance, instance)
        if not errors:
            # The row is written by the app's service, which validates the whole model
            # before saving, and a ValidationError it raises is this row's error, reported
            # the same way. Validating here too doubled the cost of every row.
            return
        # A row that already failed is validated whole, so that it reports every bad cell.
        super().validate_instance(instance, errors, validate_unique)

    @staticmethod
    def _collect(errors: dict, check, instance) -> None:
        """Add the errors ``check(instance)`` raises to ``errors``, one message per column."""
        try:
            check(instance)
        except ValidationError as error:
            for name, field_errors in error.update_error_dict({}).items():
                errors.setdefault(name, field_errors)

    def do_instance_save(self, instance, is_create):
        saved = self.create(instance) if is_create else self.update(instance)
        if saved is not instance:
            # The admin logs and previews the row's own instance.
            instance.pk = saved.pk
            instance._state.adding = False

    def _by_column(self, error: ValidationError) -> ValidationError:
        """``error`` keyed by column header instead of model field name."""
        if not hasattr(error, "error_dict"):
            return error
        return ValidationError(
            {self._column_for(name): errors for name, errors in error.error_dict.items()}
        )

    def _column_for(self, name: str) -> str:
        if name == NON_FIELD_ERRORS:
            return name
        for field_name, field in self.fields.items():
            if name in (field_name, field.attribute, (field.attribute or "").removesuffix("_id")):
                return str(field.column_name)
        try:
            return str(self._meta.model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            return name


# ---------------------------------------------------------------------------------------
# Relations set by the services, and records that are organisations
# ---------------------------------------------------------------------------------------


class RelationColumnsMixin:
    """Columns for relations the services set together with the record (a livestream
    base's platforms, an anchor's accounts, an enterprise's poverty-alleviation models).

    Each is read with the rest of the row, so a bad cell is an error on its column, and
    handed to ``create``/``update`` (see ``relations``) instead of being written behind
    the services' back. A column missing from the file leaves the relation as it is.
    Subclasses list the columns' field names in ``relation_fields``.
    """

    relation_fields: tuple[str, ...] = ()
    _RELATIONS = "_imported_relations"

    def relations(self, instance) -> dict[str, Any]:
        """``{field name: cleaned value}`` of the relation columns the row had."""
        return getattr(instance, self._RELATIONS, {})

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field not in self._relation_columns():
            super().import_field(field, instance, row, is_m2m, **kwargs)

    def check_row(self, instance, row, errors: dict, **kwargs) -> None:
        super().check_row(instance, row, errors, **kwargs)
        setattr(instance, self._RELATIONS, self.clean_columns(self.relation_fields, row, errors))

    def save_m2m(self, instance, row, **kwargs):
        """Nothing to do: ``create`` and ``update`` gave the relations to the services."""

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        return all(
            self.fields[name].widget.render(value) == self.fields[name].export(original)
            for name, value in self.relations(instance).items()
        )

    def _relation_columns(self) -> list:
        return [self.fields[name] for name in self.relation_fields]


class OrganisationResource(RelationColumnsMixin, Resource):
    """Base of the resources of registries whose records are organisations (a livestream
    agency, a poverty-alleviation enterprise): the record's ``organisation`` is a one-to-one
    link to ``accounts.Organisation``, which keeps the name, credit code and place.

    Columns ``organisation`` (the name), ``uscc``, ``place`` and ``place_code`` are
    declared here; a subclass lists them in its ``Meta.fields`` with the record's own.
    Rows are identified by the credit code or, without one, by the name. A new record gets
    its organisation from ``build_record`` (found by code or new); a row contradicting a
    registered organisation's name or place is an error rather than a silent change (those
    are kept in the organisations registry). Relation columns (``relation_fields``) work
    as in ``RelationColumnsMixin``.

    Subclasses implement ``build_record`` with the app's ``*_build`` service and
    ``check_instance`` with its ``*_check``, passing the latter's errors through
    ``organisation_errors``.
    """

    # Headed like the records' own ``organisation`` field.
    organisation = Column(attribute="organisation__name", column_name=Organisation._meta.verbose_name,
                          widget=TextWidget(), readonly=True)
    uscc = Column(attribute="organisation__uscc", column_name=field_label(Organisation, "uscc"),
                  widget=TextWidget(), readonly=True)
    place = Column(attribute="organisation__region", column_name=_("place"), widget=RegionWidget(), readonly=True)
    place_code = region_code_column("organisation__region")

    # The columns that show errors about the organisation's fields.
    ORGANISATION_COLUMNS = {"name": "organisation", "uscc": "uscc", "region": "place"}

    class Meta:
        import_id_fields = ("organisation",)
        # A record is not valid before its organisation exists; ``check_instance`` (the
        # app's ``*_check``) validates both instead.
        clean_model_instances = False

    def build_record(self, *, name: str, region, uscc: str):
        """An unsaved record with its organisation found or built (the app's ``*_build``)."""
        raise NotImplementedError

    def get_instance(self, instance_loader, row):
        code = normalise_uscc(cell_text(row.get(self.fields["uscc"].column_name)))
        name = cell_text(row.get(self.fields["organisation"].column_name))
        records = self.get_queryset()
        if code:
            return records.filter(organisation__uscc=code).first()
        if name:
            return records.filter(organisation__name=name).first()
        return None

    def check_row(self, instance, row, errors: dict, **kwargs) -> None:
        super().check_row(instance, row, errors, **kwargs)
        cells = self.clean_columns(self.ORGANISATION_COLUMNS.values(), row, errors)
        if "place" not in errors:
            try:
                self._attach_organisation(instance, name=cells.get("organisation") or "",
                                          code=normalise_uscc(cells.get("uscc") or ""), region=cells.get("place"))
            except ValidationError as error:
                error.update_error_dict(errors)

    def _attach_organisation(self, record, *, name: str, code: str, region) -> None:
        """Give a new ``record`` its organisation (see ``build_record``). Raises
        ValidationError if the row contradicts an organisation already registered."""
        if record.pk is None:
            record.organisation = self.build_record(name=name, region=region, uscc=code).organisation
        organisation = record.organisation
        if organisation.pk is None:
            return
        errors = {}
        if name and name != organisation.name:
            errors["organisation"] = gettext(
                "The organisation is registered as “%(name)s”; its name is changed in the organisations "
                "registry, not here."
            ) % {"name": organisation.name}
        if region is not None and region != organisation.region:
            errors["place"] = gettext(
                "The organisation is registered at “%(place)s”; its place is changed in the organisations "
                "registry, not here."
            ) % {"place": organisation.region.display_path}
        if errors:
            raise ValidationError(errors)

    def _check_scope(self, instance) -> None:
        try:
            super()._check_scope(instance)
        except ValidationError as error:
            # A record is where its organisation is: show the refusal on the place.
            raise ValidationError({"place": error.messages}) from None

    def organisation_errors(self, error: ValidationError) -> ValidationError:
        """``error`` with the organisation's field names replaced by their columns."""
        return ValidationError({
            self.ORGANISATION_COLUMNS.get(field, field): messages for field, messages in error.message_dict.items()
        })
