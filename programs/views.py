"""The plan's pages: the public dashboard; for staff, progress per program, the records
behind each number, and the monthly briefing."""
import calendar
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuchang_ecom.common.numbers import parse_whole_number
from xuchang_ecom.regions.models import Region

from . import selectors, services
from .models import BriefingStatus


def _as_of(request) -> date | None:
    try:
        return date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return None


@login_required
def program_list_view(request):
    if not request.user.has_perm("programs.view_program"):
        raise Http404
    programs = selectors.program_list(user=request.user)
    first = programs.first()
    if first is None:
        # A new installation: where staff land after logging in, so say what to do.
        return render(request, "programs/none.html")
    return redirect("programs:progress", pk=first.pk)


@login_required
def progress_view(request, pk: int):
    """Each target with its bar, pace, forecast and history, and the county breakdown."""
    program = selectors.program_get(user=request.user, pk=pk)
    as_of = selectors.progress_as_of(program=program, as_of=_as_of(request))
    progress = selectors.target_progress_list(user=request.user, program=program, as_of=as_of) if as_of else []
    charts = {"labels": {"value": _("Value"), "path": _("Straight line to the target")}, "targets": {
        str(item.target.pk): {
            "dates": [day.isoformat() for day, _value in item.city.history],
            "values": [float(value) for _day, value in item.city.history],
            "goal": float(item.target.value) if item.target.value is not None else None,
            "baseline": [item.target.baseline_on.isoformat(), float(item.target.baseline_value)],
            "deadline": item.target.deadline.isoformat() if item.target.deadline else None,
        }
        for item in progress if item.city is not None
    }}
    computed_at = max((item.city.computed_at for item in progress if item.city), default=None)
    return render(request, "programs/progress.html", {
        "program": program,
        "programs": selectors.program_list(user=request.user),
        "as_of": as_of,
        "computed_at": computed_at,
        "progress": progress,
        # A dict: json_script encodes it (once).
        "charts": charts,
        "briefings": selectors.briefing_list(user=request.user, program=program)[:12],
        "may_request_briefing": request.user.has_perm("programs.add_briefing"),
    })


def _change_url(record) -> str | None:
    opts = record._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    except NoReverseMatch:
        return None


@login_required
def target_records_view(request, pk: int, region_pk: int):
    """The records a number was computed from (the drill-down), as the user may see them."""
    target = selectors.target_get(user=request.user, pk=pk)
    region = get_object_or_404(Region, pk=region_pk)
    as_of = _as_of(request) or selectors.progress_as_of(program=target.program)
    if as_of is None:
        raise Http404
    records = selectors.target_records(user=request.user, target=target, region=region, as_of=as_of)
    metric = selectors.target_metric(target)
    page = Paginator(records.order_by("pk"), 100).get_page(request.GET.get("page"))
    return render(request, "programs/records.html", {
        "target": target,
        "region": region,
        "as_of": as_of,
        "value": None if metric.counts_records else records.aggregate(value=metric.value)["value"],
        "page": page,
        "rows": [(str(record), _change_url(record)) for record in page],
        "model_name": records.model._meta.verbose_name_plural,
    })


@login_required
@require_POST
def briefing_request_view(request, pk: int):
    """Ask for a month's briefing; the page then shows it being built."""
    program = selectors.program_get(user=request.user, pk=pk)
    if not request.user.has_perm("programs.add_briefing"):
        raise PermissionDenied
    year, _dash, month = request.POST.get("month", "").partition("-")
    year, month = parse_whole_number(year, minimum=1, maximum=9999), parse_whole_number(month, minimum=1, maximum=12)
    if year is None or month is None:  # "２０２２-１２" or a year of 30 digits too
        messages.error(request, _("Choose a month, such as 2022-12."))
        return redirect("programs:progress", pk=program.pk)
    month_end = date(year, month, calendar.monthrange(year, month)[1])
    try:
        services.briefing_request(user=request.user, program=program, month_end=month_end)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The briefing is being built; it can be downloaded here when it is ready."))
    return redirect(f"{reverse('programs:progress', args=[program.pk])}#briefings")


@login_required
def briefing_status_view(request, pk: int):
    """The briefing's status and progress, for the page to poll."""
    briefing = selectors.briefing_get(user=request.user, pk=pk)
    return JsonResponse({
        "status": briefing.status,
        "label": str(briefing.get_status_display()),
        "progress": briefing.progress,
        "download": reverse("programs:briefing-download", args=[briefing.pk]) if briefing.file else None,
    })


@login_required
def briefing_download_view(request, pk: int):
    briefing = selectors.briefing_get(user=request.user, pk=pk)
    if briefing.status != BriefingStatus.DONE or not briefing.file:
        raise Http404
    name = f"{briefing.program.name}-{briefing.month:%Y-%m}.xlsx"
    return FileResponse(briefing.file.open("rb"), as_attachment=True, filename=name)
