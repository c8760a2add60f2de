"""What the public sees: the plan's progress from the stored snapshots, and aggregates read
from the registries (Taobao villages and towns by year, livestream sessions by month from
the roll-up's monthly totals, the honours and named organisations the registries publish),
cached per data version (``xuchang_ecom.common.publiccache``). Never a row about a person.
It lives in the site, above the registries, because it reads several of them."""
from django.db.models import Count, F, Max, Q, Sum
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy, pgettext

from programs.models import CountyTarget, Snapshot, Target
from xuchang_ecom.common.metrics import get_metric
from xuchang_ecom.common.publiccache import cached
from xuchang_ecom.regions.models import Level, Region


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
        goal, baseline = target.goal(parts.get(target.pk), county=bool(region_id))
        result = target.pace_at(value=now["value"], as_of=latest, goal=goal, baseline=baseline,
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
            "past_deadline": bool(result and result.past_deadline),
            "reached": result.reached if result else None,
            "as_of": latest,
            "computed_at": now["computed_at"],
            "history": [(p["as_of"], p["value"]) for p in points],
        })
    return rows


#: Units an editor may have typed for a target: a stored unit that reads as one of these (in
#: English or in Chinese) is shown in the visitor's language, like a metric's own unit.
YUAN = gettext_lazy("yuan")
KNOWN_UNITS = (gettext_lazy("people"), YUAN, gettext_lazy("mu"), gettext_lazy("sessions"),
               gettext_lazy("households"), gettext_lazy("enterprises"))


def _forms(unit) -> set[str]:
    forms = set()
    for language in ("en", "zh-hans"):
        with translation.override(language):
            forms.add(str(unit))
    return forms


def _display_unit(metric_key: str, unit: str) -> str:
    """The unit to show for a target: a target stores its unit as text, in the language of
    whoever created it (the metric's unit by default), so it is translated when shown, never
    migrated. A unit that is neither the metric's nor a known one is shown as stored."""
    try:
        candidates = (get_metric(metric_key).unit, *KNOWN_UNITS)
    except KeyError:
        candidates = KNOWN_UNITS
    return next((str(candidate) for candidate in candidates if unit in _forms(candidate)), unit)


def _with_display_units(rows: list[dict]) -> list[dict]:
    """The rows with their unit in the visitor's language, and the unit their tables use:
    amounts in yuan are shown in 万元 (``in_wan``), like every amount on the dashboard."""
    result = []
    for row in rows:
        in_wan = row["unit"] in _forms(YUAN)
        unit = _display_unit(row["key"], row["unit"])
        result.append({**row, "unit": unit, "in_wan": in_wan, "table_unit": gettext("10,000 yuan") if in_wan else unit})
    return result


def public_progress(*, county: Region | None = None) -> list[dict]:
    """Every published target and indicator with its latest figure, pace and history, for
    the city or one county-level division; cached per data version and language."""
    language = translation.get_language()
    region_id = county.pk if county else None
    return cached(f"progress:{region_id or 'city'}:{language}", lambda: _with_display_units(_progress_rows(region_id)))


def _counties_rows(latest, target_keys: list[str], indicator_keys: list[str]) -> list[dict]:
    """Each county-level division's latest figures, in the order of ``target_keys`` and
    ``indicator_keys``, then a "city level" row and a "total" row (one query).

    A metric's city figure is the sum over the divisions plus the records placed at city
    level, so the divisions alone do not add up to it: the city-level row holds the
    difference and the total row the city's figure, each marked by ``kind`` (``county``,
    ``city_level``, ``total``) so a reader of the open data can tell them apart."""
    rows: dict[int, dict] = {}
    city: dict[str, object] = {}
    snapshots = (Snapshot.objects.filter(target__program__is_published=True, as_of=latest,
                                         region__level__in=(Level.CITY, Level.COUNTY))
                 .values("region_id", "region__name", "region__level", "target__metric_key", "value")
                 .order_by("region__path"))
    for row in snapshots:
        if row["region__level"] == Level.CITY:
            city[row["target__metric_key"]] = row["value"]
            continue
        county = rows.setdefault(row["region_id"], {"name": row["region__name"], "kind": "county", "values": {}})
        county["values"][row["target__metric_key"]] = row["value"]
    counties = list(rows.values())
    if counties and city:
        city_level = {}
        for key in target_keys + indicator_keys:
            if city.get(key) is None:
                city_level[key] = None
                continue
            city_level[key] = city[key] - sum(county["values"].get(key) or 0 for county in counties)
        counties.append({"name": pgettext("county table row", "City level"), "kind": "city_level",
                         "values": city_level})
        counties.append({"name": pgettext("county table row", "Total"), "kind": "total", "values": dict(city)})
    for county in counties:
        county["targets"] = [county["values"].get(key) for key in target_keys]
        county["indicators"] = [county["values"].get(key) for key in indicator_keys]
    return counties


def _villages() -> dict:
    from villages.models import Designation, DesignationKind, Honour

    by_year = list(
        Designation.objects.order_by().values("year")
        .annotate(villages=Count("pk", filter=Q(kind=DesignationKind.VILLAGE)),
                  towns=Count("pk", filter=Q(kind=DesignationKind.TOWN)))
        .order_by("year")
    )
    latest_year = by_year[-1]["year"] if by_year else None
    by_county = list(
        Designation.objects.filter(year=latest_year).order_by()
        .values(county=F("place__county__name"))
        .annotate(villages=Count("pk", filter=Q(kind=DesignationKind.VILLAGE)),
                  towns=Count("pk", filter=Q(kind=DesignationKind.TOWN)))
        .order_by("-villages", "county")
    ) if latest_year else []
    honours = list(Honour.objects.order_by("-year", "title", "place__path")
                   .values("year", "title", place_name=F("place__name"))[:50])
    return {"by_year": by_year, "latest_year": latest_year, "by_county": by_county, "honours": honours}


def _livestream() -> dict:
    """Sessions by month, platform and kind, from the monthly totals the roll-up keeps (a
    few hundred rows, where the sessions table may hold millions)."""
    from livestream.models import SessionKind, SessionMonth

    totals = SessionMonth.objects.order_by()
    # The kinds are summed first: once "sessions" names the monthly sum, it is no field.
    monthly = [
        {"month": row["month"].isoformat()[:7], "sessions": row["sessions"], "orders": int(row["orders"]),
         "sales": row["sales"], "welfare": row["welfare"], "cross_border": row["cross_border"]}
        for row in totals.values("month")
        .annotate(welfare=Sum("sessions", filter=Q(kind=SessionKind.PUBLIC_WELFARE), default=0),
                  cross_border=Sum("sessions", filter=Q(kind=SessionKind.CROSS_BORDER), default=0))
        .annotate(sessions=Sum("sessions"), orders=Sum("orders"), sales=Sum("sales"))
        .order_by("month")
    ]
    by_platform = list(
        totals.values(platform_name=F("platform__name"))
        .annotate(sessions=Sum("sessions"), sales=Sum("sales")).order_by("-sessions", "platform_name")
    )
    kinds = {choice.value: str(choice.label) for choice in SessionKind}
    by_kind = [{**row, "kind": kinds.get(row["kind"], row["kind"]), "kind_code": row["kind"]} for row in
               totals.values("kind").annotate(sessions=Sum("sessions"), sales=Sum("sales")).order_by("kind")]
    return {"monthly": monthly, "by_platform": by_platform, "by_kind": by_kind}


def _dashboard() -> dict:
    rows = _with_display_units(_progress_rows(None))
    latest = rows[0]["as_of"] if rows else None
    main_program = next((row["program"] for row in rows if row["target"] is not None), None)
    targets = [row for row in rows if row["target"] is not None and row["program"] == main_program]
    indicators = [row for row in rows if row["target"] is None]
    return {
        "targets": targets,
        "program": main_program,
        "indicators": indicators,
        "as_of": latest,
        "computed_at": max((row["computed_at"] for row in rows), default=None),
        "counties": _counties_rows(latest, [row["key"] for row in targets],
                                   [row["key"] for row in indicators]) if latest else [],
        "villages": _villages(),
        "livestream": _livestream(),
    }


def public_dashboard() -> dict:
    """Everything the public dashboard shows, computed once per data version and language."""
    return cached(f"dashboard:{translation.get_language()}", _dashboard)
