"""Reads of the monthly reports that depend on who asks."""
from django.db.models import QuerySet
from django.http import Http404

from xuchang_ecom.accounts.models import Role

from .models import Period, Report, ReportStatus


def report_list(*, user) -> QuerySet:
    """The reports ``user`` may see: city staff all, county staff their county's
    organisations', a reporter their own organisation's."""
    return Report.objects.visible_to(user).select_related("organisation__region", "period")


def report_get(*, user, pk: int) -> Report:
    """Raises Http404 for a missing report and one the user may not see, alike."""
    report = report_list(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def review_queue(*, user) -> QuerySet:
    """Submitted reports awaiting review in the user's area, oldest first."""
    if not user.has_perm("reporting.review_report"):
        return Report.objects.none()
    return report_list(user=user).filter(status=ReportStatus.SUBMITTED).order_by("submitted_at", "pk")


def reporter_periods(*, user) -> QuerySet:
    """The periods a reporter can write in (open ones)."""
    if user.role != Role.REPORTER:
        return Period.objects.none()
    return Period.objects.open().order_by("-month")


def previous_reports(*, report: Report, months: int = 6) -> list[Report]:
    """The organisation's approved reports before ``report``'s period, newest first."""
    return list(
        Report.objects.approved()
        .filter(organisation_id=report.organisation_id, period__month__lt=report.period.month)
        .select_related("period")
        .order_by("-period__month")[:months]
    )
