"""The one review mechanism of the project: a record an organisation fills in and submits,
which a reviewer approves or returns with a comment on each field to correct; only those
fields can then be changed before it is submitted again. Monthly reports
(``reporting.Report``) and applications (``applications.Application``) both move this way.

Every move is one transaction that locks the record's row and checks the version the
user's form was built from, so two tabs, or a form left open while the record was
reviewed, change nothing and get a clear message. What a submitter types is kept as
typed (``draft_input``), so a draft with errors is never lost.
"""
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Reviewable(models.Model):
    """The fields the review mechanism keeps on a record."""

    # Every change of state or content adds one: a form holds the version it was built
    # from, and a stale form (another tab, a review meanwhile) changes nothing.
    version = models.PositiveIntegerField(gettext_lazy("version"), default=1)
    #: What the submitter last typed, as typed (field -> text), so a draft with errors is
    #: never lost; cleared on submission.
    draft_input = models.JSONField(gettext_lazy("draft input"), default=dict, blank=True)
    #: The fields the reviewer returned; only these are editable on resubmission.
    returned_fields = models.JSONField(gettext_lazy("returned figures"), default=list, blank=True)
    submitted_at = models.DateTimeField(gettext_lazy("submitted at"), null=True, blank=True)

    class Meta:
        abstract = True


class ReviewEvent(models.Model):
    """One step of a record's review: who, when, and the reviewer's comments. Concrete
    models add the record they belong to and their actions."""

    at = models.DateTimeField(gettext_lazy("at"), auto_now_add=True)
    comment = models.TextField(gettext_lazy("comment"), blank=True)
    #: The reviewer's comment per field (field -> comment), on a return.
    field_comments = models.JSONField(gettext_lazy("comments on figures"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


def stale_error() -> ValidationError:
    return ValidationError(
        _("This has changed since you opened it (perhaps in another tab, or it has been reviewed). "
          "Nothing was changed: reload the page to see it as it is now."),
        code="stale",
    )


def moved_on(error: ValidationError) -> bool:
    """Whether ``error`` refused a form because its record moved on (``stale_error``) or its
    period or call closed, rather than for what was typed (errors per field have no code)."""
    return getattr(error, "code", None) in ("stale", "closed")


def posted_version(request) -> int:
    """The version the posted form was built on; 0 (never a record's) when it is missing
    or garbled, so a tampered form is refused as stale rather than skipping the check."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


def locked(record: Reviewable, version: int | None, statuses: Iterable[str], *, related: Sequence[str] = ()):
    """``record`` re-read under a row lock; raises ValidationError (code ``stale``) if it
    has moved on from ``version`` or is in none of ``statuses``."""
    current = type(record).objects.select_for_update().select_related(*related).get(pk=record.pk)
    if (version is not None and current.version != version) or current.status not in statuses:
        raise stale_error()
    return current


def editable_fields(record: Reviewable, fields: Sequence[str], *, draft: str, returned: str) -> tuple[str, ...]:
    """The fields the submitter may change now: all of ``fields`` while ``draft``, the
    returned ones while ``returned``, none otherwise."""
    if record.status == draft:
        return tuple(fields)
    if record.status == returned:
        return tuple(name for name in fields if name in record.returned_fields)
    return ()


def keep_draft(record: Reviewable, values: dict, data: dict[str, str], editable: Sequence[str]) -> None:
    """Store ``values`` on ``record`` with what was typed in the ``editable`` fields, as
    typed, and save it as a new version."""
    for name, value in values.items():
        setattr(record, name, value)
    record.draft_input = {name: data[name] for name in editable if name in data}
    record.version += 1
    record.save()


def return_comments(fields: Sequence[str], field_comments: dict[str, str] | None) -> dict[str, str]:
    """The reviewer's comments on ``fields``, trimmed and in the fields' order. Raises
    ValidationError (code ``no_fields``) when no field has one."""
    comments = {name: text.strip() for name, text in (field_comments or {}).items()
                if name in fields and text and text.strip()}
    if not comments:
        raise ValidationError(_("Say which items need correcting, with a comment on each."), code="no_fields")
    return {name: comments[name] for name in fields if name in comments}
