"""Writing many rows at once on PostgreSQL: ``COPY``, the fastest way in, and primary keys
reserved ahead so related rows can be written in the same pass.

Callers check ``supports_copy()`` and fall back to ``bulk_create`` elsewhere (SQLite in
development and tests). Rows go in as they are: validate them before.
"""
import contextlib
import csv
import io
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar

from django.db import connection, models


def supports_copy() -> bool:
    return connection.vendor == "postgresql"


#: Set while ``records.services.bulk_writes`` gathers new records: takes a new instance to
#: write with its batch, or declines (returns False).
_save_later: ContextVar[Callable[[models.Model], bool] | None] = ContextVar("common_save_later", default=None)


def save_later(instance: models.Model) -> bool:
    """Hand the new ``instance``, already checked by its service, to the batch being
    gathered (``records.services.bulk_writes``), if there is one and it takes the model;
    returns whether it did. For records a service writes with a registry's record that
    have no place of their own (an organisation, below ``records``; an anchor's platform
    accounts): the registries' records go through ``records.services.scoped_save``."""
    handler = _save_later.get()
    return handler is not None and handler(instance)


@contextlib.contextmanager
def saving_later(handler: Callable[[models.Model], bool]) -> Iterator[None]:
    """Within the block, ``save_later`` asks ``handler``."""
    token = _save_later.set(handler)
    try:
        yield
    finally:
        _save_later.reset(token)


def batched(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _cell(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@contextlib.contextmanager
def _raw_cursor(cursor):
    """``cursor`` if given (a psycopg2 cursor, e.g. from another thread sharing this
    transaction's connection), else a new one on Django's connection."""
    if cursor is not None:
        yield cursor
        return
    with connection.cursor() as wrapper:
        yield wrapper.cursor


def copy_rows(model: type[models.Model], columns: list[str], rows: Iterable[tuple], *, chunk: int = 50_000,
              cursor=None) -> int:
    """Write ``rows`` (values in ``columns`` order, as Python values) into ``model``'s table
    with COPY, ``chunk`` rows per statement; returns how many were written."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = 0
    with _raw_cursor(cursor) as raw:
        for batch in batched(rows, chunk):
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerows([_cell(value) for value in row] for row in batch)
            buffer.seek(0)
            raw.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)
            count += len(batch)
    return count


def reserve_ids(model: type[models.Model], count: int, *, cursor=None) -> list[int]:
    """``count`` new primary keys from ``model``'s sequence, for rows written with explicit ids."""
    if not count:
        return []
    with _raw_cursor(cursor) as raw:
        raw.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [model._meta.db_table, model._meta.pk.column, count])
        return [row[0] for row in raw.fetchall()]
