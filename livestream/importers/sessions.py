"""The bulk import of livestream sessions (直播场次): a 100,000-row file in one go.

``session_bulk_import`` reads the file as a stream, as every import does
(``records.importexport.reading``), checks each row (``rows.SessionRowReader``) and writes
the valid ones in batches (``writers``), all or nothing in one transaction; it answers with
the ``ImportResult`` every import gives. ``SessionImporter`` is what an import job runs for it.
"""
import contextlib
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext

from xuchang_ecom.accounts.models import User
from xuchang_ecom.audit.bulk import CreatedRows
from xuchang_ecom.audit.context import IMPORT, audit_context
from xuchang_ecom.common.bulk import supports_copy
from xuchang_ecom.common.signals import records_written
from xuchang_ecom.records.importexport.formats import SpreadsheetFormat
from xuchang_ecom.records.importexport.outcome import ImportResult
from xuchang_ecom.records.importexport.reading import numbered_rows
from xuchang_ecom.records.importexport.uploads import ImportFileRejected

from ..models import Session
from .rows import SessionRowReader
from .writers import BatchWriter, CopyWriter

DEFAULT_BATCH_SIZE = 5000
#: The progress is reported every this many rows.
PROGRESS_EVERY = 1000


class SessionImporter:
    """What an import job (``records.importexport.jobs``) runs for a sessions file."""

    def __init__(self, user: User | None = None, **kwargs):
        self.user = user

    def run_import(self, data: bytes, file_format: SpreadsheetFormat, *, dry_run: bool, file_name: str = "",
                   progress: Callable[..., None] | None = None) -> ImportResult:
        return session_bulk_import(user=self.user, data=data, file_format=file_format, dry_run=dry_run,
                                   file_name=file_name, progress=progress)


def session_bulk_import(*, user: User, data: bytes, file_format: SpreadsheetFormat, dry_run: bool,
                        batch_size: int = DEFAULT_BATCH_SIZE, file_name: str = "",
                        progress: Callable[..., None] | None = None) -> ImportResult:
    """Import the livestream sessions in ``data``, a ``file_format`` file named
    ``file_name``, as ``user``.

    All or nothing: every row is checked, and if any is invalid (or on a dry run) nothing
    is written. Each session written has its trail entry, naming the file and the row.
    ``progress`` (a callable taking ``checked`` and ``errors``) is told how far it is every
    ``PROGRESS_EVERY`` rows. Returns what was found and done. Raises ImportFileRejected if
    the file is refused by the format's upload checks, cannot be read, has no rows or too
    many (``IMPORT_MAX_ROWS``), or lacks a required column.
    """
    file_format.check_upload(data)
    result = ImportResult(dry_run=dry_run)
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
                if progress is not None and result.total % PROGRESS_EVERY == 0:
                    progress(checked=result.total, errors=len(result.problems))
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
        result.new = result.total - len(result.problems)
        if writer is None:
            transaction.set_rollback(True)
        else:
            records_written.send(sender=Session, count=result.created)
    return result
