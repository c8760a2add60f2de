"""What the public sees of the plan: aggregates from the stored snapshots, cached per data
version (``xuchang_ecom.common.publiccache``). Never a row about a person."""
from django.db.models import Max
from django.utils import translation

from xuchang_ecom.common.publiccache import cached
from xuchang_ecom.regions.models import Level, Region

from .models import CountyTarget, Snapshot, Target
from .pace import pace


def _progress_rows(region_id: int | None) -> list[dict]:
    targets = list(Target.objects.filter(program__is_published=True).select_related("program")
                   .order_by("program__starts_on", "program_id", "position", "pk"))
    if not targets:
        return []
    city = Region.objects.filter(level=Level.CITY).first()
    place = region_id or (city.pk if city else None)
    latest = Snapshot.objects.filter(target__in=targets, region_id=place).aggregate(latest=Max("as_of"))["latest"]
    if latest is None:
        return []
    history: dict[int, list] = {}
    for row in (Snapshot.objects.filter(target__in=targets, region_id=place, as_of__lte=latest)
                .order_by("as_of").values("target_id", "as_of", "value", "computed_at")):
        history.setdefault(row["target_id"], []).append(row)
    parts = {}
    if region_id:
        parts = {part.target_id: part for part in CountyTarget.objects.filter(target__in=targets,
                                                                              county_id=region_id)}
    rows = []
    for target in targets:
        points = history.get(target.pk) or []
        if not points or points[-1]["as_of"] != latest:
            continue
        now = points[-1]
        goal, baseline = target.value, target.baseline_value
        if region_id:
            part = parts.get(target.pk)
            goal, baseline = (part.value, part.baseline_value) if part else (None, None)
        result = None
        if goal is not None and target.deadline is not None:
            result = pace(value=now["value"], target=goal, deadline=target.deadline, baseline_value=baseline,
                          baseline_on=target.baseline_on, as_of=latest,
                          history=[(p["as_of"], p["value"]) for p in points[:-1]])
        rows.append({
            "program": target.program.name,
            "key": target.metric_key,
            "label": target.label,
            "unit": target.unit,
            "target": goal,
            "actual": now["value"],
            "deadline": target.deadline,
            "percent": result.percent if result else None,
            "expected": result.expected if result else None,
            "status": result.status.value if result else None,
            "status_label": str(result.status.label) if result else None,
            "forecast": result.forecast if result else None,
            "as_of": latest,
            "computed_at": now["computed_at"],
            "history": [(p["as_of"], p["value"]) for p in points],
        })
    return rows


def public_progress(*, county: Region | None = None) -> list[dict]:
    """Every published target and indicator with its latest figure, pace and history, for
    the city or one county-level division; cached per data version and language."""
    language = translation.get_language()
    region_id = county.pk if county else None
    return cached(f"progress:{region_id or 'city'}:{language}", lambda: _progress_rows(region_id))
