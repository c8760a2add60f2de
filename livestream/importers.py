"""The bulk import of livestream sessions (直播场次): a 100,000-row file in one go.

The registries' resources (``xuchang_ecom.records.importexport.resources.Resource``) save row by row
through the services, at several queries a row. Sessions arrive in far larger files, so
they come in here instead, under the same rules as the shared way: the export's column
headers in any configured language; places by path or statistical code, choices by label
or value, related rows by name, nothing created on the fly; every row's place inside the
acting user's area; all or nothing, with every bad row reported by its spreadsheet row
number (the header is row 1) and column. What differs is how:

* every lookup (places, platforms, bases, agencies, anchors) is loaded once into a dict,
  so checking a row costs no query;
* each cell is checked against the model's rules directly instead of by ``full_clean``;
  a field's own validators run only to word an error;
* rows are streamed from the file and written in batches inside one transaction, the
  anchor links after each batch, so memory does not grow with the file; on PostgreSQL
  with COPY, in a second thread while the next batch is read;
* the audit trail's entry of each session (its values, the file and the row) is built
  from the row's values and written with the batch, by COPY too (``audit.bulk.CreatedRows``).
"""
import contextlib
import csv
import io
import queue
import re
import secrets
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from xuchang_ecom.accounts.models import User
from xuchang_ecom.accounts.scoping import regions_in_scope
from xuchang_ecom.audit.bulk import CreatedRows
from xuchang_ecom.audit.context import IMPORT, audit_context
from xuchang_ecom.audit.models import LogEntry
from xuchang_ecom.common.bulk import copy_rows, reserve_ids, supports_copy
from xuchang_ecom.common.signals import records_written
from xuchang_ecom.records.importexport.cells import cell_text, in_every_language, unescape_formula
from xuchang_ecom.records.importexport.formats import CSV, XLSX, SpreadsheetFormat
from xuchang_ecom.records.importexport.forms import SpreadsheetImportForm
from xuchang_ecom.records.importexport.resources import row_message
from xuchang_ecom.records.importexport.uploads import ImportFileRejected
from xuchang_ecom.records.importexport.widgets import REGION_CODE_COLUMN, RelatedListWidget
from xuchang_ecom.regions.models import PATH_SEPARATOR, Level, Region

from .models import Agency, Anchor, Base, Platform, Session

#: The columns, in the export's order; each header is the field's verbose name.
COLUMNS = ("started_at", "platform", "region", "base", "agency", "anchors", "kind", "title", "product_category",
           "orders", "sales", "quantity", "quantity_unit")
#: The export's statistical-code column beside the place: either identifies the place.
REGION_CODE = "region_code"
REQUIRED_COLUMNS = ("started_at", "platform", "region")
DEFAULT_BATCH_SIZE = 5000
#: Errors listed in full; beyond these only their number is reported.
MAX_REPORTED_ERRORS = 1000
#: Distinct cell values whose lookup result is remembered (places, anchor lists).
MEMO_LIMIT = 10_000

# "2020-06-30 20:00", "2020/6/30 20:00:00", "2020.6.30 20:00", "2020年6月30日 20:00".
DATETIME_TEXT = re.compile(
    r"(\d{4})(?:[-/.]|年)(\d{1,2})(?:[-/.]|月)(\d{1,2})日?(?:\s*|T)(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2})(?:\.\d+)?)?"
)
# Excel shows numbers to 15 significant digits; a float's further digits are binary noise
# (1234.56 computed in a cell may be stored as 1234.5600000000002).
EXCEL_PRECISION = ".15g"


class CellError(ValueError):
    """A cell that cannot be read; ``message`` is for the person who uploaded the file."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RowError(NamedTuple):
    row: int
    column: str
    message: str


@dataclass
class BulkImportResult:
    """What a bulk import found and did.

    ``total`` counts the non-blank rows; ``created`` the sessions written (0 on a dry run
    or when any row is invalid); ``errors`` the first ``MAX_REPORTED_ERRORS`` problems and
    ``unreported_errors`` how many more there were.
    """

    dry_run: bool
    total: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    unreported_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.unreported_errors

    def add_error(self, row: int, column: str, message: str) -> None:
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row, column, message))
        else:
            self.unreported_errors += 1

    def messages(self) -> list[str]:
        """Every reported problem as one line (``Row 3, 地点: …``), then how many were left out."""
        lines = [row_message(error.row, error.column, error.message) for error in self.errors]
        if self.unreported_errors:
            lines.append(
                ngettext("…and %(count)d more error.", "…and %(count)d more errors.", self.unreported_errors)
                % {"count": self.unreported_errors}
            )
        return lines


# ---------------------------------------------------------------------------------------
# Reading the file as a stream of rows
# ---------------------------------------------------------------------------------------


def _csv_rows(file_format: CSV, data: bytes) -> Iterator[list[str]]:
    text = file_format.decode(data)
    # Old Mac Excel ends lines with a bare carriage return.
    newline = "\n" if "\n" in text or "\r" not in text else "\r"
    reader = csv.reader(_lines(text, newline), delimiter=file_format.delimiter(text))
    try:
        yield from reader
    except csv.Error as error:
        raise ImportFileRejected(
            gettext("The file could not be read at row %(row)s: %(error)s") % {"row": reader.line_num, "error": error},
            code="unreadable",
        ) from error


def _lines(text: str, newline: str) -> Iterator[str]:
    """The lines of ``text``, each with its line break, without copying the whole text
    (``io.StringIO`` would hold it again at four bytes a character)."""
    start, length = 0, len(text)
    while start < length:
        end = text.find(newline, start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1


def _xlsx_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    # python-calamine (Rust) reads a 100,000-row sheet about 15 times as fast as openpyxl;
    # cells come as Excel's values, numbers as floats, empty cells as "".
    from python_calamine import CalamineWorkbook

    unreadable = ImportFileRejected(
        gettext("The workbook could not be read; open it in Excel and save it again."), code="unreadable"
    )
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            return
        sheet = workbook.get_sheet_by_index(0)
    except Exception as error:
        # A damaged package fails in many ways; to the uploader they all mean the same thing.
        raise unreadable from error
    try:
        yield from sheet.iter_rows()
    except Exception as error:
        raise unreadable from error


def spreadsheet_rows(file_format: SpreadsheetFormat, data: bytes) -> Iterator[Sequence[Any]]:
    """The rows of ``data`` one at a time, header first; CSV cells are text, .xlsx cells
    Excel's values. Raises ImportFileRejected (while iterating) if the file is unreadable.

    Close the iterator when done early (``contextlib.closing``) to release the workbook.
    """
    if isinstance(file_format, CSV):
        return _csv_rows(file_format, data)
    if isinstance(file_format, XLSX):
        return _xlsx_rows(data)
    raise TypeError(f"No streaming reader for {type(file_format).__name__}.")


# ---------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """The cell as trimmed text without the ``'`` an export put before formula-like text."""
    if value.__class__ is str:
        if value[:1] == "'":
            value = unescape_formula(value)
        return value.strip()
    return cell_text(value)


def _number(value: Any, message: str) -> Decimal | None:
    """The cell as a finite Decimal, None when blank; never via a float's binary digits.

    Raises CellError(message) if it is not a number.
    """
    if value is None:
        return None
    if value.__class__ is float:
        number = Decimal(format(value, EXCEL_PRECISION))
    elif value.__class__ is int:
        number = Decimal(value)
    else:
        text = _text(value)
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            # People type thousands separators; Decimal refuses them.
            try:
                number = Decimal(text.replace(",", "").replace("，", "").replace(" ", ""))
            except InvalidOperation:
                raise CellError(message) from None
    if not number.is_finite():
        raise CellError(message)
    return number


def _field_error(model_field: models.Field, value: Any, fallback: str) -> CellError:
    """The error the field's own validators give ``value`` (translated by Django)."""
    try:
        model_field.run_validators(value)
    except ValidationError as error:
        return CellError(" ".join(error.messages))
    return CellError(fallback)


def _region_key(text: str) -> str:
    """A place's path as a lookup key: no surrounding spaces or slashes, parts trimmed."""
    parts = (part.strip() for part in text.strip().strip(PATH_SEPARATOR).split(PATH_SEPARATOR))
    return PATH_SEPARATOR.join(part for part in parts if part)


# ---------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------


class SessionRowReader:
    """Checks rows of a session file for ``user`` against lookups loaded once.

    Built from the header row; raises ImportFileRejected if a column is there twice or a
    required one is missing. ``read`` then costs no query.
    """

    def __init__(self, *, user: User, header: Sequence[Any]):
        self.indexes = self._column_indexes(header)
        self.width = max(self.indexes.values()) + 1
        opts = Session._meta
        self.labels = {name: str(opts.get_field(name).verbose_name) for name in COLUMNS}
        self.labels[REGION_CODE] = str(REGION_CODE_COLUMN)
        self._load_lookups(user)

        self.kinds = self._choices(opts.get_field("kind"))
        self.units = self._choices(opts.get_field("quantity_unit"))
        self.default_kind = str(opts.get_field("kind").default)
        self.tz = timezone.get_default_timezone()
        orders_range = connection.ops.integer_field_range(opts.get_field("orders").get_internal_type())
        self.orders_min, self.orders_max = orders_range
        self.unit_missing = str(next(
            constraint.violation_error_message for constraint in opts.constraints
            if constraint.name == "livestream_session_quantity_has_unit"
        ))
        self.messages = {
            "datetime": gettext("Enter a date and time such as 2020-06-30 20:00."),
            "whole_number": gettext("Enter a whole number."),
            "number": gettext("Enter a number."),
            "blank": str(opts.get_field("platform").error_messages["blank"]),
            "no_place": gettext("Choose a place."),
            "out_of_scope": gettext("This place is outside the area you are responsible for."),
        }
        self.lengths = {name: opts.get_field(name).max_length for name in ("title", "product_category")}
        self.region_memo: dict[tuple[str, str], int | str] = {}
        self.anchor_memo: dict[str, tuple[int, ...] | str] = {}

        # A row's values go in the order of the model's concrete fields: ``Session(*values)``
        # skips the keyword handling that is half the cost of building an instance.
        fields = opts.concrete_fields
        positions = {model_field.attname: position for position, model_field in enumerate(fields)}
        self.defaults: list[Any] = [None if model_field.primary_key else model_field.get_default()
                                    for model_field in fields]
        # The place and the anchors are read apart (see ``read``); a column the file lacks
        # takes the value a blank cell would.
        parsers: dict[str, Callable[[Any], Any]] = {
            "started_at": self._started_at, "platform": self._platform, "base": self._base,
            "agency": self._agency, "kind": self._kind, "title": self._title,
            "product_category": self._product_category, "orders": self._orders, "sales": self._sales,
            "quantity": self._quantity, "quantity_unit": self._unit,
        }
        self.parsers: list[tuple[int, int, str, Callable[[Any], Any]]] = []
        for name, parse in parsers.items():
            position = positions[opts.get_field(name).attname]
            if name in self.indexes:
                self.parsers.append((position, self.indexes[name], self.labels[name], parse))
            else:
                self.defaults[position] = parse(None)
        self.region_position = positions[opts.get_field("region").attname]
        #: Where each concrete field's value is in a row (by attname), for the trail.
        self.positions = positions
        self._described = (positions["started_at"], positions["platform_id"],
                           {pk: name for name, pk in self.platforms.items()})
        self.quantity_position = positions["quantity"]
        self.unit_position = positions["quantity_unit"]

    def describe(self, values: Sequence[Any]) -> str:
        """A valid row's session as its ``str()`` names it, from the values alone."""
        started_at, platform, names = self._described
        # As f"{started_at:%Y-%m-%d %H:%M}", at a fifth of strftime's cost.
        return f"{values[started_at].isoformat(' ', 'minutes')[:16]} {names[values[platform]]}"

    # -- setup -----------------------------------------------------------------------------

    @staticmethod
    def _column_indexes(header: Sequence[Any]) -> dict[str, int]:
        names: dict[str, str] = {}
        for name in COLUMNS:
            for text in in_every_language(Session._meta.get_field(name).verbose_name):
                names.setdefault(text, name)
        for text in in_every_language(REGION_CODE_COLUMN):
            names.setdefault(text, REGION_CODE)
        indexes: dict[str, int] = {}
        for index, cell in enumerate(header):
            text = cell_text(cell)
            name = names.get(text)
            if name is None:
                continue  # other columns are ignored, as the registries' imports do
            if name in indexes:
                raise ImportFileRejected(
                    gettext("The column “%(column)s” appears twice.") % {"column": text}, code="duplicate_column"
                )
            indexes[name] = index
        missing = [
            name for name in REQUIRED_COLUMNS
            if name not in indexes and not (name == "region" and REGION_CODE in indexes)
        ]
        if missing:
            raise ImportFileRejected(
                gettext("The file has no column %(columns)s. The first row must hold the "
                        "column headers, as in an exported file.")
                % {"columns": "、".join(f"“{Session._meta.get_field(name).verbose_name}”" for name in missing)},
                code="missing_column",
            )
        return indexes

    def _load_lookups(self, user: User) -> None:
        # Related rows are looked up among those the user can see, as the admin's
        # autocomplete offers them: another county's base is as unknown as a missing one.
        self.platforms: dict[str, int] = dict(Platform.objects.values_list("name", "pk"))
        self.bases: dict[str, int] = dict(Base.objects.visible_to(user).values_list("name", "pk"))
        self.anchors: dict[str, int] = dict(Anchor.objects.visible_to(user).values_list("display_name", "pk"))
        # Organisation names need not be unique; None marks a name shared by several agencies.
        self.agencies: dict[str, int | None] = {}
        for name, pk in Agency.objects.visible_to(user).values_list("organisation__name", "pk"):
            self.agencies[name] = None if name in self.agencies else pk
        self.region_paths: dict[str, int] = {}
        self.region_codes: dict[str, int] = {}
        for pk, path, code, level in Region.objects.values_list("pk", "path", "code", "level").order_by("level"):
            full = path.strip(PATH_SEPARATOR)
            self.region_paths[full] = pk
            if level > Level.CITY:
                # People write places without the city: 长葛市/佛耳湖镇/岗李村.
                self.region_paths[full.split(PATH_SEPARATOR, 1)[1]] = pk
            if code:
                self.region_codes[code] = pk
        self.regions_in_scope: set[int] = set(regions_in_scope(user=user).values_list("pk", flat=True))

    @staticmethod
    def _choices(model_field: models.Field) -> tuple[dict[str, str], str]:
        """``({value or label in any language: stored value}, labels for the error)``."""
        choices: dict[str, str] = {}
        for stored, label in model_field.flatchoices:
            choices.setdefault(str(stored), stored)
            for text in in_every_language(label):
                choices.setdefault(text, stored)
        return choices, "、".join(str(label) for _stored, label in model_field.flatchoices)

    # -- one row ---------------------------------------------------------------------------

    def read(self, row: Sequence[Any]) -> tuple[list[Any] | None, tuple[int, ...], list[tuple[str, str]]]:
        """``(values, anchor ids, [])`` for a valid row, where ``values`` are the Session's
        concrete field values in order; ``(None, (), [(column header, message), ...])``
        for an invalid one."""
        if len(row) < self.width:
            row = (*row, *([None] * (self.width - len(row))))
        indexes = self.indexes
        errors: list[tuple[str, str]] = []
        values = self.defaults.copy()
        anchors: tuple[int, ...] = ()
        for position, index, label, parse in self.parsers:
            try:
                values[position] = parse(row[index])
            except CellError as error:
                errors.append((label, error.message))
        code_index = indexes.get(REGION_CODE)
        place = row[indexes["region"]] if "region" in indexes else None
        try:
            values[self.region_position] = self._region(
                _text(place), "" if code_index is None else _text(row[code_index])
            )
        except CellError as error:
            errors.append((self.labels["region"], error.message))
        if "anchors" in indexes:
            try:
                anchors = self._anchors(row[indexes["anchors"]])
            except CellError as error:
                errors.append((self.labels["anchors"], error.message))
        if values[self.quantity_position] is not None and values[self.unit_position] == "":
            unit = self.labels["quantity_unit"]
            if not any(column == unit for column, _message in errors):  # a bad unit was reported
                errors.append((unit, self.unit_missing))
        if errors:
            return None, (), errors
        return values, anchors, errors

    def _started_at(self, value: Any) -> datetime:
        if value.__class__ is datetime:
            moment = value
        elif isinstance(value, date):
            moment = datetime(value.year, value.month, value.day)
        else:
            moment = self._parse_datetime(_text(value or ""))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.tz)
        return moment

    def _parse_datetime(self, text: str) -> datetime:
        match = DATETIME_TEXT.fullmatch(text)
        try:
            if match:
                year, month, day, hour, minute, second = match.groups()
                return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
            # Whatever else ISO 8601 allows, with or without an offset.
            if text and text[0].isdigit() and ":" in text:
                return datetime.fromisoformat(text)
        except ValueError:
            pass
        raise CellError(self.messages["datetime"])

    def _platform(self, value: Any) -> int:
        text = _text(value)
        if not text:
            raise CellError(self.messages["blank"])
        pk = self.platforms.get(text)
        if pk is None:
            raise CellError(_not_found(Platform, text))
        return pk

    def _base(self, value: Any) -> int | None:
        text = _text(value)
        if not text:
            return None
        pk = self.bases.get(text)
        if pk is None:
            raise CellError(_not_found(Base, text))
        return pk

    def _agency(self, value: Any) -> int | None:
        text = _text(value)
        if not text:
            return None
        if text not in self.agencies:
            raise CellError(_not_found(Agency, text))
        pk = self.agencies[text]
        if pk is None:
            raise CellError(
                gettext("More than one %(model)s “%(value)s” was found; tell them apart in the registry first.")
                % {"model": Agency._meta.verbose_name, "value": text}
            )
        return pk

    def _region(self, place: str, code: str) -> int:
        """The id of the row's place (path, or the code column when the place is blank).

        Raises CellError if it is missing, unknown, disagrees with the code, or lies
        outside the user's area.
        """
        key = (place, code)
        found = self.region_memo.get(key)
        if found is None:
            try:
                found = self._find_region(place, code)
            except CellError as error:
                found = error.message
            if len(self.region_memo) < MEMO_LIMIT:
                self.region_memo[key] = found
        if found.__class__ is str:
            raise CellError(found)
        return found

    def _find_region(self, place: str, code: str) -> int:
        if not place and not code:
            raise CellError(self.messages["no_place"])
        pk = self._region_by_text(place or code)
        if place and code and self._region_by_text(code) != pk:
            raise CellError(
                gettext("The place “%(place)s” does not have the statistical code %(code)s.")
                % {"place": place, "code": code}
            )
        if pk not in self.regions_in_scope:
            raise CellError(self.messages["out_of_scope"])
        return pk

    def _region_by_text(self, text: str) -> int:
        key = _region_key(text)
        pk = self.region_codes.get(key) if key.isdigit() else self.region_paths.get(key)
        if pk is None:
            raise CellError(
                gettext(
                    "No place “%(value)s” was found: give its 12-digit statistical code or its "
                    "full path, e.g. 长葛市/佛耳湖镇/岗李村."
                )
                % {"value": text}
            )
        return pk

    def _anchors(self, value: Any) -> tuple[int, ...]:
        text = _text(value)
        if not text:
            return ()
        found = self.anchor_memo.get(text)
        if found is None:
            names = dict.fromkeys(
                part.strip() for part in RelatedListWidget.SEPARATORS.split(text) if part.strip()
            )
            missing = [name for name in names if name not in self.anchors]
            found = _not_found(Anchor, "、".join(missing)) if missing else tuple(self.anchors[name] for name in names)
            if len(self.anchor_memo) < MEMO_LIMIT:
                self.anchor_memo[text] = found
        if found.__class__ is str:
            raise CellError(found)
        return found

    def _kind(self, value: Any) -> str:
        return self._choice(value, self.kinds, self.default_kind)

    def _unit(self, value: Any) -> str:
        return self._choice(value, self.units, "")

    @staticmethod
    def _choice(value: Any, choices: tuple[dict[str, str], str], default: str) -> str:
        text = _text(value)
        if not text:
            return default
        stored = choices[0].get(text)
        if stored is None:
            raise CellError(
                gettext("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": choices[1]}
            )
        return stored

    def _title(self, value: Any) -> str:
        return self._short_text("title", value)

    def _product_category(self, value: Any) -> str:
        return self._short_text("product_category", value)

    def _short_text(self, name: str, value: Any) -> str:
        text = _text(value)
        if len(text) > self.lengths[name]:
            raise _field_error(Session._meta.get_field(name), text, self.messages["number"])
        return text

    def _orders(self, value: Any) -> int:
        if value.__class__ is str and value.isdigit() and value.isascii():
            number = int(value)
        else:
            decimal = _number(value, self.messages["whole_number"])
            if decimal is None:
                return 0
            if decimal != decimal.to_integral_value():
                raise CellError(self.messages["whole_number"])
            number = int(decimal)
        if not self.orders_min <= number <= self.orders_max:
            raise _field_error(Session._meta.get_field("orders"), number, self.messages["whole_number"])
        return number

    def _sales(self, value: Any) -> Decimal:
        number = self._decimal("sales", value)
        return Decimal(0) if number is None else number

    def _quantity(self, value: Any) -> Decimal | None:
        return self._decimal("quantity", value)

    def _decimal(self, name: str, value: Any) -> Decimal | None:
        """A non-negative Decimal that fits the field's digits, None when blank.

        Trailing zeros beyond the field's decimal places are accepted (``12.500``); any
        other excess is an error, never silently rounded.
        """
        number = _number(value, self.messages["number"])
        if number is None:
            return None
        model_field = Session._meta.get_field(name)
        places = model_field.decimal_places
        if number.as_tuple().exponent < -places:
            rounded = number.quantize(Decimal(1).scaleb(-places)) if number.adjusted() < 30 else None
            if rounded != number:
                raise _field_error(model_field, number, self.messages["number"])
            number = rounded
        if number < 0 or number.adjusted() >= model_field.max_digits - places:
            raise _field_error(model_field, number, self.messages["number"])
        return number

def _not_found(model: type[models.Model], text: str) -> str:
    return gettext("No %(model)s “%(value)s” was found.") % {"model": model._meta.verbose_name, "value": text}


# ---------------------------------------------------------------------------------------
# The import
# ---------------------------------------------------------------------------------------


class _BatchWriter:
    """Inserts sessions, then their anchor links and trail entries, ``batch_size`` sessions
    at a time, with ``bulk_create`` (SQLite in development and tests; see ``_CopyWriter``).
    Use it as a context manager: leaving the block before ``finish`` abandons what is queued."""

    def __init__(self, batch_size: int, trail: CreatedRows):
        self.batch_size = batch_size
        self.trail = trail
        self.rows: list[list[Any]] = []
        self.anchors: list[tuple[int, ...]] = []
        self.numbers: list[int] = []
        self.written = 0

    def __enter__(self) -> "_BatchWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.abandon()

    def abandon(self) -> None:
        """Write nothing more (what was written is rolled back with the transaction)."""
        self.rows, self.anchors, self.numbers = [], [], []

    def add(self, values: list[Any], anchors: tuple[int, ...], number: int) -> None:
        """Queue one valid row: ``values`` in the order of Session's concrete fields, from
        spreadsheet row ``number``."""
        self.rows.append(values)
        self.anchors.append(anchors)
        self.numbers.append(number)
        if len(self.rows) >= self.batch_size:
            self._hand_over()

    def finish(self) -> int:
        """Write what is queued; returns how many sessions were written in all."""
        if self.rows:
            self._hand_over()
        return self.written

    def _hand_over(self) -> None:
        batch = self.rows, self.anchors, self.numbers
        self.rows, self.anchors, self.numbers = [], [], []
        self._write(*batch)

    def _write(self, rows: list[list[Any]], anchors: list[tuple[int, ...]], numbers: list[int]) -> None:
        link = Session.anchors.through
        # Positional arguments again (see SessionRowReader): where the link's two keys go.
        attnames = [model_field.attname for model_field in link._meta.concrete_fields]
        session_position = attnames.index(Session.anchors.field.m2m_column_name())
        anchor_position = attnames.index(Session.anchors.field.m2m_reverse_name())
        # bulk_create sets the new primary keys (RETURNING on PostgreSQL and SQLite).
        sessions = Session.objects.bulk_create([Session(*values) for values in rows])
        links = []
        values: list[Any] = [None] * len(attnames)
        for session, ids in zip(sessions, anchors, strict=True):
            values[session_position] = session.pk
            for anchor in ids:
                values[anchor_position] = anchor
                links.append(link(*values))
        if links:
            link.objects.bulk_create(links, batch_size=self.batch_size)
        self.trail.write(rows, anchors, [session.pk for session in sessions], numbers)
        self.written += len(rows)


class _CopyWriter(_BatchWriter):
    """PostgreSQL: each batch is written with COPY, primary keys reserved ahead, then its
    anchor links, by a second thread while this one reads the next batch.

    The thread writes through this transaction's connection (psycopg2 lets threads share
    one), which this thread leaves alone until ``finish``. psycopg2 lets go of the GIL
    while PostgreSQL inserts, so reading the file and writing it overlap on two cores. The
    foreign keys (the trail entries' too) are checked as each batch goes in rather than all
    at the commit, so that work overlaps too; they are deferred again when the writer is done.
    """

    def __init__(self, batch_size: int, trail: CreatedRows):
        super().__init__(batch_size, trail)
        fields = Session._meta.concrete_fields
        self.columns = [model_field.column for model_field in fields]
        self.pk_position = next(position for position, model_field in enumerate(fields) if model_field.primary_key)
        field = Session.anchors.field
        self.link_columns = [field.m2m_column_name(), field.m2m_reverse_name()]
        with connection.cursor() as cursor:
            names = [name for model in (Session, Session.anchors.through, LogEntry)
                     for name, constraint in connection.introspection.get_constraints(cursor, model._meta.db_table)
                     .items() if constraint["foreign_key"]]
            self.constraints = ", ".join(connection.ops.quote_name(name) for name in sorted(names))
            cursor.execute(f"SET CONSTRAINTS {self.constraints} IMMEDIATE")
        self.connection = connection.connection
        self.batches: queue.Queue = queue.Queue(maxsize=1)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="session-import-copy", daemon=True)
        self.thread.start()

    def abandon(self) -> None:
        super().abandon()
        self._stop()

    def finish(self) -> int:
        if self.rows:
            self._hand_over()
        self._stop()
        if self.failure is not None:
            raise self.failure
        return self.written

    def _hand_over(self) -> None:
        if self.failure is not None:
            raise self.failure
        rows, anchors, numbers = self.rows, self.anchors, self.numbers
        self.rows, self.anchors, self.numbers = [], [], []
        # The trail's entries are made here, while the thread still writes the batch before.
        self.batches.put((rows, anchors, self.trail.prepare(rows, anchors, numbers)))  # waits for that batch

    def _stop(self) -> None:
        if self.thread.is_alive():
            self.batches.put(None)
            self.thread.join()
            if self.failure is None:
                with connection.cursor() as cursor:
                    cursor.execute(f"SET CONSTRAINTS {self.constraints} DEFERRED")

    def _run(self) -> None:
        cursor = self.connection.cursor()
        try:
            while (batch := self.batches.get()) is not None:
                if self.failure is None:
                    try:
                        with connection.wrap_database_errors:
                            self._copy(cursor, *batch)
                    except BaseException as error:  # noqa: BLE001 - raised again in the reading thread
                        self.failure = error
        finally:
            cursor.close()

    def _copy(self, cursor, rows: list[list[Any]], anchors: list[tuple[int, ...]], trail: list[str]) -> None:
        ids = reserve_ids(Session, len(rows), cursor=cursor)
        for values, pk in zip(rows, ids, strict=True):
            values[self.pk_position] = pk
        copy_rows(Session, self.columns, rows, cursor=cursor)
        links = [(pk, anchor) for pk, row_anchors in zip(ids, anchors, strict=True) for anchor in row_anchors]
        if links:
            copy_rows(Session.anchors.through, self.link_columns, links, cursor=cursor)
        self.trail.copy(trail, ids, cursor=cursor)
        self.written += len(rows)


def _is_blank(row: Sequence[Any]) -> bool:
    return all(cell is None or (cell.__class__ is str and not cell.strip()) for cell in row)


def session_bulk_import(*, user: User, data: bytes, file_format: SpreadsheetFormat, dry_run: bool,
                        batch_size: int = DEFAULT_BATCH_SIZE, file_name: str = "") -> BulkImportResult:
    """Import the livestream sessions in ``data``, a ``file_format`` file named
    ``file_name``, as ``user``.

    All or nothing: every row is checked, and if any is invalid (or on a dry run) nothing
    is written. Each session written has its trail entry, naming the file and the row.
    Returns what was found and done. Raises ImportFileRejected if the file is refused by
    the format's upload checks, cannot be read, has no rows, or lacks a required column.
    """
    file_format.check_upload(data)
    result = BulkImportResult(dry_run=dry_run)
    with audit_context(via=IMPORT, file=file_name, actor=user), \
            contextlib.closing(spreadsheet_rows(file_format, data)) as rows, transaction.atomic():
        header = next(rows, None)
        if header is None:
            raise ImportFileRejected(gettext("The file is empty."), code="empty")
        reader = SessionRowReader(user=user, header=header)
        writer = None if dry_run else (_CopyWriter if supports_copy() else _BatchWriter)(
            batch_size, CreatedRows(Session, positions=reader.positions, describe=reader.describe,
                                    m2m=("anchors", {pk: name for name, pk in reader.anchors.items()})))
        with writer or contextlib.nullcontext():
            for number, row in enumerate(rows, start=2):
                if _is_blank(row):
                    continue  # a blank row in the middle keeps the numbering of the rest
                result.total += 1
                values, anchors, errors = reader.read(row)
                if errors:
                    for column, message in errors:
                        result.add_error(number, column, message)
                    if writer is not None:
                        # Nothing will be kept: stop writing rows, go on finding errors.
                        writer.abandon()
                        writer = None
                elif writer is not None:
                    writer.add(values, anchors, number)
            if writer is not None and result.total:
                result.created = writer.finish()
        if not result.total:
            raise ImportFileRejected(gettext("The file is empty."), code="empty")
        if writer is None:
            transaction.set_rollback(True)
        else:
            records_written.send(sender=Session, count=result.created)
    return result


# ---------------------------------------------------------------------------------------
# The admin: upload, preview (a dry run), confirm
# ---------------------------------------------------------------------------------------

#: Where an upload waits between the preview and the confirm step (default storage).
UPLOAD_FOLDER = "import-tmp"
#: Uploads never confirmed are removed after this long.
UPLOAD_MAX_AGE = timedelta(days=1)
TOKEN_PATTERN = r"^[0-9a-f]{32}$"


def upload_keep(*, user: User, data: bytes) -> str:
    """Keep ``data`` for ``user``'s confirm step; returns the random token naming it."""
    _uploads_sweep()
    token = secrets.token_hex(16)
    default_storage.save(_upload_name(user, token), ContentFile(data))
    return token


def upload_take(*, user: User, token: str) -> bytes | None:
    """The upload ``user`` kept under ``token``, removed from storage; None if gone."""
    name = _upload_name(user, token)
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as file:
        data = file.read()
    default_storage.delete(name)
    return data


def _upload_name(user: User, token: str) -> str:
    # Built here from the user and a checked token, never from a path the browser sent;
    # the user's id keeps one user from confirming another's upload.
    if not re.fullmatch(TOKEN_PATTERN, token):
        raise ValueError("invalid upload token")
    return f"{UPLOAD_FOLDER}/session-{user.pk}-{token}"


def _uploads_sweep() -> None:
    try:
        _folders, names = default_storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - UPLOAD_MAX_AGE
    for name in names:
        path = f"{UPLOAD_FOLDER}/{name}"
        with contextlib.suppress(FileNotFoundError):  # another request may have taken it
            if name.startswith("session-") and default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)


class SessionImportConfirmForm(forms.Form):
    """The confirm step: which kept upload to import, and its format."""

    token = forms.RegexField(regex=TOKEN_PATTERN, widget=forms.HiddenInput)
    format = forms.TypedChoiceField(coerce=int, choices=(), widget=forms.HiddenInput)
    file_name = forms.CharField(max_length=255, required=False, widget=forms.HiddenInput)

    def __init__(self, formats: Sequence[type[SpreadsheetFormat]], **kwargs):
        super().__init__(**kwargs)
        self.fields["format"].choices = [(index, index) for index in range(len(formats))]


class SessionBulkImportAdminMixin:
    """The sessions admin's import, through ``session_bulk_import`` instead of a resource.

    Put it first in the bases of an ``ImportExportModelAdmin`` with
    ``ScopedImportExportMixin``: it replaces the views behind the change list's import
    button (``admin:<app>_<model>_import`` and ``…_process_import``). Both need the import
    permission. Step 1 uploads a file and shows every error or the number of valid rows;
    step 2 imports the kept upload and returns to the change list.
    """

    bulk_import_template = "admin/livestream/session/bulk_import.html"

    def import_action(self, request: HttpRequest, **kwargs) -> HttpResponse:
        """Upload and dry run; shows the errors, or a confirm button when every row is valid."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        formats = self.get_import_formats()
        form = SpreadsheetImportForm(
            formats, self.get_import_resource_classes(request),
            data=request.POST or None, files=request.FILES or None,
        )
        context: dict[str, Any] = {"form": form}
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            index = int(form.cleaned_data["format"])
            data = upload.read()
            try:
                result = session_bulk_import(user=request.user, data=data, file_format=formats[index](), dry_run=True,
                                             file_name=upload.name)
            except ImportFileRejected as error:
                form.add_error("import_file", error.as_validation_error())
            else:
                context["result"] = result
                if result.ok:
                    context["confirm_form"] = SessionImportConfirmForm(formats, initial={
                        "token": upload_keep(user=request.user, data=data), "format": index,
                        "file_name": upload.name,
                    })
        return self._bulk_import_page(request, context)

    @method_decorator(require_POST)
    def process_import(self, request: HttpRequest, **kwargs) -> HttpResponse:
        """Import the upload kept at the preview; back to the change list when done, else
        the upload page with the reason."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        formats = self.get_import_formats()
        context: dict[str, Any] = {"form": SpreadsheetImportForm(formats, self.get_import_resource_classes(request))}
        confirm_form = SessionImportConfirmForm(formats, data=request.POST)
        data = None
        if confirm_form.is_valid():
            data = upload_take(user=request.user, token=confirm_form.cleaned_data["token"])
        if data is None:
            context["refusal"] = gettext("The uploaded file is no longer available; upload it again.")
            return self._bulk_import_page(request, context)
        file_format = formats[confirm_form.cleaned_data["format"]]()
        try:
            result = session_bulk_import(user=request.user, data=data, file_format=file_format, dry_run=False,
                                         file_name=confirm_form.cleaned_data["file_name"])
        except ImportFileRejected as error:
            context["refusal"] = error.message
            return self._bulk_import_page(request, context)
        if not result.ok:
            # A row changed meaning since the preview (a platform renamed, say).
            return self._bulk_import_page(request, {**context, "result": result})
        messages.success(request, ngettext(
            "Imported %(count)d livestream session.", "Imported %(count)d livestream sessions.", result.created,
        ) % {"count": result.created})
        app_label, model_name = self.get_model_info()
        return HttpResponseRedirect(
            reverse(f"admin:{app_label}_{model_name}_changelist", current_app=self.admin_site.name)
        )

    def _bulk_import_page(self, request: HttpRequest, context: dict[str, Any]) -> TemplateResponse:
        opts = self.model._meta
        form = context["form"]
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.bulk_import_template], {
            **self.admin_site.each_context(request),
            "title": gettext("Import %(name)s") % {"name": opts.verbose_name_plural},
            "opts": opts,
            "media": self.media + form.media,
            "columns": [str(opts.get_field(name).verbose_name) for name in COLUMNS],
            "required_columns": [str(opts.get_field(name).verbose_name) for name in REQUIRED_COLUMNS],
            **context,
        })
