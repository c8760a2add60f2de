"""Telling people about reports: what a reviewer and a reporter are told when a report
moves (through ``xuchang_ecom.workflow.notifications``), and the reminders of reports due
soon or overdue."""
import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from xuchang_ecom.accounts.scoping import scope_queryset
from xuchang_ecom.common.errors import NotAllowed
from xuchang_ecom.workflow.notifications import notify, reporters_of, reviewers_of

from .groups import expected_organisations
from .models import Period, Reminder, ReminderStage, Report, ReportStatus

logger = logging.getLogger(__name__)


def report_arrived(report: Report) -> None:
    """Tell the reviewers of ``report``'s organisation that it awaits them, with a link to review it."""
    with override(settings.LANGUAGE_CODE):
        message = _("%(organisation)s submitted its report for %(period)s.") % {
            "organisation": report.organisation.name, "period": report.period}
    notify(users=reviewers_of(report.organisation), message=message,
           url=reverse("reporting:review", args=[report.pk]))


def report_returned(report: Report) -> None:
    """Tell the reporters that ``report`` came back to them, with a link to correct it."""
    with override(settings.LANGUAGE_CODE):
        message = _("Your report for %(period)s was returned for correction.") % {"period": report.period}
    notify(users=reporters_of(report.organisation_id), message=message,
           url=reverse("reporting:edit", args=[report.pk]))


def report_approved(report: Report) -> None:
    """Tell the reporters that ``report`` was approved, with a link to it."""
    with override(settings.LANGUAGE_CODE):
        message = _("Your report for %(period)s was approved.") % {"period": report.period}
    notify(users=reporters_of(report.organisation_id), message=message,
           url=reverse("reporting:detail", args=[report.pk]))


def reminders_send(*, today: date | None = None) -> int:
    """E-mail the reporters of every organisation whose report for an open period is due
    within ``REPORT_REMINDER_DAYS`` days, or overdue, and not yet submitted: once per
    organisation, period and stage, however often this runs. Returns how many were sent."""
    today = today or timezone.localdate()
    sent = 0
    soon = today + timedelta(days=settings.REPORT_REMINDER_DAYS)
    for period in Period.objects.open().filter(opens_on__lte=today, due_on__lte=soon):
        sent += _remind_unsubmitted(expected_organisations(), period, today)
    return sent


def reminders_send_for_period(*, user, period: Period, today: date | None = None) -> int:
    """Staff's "remind all late": e-mail the reporters of every organisation of ``user``'s
    area whose report for ``period`` is overdue (the period still open, its due date past,
    nothing submitted). This is the scheduled overdue reminder sent now: each organisation
    gets it at most once per period, by this or by the task, so pressing twice sends
    nothing more. Returns how many organisations were reminded.
    Raises NotAllowed for a user who does not review reports."""
    if not user.has_perm("reporting.review_report"):
        raise NotAllowed
    today = today or timezone.localdate()
    if not period_is_overdue(period, today=today):
        return 0
    organisations = scope_queryset(expected_organisations(), user=user, region_field="region")
    return _remind_unsubmitted(organisations, period, today)


def period_is_overdue(period: Period, *, today: date | None = None) -> bool:
    """Whether reports not yet submitted for ``period`` are late and can still come in."""
    return period.is_open and period.due_on < (today or timezone.localdate())


def _remind_unsubmitted(organisations, period: Period, today: date) -> int:
    """Remind each of ``organisations`` that has not submitted for ``period`` and has not had
    this stage's reminder yet; returns how many were reminded."""
    stage = ReminderStage.OVERDUE if period.due_on < today else ReminderStage.DUE_SOON
    done = Report.objects.filter(period=period).exclude(status=ReportStatus.DRAFT).values("organisation")
    already = Reminder.objects.filter(period=period, stage=stage).values("organisation")
    return sum(_remind(organisation, period, stage)
               for organisation in organisations.exclude(pk__in=done).exclude(pk__in=already))


def _remind(organisation, period: Period, stage: str) -> int:
    recipients = [user.email for user in reporters_of(organisation.pk) if user.email]
    with override(settings.LANGUAGE_CODE):
        if stage == ReminderStage.OVERDUE:
            subject = _("Overdue: the report for %(period)s was due on %(day)s") % {
                "period": period, "day": period.due_on.isoformat()}
        else:
            subject = _("Reminder: the report for %(period)s is due on %(day)s") % {
                "period": period, "day": period.due_on.isoformat()}
    try:
        with transaction.atomic():
            # The row is the claim: a second run, even at the same moment, fails here.
            Reminder.objects.create(organisation=organisation, period=period, stage=stage,
                                    recipients=", ".join(recipients))
            if recipients:
                send_mail(subject, f"{organisation.name}\n\n{subject}", None, recipients)
    except IntegrityError:
        return 0
    except Exception:
        # Not sent, and not recorded as sent: the next run tries again.
        logger.exception("Could not send the %s reminder for %s to %s", stage, period, organisation)
        return 0
    return 1
