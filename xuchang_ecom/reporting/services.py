"""Every write to the monthly reports: periods, drafts, submission, review.

A report moves draft → submitted → (returned → submitted)* → approved, and an approved
report goes back to returned only when city staff unlock it with a reason. Each move is
one transaction that locks the report's row and checks the version the user's form was
built from, so two tabs, or a form left open while the report was approved, change
nothing and get a clear message. Every move is kept as a ReportEvent.
"""
import statistics
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuchang_ecom.accounts.models import Role
from xuchang_ecom.common.errors import NotAllowed, NotFound
from xuchang_ecom.common.signals import records_written
from xuchang_ecom.workflow import review

from . import notify, selectors
from .groups import fields_for
from .models import Period, Report, ReportEvent, ReportStatus

#: A figure more than this many times the organisation's median month (or less than its
#: inverse) needs the reporter's confirmation and is flagged to the reviewer.
OUTLIER_FACTOR = Decimal(10)
#: Approved months needed before a figure is compared with the organisation's history.
OUTLIER_MIN_HISTORY = 3

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


@transaction.atomic
def period_open(*, month: date, opens_on: date, due_on: date) -> Period:
    """Open the reporting period of ``month`` (any day of it). Raises ValidationError if it
    exists or its dates are out of order."""
    period = Period(month=month.replace(day=1), opens_on=opens_on, due_on=due_on, is_open=True)
    period.full_clean()
    period.save()
    return period


@transaction.atomic
def period_update(*, period: Period, opens_on: date, due_on: date, is_open: bool) -> Period:
    """Move a period's dates, or close or reopen it; its month stays. Raises ValidationError
    if it would be due before it opens."""
    period.opens_on, period.due_on, period.is_open = opens_on, due_on, is_open
    period.full_clean()
    period.save(update_fields=["opens_on", "due_on", "is_open"])
    return period


@transaction.atomic
def period_set_open(*, period: Period, is_open: bool) -> Period:
    """Close a period (nothing more can be submitted for it) or open it again."""
    period.is_open = is_open
    period.save(update_fields=["is_open"])
    return period


def _locked(report: Report, version: int | None, statuses) -> Report:
    """``report`` re-read under a row lock; raises ValidationError if it moved on."""
    return review.locked(report, version, statuses, related=("period", "organisation"))


def _record(report: Report, action: str, user, comment: str = "", field_comments: dict | None = None) -> None:
    ReportEvent.objects.create(report=report, action=action, user=user, comment=comment,
                               field_comments=field_comments or {})


@transaction.atomic
def report_start(*, user, period: Period) -> Report:
    """The reporter's report for ``period``, started as a draft if there is none.

    Two tabs starting it at once get the same report (the database allows one per
    organisation and period). Raises NotAllowed for a user who is not a reporter,
    ValidationError when the period is closed.
    """
    if user.role != Role.REPORTER or not user.organisation_id:
        raise NotAllowed
    existing = Report.objects.filter(organisation_id=user.organisation_id, period=period).first()
    if existing is not None:
        return existing
    if not period.is_open:
        raise ValidationError(_("The period %(period)s is closed.") % {"period": period}, code="closed")
    try:
        with transaction.atomic():
            report = Report.objects.create(organisation_id=user.organisation_id, period=period)
    except IntegrityError:
        return Report.objects.get(organisation_id=user.organisation_id, period=period)
    _record(report, ReportEvent.Action.DRAFTED, user)
    return report


def editable_fields(report: Report) -> tuple[str, ...]:
    """The figures the reporter may change now: all of theirs on a draft, the returned
    ones on a returned report, none otherwise."""
    return review.editable_fields(report, fields_for(report.organisation), draft=ReportStatus.DRAFT,
                                  returned=ReportStatus.RETURNED)


def _parse(report: Report, data: dict[str, str]) -> tuple[dict[str, object], dict[str, list[str]]]:
    """``(values, errors)`` for the editable figures in ``data`` (text as typed)."""
    values, errors = {}, {}
    for name in editable_fields(report):
        if name not in data:
            continue
        text = (data[name] or "").strip().replace(",", "").replace("，", "")
        field = Report._meta.get_field(name)
        try:
            values[name] = None if text == "" else field.clean(text, report)
        except ValidationError as error:
            errors[name] = error.messages
    return values, errors


def _check_reporter(user, report: Report) -> None:
    if user.role != Role.REPORTER or user.organisation_id != report.organisation_id:
        raise NotFound


@transaction.atomic
def report_save_draft(*, user, report: Report, data: dict[str, str], version: int) -> tuple[Report, dict]:
    """Keep what the reporter typed; returns the report and the errors per figure.

    Everything typed is kept as typed (so nothing is lost, even a value with an error);
    the valid values are stored as figures. Raises ValidationError if the report can no
    longer be edited or the form is stale.
    """
    _check_reporter(user, report)
    report = _locked(report, version, EDITABLE)
    # A closed period takes no more drafts; a report returned by the bureau is still corrected.
    if report.status == ReportStatus.DRAFT and not report.period.is_open:
        raise ValidationError(_("The period %(period)s is closed.") % {"period": report.period}, code="closed")
    values, errors = _parse(report, data)
    review.keep_draft(report, values, data, editable_fields(report))
    return report, errors


def outliers(report: Report) -> list[str]:
    """The figures of ``report`` far outside its organisation's approved months."""
    history = (
        Report.objects.approved()
        .filter(organisation_id=report.organisation_id, period__month__lt=report.period.month)
        .order_by("-period__month")
    )
    fields = fields_for(report.organisation)
    past = list(history.values(*fields)[:12])
    flagged = []
    for name in fields:
        value = getattr(report, name)
        earlier = [row[name] for row in past if row[name] is not None]
        if value is None or len(earlier) < OUTLIER_MIN_HISTORY:
            continue
        median = Decimal(statistics.median(earlier))
        if median > 0 and (Decimal(value) > median * OUTLIER_FACTOR or Decimal(value) * OUTLIER_FACTOR < median):
            flagged.append(name)
    return flagged


def report_submit(*, user, report: Report, data: dict[str, str], version: int,
                  confirm_outliers: bool = False) -> Report:
    """Submit (or resubmit) the report with the figures in ``data``.

    Raises ValidationError: per figure when one is missing or invalid (the typed input is
    kept, as for a draft); with code ``outliers`` and the flagged figures in ``params``
    when a figure is far outside the organisation's history and ``confirm_outliers`` is
    not set; with code ``stale`` or ``closed`` as for a draft.
    """
    # The typed figures are kept whatever happens: a refusal below must not lose them, so it
    # is raised after the transaction commits. The row lock taken when the figures are kept
    # is held until the report is submitted, so a second click waits for the first to finish
    # and then finds the report submitted (see ``report_submitted_with``), never half-way.
    with transaction.atomic():
        report, errors = report_save_draft(user=user, report=report, data=data, version=version)
        for name in editable_fields(report):
            if name not in errors and getattr(report, name) is None:
                errors[name] = [_("Fill in this figure (0 if there was none).")]
        flagged = [] if errors else outliers(report)
        refused = bool(errors) or (bool(flagged) and not confirm_outliers)
        if not refused:
            resubmission = report.status == ReportStatus.RETURNED
            report.status = ReportStatus.SUBMITTED
            report.flagged_fields = flagged
            report.draft_input = {}
            report.submitted_at = timezone.now()
            report.version += 1
            report.save()
            _record(report, ReportEvent.Action.RESUBMITTED if resubmission else ReportEvent.Action.SUBMITTED, user)
            notify.report_arrived(report)
    if errors:
        raise ValidationError(errors)
    if refused:
        raise ValidationError(
            _("Some figures are far from your organisation's usual months. Check them and confirm to submit."),
            code="outliers", params={"fields": flagged},
        )
    return report


def report_submitted_with(*, report: Report, data: dict[str, str]) -> bool:
    """Whether ``report`` is submitted (awaiting review) with exactly the figures typed in
    ``data``: the same form sent again (a double click, a resent page), which changes
    nothing and is no error."""
    if report.status != ReportStatus.SUBMITTED:
        return False
    posted = [name for name in fields_for(report.organisation) if name in data]
    if not posted:
        return False
    for name in posted:
        text = (data[name] or "").strip().replace(",", "").replace("，", "")
        try:
            value = None if text == "" else Report._meta.get_field(name).clean(text, report)
        except ValidationError:
            return False
        if value != getattr(report, name):
            return False
    return True


def _check_reviewer(user, report: Report) -> None:
    if not user.has_perm("reporting.review_report"):
        raise NotAllowed
    if not selectors.report_list(user=user).filter(pk=report.pk).exists():
        raise NotFound


@transaction.atomic
def report_return(*, user, report: Report, version: int, comment: str = "",
                  field_comments: dict[str, str] | None = None) -> Report:
    """Return a submitted report to its organisation with comments; only the figures
    commented on can be changed. Raises ValidationError without any comment on a figure."""
    _check_reviewer(user, report)
    report = _locked(report, version, (ReportStatus.SUBMITTED,))
    field_comments = review.return_comments(fields_for(report.organisation), field_comments)
    report.status = ReportStatus.RETURNED
    report.returned_fields = list(field_comments)
    report.version += 1
    report.save()
    _record(report, ReportEvent.Action.RETURNED, user, comment.strip(), field_comments)
    notify.report_returned(report)
    return report


@transaction.atomic
def report_approve(*, user, report: Report, version: int, comment: str = "") -> Report:
    """Approve a submitted report: it is locked, and its figures now count."""
    _check_reviewer(user, report)
    report = _locked(report, version, (ReportStatus.SUBMITTED,))
    report.status = ReportStatus.APPROVED
    report.returned_fields = []
    report.approved_at = timezone.now()
    report.version += 1
    report.save()
    _record(report, ReportEvent.Action.APPROVED, user, comment.strip())
    notify.report_approved(report)
    records_written.send(sender=Report, count=1)
    return report


def report_approve_many(*, user, versions: dict[int, int]) -> tuple[list[Report], list[tuple[str, str]]]:
    """Approve each report of ``versions`` (report id -> the version the reviewer saw),
    one by one through ``report_approve``: each is approved whole or not at all.

    Returns the reports approved and, for each one skipped, ``(what, why)``: one changed
    since the reviewer's page was built, or no longer awaiting review, is skipped; one the
    reviewer may not see is skipped as not found, like a missing one.
    Raises NotAllowed for a user who does not review reports.
    """
    if not user.has_perm("reporting.review_report"):
        raise NotAllowed
    visible = selectors.report_list(user=user).in_bulk(list(versions))
    approved, skipped = [], []
    for pk, version in versions.items():
        report = visible.get(pk)
        if report is None:
            skipped.append((_("report no. %(number)s") % {"number": pk}, _("not found")))
            continue
        try:
            approved.append(report_approve(user=user, report=report, version=version))
        except ValidationError:
            skipped.append((str(report), _("it has changed since you opened the page")))
    return approved, skipped


@transaction.atomic
def report_unlock(*, user, report: Report, reason: str) -> Report:
    """Unlock an approved report (city permission, with a reason): it goes back to its
    organisation as returned, every figure editable, and stops counting until approved."""
    if not user.has_perm("reporting.unlock_report"):
        raise NotAllowed
    _check_reviewer(user, report)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the approved report is unlocked.")})
    report = _locked(report, None, (ReportStatus.APPROVED,))
    report.status = ReportStatus.RETURNED
    report.returned_fields = list(fields_for(report.organisation))
    report.approved_at = None
    report.version += 1
    report.save()
    _record(report, ReportEvent.Action.UNLOCKED, user, reason.strip())
    notify.report_returned(report)
    records_written.send(sender=Report, count=1)
    return report
