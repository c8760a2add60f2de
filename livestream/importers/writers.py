"""Writing checked sessions in batches inside the import's transaction.

Each batch goes in with its anchor links and the audit trail's entry of each session (its
values, the file and the row), built from the row's values (``audit.bulk.CreatedRows``)
rather than read back. ``BatchWriter`` uses ``bulk_create`` (SQLite in development and
tests); ``CopyWriter`` uses COPY on PostgreSQL, in a second thread while the next batch
is read.
"""
import queue
import threading
from typing import Any

from django.db import connection

from xuchang_ecom.audit.bulk import CreatedRows
from xuchang_ecom.audit.models import LogEntry
from xuchang_ecom.common.bulk import copy_rows, reserve_ids

from ..models import Session


class BatchWriter:
    """Inserts sessions, then their anchor links and trail entries, ``batch_size`` sessions
    at a time, with ``bulk_create`` (SQLite in development and tests; see ``CopyWriter``).
    Use it as a context manager: leaving the block before ``finish`` abandons what is queued."""

    def __init__(self, batch_size: int, trail: CreatedRows):
        self.batch_size = batch_size
        self.trail = trail
        self.rows: list[list[Any]] = []
        self.anchors: list[tuple[int, ...]] = []
        self.numbers: list[int] = []
        self.written = 0

    def __enter__(self) -> "BatchWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.abandon()

    def abandon(self) -> None:
        """Write nothing more (what was written is rolled back with the transaction)."""
        self.rows, self.anchors, self.numbers = [], [], []

    def add(self, values: list[Any], anchors: tuple[int, ...], number: int) -> None:
        """Queue one valid row: ``values`` in the order of Session's concrete fields, from
        spreadsheet row ``number``."""
        self.rows.append(values)
        self.anchors.append(anchors)
        self.numbers.append(number)
        if len(self.rows) >= self.batch_size:
            self._hand_over()

    def finish(self) -> int:
        """Write what is queued; returns how many sessions were written in all."""
        if self.rows:
            self._hand_over()
        return self.written

    def _hand_over(self) -> None:
        batch = self.rows, self.anchors, self.numbers
        self.rows, self.anchors, self.numbers = [], [], []
        self._write(*batch)

    def _write(self, rows: list[list[Any]], anchors: list[tuple[int, ...]], numbers: list[int]) -> None:
        link = Session.anchors.through
        # Positional arguments again (see rows.SessionRowReader): where the link's two keys go.
        attnames = [model_field.attname for model_field in link._meta.concrete_fields]
        session_position = attnames.index(Session.anchors.field.m2m_column_name())
        anchor_position = attnames.index(Session.anchors.field.m2m_reverse_name())
        # bulk_create sets the new primary keys (RETURNING on PostgreSQL and SQLite).
        sessions = Session.objects.bulk_create([Session(*values) for values in rows])
        links = []
        values: list[Any] = [None] * len(attnames)
        for session, ids in zip(sessions, anchors, strict=True):
            values[session_position] = session.pk
            for anchor in ids:
                values[anchor_position] = anchor
                links.append(link(*values))
        if links:
            link.objects.bulk_create(links, batch_size=self.batch_size)
        self.trail.write(rows, anchors, [session.pk for session in sessions], numbers)
        self.written += len(rows)


class CopyWriter(BatchWriter):
    """PostgreSQL: each batch is written with COPY, primary keys reserved ahead, then its
    anchor links, by a second thread while this one reads the next batch.

    The thread writes through this transaction's connection (psycopg2 lets threads share
    one), which this thread leaves alone until ``finish``. psycopg2 lets go of the GIL
    while PostgreSQL inserts, so reading the file and writing it overlap on two cores. The
    foreign keys (the trail entries' too) are checked as each batch goes in rather than all
    at the commit, so that work overlaps too; they are deferred again when the writer is done.
    """

    def __init__(self, batch_size: int, trail: CreatedRows):
        super().__init__(batch_size, trail)
        fields = Session._meta.concrete_fields
        self.columns = [model_field.column for model_field in fields]
        self.pk_position = next(position for position, model_field in enumerate(fields) if model_field.primary_key)
        field = Session.anchors.field
        self.link_columns = [field.m2m_column_name(), field.m2m_reverse_name()]
        with connection.cursor() as cursor:
            names = [name for model in (Session, Session.anchors.through, LogEntry)
                     for name, constraint in connection.introspection.get_constraints(cursor, model._meta.db_table)
                     .items() if constraint["foreign_key"]]
            self.constraints = ", ".join(connection.ops.quote_name(name) for name in sorted(names))
            cursor.execute(f"SET CONSTRAINTS {self.constraints} IMMEDIATE")
        self.connection = connection.connection
        self.batches: queue.Queue = queue.Queue(maxsize=1)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="session-import-copy", daemon=True)
        self.thread.start()

    def abandon(self) -> None:
        super().abandon()
        self._stop()

    def finish(self) -> int:
        if self.rows:
            self._hand_over()
        self._stop()
        if self.failure is not None:
            raise self.failure
        return self.written

    def _hand_over(self) -> None:
        if self.failure is not None:
            raise self.failure
        rows, anchors, numbers = self.rows, self.anchors, self.numbers
        self.rows, self.anchors, self.numbers = [], [], []
        # The trail's entries are made here, while the thread still writes the batch before.
        self.batches.put((rows, anchors, self.trail.prepare(rows, anchors, numbers)))  # waits for that batch

    def _stop(self) -> None:
        if self.thread.is_alive():
            self.batches.put(None)
            self.thread.join()
            if self.failure is None:
                with connection.cursor() as cursor:
                    cursor.execute(f"SET CONSTRAINTS {self.constraints} DEFERRED")

    def _run(self) -> None:
        cursor = self.connection.cursor()
        try:
            while (batch := self.batches.get()) is not None:
                if self.failure is None:
                    try:
                        with connection.wrap_database_errors:
                            self._copy(cursor, *batch)
                    except BaseException as error:  # noqa: BLE001 - raised again in the reading thread
                        self.failure = error
        finally:
            cursor.close()

    def _copy(self, cursor, rows: list[list[Any]], anchors: list[tuple[int, ...]], trail: list[str]) -> None:
        ids = reserve_ids(Session, len(rows), cursor=cursor)
        for values, pk in zip(rows, ids, strict=True):
            values[self.pk_position] = pk
        copy_rows(Session, self.columns, rows, cursor=cursor)
        links = [(pk, anchor) for pk, row_anchors in zip(ids, anchors, strict=True) for anchor in row_anchors]
        if links:
            copy_rows(Session.anchors.through, self.link_columns, links, cursor=cursor)
        self.trail.copy(trail, ids, cursor=cursor)
        self.written += len(rows)
