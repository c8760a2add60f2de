"""The bulk import of livestream sessions (直播场次): a 100,000-row file in one go.

``session_bulk_import`` reads the file as a stream, as every import does
(``records.importexport.reading``), checks each row (``rows.SessionRowReader``) and writes
the valid ones in batches (``writers``), all or nothing in one transaction;
``BulkImportResult`` says what it found and did.
"""
import contextlib
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.utils.translation import gettext, ngettext

from xuchang_ecom.accounts.models import User
from xuchang_ecom.audit.bulk import CreatedRows
from xuchang_ecom.audit.context import IMPORT, audit_context
from xuchang_ecom.common.bulk import supports_copy
from xuchang_ecom.common.signals import records_written
from xuchang_ecom.records.importexport.formats import SpreadsheetFormat
from xuchang_ecom.records.importexport.reading import numbered_rows
from xuchang_ecom.records.importexport.resources import row_message
from xuchang_ecom.records.importexport.uploads import ImportFileRejected

from ..models import Session
from .rows import SessionRowReader
from .writers import BatchWriter, CopyWriter

DEFAULT_BATCH_SIZE = 5000
#: Errors listed in full; beyond these only their number is reported.
MAX_REPORTED_ERRORS = 1000


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


def session_bulk_import(*, user: User, data: bytes, file_format: SpreadsheetFormat, dry_run: bool,
                        batch_size: int = DEFAULT_BATCH_SIZE, file_name: str = "") -> BulkImportResult:
    """Import the livestream sessions in ``data``, a ``file_format`` file named
    ``file_name``, as ``user``.

    All or nothing: every row is checked, and if any is invalid (or on a dry run) nothing
    is written. Each session written has its trail entry, naming the file and the row.
    Returns what was found and done. Raises ImportFileRejected if the file is refused by
    the format's upload checks, cannot be read, has no rows or too many (``IMPORT_MAX_ROWS``),
    or lacks a required column.
    """
    file_format.check_upload(data)
    result = BulkImportResult(dry_run=dry_run)
    with audit_context(via=IMPORT, file=file_name, actor=user), \
            contextlib.closing(file_format.rows(data)) as rows, transaction.atomic():
        header = next(rows, None)
        if header is None:
            raise ImportFileRejected(gettext("The file is empty."), code="empty")
        reader = SessionRowReader(user=user, header=header)
        writer = None if dry_run else (CopyWriter if supports_copy() else BatchWriter)(
            batch_size, CreatedRows(Session, positions=reader.positions, describe=reader.describe,
                                    m2m=("anchors", {pk: name for name, pk in reader.anchors.items()})))
        with writer or contextlib.nullcontext():
            for number, row in numbered_rows(rows):  # a blank row keeps the numbering of the rest
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
