"""Staff pages of the programs: progress per program, and the records behind each number."""
import json
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse

from xuchang_ecom.regions.models import Region

from . import selectors


def _as_of(request) -> date | None:
    try:
        return date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return None


@login_required
def program_list_view(request):
    programs = selectors.program_list(user=request.user)
    first = programs.first()
    if first is None:
        raise Http404
    return redirect("programs:progress", pk=first.pk)


@login_required
def progress_view(request, pk: int):
    """Each target with its bar, pace, forecast and history, and the county breakdown."""
    program = selectors.program_get(user=request.user, pk=pk)
    as_of = selectors.progress_as_of(program=program, as_of=_as_of(request))
    progress = selectors.target_progress_list(user=request.user, program=program, as_of=as_of) if as_of else []
    charts = {
        str(item.target.pk): {
            "dates": [day.isoformat() for day, _value in item.city.history],
            "values": [float(value) for _day, value in item.city.history],
            "goal": float(item.target.value) if item.target.value is not None else None,
            "baseline": [item.target.baseline_on.isoformat(), float(item.target.baseline_value)],
            "deadline": item.target.deadline.isoformat() if item.target.deadline else None,
        }
        for item in progress if item.city is not None
    }
    computed_at = max((item.city.computed_at for item in progress if item.city), default=None)
    return render(request, "programs/progress.html", {
        "program": program,
        "programs": selectors.program_list(user=request.user),
        "as_of": as_of,
        "computed_at": computed_at,
        "progress": progress,
        "charts_json": json.dumps(charts),
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
