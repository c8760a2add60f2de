"""Reading an upload row by row, so that memory does not grow with the file.

Every import reads its file here: the registries' (``formats``, into a Dataset) and the
bulk import of livestream sessions. CSV is decoded (``csv_text``: UTF-8 with or without
BOM, UTF-16 with its BOM, else GB18030, which is what Chinese Excel saves) and split into
lines without copying the text; .xlsx is read by python-calamine, about 15 times as fast as
openpyxl on a 100,000-row sheet, once ``uploads.check_xlsx_cells`` has made sure the sheet
fits in memory. ``numbered_rows`` gives the rows that are not blank with their spreadsheet
row numbers (the header is row 1), and refuses a file with more than ``IMPORT_MAX_ROWS``
of them, or of blank ones, as soon as it meets the one too many.
"""
import codecs
import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from xuchang_ecom.records.importexport.uploads import UTF16_BOMS, ImportFileRejected, workbook_unreadable

#: The spreadsheet row of the header; the first data row is the next one.
HEADER_ROW = 1


def csv_text(data: bytes) -> str:
    """The text of ``data``: UTF-16 when it starts with a UTF-16 BOM, else UTF-8 with or
    without BOM, else GB18030 (a superset of GBK).

    Raises ImportFileRejected if it is none of them, or holds a NUL character.
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


def csv_delimiter(text: str) -> str:
    """A tab when the header line has tabs and no comma (Excel's "Unicode text"), else a comma."""
    header = text[:text.find("\n")] if "\n" in text else text
    return "\t" if "\t" in header and "," not in header else ","


def csv_rows(data: bytes) -> Iterator[list[str]]:
    """The rows of the CSV file ``data``, header first, each a list of text cells.

    Raises ImportFileRejected if it cannot be decoded (``csv_text``), or while iterating
    if it cannot be split into cells.
    """
    text = csv_text(data)
    # Old Mac Excel ends lines with a bare carriage return.
    newline = "\n" if "\n" in text or "\r" not in text else "\r"
    reader = csv.reader(_lines(text, newline), delimiter=csv_delimiter(text))
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


def xlsx_rows(data: bytes, sizes: dict | None = None) -> Iterator[list[Any]]:
    """The rows of the first sheet of the workbook ``data``, header first: Excel's values,
    numbers as floats, dates as dates and datetimes, empty cells as ``""``.

    ``data`` must have passed ``uploads.check_xlsx_package`` and ``check_xlsx_cells``:
    python-calamine reads the whole sheet into memory, blank cells included. Raises
    ImportFileRejected (while iterating) if the workbook cannot be read. Close the
    iterator when done early (``contextlib.closing``) to release the workbook. ``sizes``,
    if given, gets the sheet's number of rows (``"rows"``, blank ones included) once the
    sheet is read.
    """
    from python_calamine import CalamineWorkbook

    unreadable = workbook_unreadable()
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            return
        sheet = workbook.get_sheet_by_index(0)
        if sizes is not None:
            sizes["rows"] = sheet.height
    except Exception as error:
        # A damaged package fails in many ways; to the uploader they all mean the same thing.
        raise unreadable from error
    try:
        yield from sheet.iter_rows()
    except Exception as error:
        raise unreadable from error


def is_blank(row: Sequence[Any]) -> bool:
    """Whether every cell of ``row`` is empty or only spaces."""
    return all(cell is None or (cell.__class__ is str and not cell.strip()) for cell in row)


def numbered_rows(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[int, Sequence[Any]]]:
    """``(spreadsheet row number, row)`` of each row of ``rows``, the rows after the
    header, that is not blank (``is_blank``); a blank row is skipped but keeps its number.

    Raises ImportFileRejected, as soon as it meets the one too many, if there are more
    than ``IMPORT_MAX_ROWS`` rows that are not blank (``too_many_rows``) or that are
    (``too_many_blank_rows``): each blank row costs its reading, and this bounds it.
    """
    limit = settings.IMPORT_MAX_ROWS
    data = blank = 0
    for number, row in enumerate(rows, start=HEADER_ROW + 1):
        if is_blank(row):
            blank += 1
            if blank > limit:
                raise ImportFileRejected(
                    gettext("The file has more than %(limit)s blank rows; delete them (Ctrl+End goes to the "
                            "last cell) and save the file again.") % {"limit": f"{limit:,}"},
                    code="too_many_blank_rows",
                )
            continue
        data += 1
        if data > limit:
            raise ImportFileRejected(
                gettext("The file has more than %(limit)s rows; split it into files of at most %(limit)s "
                        "rows each.") % {"limit": f"{limit:,}"},
                code="too_many_rows",
            )
        yield number, row
