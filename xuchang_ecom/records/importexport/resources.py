"""The resource every registry's import and export subclasses, and how an import reports.

A registry declares a resource that subclasses ``Resource`` (or ``OrganisationResource``
when its records are organisations) and names its services. Every row is validated and
written by the app's services as the acting user, inside one transaction: if any row is
invalid, nothing is written, and every bad row is reported (``SpreadsheetResult``,
``row_message``) by its spreadsheet row number (the header is row 1) and its column. Rows
are looked up and exported only among those the acting user may see.
"""
import contextlib
import copy
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.instance_loaders import ModelInstanceLoader
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
from xuchang_ecom.records.services import bulk_writes, check_in_scope
from xuchang_ecom.regions.models import Region


class SpreadsheetResult(Result):
    """Import results numbered as the spreadsheet numbers rows: the header is row 1, and
    the blank rows a format left out of the dataset count (``Resource.import_data``)."""

    HEADER_ROWS = 1

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: What each row was (new, changed, unchanged, invalid…), by its place in the
        #: dataset: instead of a RowResult per row, which for a file of 200,000 rows is
        #: tens of megabytes that no page shows.
        self.kinds: list[str] = []

    def append_row_result(self, row_result) -> None:
        self.kinds.append(row_result.import_type)

    def refuse_row(self, place: int, error: ValidationError) -> None:
        """Make the row at ``place`` (from 1), counted as written, invalid with ``error``."""
        self.totals[self.kinds[place - 1]] -= 1
        self.kinds[place - 1] = RowResult.IMPORT_TYPE_INVALID
        self.totals[RowResult.IMPORT_TYPE_INVALID] += 1
        self.append_invalid_row(place, {}, error)

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


class BatchInstanceLoader(ModelInstanceLoader):
    """Finds the record a row names by its key columns (``import_id_fields``), as
    import-export's loader does, but for ``BATCH`` rows of the dataset at a time: one query
    per batch instead of one per row. A key spanning a relation (``organisation__name``)
    is looked up row by row, as before."""

    BATCH = 2000

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self._start = 0  # the batch's first place (from 1); 0: none loaded
        self._found: dict = {}
        model = resource._meta.model
        try:
            self._fields = [resource.fields[name] for name in resource.get_import_id_fields()]
            self._model_fields = [model._meta.get_field(field.attribute) for field in self._fields]
        except (KeyError, FieldDoesNotExist):
            self._fields, self._model_fields = [], None  # a key through a relation, or none
        self._batched = dataset is not None and bool(self._model_fields)

    def get_instance(self, row):
        place = self.resource._place
        if self.dataset is None or not place:
            return super().get_instance(row)
        if not self._start or not self._start <= place < self._start + self.BATCH:
            self._load(place)
        if not self._batched:
            return super().get_instance(row)
        found = self._found.get(self._key(row))
        if found is not None and len(found) > 1:
            raise ValidationError({NON_FIELD_ERRORS: [gettext(
                "More than one %(model)s has these key columns; tell them apart in the registry first."
            ) % {"model": self.resource._meta.model._meta.verbose_name}]}, code="ambiguous")
        return found[0] if found else None

    def _key(self, row) -> tuple:
        """The row's key cells, cleaned: a related record as its primary key. Raises
        ValueError for a cell that cannot be read."""
        return tuple(value.pk if isinstance(value, models.Model) else value
                     for value in (field.clean(row) for field in self._fields))

    def _load(self, place: int) -> None:
        """Look up the records, and the related records of columns such as a workplace's
        name (``RelatedWidget.prefetch``), that the batch of rows from ``place`` names."""
        self._start = place
        headers = self.dataset.headers
        rows = self.dataset[place - 1:place - 1 + self.BATCH]
        for field in self.resource.fields.values():
            if hasattr(field.widget, "prefetch") and field.column_name in headers:
                column = headers.index(field.column_name)
                field.widget.prefetch(data_row[column] for data_row in rows)
        if not self._batched:
            return
        keys = set()
        for data_row in rows:
            try:
                keys.add(self._key(dict(zip(headers, data_row, strict=False))))
            except (ValueError, ValidationError):
                continue  # reported on its row
        self._found = {}
        first = self._model_fields[0]
        values = {key[0] for key in keys} - {None}
        if not values:
            return
        for instance in self.get_queryset().filter(**{f"{first.attname}__in": values}):
            key = tuple(getattr(instance, field.attname) for field in self._model_fields)
            self._found.setdefault(key, []).append(instance)


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
        # The import is one transaction, all or nothing; the rows are not each wrapped in
        # a savepoint of their own (two round trips a row). New records are written in
        # batches (``bulk_writes``); a service that writes at once does so in its own
        # savepoint. (import-export's own lists of instances stay empty: ``save_instance``.)
        use_bulk = True
        instance_loader_class = BatchInstanceLoader
        # The job's page shows counts and problems, not each row's diff: no deep copy and
        # no diff of every row (``skip_row`` compares with ``_original`` instead).
        skip_diff = True

    #: How many new records are written together (``records.services.bulk_writes``).
    WRITE_BATCH = 2000

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._file_refused = False  # see handle_import_error
        self._progress = lambda **values: None  # see run_import
        self._checked = self._bad = 0
        self._row_numbers = None  # see spreadsheet_row
        self._place = 0  # the dataset's row being imported (from 1)
        self._new_keys: dict = {}  # see check_row
        self._original = None  # see get_or_init_instance
        self._in_import = False  # see importing
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
    #: How many rows of a file are read and imported together (``run_import``).
    CHUNK_ROWS = 5000

    def run_import(self, data: bytes, file_format: SpreadsheetFormat, *, dry_run: bool, file_name: str = "",
                   progress=None) -> ImportResult:
        """Import the file ``data`` all or nothing, telling ``progress`` (a callable taking
        ``total``, ``checked`` and ``errors``) how far it is.

        The file is read and imported ``CHUNK_ROWS`` rows at a time (``import_data``), in
        one transaction and one ``importing`` block: however long the file, the rows held
        are those of a chunk. Returns what was found and done. Raises ImportFileRejected
        if the file is refused whole (by the format's checks, or for lacking a key column).
        """
        self._progress = progress or (lambda **values: None)
        self._checked = self._bad = 0
        outcome = ImportResult(dry_run=dry_run)
        # The import's block outside its transaction: what it logs (look-ups of personal
        # data) stays when a check rolls back everything it wrote.
        with self.importing(file_name=file_name), transaction.atomic():
            for number, dataset in enumerate(file_format.datasets(data, self.CHUNK_ROWS)):
                if not number:
                    self._progress(total=dataset.rows_hint, checked=0, errors=0)
                self.import_result(self.import_data(dataset, dry_run=dry_run, file_name=file_name),
                                   dry_run=dry_run, into=outcome)
            if dry_run or not outcome.ok:
                transaction.set_rollback(True)
        if outcome.ok and not dry_run:
            outcome.created = outcome.new + outcome.changed
        self._progress(total=outcome.total, checked=outcome.total)
        return outcome

    @staticmethod
    def import_result(result: "SpreadsheetResult", *, dry_run: bool, into: ImportResult | None = None) -> ImportResult:
        """``result`` (django-import-export's) as an ``ImportResult``, or added to ``into``
        (the result of the chunks before).

        Raises ImportFileRejected for an error about the whole file (a missing key column);
        re-raises any other.
        """
        for error in result.base_errors:
            if isinstance(error.error, ValueError) and not isinstance(error.error, ValidationError):
                raise ImportFileRejected(str(error.error), code="columns")
            raise error.error
        totals = result.totals
        outcome = into if into is not None else ImportResult(dry_run=dry_run)
        outcome.total += sum(totals.values())
        outcome.new += totals[RowResult.IMPORT_TYPE_NEW]
        outcome.changed += totals[RowResult.IMPORT_TYPE_UPDATE]
        outcome.unchanged += totals[RowResult.IMPORT_TYPE_SKIP]
        problems = []
        for invalid in result.invalid_rows:
            for column, messages in invalid.error_dict.items():
                problems.extend((invalid.number, column, message) for message in messages)
        for number, errors in result.row_errors():
            problems.extend((number, NON_FIELD_ERRORS, error.error) for error in errors)
        for number, column, message in sorted(problems, key=lambda problem: problem[0]):
            outcome.add_error(number, column, message)
        if into is None and outcome.ok and not dry_run:
            outcome.created = outcome.new + outcome.changed
        return outcome

    @contextlib.contextmanager
    def importing(self, *, file_name: str = "") -> Iterator[None]:
        """The block of one import, whose chunks (``import_data``) share what
        ``import_context`` keeps; inside one, another is part of it."""
        if self._in_import:
            yield
            return
        self._in_import = True
        try:
            with self.import_context(file_name=file_name):
                yield
        finally:
            self._in_import = False

    @contextlib.contextmanager
    def import_context(self, *, file_name: str) -> Iterator[None]:
        """What one import keeps across its chunks: the keys of the new rows so far
        (``check_row``), and each column's header, fixed in the active language (asked for
        on every cell). Subclasses extend it, calling super()."""
        self._new_keys = {}
        with contextlib.ExitStack() as headers:
            for field in self.fields.values():
                if isinstance(field, Column):
                    headers.enter_context(field.frozen())
            yield

    @classmethod
    def get_result_class(cls):
        return SpreadsheetResult

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        """Import ``dataset`` all or nothing: one invalid row and no row is written.
        Outside ``importing`` it is a whole import; inside, a chunk of one.

        Returns a ``SpreadsheetResult``.
        """
        self._file_refused = False
        self._row_numbers = getattr(dataset, "row_numbers", None)
        with self.importing(file_name=str(kwargs.get("file_name") or "")):
            result = super().import_data(
                dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True,
                collect_failed_rows=collect_failed_rows, rollback_on_validation_errors=True,
                **kwargs,
            )
        result.number_rows(self.spreadsheet_row)
        return result

    def import_data_inner(self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs):
        # Inside import_data's transaction: the batches are written, and a row they refuse
        # is made invalid, before it decides to roll back.
        with bulk_writes(model_classes=self.batched_models(), batch_size=self.WRITE_BATCH,
                         tag=lambda: self._place) as writes:
            result = super().import_data_inner(dataset, dry_run, raise_errors, using_transactions,
                                               collect_failed_rows, **kwargs)
            writes.flush()
        for place, error in sorted(writes.errors.items()):
            self._refuse_row(result, place, error)
        return result

    def _refuse_row(self, result: "SpreadsheetResult", place: int, error: ValidationError) -> None:
        """Make the row at ``place`` (from 1), counted as written, invalid with ``error``:
        its batch was refused when it was written."""
        if not hasattr(error, "error_dict"):
            error = ValidationError({NON_FIELD_ERRORS: error})
        result.refuse_row(place, self._by_column(error))

    def save_instance(self, instance, is_create, row, **kwargs):
        # Always through the services (``do_instance_save``), whatever use_bulk says.
        self.before_save_instance(instance, row, **kwargs)
        self.do_instance_save(instance, is_create)
        self.after_save_instance(instance, row, **kwargs)

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

    def get_or_init_instance(self, instance_loader, row):
        instance, new = super().get_or_init_instance(instance_loader, row)
        # What the record was, to tell an unchanged row (``skip_row``): a shallow copy.
        self._original = None if new else copy.copy(instance)
        return instance, new

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Whether the row leaves an existing record as it is (then it is not written)."""
        original = self._original
        if not self._meta.skip_unchanged or import_validation_errors or original is None:
            return False
        return all(field.get_value(instance) == field.get_value(original) for field in self.get_import_fields()
                   if not isinstance(field.widget, widgets.ManyToManyWidget))

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
        what is wrong to ``errors``. Subclasses and mixins extend it, calling super().

        Here: a new record's key columns may not repeat those of an earlier new row of
        the file (which would otherwise make two records, or update the one the earlier
        row creates)."""
        if instance.pk is not None:
            return
        names = self.get_import_id_fields()
        try:
            key = self.new_row_key(row)
        except (ValueError, ValidationError):
            return  # the cell's own error is reported
        if key is None:
            return
        number = self.spreadsheet_row(kwargs.get("row_number", 0))
        first = self._new_keys.get(key, number) if errors else self._new_keys.setdefault(key, number)
        if first != number and names[0] not in errors:
            errors[names[0]] = [ValidationError(
                gettext("Row %(row)s has the same %(columns)s; a record appears only once in a file.")
                % {"row": first, "columns": "、".join(f"“{self.fields[name].column_name}”" for name in names)},
                code="duplicate_in_file",
            )]

    def batched_models(self) -> tuple[type[models.Model], ...]:
        """The models whose new records the import writes in batches (``bulk_writes``):
        the registry's, and those its service creates with it."""
        return (self._meta.model,)

    def new_row_key(self, row) -> tuple | None:
        """What identifies the record a new row creates, to tell a row repeating an
        earlier one (``check_row``): its key cells, cleaned; None if one is blank. Raises
        ValueError for a cell that cannot be read."""
        key = tuple(self._key_value(self.fields[name].clean(row)) for name in self.get_import_id_fields())
        return None if any(value in (None, "") for value in key) else key

    @staticmethod
    def _key_value(value):
        return ("pk", type(value), value.pk) if isinstance(value, models.Model) else value

    def handle_import_error(self, result, error, raise_errors=False):
        # Reached from before_import (a whole file refused: a missing key column, a limit)
        # and after_import. Before the rows, none is read then: each would only fail again,
        # for the same reason, in a programmer's words.
        self._file_refused = True
        super().handle_import_error(result, error, raise_errors)

    def import_row(self, row, instance_loader, **kwargs):
        self._place = kwargs.get("row_number", 0)
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
            self.fields[name].widget.render(value) == self.fields[name].export(self._original)
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

    def batched_models(self) -> tuple[type[models.Model], ...]:
        return (*super().batched_models(), Organisation)

    def new_row_key(self, row) -> tuple | None:
        # As get_instance finds a record: by credit code, else by name.
        code = normalise_uscc(cell_text(row.get(self.fields["uscc"].column_name)))
        name = cell_text(row.get(self.fields["organisation"].column_name))
        return ("uscc", code) if code else ("name", name) if name else None

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
