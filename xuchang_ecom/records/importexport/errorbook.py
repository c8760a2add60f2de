"""The error workbook: the rows of an upload that failed, to correct in Excel and upload again.

It is the uploaded file cut down to its bad rows, in the same format and with the same
headers, and two columns more at the end: each row's problems in words (``列名：问题``)
and its row number in the uploaded file. An import ignores both columns, so the corrected
workbook imports as it is; the columns of an earlier error workbook are not repeated.
"""
import contextlib
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.records.importexport.cells import cell_text, escape_formula, in_every_language
from xuchang_ecom.records.importexport.formats import SpreadsheetFormat
from xuchang_ecom.records.importexport.outcome import ImportResult
from xuchang_ecom.records.importexport.reading import numbered_rows

PROBLEMS_COLUMN = _("Problems")
ROW_COLUMN = _("Row in the uploaded file")


def added_columns() -> set[str]:
    """The headers this module adds, in every language: an import ignores them."""
    return in_every_language(PROBLEMS_COLUMN) | in_every_language(ROW_COLUMN)


def error_workbook(file_format: SpreadsheetFormat, data: bytes, result: ImportResult) -> bytes:
    """The bad rows of ``data`` (a ``file_format`` file that ``result`` reports on) as a
    file of the same format."""
    problems = result.problems
    with contextlib.closing(file_format.rows(data)) as rows:
        header = [cell_text(cell) for cell in next(rows, [])]
        while header and not header[-1]:
            header.pop()
        ours = added_columns()
        kept = [index for index, name in enumerate(header) if name not in ours]
        out = []
        for number, row in numbered_rows(rows):
            if number in problems:
                out.append([*(_cell(row, index) for index in kept), _describe(problems[number]), number])
    headers = [header[index] for index in kept] + [str(PROBLEMS_COLUMN), str(ROW_COLUMN)]
    return file_format.write(headers, [[escape_formula(cell) for cell in row] for row in out])


def _cell(row: Sequence[Any], index: int) -> Any:
    value = row[index] if index < len(row) else None
    return None if value == "" else value


def _describe(problems: list[tuple[str, str]]) -> str:
    return "；".join(message if column == NON_FIELD_ERRORS else f"{column}：{message}"
                    for column, message in problems)
