"""Trail entries of paths that write without model signals.

``bulk_create``, a queryset's ``update`` and COPY send no ``post_save``, so auditlog never
hears of them. Such a path writes its entries itself, in the same transaction:

* ``log_bulk`` for a few hundred rows or fewer (a target's county parts, the places under a
  renamed one): the entries auditlog would have written, from before/after instances;
* ``CreatedRows`` for the session import's hundreds of thousands of rows: the same
  entries, built from the rows' values with no model instance, precomputed so that a row
  costs a few microseconds, and written by ``bulk_create`` or COPY with the rows.

Both are masked and completed like every entry (``trail.complete``) and honour
auditlog's ``disable_auditlog()``. Generated benchmark and demo data
(``common.generator``) is not kept in the trail: it is not a change anyone made.
"""
import io
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from json.encoder import encode_basestring
from typing import Any

from auditlog.context import auditlog_disabled
from auditlog.diff import model_instance_diff
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from . import context, trail
from .models import LogEntry

#: How COPY is told a value is NULL.
NULL = "\\N"


def enabled() -> bool:
    """Whether entries are written here (auditlog's ``disable_auditlog()`` turns them off)."""
    return not auditlog_disabled.get()


def log_bulk(action: int, pairs: Iterable[tuple[models.Model | None, models.Model | None]]) -> int:
    """Write the entries of rows changed in bulk; returns how many.

    ``action`` is ``LogEntry.Action.CREATE``, ``UPDATE`` or ``DELETE``; ``pairs`` are
    ``(before, after)``: ``(None, row)`` for a row created, ``(row as it was, row as it
    is)`` for one updated (rows whose recorded fields did not change are skipped),
    ``(row, None)`` for one deleted. Rows of models not in the trail are ignored.
    """
    if not enabled():
        return 0
    values = context.current()
    entries = []
    for before, after in pairs:
        subject = after if after is not None else before
        if not auditlog.contains(type(subject)):
            continue
        changes = model_instance_diff(before, after, use_json_for_changes=True)
        if changes is None and action == LogEntry.Action.UPDATE:
            continue
        entry = LogEntry(content_type=ContentType.objects.get_for_model(subject), object_pk=str(subject.pk),
                         object_id=subject.pk, object_repr=trail.describe(subject), action=action, changes=changes)
        trail.complete(entry, subject=subject, values=values)
        entries.append(entry)
    LogEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


def _json_datetime(value: datetime) -> str:
    # auditlog keeps a date-time as the text of its naive UTC value.
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return f'"{value}"'


def _json_quoted(value: Any) -> str:
    # The text of a decimal or a date needs no escaping.
    return f'"{value}"'


def _json_encoder(field: models.Field, mask: trail.Mask | None) -> Callable[[Any], str]:
    """How a field's value is written in an entry's JSON, as auditlog writes it: numbers,
    booleans and text as themselves, a date-time as naive UTC text, anything else (decimals,
    dates) as its text; a masked field through its mask."""
    if mask is not None:
        return lambda value: encode_basestring(trail.mask_value(mask, value))
    if isinstance(field, models.BooleanField):
        return lambda value: "true" if value else "false"
    if field.is_relation or isinstance(field, models.IntegerField | models.AutoField):
        return str
    if isinstance(field, models.DateTimeField):
        return _json_datetime
    if isinstance(field, models.CharField | models.TextField):
        return encode_basestring
    if isinstance(field, models.DecimalField | models.DateField):
        return _json_quoted
    return lambda value: encode_basestring(str(value))


def _csv_text(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class CreatedRows:
    """Create entries for rows written from their values, without model instances.

    Built where the write starts (the context, i.e. the user and the file, is read here:
    the rows may be written by another thread); ``positions`` maps each concrete field's
    attname to its index in a row, and ``describe(row)`` gives the entry's
    ``object_repr``. ``m2m`` is ``(field name, {related pk: its str()})`` for a
    many-to-many relation written with the rows, listed in the same entry as auditlog
    lists an addition. Each row's entry names its spreadsheet row number.

    An entry's JSON is written as text, field by field, by encoders chosen once per field,
    and for COPY each entry is made a line of CSV but for its primary keys (``prepare``),
    so the thread that writes only puts the keys in (``copy``): a row costs a few
    microseconds of Python, mostly while PostgreSQL is still writing the batch before.
    """

    #: The LogEntry columns COPY writes (the others take their default, NULL).
    COLUMNS = ("content_type_id", "object_pk", "object_id", "object_repr", "action", "changes_text", "changes",
               "actor_id", "remote_addr", "timestamp", "additional_data")

    def __init__(self, model: type[models.Model], *, positions: dict[str, int],
                 describe: Callable[[Sequence[Any]], str], m2m: tuple[str, dict[int, str]] | None = None):
        self.enabled = enabled() and auditlog.contains(model)
        self.describe = describe
        values = context.current()
        self.content_type = ContentType.objects.get_for_model(model)
        user = context.actor(values)
        self.actor_id = user.pk if user is not None else None
        self.remote_addr = context.remote_addr(values)
        self.how = context.how(values)
        how = json.dumps(self.how, ensure_ascii=False)
        # '{"via": "import", …, "row": ' and the row number and '}' make additional_data.
        self.how_prefix = how[:-1] + (', "row": ' if self.how else '"row": ')
        rule = trail.kept(model)
        recorded = set(auditlog.get_model_fields(model)["include_fields"])
        self.encoders = [
            (positions[f.attname], f"{json.dumps(f.name, ensure_ascii=False)}: [null, ",
             _json_encoder(f, rule.masks.get(f.name) if rule else None))
            for f in model._meta.concrete_fields if f.name in recorded
        ]
        self.m2m = None
        if m2m is not None:
            name, names = m2m
            self.m2m = (f'{json.dumps(name)}: {{"type": "m2m", "operation": "add", "objects": [',
                        {pk: encode_basestring(text) for pk, text in names.items()})
        self.table = connection.ops.quote_name(LogEntry._meta.db_table)
        self.columns = ", ".join(connection.ops.quote_name(column) for column in self.COLUMNS)

    def changes_json(self, row: Sequence[Any], related: Sequence[int] = ()) -> str:
        """The entry's ``changes`` as JSON text: ``{field: [null, value]}`` for every
        recorded field with a value, as auditlog records a creation, masked; the related
        records of ``m2m`` as an addition."""
        parts = [f"{key}{encode(row[position])}]" for position, key, encode in self.encoders
                 if row[position] is not None]
        if related and self.m2m is not None:
            key, names = self.m2m
            parts.append(key + ", ".join(names[pk] for pk in related) + "]}")
        return "{" + ", ".join(parts) + "}"

    def entries(self, rows: Sequence[Sequence[Any]], related: Sequence[Sequence[int]], pks: Sequence[int],
                numbers: Sequence[int]) -> list[LogEntry]:
        """The entries of ``rows`` (with the ``m2m`` records ``related`` to each), saved as
        ``pks``, from spreadsheet rows ``numbers``."""
        if not self.enabled:
            return []
        now = timezone.now()
        return [
            LogEntry(content_type=self.content_type, object_pk=str(pk), object_id=pk, object_repr=self.describe(row),
                     action=LogEntry.Action.CREATE, changes=json.loads(self.changes_json(row, ids)),
                     actor_id=self.actor_id, remote_addr=self.remote_addr, timestamp=now,
                     additional_data={**self.how, "row": number})
            for row, ids, pk, number in zip(rows, related, pks, numbers, strict=True)
        ]

    def write(self, rows, related, pks, numbers) -> None:
        """Write the entries with ``bulk_create`` (see ``entries``)."""
        LogEntry.objects.bulk_create(self.entries(rows, related, pks, numbers), batch_size=1000)

    def prepare(self, rows, related, numbers) -> list[str]:
        """Each row's entry as a line of CSV for ``copy``, all but its primary keys."""
        if not self.enabled:
            return []
        head = f",{LogEntry.Action.CREATE},,"
        tail = (f",{self.actor_id if self.actor_id is not None else NULL},{self.remote_addr or NULL},"
                f"{timezone.now().isoformat()},")
        how = _csv_text(self.how_prefix)[:-1]  # the quoted text stays open for the row number
        describe, changes = self.describe, self.changes_json
        return [
            f",{_csv_text(describe(row))}{head}{_csv_text(changes(row, ids))}{tail}{how}{number}}}\"\n"
            for row, ids, number in zip(rows, related, numbers, strict=True)
        ]

    def copy(self, lines: Sequence[str], pks: Sequence[int], *, cursor) -> None:
        """Write the ``prepare``d entries, saved as ``pks``, with COPY through ``cursor``
        (PostgreSQL; any thread)."""
        if not lines:
            return
        content_type = self.content_type.pk
        text = "".join(f"{content_type},{pk},{pk}{line}" for pk, line in zip(pks, lines, strict=True))
        cursor.copy_expert(f"COPY {self.table} ({self.columns}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')",
                           io.StringIO(text))
