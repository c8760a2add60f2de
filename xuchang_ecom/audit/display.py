"""Trail entries as staff read them: in the interface's language, field by field.

auditlog ships no Chinese and its own rendering shows stored values as they are (field
names, choice values, primary keys, UTC times). Here each change reads as the registry's
forms do: the field's verbose name, a choice's label, a related record's name (a household
masked, as ``trail.describe`` names it), times in the local zone, and the channel, file
and row the change came through. Values with personal data were masked before they were
stored, so nothing here can show them in full.
"""
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import pgettext_lazy

from . import context, trail
from . import models as models_
from .models import LogEntry

ACTIONS = dict(models_.ACTIONS)
CHANNELS = {
    context.ADMIN: pgettext_lazy("audit trail", "admin form"),
    context.API: pgettext_lazy("audit trail", "API"),
    context.WEB: pgettext_lazy("audit trail", "web page"),
    context.IMPORT: pgettext_lazy("audit trail", "import"),
    context.TASK: pgettext_lazy("audit trail", "background task"),
    context.COMMAND: pgettext_lazy("audit trail", "management command"),
}
M2M_OPERATIONS = {
    "add": pgettext_lazy("audit trail", "added"),
    "delete": pgettext_lazy("audit trail", "removed"),
}
EMPTY = "—"
YES, NO = pgettext_lazy("audit trail", "yes"), pgettext_lazy("audit trail", "no")
SYSTEM = pgettext_lazy("audit trail", "system")
DELETED = pgettext_lazy("audit trail", "%(record)s (deleted)")
ROW = pgettext_lazy("audit trail", "row %(row)s")


@dataclass
class Change:
    """One field's change: its label and the values before and after, as text."""

    label: str
    before: str
    after: str


def actor_label(entry: LogEntry) -> str:
    """Who made the change: the account, the name it was kept under, or the system."""
    if entry.actor is not None:
        return entry.actor.get_username()
    return (entry.additional_data or {}).get("user") or str(SYSTEM)


def channel_label(entry: LogEntry) -> str:
    """How the change came: ``import · 户籍.xlsx · row 7``, ``admin form``, ``management command load_demo``."""
    how = entry.additional_data or {}
    via = how.get("via")
    if not via:
        return EMPTY
    parts = [str(CHANNELS.get(via, via))]
    for key in ("command", "task", "file"):
        if how.get(key):
            parts.append(str(how[key]))
    if how.get("row") is not None:
        parts.append(str(ROW) % {"row": how["row"]})
    return " · ".join(parts)


def _fields(entry: LogEntry) -> Iterator[tuple[str, models.Field | None, str, Any]]:
    """``(name, model field or None, label, stored change)`` in the model's field order."""
    model = entry.content_type.model_class()
    stored = entry.changes if isinstance(entry.changes, dict) else {}
    order = {f.name: n for n, f in enumerate(model._meta.get_fields())} if model is not None else {}
    for name in sorted(stored, key=lambda name: order.get(name, len(order))):
        try:
            field = model._meta.get_field(name) if model is not None else None
        except FieldDoesNotExist:
            field = None
        yield name, field, capfirst(str(field.verbose_name)) if field is not None else name, stored[name]


def field_labels(entry: LogEntry) -> list[str]:
    """The labels of the fields the entry changed (no value looked up)."""
    return [label for _name, _field, label, _value in _fields(entry)]


def changes(entry: LogEntry) -> list[Change]:
    """The entry's changes in the model's field order, each value as the forms show it."""
    listed = []
    for _name, field, label, value in _fields(entry):
        if isinstance(value, dict) and value.get("type") == "m2m":
            objects = "、".join(str(item) for item in value.get("objects", []))
            operation = M2M_OPERATIONS.get(value.get("operation"), value.get("operation"))
            listed.append(Change(label, "", f"{operation}: {objects}"))
        elif isinstance(value, list | tuple) and len(value) == 2:
            listed.append(Change(label, _text(field, value[0]), _text(field, value[1])))
    return listed


def changes_table(entry: LogEntry) -> str:
    """The entry's changes as an HTML table (field, before, after)."""
    rows = changes(entry)
    if not rows:
        return ""
    head = format_html("<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>",
                       pgettext_lazy("audit trail", "field"), pgettext_lazy("audit trail", "before"),
                       pgettext_lazy("audit trail", "after"))
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                            ((row.label, row.before, row.after) for row in rows))
    return format_html('<table class="audit-changes">{}<tbody>{}</tbody></table>', head, body)


def _text(field: models.Field | None, value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if field is None:
        return str(value)
    if getattr(field, "flatchoices", None):
        labels = {str(stored): label for stored, label in field.flatchoices}
        return str(labels.get(str(value), value))
    if isinstance(field, models.BooleanField):
        return str(YES if value in (True, "True") else NO)
    if field.is_relation and field.related_model is not None:
        return _related(field.related_model, value)
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is None:
            return str(value)
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)  # auditlog keeps date-times as naive UTC
        return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")
    return str(value)


def _related(model: type[models.Model], pk: Any) -> str:
    instance = model._default_manager.filter(pk=pk).first()
    if instance is None:
        return str(DELETED) % {"record": f"{model._meta.verbose_name} #{pk}"}
    return trail.describe(instance)


def when(entry: LogEntry) -> datetime:
    return timezone.localtime(entry.timestamp)
