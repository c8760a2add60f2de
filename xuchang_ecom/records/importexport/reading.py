"""Reading a session file as a stream of rows, so memory does not grow with the file.

CSV is decoded as the shared format decodes it (``records.importexport.formats.CSV``) and
split into lines without copying the text; .xlsx is read by python-calamine, about 15 times
as fast as openpyxl on a 100,000-row sheet.
"""
import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

from django.utils.translation import gettext

from xuchang_ecom.records.importexport.formats import CSV, XLSX, SpreadsheetFormat
from xuchang_ecom.records.importexport.uploads import ImportFileRejected


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
