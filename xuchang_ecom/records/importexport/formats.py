"""Reading and writing the spreadsheet formats, .csv and .xlsx.

A format checks an upload (``uploads``) before parsing it, reads it row by row
(``reading``) into a ``tablib`` Dataset with its header row, without blank rows and without
the ``'`` an export put before formula-like text, and writes an export with that ``'``
(``cells``). Exports are written as UTF-8 with a BOM so Excel opens them right.
``IMPORT_EXPORT_FORMATS`` names these classes; ``configured_formats`` returns them.
"""
import codecs
import contextlib
import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

import tablib
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from import_export.formats import base_formats

from xuchang_ecom.records.importexport.cells import cell_text, escape_formula, unescape_formula
from xuchang_ecom.records.importexport.reading import csv_rows, csv_text, is_blank, numbered_rows, xlsx_rows
from xuchang_ecom.records.importexport.uploads import (
    ImportFileRejected,
    check_csv_text,
    check_upload_size,
    check_xlsx_cells,
    check_xlsx_package,
)


class SpreadsheetFormat(base_formats.TablibFormat):
    """A format that checks an upload before parsing it and escapes formulas on export.

    Subclasses implement ``check_content`` (raise ``ImportFileRejected``), ``rows``
    (header row first, one at a time) and ``write``.
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

    def rows(self, data: bytes, sizes: dict | None = None) -> Iterator[Sequence[Any]]:
        """The rows of ``data``, which passed ``check_upload``, one at a time, header first.

        Raises ImportFileRejected (while iterating) if the file cannot be read. ``sizes``,
        if given, gets ``"rows"``: about how many rows the file has (header and blank rows
        included), once it is known.
        """
        raise NotImplementedError

    def write(self, headers: list[str], rows: list[list[Any]]) -> bytes:
        raise NotImplementedError

    def create_dataset(self, in_stream, **kwargs) -> tablib.Dataset:
        """Check and parse an upload into a Dataset; raises ImportFileRejected.

        Blank rows are left out; ``dataset.row_numbers`` holds the spreadsheet row number of
        each row (the header is row 1), by which ``resources`` reports it.
        """
        (dataset,) = self.datasets(in_stream)
        return dataset

    def datasets(self, in_stream, size: int | None = None) -> Iterator[tablib.Dataset]:
        """Check an upload and parse it into Datasets of at most ``size`` rows (one for
        all of them without a size), each read when the one before is done with: an
        import holds a batch of rows, not the file. Raises ImportFileRejected, for the
        whole file before the first Dataset, for what is found while reading after.

        Each has the header row, ``row_numbers`` (as ``create_dataset``'s) and
        ``rows_hint``: about how many rows the whole file has, to tell progress. A file
        with no row but its header gives one empty Dataset.
        """
        data = in_stream.encode("utf-8") if isinstance(in_stream, str) else bytes(in_stream)
        self.check_upload(data)
        sizes: dict = {}
        with contextlib.closing(self.rows(data, sizes)) as rows:
            header = next(rows, None)
            if header is None:
                raise ImportFileRejected(gettext("The file is empty."), code="empty")
            headers = [cell_text(cell) for cell in header]
            while headers and not headers[-1]:
                headers.pop()
            seen: set[str] = set()
            for name in headers:
                if name and name in seen:
                    raise ImportFileRejected(
                        gettext("The column “%(column)s” appears twice.") % {"column": name},
                        code="duplicate_column",
                    )
                seen.add(name)
            width = len(headers)
            hint = max(sizes.get("rows", 1) - 1, 0)
            dataset, given = self._batch(headers, hint), 0
            for number, row in numbered_rows(rows):
                cells = _fit(row, width)
                if is_blank(cells):
                    continue  # its cells are all beyond the last column
                dataset.append([unescape_formula(cell) for cell in cells])
                dataset.row_numbers.append(number)
                if size is not None and len(dataset) >= size:
                    given += 1
                    yield dataset
                    dataset = self._batch(headers, hint)
            if len(dataset) or not given:
                yield dataset

    @staticmethod
    def _batch(headers: list[str], hint: int) -> tablib.Dataset:
        dataset = tablib.Dataset(headers=headers)
        dataset.row_numbers, dataset.rows_hint = [], hint
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
        csv_text(data)

    def rows(self, data: bytes, sizes: dict | None = None) -> Iterator[list[str]]:
        if sizes is not None:
            sizes["rows"] = data.count(b"\n") + (not data.endswith(b"\n"))  # quoted line breaks count too
        return csv_rows(data)

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
        check_xlsx_cells(data)

    def rows(self, data: bytes, sizes: dict | None = None) -> Iterator[list[Any]]:
        return xlsx_rows(data, sizes)

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


def _fit(row: Sequence[Any], width: int) -> list[Any]:
    """``row`` cut or padded with None to ``width`` cells."""
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
