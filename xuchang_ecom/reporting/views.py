"""The reporter's pages and the reviewers' queue, in Chinese, phone-first.

Reporters see only their own organisation's reports; a report of another organisation,
or of another county for county staff, answers 404 as if it did not exist.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from xuchang_ecom.accounts import services as account_services
from xuchang_ecom.accounts.models import Role
from xuchang_ecom.accounts.scoping import scope_queryset
from xuchang_ecom.common.admin import add_service_errors
from xuchang_ecom.workflow import review
from xuchang_ecom.workflow.forms import ReturnForm
from xuchang_ecom.workflow.notifications import notifications_mark_read

from . import notify, selectors, services
from .exports import XLSX_CONTENT_TYPE, completeness_workbook
from .forms import ReporterAccountForm, ReportForm
from .groups import expected_organisations, fields_for
from .models import Period, Report, ReportEvent, ReportStatus


def _reporter(request):
    if request.user.role != Role.REPORTER or not request.user.organisation_id:
        raise Http404
    return request.user


def _labelled(fields: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(name, Report._meta.get_field(name).verbose_name) for name in fields]


@login_required
def reporter_home_view(request):
    """Every period once, newest first, with its report's state and a link to it."""
    user = _reporter(request)
    return render(request, "reporting/home.html", {
        "organisation": user.organisation,
        "rows": selectors.reporter_periods_with_reports(user=user),
    })


@login_required
@require_POST
def report_start_view(request, period_pk: int):
    user = _reporter(request)
    period = get_object_or_404(Period, pk=period_pk)
    try:
        report = services.report_start(user=user, period=period)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reporting:home")
    return redirect("reporting:edit", pk=report.pk)


@login_required
def report_edit_view(request, pk: int):
    """The form: save a draft (errors shown, nothing lost) or submit."""
    user = _reporter(request)
    report = selectors.report_get(user=user, pk=pk)
    editable = services.editable_fields(report)
    fields = fields_for(report.organisation)
    if not editable:
        if request.method == "POST":  # a form left open while the report moved on, or sent twice
            _moved_on_message(request, report, review.stale_error())
        return redirect("reporting:detail", pk=report.pk)
    form = ReportForm(request.POST or None, report=report, fields=fields, editable=editable)
    outliers: list[str] = []
    if request.method == "POST":
        action, version = request.POST.get("action", "save"), review.posted_version(request)
        try:
            if action == "save":
                report, errors = services.report_save_draft(user=user, report=report, data=form.typed(),
                                                            version=version)
                if not errors:
                    messages.success(request, _("Draft saved."))
                    return redirect("reporting:edit", pk=report.pk)
                form = ReportForm(request.POST, report=report, fields=fields, editable=editable)
                form.add_service_errors(errors)
                messages.warning(request, _("Draft saved; some figures need correcting before you submit."))
            else:
                services.report_submit(user=user, report=report, data=form.typed(), version=version,
                                       confirm_outliers=request.POST.get("confirm") == "yes")
                messages.success(request, _("Report submitted. You will be told if the reviewer returns it."))
                return redirect("reporting:detail", pk=report.pk)
        except ValidationError as error:
            report = selectors.report_get(user=user, pk=pk)
            form = ReportForm(request.POST, report=report, fields=fields, editable=editable)
            if review.moved_on(error):
                if _moved_on_message(request, report, error):
                    return redirect("reporting:detail", pk=report.pk)
                return redirect("reporting:home")
            if getattr(error, "code", None) == "outliers":
                outliers = error.params["fields"]
                messages.warning(request, " ".join(error.messages))
                form.is_valid()
            else:
                form.add_service_errors(error.message_dict)
    # Why it came back: the reviewer's return or the city's unlock, whichever was last.
    returned = (report.events.filter(action__in=[ReportEvent.Action.RETURNED, ReportEvent.Action.UNLOCKED]).last()
                if report.status == ReportStatus.RETURNED else None)
    return render(request, "reporting/edit.html", {
        "report": report, "form": form, "outliers": outliers, "returned": returned,
    }, status=200)


def _moved_on_message(request, report: Report, error: ValidationError) -> bool:
    """Tell the reporter why a posted form changed nothing. A submit of the figures the
    report is already submitted with (a double click, a resent page) is told so; anything
    else gets ``error``. Returns whether it was such a repeat."""
    if request.POST.get("action") == "submit" and services.report_submitted_with(report=report, data=request.POST):
        messages.success(request, _("This report was already submitted and is awaiting review; it was not sent "
                                    "again."))
        return True
    messages.error(request, " ".join(error.messages))
    return False


@login_required
def report_detail_view(request, pk: int):
    """A report with its figures and its history, for its reporter and its reviewers."""
    report = selectors.report_get(user=request.user, pk=pk)
    fields = fields_for(report.organisation)
    return render(request, "reporting/detail.html", {
        "report": report,
        "figures": [(Report._meta.get_field(name).verbose_name, getattr(report, name), name in report.flagged_fields)
                    for name in fields],
        "events": report.events.select_related("user"),
        "is_reporter": request.user.role == Role.REPORTER,
    })


@login_required
def review_queue_view(request):
    if not request.user.has_perm("reporting.review_report"):
        raise Http404
    return render(request, "reporting/queue.html", {"reports": selectors.review_queue(user=request.user),
                                                    "periods": Period.objects.all()[:3]})


@login_required
@require_POST
def review_approve_selected_view(request):
    """Approve the reports ticked in the queue, each through the one approval service."""
    if not request.user.has_perm("reporting.review_report"):
        raise Http404
    versions = {}
    for value in request.POST.getlist("report"):
        if value.isdigit():
            try:
                versions[int(value)] = int(request.POST.get(f"version_{value}", ""))
            except ValueError:
                versions[int(value)] = 0  # a garbled version is refused as stale
    if not versions:
        messages.warning(request, _("Tick the reports to approve first."))
        return redirect("reporting:queue")
    approved, skipped = services.report_approve_many(user=request.user, versions=versions)
    if approved:
        messages.success(request, ngettext("%(count)d report approved.", "%(count)d reports approved.",
                                           len(approved)) % {"count": len(approved)})
    if skipped:
        reasons = _("; ").join(_("%(what)s (%(why)s)") % {"what": what, "why": why} for what, why in skipped)
        messages.warning(request, ngettext("%(count)d report was not approved: %(reasons)s.",
                                           "%(count)d reports were not approved: %(reasons)s.",
                                           len(skipped)) % {"count": len(skipped), "reasons": reasons})
    return redirect("reporting:queue")


@login_required
def review_view(request, pk: int):
    """A submitted report beside the organisation's previous months, to approve or return."""
    if not request.user.has_perm("reporting.review_report"):
        raise Http404
    report = selectors.report_get(user=request.user, pk=pk)
    fields = fields_for(report.organisation)
    previous = selectors.previous_reports(report=report)
    rows = [
        (name, Report._meta.get_field(name).verbose_name, getattr(report, name), name in report.flagged_fields,
         [getattr(past, name) for past in previous])
        for name in fields
    ]
    return render(request, "reporting/review.html", {
        "report": report, "rows": rows, "previous": previous,
        "return_form": ReturnForm(items=_labelled(fields)),
        "events": report.events.select_related("user"),
        "may_unlock": request.user.has_perm("reporting.unlock_report"),
    })


@login_required
@require_POST
def review_decide_view(request, pk: int):
    if not request.user.has_perm("reporting.review_report"):
        raise Http404
    report = selectors.report_get(user=request.user, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "approve":
            services.report_approve(user=request.user, report=report, version=review.posted_version(request),
                                    comment=request.POST.get("comment", ""))
            messages.success(request, _("Report approved."))
        elif action == "return":
            form = ReturnForm(request.POST, items=_labelled(fields_for(report.organisation)))
            form.is_valid()
            services.report_return(user=request.user, report=report, version=review.posted_version(request),
                                   comment=form.cleaned_data.get("comment", ""), field_comments=form.field_comments())
            messages.success(request, _("Report returned to its organisation."))
        elif action == "unlock":
            services.report_unlock(user=request.user, report=report, reason=request.POST.get("reason", ""))
            messages.success(request, _("Report unlocked and returned to its organisation."))
        else:
            return HttpResponseBadRequest(_("Unknown action."))
    except PermissionDenied:
        raise
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reporting:review", pk=report.pk)
    return redirect("reporting:queue")


@login_required
def completeness_view(request, period_pk: int):
    """Who has reported for a period: by county (ranked) and by organisation; .xlsx too."""
    if not request.user.has_perm("reporting.view_report"):
        raise Http404
    period = get_object_or_404(Period, pk=period_pk)
    organisations = selectors.period_completeness(user=request.user, period=period)
    counties = selectors.completeness_by_county(user=request.user, period=period)
    if request.GET.get("format") == "xlsx":
        content = completeness_workbook(period=period, counties=counties, organisations=organisations)
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="completeness-{period}.xlsx"'
        return response
    return render(request, "reporting/completeness.html", {
        "period": period, "periods": Period.objects.all()[:36], "counties": counties,
        "organisations": organisations,
        "may_remind": request.user.has_perm("reporting.review_report") and notify.period_is_overdue(period),
        "totals": {key: sum(row[key] for row in counties)
                   for key in ("expected", "submitted", "on_time_count", "late_count", "missing")},
    })


@login_required
@require_POST
def remind_late_view(request, period_pk: int):
    """Remind every organisation of the user's area whose report for the period is overdue."""
    if not request.user.has_perm("reporting.review_report"):
        raise Http404
    period = get_object_or_404(Period, pk=period_pk)
    count = notify.reminders_send_for_period(user=request.user, period=period)
    if count:
        messages.success(request, ngettext("%(count)d organisation reminded.", "%(count)d organisations reminded.",
                                           count) % {"count": count})
    else:
        messages.info(request, _("Nobody was reminded: every late organisation has been reminded already, or none "
                                 "is late."))
    return redirect("reporting:completeness", period_pk=period.pk)


@login_required
def notifications_view(request):
    """The user's notifications, newest first; opening the page marks them read."""
    notifications = list(request.user.notifications.all()[:50])
    notifications_mark_read(user=request.user)
    return render(request, "reporting/notifications.html", {"notifications": notifications})


@login_required
def reporter_account_create_view(request):
    """Staff create a reporter account for an organisation of their area; its owner gets an
    invitation to set the password."""
    if request.user.role not in (Role.CITY_STAFF, Role.COUNTY_STAFF):
        raise Http404
    organisations = scope_queryset(expected_organisations(), user=request.user, region_field="region")
    form = ReporterAccountForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            reporter = account_services.reporter_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            names = {"username": reporter.username, "email": reporter.email}
            try:
                account_services.reporter_invite(user=request.user, reporter=reporter,
                                                 site_url=request.build_absolute_uri("/"))
            except ValidationError as error:
                # The account stays; the list of accounts offers to send the invitation again.
                messages.error(request, _("Account %(username)s created, but not invited: %(error)s")
                               % {**names, "error": " ".join(error.messages)})
                return redirect("accounts-reporters")
            messages.success(request, _("Account %(username)s created; an invitation to set the password was sent "
                                        "to %(email)s.") % names)
            return redirect("reporting:accounts-new")
    return render(request, "reporting/account_new.html", {"form": form})
