"""What an import found and did, whichever registry it was for: ``ImportResult``.

Every import (a registry's resource, the sessions' bulk import) reports in these terms, so
the admin's pages, the import job (``jobs``) and its error workbook (``errorbook``) read one
shape: how many rows were new, changed, unchanged and bad, how many were written, and each
problem by its spreadsheet row number (the header is row 1) and its column.
"""
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext, ngettext

#: Problems listed one by one; beyond these only their number is kept.
MAX_REPORTED_ERRORS = 1000


class RowError(NamedTuple):
    row: int
    #: The column's header as the file has it; ``NON_FIELD_ERRORS`` for the row as a whole.
    column: str
    message: str


def row_message(row: int, column: str, message) -> str:
    """One problem as a line: ``第 3 行，地点：……``."""
    if column == NON_FIELD_ERRORS:
        return gettext("Row %(row)s: %(message)s") % {"row": row, "message": message}
    return gettext("Row %(row)s, %(column)s: %(message)s") % {
        "row": row, "column": column, "message": message,
    }


@dataclass
class ImportResult:
    """What an import found and did.

    ``total`` counts the non-blank rows, ``new``, ``changed`` and ``unchanged`` the valid
    ones by what importing them does, and ``created`` the rows written (0 on a dry run or
    when any row is bad). ``errors`` keeps the first ``MAX_REPORTED_ERRORS`` problems and
    ``unreported_errors`` how many more there were; ``problems`` every problem of every bad
    row, by row number, so the error workbook can hold each of them.
    """

    dry_run: bool
    total: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    unreported_errors: int = 0
    problems: dict[int, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> set[int]:
        return set(self.problems)

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.unreported_errors

    def add_error(self, row: int, column: str, message: str) -> None:
        message = str(message)
        self.problems.setdefault(row, []).append((column, message))
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
