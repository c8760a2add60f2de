"""The one way every registry imports and exports spreadsheets (.xlsx and .csv).

A registry declares a resource that subclasses ``Resource`` and names its services; its
ModelAdmin adds ``ScopedImportExportMixin``. Everything else is shared:

* Column headers are the model fields' verbose names in the active language, and a file
  exported in one language re-imports in the other, so an exported file always
  re-imports unchanged.
* Places are written as ``长葛市/佛耳湖镇/岗李村`` and read by that path (with or without
  ``许昌市/``) or by the 12-digit statistical code; choices by their label or stored value;
  other related rows by a natural field such as a title, among the rows the acting user
  may see (another county's record is as unknown as a missing one). Nothing is created
  on the fly.
* Every row is validated and written by the app's services as the acting user, inside one
  transaction: if any row is invalid, nothing is written, and every bad row is reported
  by its spreadsheet row number (the header is row 1) and its column.
* Uploads are checked before parsing: size, that the content is what the extension says,
  and the unpacked size of an .xlsx (zip bombs). CSV encoding is detected (UTF-8 with or
  without BOM, else GB18030, which is what Chinese Excel saves).
* Exports neutralise spreadsheet formulas with a leading ``'``; imports remove it again.
"""
import codecs
import csv
import io
import os
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import tablib
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.db import models
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.fields import Field
from import_export.formats import base_formats
from import_export.forms import ImportForm, SelectableFieldsExportForm
from import_export.results import Result, RowResult

from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.accounts.validators import normalise_uscc
from xuchang_ecom.audit.context import IMPORT, audit_context
from xuchang_ecom.common.models import field_label
from xuchang_ecom.records.services import check_in_scope, visible_rows
from xuchang_ecom.regions.models import Region
from xuchang_ecom.regions.selectors import region_find

# Cells starting with one of these are formulas (or become one) in Excel and LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_PREFIX = "'"
# The errors a failed confirm step lists, one message each, before saying how many more.
CONFIRM_MESSAGES = 50
# A 12-digit code column beside a place column: either identifies the place.
REGION_CODE_COLUMN = Region._meta.get_field("code").verbose_name

# django-import-export's messages that its own zh_Hans catalogue leaves untranslated or
# garbles ("某些行验数据证失败"): named here so that makemessages keeps them in ours, which
# LOCALE_PATHS puts before the apps' catalogues. Its templates' strings are in our
# overrides in templates/admin/import_export/.
VENDORED_MESSAGES = (
    gettext_noop("%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct "
                 "format for the file."),
    gettext_noop("No valid data to import. Ensure your file has the correct headers or data for import."),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop("Value could not be parsed."),
    gettext_noop("Resource"),
)


class ImportFileRejected(ValueError):
    """An upload refused before parsing; the message is for the person who uploaded it.

    ``code`` names the reason (``too_large``, ``wrong_extension``, ``not_csv``,
    ``unknown_encoding``, ``not_xlsx``, ``unpacks_too_large``, ``unreadable``, ``empty``,
    ``duplicate_column``) for code that must not depend on the wording.
    """

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    def as_validation_error(self) -> ValidationError:
        return ValidationError(self.message, code=self.code)


# ---------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------


def escape_formula(value: Any) -> Any:
    """Return ``value`` with a ``'`` in front if a spreadsheet would read it as a formula.

    Text already starting with ``'`` is prefixed too, so ``unescape_formula`` gives back
    exactly what was exported.
    """
    if isinstance(value, str) and value.startswith((*FORMULA_TRIGGERS, TEXT_PREFIX)):
        return TEXT_PREFIX + value
    return value


def unescape_formula(value: Any) -> Any:
    """Return ``value`` without the ``'`` that ``escape_formula`` added (other text as is)."""
    if (
        isinstance(value, str)
        and value.startswith(TEXT_PREFIX)
        and value[1:].startswith((*FORMULA_TRIGGERS, TEXT_PREFIX))
    ):
        return value[1:]
    return value


def cell_text(value: Any) -> str:
    """The cell as trimmed text; whole floats (Excel's numbers) lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def in_every_language(text) -> set[str]:
    """``text`` (a lazy translation) rendered in the active and every configured language."""
    rendered = {str(text)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            rendered.add(str(text))
    return rendered


# ---------------------------------------------------------------------------------------
# Formats: upload checks, encoding detection, formula escaping
# ---------------------------------------------------------------------------------------


class SpreadsheetFormat(base_formats.TablibFormat):
    """A format that checks an upload before parsing it and escapes formulas on export.

    Subclasses implement ``check_content`` (raise ``ImportFileRejected``), ``read_rows``
    (header row first) and ``write``.
    """

    #: Whether exports keep numbers as numbers (spreadsheets) or render them as text.
    native_types = False

    def is_binary(self) -> bool:
        # The admin's temporary storage then hands over raw bytes, so the format itself
        # can detect the encoding.
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def check_size(self, size: int) -> None:
        """Raise ImportFileRejected if an upload of ``size`` bytes is over the limit."""
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if size > limit:
            raise ImportFileRejected(
                gettext("The file is %(size)s; files over %(limit)s are not accepted.")
                % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
                code="too_large",
            )

    def check_upload(self, data: bytes) -> None:
        """Raise ImportFileRejected unless ``data`` may be parsed as this format."""
        self.check_size(len(data))
        self.check_content(data)

    def check_content(self, data: bytes) -> None:
        raise NotImplementedError

    def read_rows(self, data: bytes) -> list[list[Any]]:
        raise NotImplementedError

    def write(self, headers: list[str], rows: list[list[Any]]) -> bytes:
        raise NotImplementedError

    def create_dataset(self, in_stream, **kwargs) -> tablib.Dataset:
        """Check and parse an upload into a Dataset; raises ImportFileRejected."""
        data = in_stream.encode("utf-8") if isinstance(in_stream, str) else bytes(in_stream)
        self.check_upload(data)
        rows = self.read_rows(data)
        if not rows:
            raise ImportFileRejected(gettext("The file is empty."), code="empty")
        headers = [cell_text(cell) for cell in rows[0]]
        while headers and not headers[-1]:
            headers.pop()
        seen: set[str] = set()
        for header in headers:
            if header and header in seen:
                raise ImportFileRejected(
                    gettext("The column “%(column)s” appears twice.") % {"column": header},
                    code="duplicate_column",
                )
            seen.add(header)
        body = [_fit(row, len(headers)) for row in rows[1:]]
        # Trailing blank rows only: a blank row in the middle is skipped by the resource,
        # so the row numbers reported stay those of the spreadsheet.
        while body and all(cell_text(cell) == "" for cell in body[-1]):
            body.pop()
        dataset = tablib.Dataset(headers=headers)
        for row in body:
            dataset.append([unescape_formula(cell) for cell in row])
        return dataset

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> bytes:
        """The dataset as file content, with formula-like text escaped."""
        rows = [[escape_formula(cell) for cell in row] for row in dataset]
        return self.write([str(header) for header in dataset.headers or []], rows)


class CSV(SpreadsheetFormat, base_formats.CSV):
    """Comma-separated text in UTF-8 (with or without BOM), GB18030/GBK, or UTF-16 with its
    BOM; tab-separated too, as Excel's "Unicode text" saves it."""

    # Magic numbers of files people save as .csv by mistake: zip (.xlsx), OLE (.xls), PDF.
    BINARY_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")
    UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

    def check_content(self, data: bytes) -> None:
        text_with_nul = b"\x00" in data and not data.startswith(self.UTF16_BOMS)
        if data.startswith(self.BINARY_SIGNATURES) or text_with_nul:
            raise ImportFileRejected(
                gettext("This is not a CSV text file. Save it from Excel as “CSV (逗号分隔)”."),
                code="not_csv",
            )
        self.decode(data)

    @staticmethod
    def decode(data: bytes) -> str:
        """The text of ``data``: UTF-16 when it starts with a UTF-16 BOM, else UTF-8 with or
        without BOM, else GB18030 (a superset of GBK).

        Raises ImportFileRejected if it is none of them.
        """
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8):]
        encodings = ("utf-16",) if data.startswith(CSV.UTF16_BOMS) else ("utf-8", "gb18030")
        for encoding in encodings:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" in text:
                # No database column can keep it, and no spreadsheet writes it in text.
                raise ImportFileRejected(gettext("The file contains a NUL character, which no text cell can hold; "
                                                 "save it again from Excel."), code="nul")
            return text
        raise ImportFileRejected(
            gettext("The text encoding of this CSV file is not recognised; save it as UTF-8."),
            code="unknown_encoding",
        )

    @staticmethod
    def delimiter(text: str) -> str:
        """A tab when the header line has tabs and no comma (Excel's "Unicode text"), else a comma."""
        header = text[:text.find("\n")] if "\n" in text else text
        return "\t" if "\t" in header and "," not in header else ","

    def read_rows(self, data: bytes) -> list[list[Any]]:
        text = self.decode(data)
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter(text)))

    def write(self, headers: list[str], rows: list[list[Any]]) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
        # The BOM makes Excel open UTF-8 instead of guessing the system code page (GBK).
        return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


class XLSX(SpreadsheetFormat, base_formats.XLSX):
    """Excel 2007+ workbooks; the first sheet is read."""

    native_types = True
    # Parts every OOXML spreadsheet package has.
    REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")

    def check_content(self, data: bytes) -> None:
        not_xlsx = ImportFileRejected(
            gettext(
                "This is not an Excel .xlsx workbook. Save it from Excel as “Excel 工作簿 (*.xlsx)”."
            ),
            code="not_xlsx",
        )
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
            raise not_xlsx from error
        names = {member.filename for member in members}
        if not all(name in names for name in self.REQUIRED_MEMBERS):
            raise not_xlsx
        # The declared sizes bound what zipfile will inflate (it stops there and checks
        # the CRC), so summing them is enough to refuse a zip bomb before opening it.
        unpacked = sum(member.file_size for member in members)
        limit = settings.IMPORT_MAX_XLSX_UNPACKED_BYTES
        if unpacked > limit:
            raise ImportFileRejected(
                gettext(
                    "The workbook unpacks to %(size)s, more than the %(limit)s allowed. "
                    "Split it into smaller files."
                )
                % {"size": filesizeformat(unpacked), "limit": filesizeformat(limit)},
                code="unpacks_too_large",
            )

    def read_rows(self, data: bytes) -> list[list[Any]]:
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:
            # openpyxl raises many kinds of errors on damaged packages; to the uploader
            # they all mean the same thing.
            raise ImportFileRejected(
                gettext("The workbook could not be read; open it in Excel and save it again."),
                code="unreadable",
            ) from error
        try:
            sheet = workbook.worksheets[0] if workbook.worksheets else None
            if sheet is None:
                return []
            # The declared dimension may claim every column; read only the cells present.
            sheet.reset_dimensions()
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()

    def write(self, headers: list[str], rows: list[list[Any]]) -> bytes:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        def clean(cell: Any) -> Any:
            # Control characters cannot be stored in .xlsx at all.
            if isinstance(cell, str):
                return ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", cell)
            return cell

        dataset = tablib.Dataset(headers=headers)
        for row in rows:
            dataset.append([clean(cell) for cell in row])
        return dataset.export("xlsx")


def _fit(row: list[Any], width: int) -> list[Any]:
    return (list(row) + [None] * width)[:width]


def configured_formats() -> list[type[SpreadsheetFormat]]:
    """The formats ``settings.IMPORT_EXPORT_FORMATS`` names (dotted paths or classes).

    Raises ImproperlyConfigured for a format without the upload checks.
    """
    formats = []
    for entry in settings.IMPORT_EXPORT_FORMATS:
        format_class = import_string(entry) if isinstance(entry, str) else entry
        if not (isinstance(format_class, type) and issubclass(format_class, SpreadsheetFormat)):
            raise ImproperlyConfigured(
                f"IMPORT_EXPORT_FORMATS must list subclasses of {__name__}.SpreadsheetFormat, "
                f"not {entry!r}: only they check uploads before parsing."
            )
        formats.append(format_class)
    return formats


# ---------------------------------------------------------------------------------------
# Widgets: one cell <-> one value
# ---------------------------------------------------------------------------------------


class TextWidget(widgets.CharWidget):
    """Text, trimmed as the admin's forms trim it."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        return text.strip() if isinstance(text, str) else text


class WholeNumberWidget(widgets.IntegerWidget):
    """Integers; ``1,234`` and Excel's ``2020.0`` are accepted, ``2020.5`` is not."""

    message = _("Enter a whole number.")

    def clean(self, value, row=None, **kwargs):
        number = _parse_number(value, self.message)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValueError(str(self.message))
        return int(number)


class DecimalNumberWidget(widgets.DecimalWidget):
    """Decimals; ``1,234.50`` is accepted."""

    message = _("Enter a number.")

    def clean(self, value, row=None, **kwargs):
        return _parse_number(value, self.message)


def _parse_number(value: Any, message) -> Decimal | None:
    """The cell as a Decimal, None when blank; raises ValueError(message) otherwise."""
    text = cell_text(value).replace(",", "").replace("，", "").replace(" ", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(str(message)) from None
    # Refuse NaN, infinities and absurd magnitudes before anything converts them.
    if not number.is_finite() or number.adjusted() > 30:
        raise ValueError(str(message))
    return number


class DateCellWidget(widgets.DateWidget):
    """Dates: Excel's date cells, ``2021-05-01``, and ``2021/5/1`` or ``2021年5月1日`` as
    Chinese Excel writes them to CSV. Written as ``2021-05-01``."""

    message = _("Enter a date such as 2021-05-01.")
    INPUT_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")

    def __init__(self, **kwargs):
        super().__init__(format=None, **kwargs)
        self.formats = self.INPUT_FORMATS

    def clean(self, value, row=None, **kwargs) -> date | None:
        # Spreadsheet date cells arrive as datetimes (a datetime is also a date).
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value)
        if not text:
            return None
        try:
            return super().clean(text, row, **kwargs)
        except ValueError:
            raise ValueError(str(self.message)) from None


class ChoiceWidget(widgets.Widget):
    """A choice, written as its label; its label in any language or its stored value is read."""

    def __init__(self, choices, empty: Any = "", **kwargs):
        self.choices = list(choices)
        self.empty = empty
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return self.empty
        for stored, label in self.choices:
            if text == str(stored) or text in in_every_language(label):
                return stored
        raise ValueError(
            gettext("“%(value)s” is not one of: %(choices)s.")
            % {"value": text, "choices": "、".join(str(label) for _stored, label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        for stored, label in self.choices:
            if stored == value:
                return str(label)
        return "" if value is None else str(value)


class RegionWidget(widgets.Widget):
    """A place: written as ``长葛市/佛耳湖镇/岗李村``; read by path or 12-digit code.

    When the row also has the statistical-code column, a blank place is taken from it, and
    a place that disagrees with it is an error.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # A resource's fields are copied per instance, so this lives for one import:
        # a file names the same few places on thousands of rows.
        self._found: dict[str, Region | None] = {}

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        code = cell_text((row or {}).get(str(REGION_CODE_COLUMN)))
        if not text and not code:
            return None
        region = self._region_or_error(text or code)
        if text and code and self._region_or_error(code) != region:
            raise ValueError(
                gettext("The place “%(place)s” does not have the statistical code %(code)s.")
                % {"place": text, "code": code}
            )
        return region

    def render(self, value, obj=None, **kwargs):
        return value.display_path if value is not None else ""

    def _region_or_error(self, value: str) -> Region:
        if value not in self._found:
            self._found[value] = region_find(value=value)
        region = self._found[value]
        if region is None:
            raise ValueError(
                gettext(
                    "No place “%(value)s” was found: give its 12-digit statistical code or its "
                    "full path, e.g. 长葛市/佛耳湖镇/岗李村."
                )
                % {"value": value}
            )
        return region


class RelatedWidget(widgets.ForeignKeyWidget):
    """A related row by a natural field (e.g. a source report by its title); never created.

    Looked up among the rows ``user`` may see (``Resource`` sets it): a row of another
    county gets the "not found" message a missing one gets.
    """

    def __init__(self, model, field="pk", **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.user = None
        self._found: dict[str, models.Model] = {}  # for one import, as RegionWidget's

    def get_queryset(self, value, row, *args, **kwargs):
        return visible_rows(self.model, self.user)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        try:
            if text not in self._found:
                self._found[text] = super().clean(text, row, **kwargs)
            return self._found[text]
        except self.model.DoesNotExist:
            raise ValueError(
                gettext("No %(model)s “%(value)s” was found.")
                % {"model": self.model._meta.verbose_name, "value": text}
            ) from None
        except self.model.MultipleObjectsReturned:
            # Natural fields such as an organisation's name need not be unique.
            raise ValueError(
                gettext("More than one %(model)s “%(value)s” was found; tell them apart in the registry first.")
                % {"model": self.model._meta.verbose_name, "value": text}
            ) from None

    def render(self, value, obj=None, **kwargs):
        rendered = super().render(value, **kwargs)
        return "" if rendered is None else rendered


class RelatedListWidget(widgets.ManyToManyWidget):
    """Several related rows by a natural field, written ``淘宝直播、抖音``; never created.

    ``、``, ``,``, ``，``, ``;``, ``；`` and line breaks all separate items, as people type
    any of them. ``clean`` returns the rows in the cell's order (an empty list for a blank
    cell) and raises ValueError naming every item not found, looked up among the rows
    ``user`` may see as ``RelatedWidget`` does.
    """

    SEPARATORS = re.compile(r"[、,，;；\r\n]")

    def __init__(self, model, field: str = "name", **kwargs):
        super().__init__(model, separator="、", field=field, **kwargs)
        self.user = None
        self._found: dict[str, models.Model] = {}  # for one import, as RegionWidget's

    def clean(self, value, row=None, **kwargs) -> list[models.Model]:
        names = list(dict.fromkeys(
            part.strip() for part in self.SEPARATORS.split(cell_text(value)) if part.strip()
        ))
        if not names:
            return []
        found = self._found
        if unknown := [name for name in names if name not in found]:
            found.update(
                (str(getattr(item, self.field)), item)
                for item in visible_rows(self.model, self.user).filter(**{f"{self.field}__in": unknown})
            )
        missing = [name for name in names if name not in found]
        if missing:
            raise ValueError(
                gettext("No %(model)s “%(value)s” was found.")
                % {"model": self.model._meta.verbose_name, "value": "、".join(missing)}
            )
        return [found[name] for name in names]

    def render(self, value, obj=None, **kwargs) -> str:
        """The items' names, sorted, so equal sets render equally; ``value`` may be a
        related manager, a QuerySet or a list."""
        if value is None:
            return ""
        items = value.all() if hasattr(value, "all") else value
        return self.separator.join(sorted(str(getattr(item, self.field)) for item in items))


# ---------------------------------------------------------------------------------------
# Columns and results
# ---------------------------------------------------------------------------------------


class Column(Field):
    """A resource field whose header is a (lazy) verbose name, rendered when asked."""

    @property
    def column_name(self) -> str | None:
        return None if self._label is None else str(self._label)

    @column_name.setter
    def column_name(self, value) -> None:
        self._label = value

    def headers(self) -> set[str]:
        """The header in every configured language (a file may come from either)."""
        return in_every_language(self._label) if self._label is not None else set()


def region_code_column(attribute: str) -> Column:
    """An export-only column with the statistical code of the place in ``attribute``.

    On import the place column's widget reads it (see ``RegionWidget``).
    """
    return Column(
        attribute=f"{attribute}__code", column_name=REGION_CODE_COLUMN,
        widget=TextWidget(), readonly=True,
    )


class SpreadsheetResult(Result):
    """Import results numbered as the spreadsheet numbers rows: the header is row 1."""

    HEADER_ROWS = 1

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + self.HEADER_ROWS, row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(number + self.HEADER_ROWS, row, errors)

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


def row_message(row: int, column: str, message) -> str:
    if column == NON_FIELD_ERRORS:
        return gettext("Row %(row)s: %(message)s") % {"row": row, "message": message}
    return gettext("Row %(row)s, %(column)s: %(message)s") % {
        "row": row, "column": column, "message": message,
    }


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

    @classmethod
    def get_result_class(cls):
        return SpreadsheetResult

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        """Import ``dataset`` all or nothing: one invalid row and no row is written.

        Returns a ``SpreadsheetResult``.
        """
        self._file_refused = False
        return super().import_data(
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True,
            collect_failed_rows=collect_failed_rows, rollback_on_validation_errors=True,
            **kwargs,
        )

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
                           row=None if number is None else number + SpreadsheetResult.HEADER_ROWS):
            row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.validation_error is not None:
            row_result.validation_error = self._by_column(row_result.validation_error)
        return row_result

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


# ---------------------------------------------------------------------------------------
# The admin
# ---------------------------------------------------------------------------------------


class SpreadsheetImportForm(ImportForm):
    """The admin's upload form, refusing files that fail the format's checks."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        self.fields["import_file"].help_text = gettext(
            "An .xlsx or .csv file of at most %(limit)s whose first row holds the column "
            "headers, as in an exported file."
        ) % {"limit": filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES)}

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("import_file")
        index = cleaned_data.get("format")
        if upload is None or index in (None, ""):
            return cleaned_data
        file_format = self.formats[int(index)]()
        extension = os.path.splitext(upload.name)[1].lower().lstrip(".")
        try:
            if extension != file_format.get_extension():
                raise ImportFileRejected(
                    gettext("The file name ends in “.%(extension)s” but the format chosen is "
                            "%(format)s.")
                    % {"extension": extension, "format": file_format.get_title()},
                    code="wrong_extension",
                )
            # Checked before the content is read at all.
            file_format.check_size(upload.size)
            file_format.check_content(upload.read())
        except ImportFileRejected as error:
            self.add_error("import_file", error.as_validation_error())
        finally:
            upload.seek(0)
        return cleaned_data


class SpreadsheetExportForm(SelectableFieldsExportForm):
    """The admin's export form, labelling each column checkbox with its header alone.

    The format starts on the first configured one (.xlsx, what staff open in Excel)
    rather than on an empty choice; a form posted without one says what is missing."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        field = self.fields["format"]
        field.choices = [choice for choice in field.choices if choice[0] != ""]
        field.initial = "0"
        field.error_messages["required"] = gettext("Choose the file format to export, e.g. Excel (.xlsx).")

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return field.column_name if field is not None else field_name


class ScopedImportExportMixin:
    """Import and export for a registry's admin; put it before ``ImportExportModelAdmin``.

    The resource gets the acting user; the import needs the ``import_<model>`` permission
    and the export ``export_<model>``; the export lists ``get_queryset`` (scoped by
    ``ScopedAdminMixin``). A preview lists every bad row, and the confirm step writes
    nothing if any row fails. A registry's own change-list template extends
    ``admin/import_export/change_list_import_export.html``.
    """

    import_form_class = SpreadsheetImportForm
    export_form_class = SpreadsheetExportForm

    @property
    def formats(self):
        return configured_formats()

    def init_change_list_template(self):
        super().init_change_list_template()
        if self.ie_base_change_list_template != "admin/change_list.html":
            # The registry's template already extends import-export's; using it as the
            # base as well would make it extend itself.
            self.change_list_template = self.ie_base_change_list_template
            self.ie_base_change_list_template = "admin/change_list.html"

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user}

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileRejected):
            form.add_error("import_file", e.as_validation_error())
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_result(self, result, request):
        """Report a failed confirm step (nothing was written) or finish as usual."""
        if result.has_errors() or result.has_validation_errors():
            messages.error(request, gettext("Nothing was imported: the file has errors."))
            lines = result.messages()
            for line in lines[:CONFIRM_MESSAGES]:
                messages.error(request, line)
            if len(lines) > CONFIRM_MESSAGES:
                left = len(lines) - CONFIRM_MESSAGES
                messages.error(request, ngettext("…and %(count)d more error.", "…and %(count)d more errors.", left)
                               % {"count": left})
            app_label, model_name = self.get_model_info()
            return HttpResponseRedirect(
                reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)
            )
        return super().process_result(result, request)

    def export_action(self, request):
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            # The export lists the change list's filters: a value they refuse ("²" for a
            # county, a year of 30 digits) is answered as the change list answers it.
            app_label, model_name = self.get_model_info()
            changelist = reverse(f"admin:{app_label}_{model_name}_changelist", current_app=self.admin_site.name)
            return HttpResponseRedirect(f"{changelist}?{ERROR_FLAG}=1")

    def get_export_filename(self, request, queryset, file_format) -> str:
        """``淘宝村/淘宝镇认定-2026-12-01.xlsx``: the registry's name as staff read it and
        today's date where the bureau is; a ``/`` in the name would start a folder."""
        name = str(self.model._meta.verbose_name_plural).replace("/", "、")
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        response = super()._do_file_export(file_format, request, queryset, export_form=export_form)
        response["Content-Disposition"] = export_disposition(
            self.get_export_filename(request, queryset, file_format),
            fallback=f"{self.model._meta.model_name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}",
        )
        return response

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """The export file's bytes; raises PermissionDenied without the export permission."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        # Upstream keeps native types only for its own XLSX class, not for subclasses.
        kwargs["force_native_type"] = getattr(file_format, "native_types", False)
        data = self.get_data_for_export(request, queryset, **kwargs)
        return file_format.export_data(data)


def export_disposition(filename: str, *, fallback: str) -> str:
    """A download's ``Content-Disposition``: ``filename`` as RFC 5987 ``filename*`` (UTF-8)
    for today's browsers and the ASCII ``fallback`` as ``filename`` for older clients."""
    header = content_disposition_header(as_attachment=True, filename=filename)
    if "filename*=" not in header:
        return header  # an ASCII name needs no fallback
    return f'attachment; filename="{fallback}"; {header.removeprefix("attachment; ")}'
