"""Reads of the monthly reports that depend on who asks."""
from datetime import datetime, time, timedelta

from django.db.models import BooleanField, Case, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.http import Http404
from django.utils import timezone

from xuchang_ecom.accounts.models import Role
from xuchang_ecom.accounts.scoping import scope_queryset

from .groups import expected_organisations
from .models import Period, Report, ReportEvent, ReportStatus

FIGURE_NAMES = {field.name for field in Report._meta.get_fields()}


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


def reporter_periods_with_reports(*, user, limit: int = 36) -> list[tuple[Period, Report | None]]:
    """The reporter's home, newest first: each period once, open or one the organisation
    has a report for, with that report (or None); a returned report carries the last
    return or unlock in ``why_returned`` (or None) and its comments as ``(figure label,
    comment)`` pairs in ``why_items``."""
    if user.role != Role.REPORTER or not user.organisation_id:
        return []
    periods = list(
        Period.objects.filter(Q(is_open=True) | Q(reports__organisation_id=user.organisation_id))
        .distinct().order_by("-month")[:limit]
    )
    returns = Prefetch("events", to_attr="returns", queryset=ReportEvent.objects.filter(
        action__in=[ReportEvent.Action.RETURNED, ReportEvent.Action.UNLOCKED]))
    reports = {report.period_id: report
               for report in report_list(user=user).filter(period__in=periods).prefetch_related(returns)}
    for report in reports.values():
        report.why_returned = report.returns[-1] if report.status == ReportStatus.RETURNED and report.returns \
            else None
        report.why_items = [(Report._meta.get_field(name).verbose_name, comment)
                            for name, comment in report.why_returned.field_comments.items()
                            if name in FIGURE_NAMES] if report.why_returned else []
    return [(period, reports.get(period.pk)) for period in periods]


def previous_reports(*, report: Report, months: int = 6) -> list[Report]:
    """The organisation's approved reports before ``report``'s period, newest first."""
    return list(
        Report.objects.approved()
        .filter(organisation_id=report.organisation_id, period__month__lt=report.period.month)
        .select_related("period")
        .order_by("-period__month")[:months]
    )


def period_completeness(*, user, period: Period) -> QuerySet:
    """The organisations expected to report for ``period`` that ``user`` may see, each with
    ``first_submitted`` (when its report was first submitted, or None), ``status`` (its
    report's, or None), ``on_time`` and ``late``, all computed in the database."""
    first_submission = (
        ReportEvent.objects.filter(report__organisation=OuterRef("pk"), report__period=period,
                                   action=ReportEvent.Action.SUBMITTED)
        .order_by("at").values("at")[:1]
    )
    status = Report.objects.filter(organisation=OuterRef("pk"), period=period).values("status")[:1]
    deadline = _end_of_day(period.due_on)
    organisations = scope_queryset(expected_organisations(), user=user, region_field="region")
    return (
        organisations.annotate(first_submitted=Subquery(first_submission), status=Subquery(status))
        .annotate(
            on_time=Case(When(first_submitted__lt=deadline, then=True), default=False,
                         output_field=BooleanField()),
            late=Case(When(first_submitted__gte=deadline, then=True), default=False, output_field=BooleanField()),
        )
        .select_related("region__county")
        .order_by("region__county__path", "name")
    )


def completeness_by_county(*, user, period: Period) -> list[dict]:
    """Per county-level division: expected, submitted, on time, late, missing, and the
    share on time; best first. One query."""
    rows = (
        period_completeness(user=user, period=period)
        .order_by()
        .values(county=F("region__county__name"))
        .annotate(
            expected=Count("pk", distinct=True),
            submitted=Count("pk", filter=Q(first_submitted__isnull=False), distinct=True),
            on_time_count=Count("pk", filter=Q(on_time=True), distinct=True),
            late_count=Count("pk", filter=Q(late=True), distinct=True),
        )
    )
    result = []
    for row in rows:
        row["missing"] = row["expected"] - row["submitted"]
        row["share_on_time"] = round(100 * row["on_time_count"] / row["expected"]) if row["expected"] else 0
        result.append(row)
    return sorted(result, key=lambda row: (-row["share_on_time"], -row["submitted"], row["county"] or ""))


def _end_of_day(day):
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
