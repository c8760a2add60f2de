"""Checking an upload before anything parses it, and the error that refuses it.

An upload is refused (``ImportFileRejected``) when it is over ``IMPORT_MAX_UPLOAD_BYTES``,
when its content is not what its extension says (a workbook or a PDF saved as .csv, a
.xlsx that is no spreadsheet package), when an .xlsx would unpack to more than
``IMPORT_MAX_XLSX_UNPACKED_BYTES`` (a zip bomb), or when a sheet's cells reach so far from
A1 that reading it would take more than ``IMPORT_MAX_XLSX_CELLS`` cells of memory. The
formats (``formats``) run these checks first and raise the same error for a file they then
cannot read.
"""
import codecs
import functools
import io
import re
import zipfile
import zlib
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

# Magic numbers of files people save as .csv by mistake: zip (.xlsx), OLE (.xls), PDF.
BINARY_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")
# UTF-16 text is full of NUL bytes; its BOM tells it from a binary file.
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Parts every OOXML spreadsheet package has.
XLSX_REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")


class ImportFileRejected(ValueError):
    """An upload refused before parsing; the message is for the person who uploaded it.

    ``code`` names the reason (``too_large``, ``wrong_extension``, ``not_csv``,
    ``unknown_encoding``, ``nul``, ``not_xlsx``, ``unpacks_too_large``, ``too_many_cells``,
    ``unreadable``, ``empty``, ``duplicate_column``, ``missing_column``, ``too_many_rows``,
    ``too_many_blank_rows``) for code that must not depend on the wording.
    """

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    def as_validation_error(self) -> ValidationError:
        return ValidationError(self.message, code=self.code)


def check_upload_size(size: int) -> None:
    """Raise ImportFileRejected if an upload of ``size`` bytes is over the limit."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise ImportFileRejected(
            gettext("The file is %(size)s; files over %(limit)s are not accepted.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )


def check_csv_text(data: bytes) -> None:
    """Raise ImportFileRejected if ``data`` is a binary file rather than text."""
    text_with_nul = b"\x00" in data and not data.startswith(UTF16_BOMS)
    if data.startswith(BINARY_SIGNATURES) or text_with_nul:
        raise ImportFileRejected(
            gettext("This is not a CSV text file. Save it from Excel as “CSV (逗号分隔)”."),
            code="not_csv",
        )


def check_xlsx_package(data: bytes) -> None:
    """Raise ImportFileRejected unless ``data`` is a spreadsheet package that unpacks
    within the limit."""
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
    if not all(name in names for name in XLSX_REQUIRED_MEMBERS):
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


# Every spreadsheet program writes a cell's position first: <c r="B7" s="1" t="s">.
_CELL = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"')
# A cell with a namespace prefix, <x:c>: its part is read tag by tag.
_PREFIXED_CELL = re.compile(rb":c[\s>/]")
_ROW_OR_CELL_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTRIBUTE = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_POSITION = re.compile(rb"([A-Za-z]*)([0-9]+)")
_CHUNK_BYTES = 1024 * 1024
_DIGITS = "0123456789"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class _ReadTagByTag(Exception):
    """A part whose cells are not all written as ``<c r="B7"``."""


def check_xlsx_cells(data: bytes) -> None:
    """Raise ImportFileRejected if a sheet of the package ``data`` (already checked by
    ``check_xlsx_package``) has a cell so far from A1 that the rectangle from A1 to it
    holds more than ``IMPORT_MAX_XLSX_CELLS`` cells.

    python-calamine allocates every cell of that rectangle, the blank ones too (about 32
    bytes each), before it gives the first row: a 5 KB workbook whose one stray value is
    at XFD1048576 asks for 550 GB, and the process is aborted, not given an error. So the
    positions are read from the XML first, in chunks: each part of the package (a sheet
    may be stored under any name), where cells are written as ``<c r="B7"`` by a few
    regular expressions that match nothing in an ordinary sheet, and any other part tag by
    tag as python-calamine reads it. Raises ImportFileRejected (``unreadable``) for a
    position python-calamine would refuse, or a row or cell inside a cell.
    """
    limit = settings.IMPORT_MAX_XLSX_CELLS
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            try:
                try:
                    with archive.open(member) as part:
                        rows, columns = _last_cell(part, limit)
                except _ReadTagByTag:
                    with archive.open(member) as part:
                        rows, columns = _last_cell_by_tags(part, limit)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
                # A damaged or encrypted member: python-calamine could not read it either.
                raise workbook_unreadable() from error
            if rows * columns > limit:
                raise ImportFileRejected(
                    gettext(
                        "The sheet’s cells reach row %(row)s and column %(column)s: %(cells)s cells from A1, "
                        "more than the %(limit)s an import reads. Delete what lies below or to the right of "
                        "the table (Ctrl+End goes to the last cell) and save the file again."
                    ) % {"row": f"{rows:,}", "column": _column_name(columns), "cells": f"{rows * columns:,}",
                         "limit": f"{limit:,}"},
                    code="too_many_cells",
                )


def _last_cell(part, limit: int) -> tuple[int, int]:
    """``(row, column)``, the largest of any cell in ``part``, each counted from 1.

    Raises _ReadTagByTag if a cell is written other than as ``<c r="B7"``.
    """
    rows = columns = 0
    for text in _whole_tags(part):
        if _PREFIXED_CELL.search(text):
            raise _ReadTagByTag
        # Rows come in order: the last cell of the chunk has its largest row, so the one
        # pass below finds no cell in an ordinary sheet once the first row is read.
        last = _CELL.match(text, max(text.rfind(b'<c r="'), 0))
        if last:
            rows = max(rows, int(last[2]))
        for cell in _cells_beyond(rows, columns).finditer(text):
            if cell["other"] is not None:
                raise _ReadTagByTag
            rows, columns = max(rows, int(cell["row"])), max(columns, _column_number(cell["column"]))
        if rows * columns > limit:
            break
    return rows, columns


def _last_cell_by_tags(part, limit: int) -> tuple[int, int]:
    """``(row, column)`` as ``_last_cell``, for a part whose cells may lack a position:
    read tag by tag as python-calamine reads it, a cell without a position taking the
    next column of its row, and a row without one the row after the previous."""
    rows = columns = 0
    row, column = 1, 1  # where the next cell without a position goes
    in_cell = False
    for text in _whole_tags(part):
        for closing, name, attributes in _ROW_OR_CELL_TAG.findall(text):
            if in_cell:
                if not (closing and name == b"c"):
                    raise workbook_unreadable()  # a row or a cell inside a cell
                in_cell = False
            elif attributes.endswith(b"/") or (closing and name == b"c"):
                continue  # python-calamine skips empty elements
            elif name == b"row":
                if closing:
                    row, column = row + 1, 1
                elif (position := _position(attributes)) is not None:
                    row = position[0]
            else:
                cell_row, cell_column = position = _position(attributes) or (row, column)
                if position[1] == 0:
                    raise workbook_unreadable()  # a position without its column
                rows, columns = max(rows, cell_row), max(columns, cell_column)
                column = cell_column + 1
                in_cell = True
        if rows * columns > limit:
            break
    return rows, columns


def _whole_tags(part) -> Iterator[bytes]:
    """The content of the file-like ``part`` in chunks of about a megabyte, each ending
    before a ``<``, so that no tag is cut in two."""
    rest = b""
    while chunk := part.read(_CHUNK_BYTES):
        text = rest + chunk
        cut = text.rfind(b"<")
        if cut <= 0:
            cut = len(text)
        yield text[:cut]
        rest = text[cut:]
    if rest:
        yield rest


def _position(attributes: bytes) -> tuple[int, int] | None:
    """``(row, column)`` from 1 of the ``r`` attribute among ``attributes``, column 0 when
    it names only a row; None without one. Raises ImportFileRejected for a position
    python-calamine refuses (or would read as a row before the first)."""
    found = _R_ATTRIBUTE.search(attributes)
    if found is None:
        return None
    position = _POSITION.fullmatch(found[1] if found[1] is not None else found[2])
    if position is None or int(position[2]) == 0:
        raise workbook_unreadable()
    return int(position[2]), _column_number(position[1])


@functools.lru_cache(maxsize=128)
def _cells_beyond(rows: int, columns: int) -> re.Pattern[bytes]:
    """A pattern finding the cells written as ``<c r="B7"`` whose row is after ``rows`` or
    whose column is after ``columns`` (groups ``column`` and ``row``), and the cells
    written any other way (group ``other``): without a position, or with it later among
    their attributes."""
    row_after = _after(str(rows), _DIGITS).encode()
    column_after = _after(_column_name(columns), _LETTERS).encode()
    return re.compile(
        rb'<c(?:(?=[\s>/])(?! r="[A-Za-z]+[0-9]+")(?P<other>)'
        rb'| r="(?=(?:' + column_after + rb')[0-9]+"|[A-Za-z]+(?:' + row_after + rb')")'
        rb'(?P<column>[A-Za-z]+)(?P<row>[0-9]+)")'
    )


def _after(text: str, alphabet: str) -> str:
    """A pattern for the words over ``alphabet`` (in its order, letters in either case)
    after ``text`` in the order of numbers: longer ones, and as long ones greater at the
    first character that differs. Leading zeros make a word longer, never smaller:
    whatever it matches is compared again as a number."""
    def one_of(characters: str) -> str:
        return f"[{characters}{characters.lower() if characters.isalpha() else ''}]"

    words = [f"{one_of(alphabet)}{{{len(text) + 1},}}"]
    for index, character in enumerate(text):
        greater = alphabet[alphabet.index(character) + 1:]
        if greater:
            same = "".join(one_of(earlier) for earlier in text[:index])
            words.append(f"{same}{one_of(greater)}{one_of(alphabet)}{{{len(text) - index - 1}}}")
    return "(?:" + "|".join(words) + ")"


def _column_number(letters: bytes) -> int:
    """``b"A"`` → 1, ``b"XFD"`` → 16384; ``b""`` → 0."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


def _column_name(number: int) -> str:
    """1 → ``A``, 16384 → ``XFD``; 0 → ``""``."""
    name = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        name = _LETTERS[remainder] + name
    return name


def workbook_unreadable() -> ImportFileRejected:
    """The refusal of a workbook that cannot be read, for whatever reason: to the uploader
    they all mean the same thing."""
    return ImportFileRejected(
        gettext("The workbook could not be read; open it in Excel and save it again."), code="unreadable"
    )
