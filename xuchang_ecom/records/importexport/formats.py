"""Reading and writing the spreadsheet formats, .csv and .xlsx.

A format checks an upload (``uploads``) before parsing it, reads it into a ``tablib``
Dataset with its header row and without the ``'`` an export put before formula-like text,
and writes an export with that ``'`` (``cells``). CSV encoding is detected (UTF-8 with or
without BOM, UTF-16 with its BOM, else GB18030, which is what Chinese Excel saves) and
exports are written as UTF-8 with a BOM so Excel opens them right. ``IMPORT_EXPORT_FORMATS``
names these classes; ``configured_formats`` returns them.
"""
import codecs
import csv
import io
from typing import Any

import tablib
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from import_export.formats import base_formats

from xuchang_ecom.records.importexport.cells import cell_text, escape_formula, unescape_formula
from xuchang_ecom.records.importexport.uploads import (
    UTF16_BOMS,
    ImportFileRejected,
    check_csv_text,
    check_upload_size,
    check_xlsx_package,
)


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
        check_upload_size(size)

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

    def check_content(self, data: bytes) -> None:
        check_csv_text(data)
        self.decode(data)

    @staticmethod
    def decode(data: bytes) -> str:
        """The text of ``data``: UTF-16 when it starts with a UTF-16 BOM, else UTF-8 with or
        without BOM, else GB18030 (a superset of GBK).

        Raises ImportFileRejected if it is none of them.
        """
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8):]
        encodings = ("utf-16",) if data.startswith(UTF16_BOMS) else ("utf-8", "gb18030")
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

    def check_content(self, data: bytes) -> None:
        check_xlsx_package(data)

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
