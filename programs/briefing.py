"""The monthly briefing workbook: each target's figure at the month's end, its status and
its change since the previous month, then one table per target by county-level division.

Built from the stored snapshots only (``programs.services.briefing_build`` computes any
month end that is missing first).
"""
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from xuchang_ecom.records.importexport.cells import escape_formula
from xuchang_ecom.regions.models import Level

from .models import Program, Snapshot


def previous_month_end(month_end: date) -> date:
    return month_end.replace(day=1) - timedelta(days=1)


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _append(sheet, row: list) -> None:
    """Add ``row`` with its text made safe as every export makes it: a program named
    ``=HYPERLINK(…)`` is shown as typed, never run as a formula."""
    sheet.append([escape_formula(value) for value in row])


def briefing_workbook(*, program: Program, month_end: date, progress: Callable[[int], None] = lambda _: None) -> bytes:
    """The briefing of ``program`` for the month ending ``month_end``, as .xlsx bytes.

    ``progress`` is called with a percentage as the sheets are written.
    """
    targets = list(program.targets.all())
    previous = previous_month_end(month_end)
    snapshots = {
        (s.target_id, s.region_id, s.as_of): s
        for s in Snapshot.objects.filter(target__in=targets, as_of__in=[month_end, previous]).select_related("region")
    }
    places = sorted({s.region for s in snapshots.values()}, key=lambda r: (r.level, r.path))
    city = next((r for r in places if r.level == Level.CITY), None)
    history = {}
    for s in Snapshot.objects.filter(target__in=targets, region=city, as_of__lte=month_end).order_by("as_of"):
        history.setdefault(s.target_id, []).append((s.as_of, s.value))

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Overview")[:31]
    _append(sheet, [program.name])
    sheet["A1"].font = Font(bold=True, size=14)
    _append(sheet, [_("Data as of %(day)s") % {"day": month_end.isoformat()}])
    sheet.append([])
    header = [_("Target"), _("Unit"), _("Target value"), _("Deadline"), _("Value"), _("Change since last month"),
              _("Achieved (%)"), _("Status"), _("Forecast for the deadline"), _("Reached on the deadline")]
    _append(sheet, header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for target in targets:
        now = snapshots.get((target.pk, city.pk if city else None, month_end))
        before = snapshots.get((target.pk, city.pk if city else None, previous))
        value = now.value if now else None
        change = value - before.value if now and before else None
        status = percent = forecast = reached = None
        goal, baseline = target.goal()
        result = None if value is None else target.pace_at(value=value, as_of=month_end, goal=goal, baseline=baseline,
                                                            history=history.get(target.pk, [])[:-1])
        if result is not None:
            status, percent = str(result.status.label), result.percent
            forecast, reached = result.forecast, result.reached
        _append(sheet, [target.label, target.unit, _number(target.value), target.deadline, _number(value),
                      _number(change), _number(percent), status, _number(forecast), _number(reached)])
    progress(50)

    counties = [r for r in places if r.level == Level.COUNTY]
    county_sheet = workbook.create_sheet(_("By county-level division")[:31])
    _append(county_sheet, [_("County-level division"), *[target.label for target in targets]])
    for cell in county_sheet[1]:
        cell.font = Font(bold=True)
    def value_at(target, region):
        snapshot = snapshots.get((target.pk, region.pk, month_end)) if region is not None else None
        return snapshot.value if snapshot else None

    for county in counties:
        _append(county_sheet, [county.name, *[_number(value_at(t, county)) for t in targets]])
    # What the city holds at city level (市本级), then the city's figure: the rows add up.
    city_level = []
    for target in targets:
        total = value_at(target, city)
        in_counties = [value for value in (value_at(target, county) for county in counties) if value is not None]
        city_level.append(None if total is None else total - sum(in_counties, Decimal(0)))
    city_level_label = pgettext("records held by the city itself", "City level")
    _append(county_sheet, [city_level_label, *[_number(value) for value in city_level]])
    _append(county_sheet, [_("Total"), *[_number(value_at(t, city)) for t in targets]])
    for cell in county_sheet[county_sheet.max_row]:
        cell.font = Font(bold=True)
    for column in ("A", "B", "C", "D", "E", "F", "G", "H", "I", "J"):
        sheet.column_dimensions[column].width = 18
    sheet.column_dimensions["A"].width = 30
    county_sheet.column_dimensions["A"].width = 16
    progress(90)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
