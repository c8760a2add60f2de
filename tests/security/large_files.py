"""Large import files for every import in the admin, with a realistic error on every
100th row (or every ``every``-th).

One ``Spec`` per import, keyed ``"app_label.model_name"``: ``prepare`` creates what the
rows refer to, ``row(i)`` is a valid row, ``spoil(row, i)`` makes it invalid and names
the column that must carry the error. ``csv_content`` builds the file and ``bad_rows``
gives the spreadsheet rows of its errors (the header is row 1).

Nothing here depends on pytest: the same files can be sent to a live server. The Django
settings must be configured (the specs use the apps' services and the tests' factories).
"""
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.utils import translation

from xuchang_ecom.accounts.models import User
from xuchang_ecom.accounts.tests.factories import region, uscc
from xuchang_ecom.accounts.validators import (
    RESIDENT_ID_CHECK,
    USCC_ALPHABET,
    resident_id_check_character,
    uscc_check_character,
)
from xuchang_ecom.records.importexport.formats import CSV

HEADER_ROWS = 1
GANGLI = "长葛市/佛耳湖镇/岗李村"
CHANGGE_CODE = "411082000000"
YUZHOU_CODE = "411081000000"
SOURCE_REPORT = "2020中国淘宝村研究报告"

Row = dict[str, str]


@dataclass(frozen=True)
class Spec:
    #: Create what ``rows`` rows refer to, as the given city-staff user.
    prepare: Callable[[User, int], None]
    #: Valid row ``i`` (0-based), unique by the import's natural key; keys are resource
    #: field names (sessions: column headers).
    row: Callable[[int], Row]
    #: Make row ``i`` invalid in place; returns the field name (sessions: header) of the
    #: column that must carry the error.
    spoil: Callable[[Row, int], str]


# ---------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------


def _day(start: date, days: int) -> str:
    return (start + timedelta(days=days)).isoformat()


def _wrong_last(code: str, alphabet: str) -> str:
    """``code`` with its check character replaced by another one of ``alphabet``."""
    right = code[-1]
    return code[:-1] + next(character for character in alphabet if character != right)


def wrong_uscc(number: int) -> str:
    """A credit code of valid form whose check character is wrong."""
    code = uscc(number)
    assert uscc_check_character(code[:17]) == code[17]
    return _wrong_last(code, USCC_ALPHABET)


def resident_id(i: int) -> str:
    """Valid resident ID number ``i``: born 1950-01-01 plus ``i // 1000`` days, serial ``i % 1000``."""
    born = date(1950, 1, 1) + timedelta(days=i // 1000)
    first17 = f"411000{born:%Y%m%d}{i % 1000:03d}"
    return first17 + resident_id_check_character(first17)


def wrong_resident_id(number: str) -> str:
    """``number`` with a wrong check character (the rest is valid)."""
    return _wrong_last(number, RESIDENT_ID_CHECK)


# ---------------------------------------------------------------------------------------
# Villages
# ---------------------------------------------------------------------------------------

# Designations are keyed (place, kind, year): each village takes this many years.
DESIGNATION_YEARS = 20


def _designation_village(number: int) -> str:
    return f"示例村{number:03d}"


def _prepare_designations(user: User, rows: int) -> None:
    from villages.tests.factories import SourceReportFactory, village

    SourceReportFactory(title=SOURCE_REPORT)
    for number in range(math.ceil(rows / DESIGNATION_YEARS)):
        village("长葛市", "佛耳湖镇", _designation_village(number))


def _designation_row(i: int) -> Row:
    return {"place": f"长葛市/佛耳湖镇/{_designation_village(i // DESIGNATION_YEARS)}", "kind": "淘宝村",
            "year": str(2009 + i % DESIGNATION_YEARS), "source": SOURCE_REPORT, "main_products": "蜂蜜、蜂蜡",
            "online_shops": "120", "online_sales": "1,234,567.80"}


def _spoil_designation(row: Row, i: int) -> str:
    row["place"] = f"长葛市/佛耳湖镇/无此村{i}"
    return "place"


def _prepare_honours(user: User, rows: int) -> None:
    from villages.tests.factories import SourceReportFactory

    SourceReportFactory(title=SOURCE_REPORT)


def _honour_row(i: int) -> Row:
    return {"place": GANGLI, "year": "2020", "title": f"农产品百强淘宝村（示例{i:05d}）", "source": SOURCE_REPORT}


def _spoil_honour(row: Row, i: int) -> str:
    row["source"] = "2099中国淘宝村研究报告"
    return "source"


# ---------------------------------------------------------------------------------------
# Livestream
# ---------------------------------------------------------------------------------------

LIVESTREAM_BASE = "示例直播基地01"
LIVESTREAM_AGENCY = "示例直播机构01"


def _prepare_platforms(user: User, rows: int) -> None:
    from livestream import services

    for name in ("淘宝直播", "抖音", "农购网"):
        services.platform_create(name=name)


def _prepare_livestream_world(user: User, rows: int) -> None:
    """Platforms, a base, an agency and two anchors in 长葛市 (as the sessions' tests have)."""
    from livestream import services
    from livestream.models import BaseKind, Platform

    _prepare_platforms(user, rows)
    changge = region("长葛市")
    services.base_create(user=user, name=LIVESTREAM_BASE, region=changge, kind=BaseKind.COMPREHENSIVE,
                         platforms=Platform.objects.filter(name="抖音"))
    services.agency_create(user=user, name=LIVESTREAM_AGENCY, region=changge, uscc=uscc(99001))
    for name in ("示例主播01", "示例主播02"):
        services.anchor_create(user=user, display_name=name, region=changge)


def _cluster_row(i: int) -> Row:
    return {"name": f"示例直播电商产业集聚区{i:05d}", "region": "长葛市", "lead_industry": "蜂产品",
            "planned_on": "2020-10-01", "recognised_on": "2021-05-01"}


def _spoil_cluster(row: Row, i: int) -> str:
    row["recognised_on"] = "2021-02-30"
    return "recognised_on"


def _base_row(i: int) -> Row:
    return {"name": f"示例直播基地{i:05d}", "region": "长葛市/佛耳湖镇", "kind": "综合", "opened_on": "2020-09-26",
            "committed_sessions_per_month": "30", "platforms": "抖音、淘宝直播"}


def _spoil_base(row: Row, i: int) -> str:
    row["platforms"] = "抖音、无此平台"
    return "platforms"


def _brand_row(i: int) -> Row:
    return {"name": f"示例网红品牌{i:05d}", "region": "长葛市", "category": "蜂蜜",
            "incubated_by_base": LIVESTREAM_BASE, "incubated_by_agency": LIVESTREAM_AGENCY,
            "incubated_on": "2021-03-01"}


def _spoil_brand(row: Row, i: int) -> str:
    row["incubated_by_agency"] = "无此直播机构"
    return "incubated_by_agency"


def _training_row(i: int) -> Row:
    return {"held_on": _day(date(2021, 1, 1), i % 365), "title": f"公益性直播电商培训{i:05d}",
            "organiser": "许昌市商务局", "region": "长葛市", "trainees": "120", "anchors_trained": "30"}


def _spoil_training(row: Row, i: int) -> str:
    row["trainees"] = "-120"
    return "trainees"


def _contest_row(i: int) -> Row:
    return {"held_on": _day(date(2021, 6, 18), i % 365), "title": f"直播带货大赛{i:05d}",
            "organiser": "许昌市商务局", "region": "长葛市", "entrants": "40", "winners": "5"}


def _spoil_contest(row: Row, i: int) -> str:
    # A model CheckConstraint (winners <= entrants), the only rule the row breaks.
    row["winners"] = "50"
    return "winners"


def _agency_row(i: int) -> Row:
    return {"organisation": f"示例直播机构{i:05d}", "uscc": uscc(100_000 + i), "place": "长葛市",
            "supported_on": "2021-01-10", "support_batch": "第一批"}


def _spoil_agency(row: Row, i: int) -> str:
    row["uscc"] = wrong_uscc(100_000 + i)
    return "uscc"


def _anchor_row(i: int) -> Row:
    return {"display_name": f"示例主播{i:05d}", "real_name": "张三丰", "mobile": f"138{i:08d}", "region": "长葛市",
            "agency": LIVESTREAM_AGENCY, "cultivated_on": "2021-01-01", "accounts": f"抖音：dy-{i:06d}"}


def _spoil_anchor(row: Row, i: int) -> str:
    row["accounts"] = f"抖音：dy-{i:06d}、无此平台：x-{i:06d}"
    return "accounts"


@functools.cache
def _session_header(name: str) -> str:
    from livestream.resources import SessionResource

    with translation.override(settings.LANGUAGE_CODE):
        return str(SessionResource().fields[name].column_name)


def _session_row(i: int) -> Row:
    started = datetime(2021, 5, 1, 8, 0) + timedelta(minutes=7 * i)
    cells = {
        "started_at": f"{started:%Y-%m-%d %H:%M}", "platform": "农购网" if i % 2 else "抖音", "region": GANGLI,
        "base": LIVESTREAM_BASE, "agency": LIVESTREAM_AGENCY, "anchors": "示例主播01、示例主播02",
        "kind": "商业直播", "title": f"岗李村蜂蜜专场{i:05d}", "product_category": "蜂产品", "orders": str(i % 500),
        "sales": f"{(i % 500) * 28.8:.2f}", "quantity": str(i % 500), "quantity_unit": "千克",
    }
    return {_session_header(name): value for name, value in cells.items()}


# The sessions' errors, in turn: (column, bad value).
SESSION_ERRORS = (
    ("platform", "无此平台"),
    ("agency", "无此直播机构"),
    ("started_at", "2021-02-30 20:00"),
    ("orders", "-5"),
)


def _spoil_session(row: Row, i: int) -> str:
    name, value = SESSION_ERRORS[(i // 100) % len(SESSION_ERRORS)]
    header = _session_header(name)
    row[header] = value
    return header


# ---------------------------------------------------------------------------------------
# Poverty alleviation
# ---------------------------------------------------------------------------------------

POVERTY_ENTERPRISE = "示例带贫企业01"
POVERTY_BASE = "示例扶贫基地01"
# Links are keyed by household and a date, so rows take this many households in turn.
LINK_HOUSEHOLDS = 20


def _prepare_enterprise(user: User, rows: int) -> None:
    from poverty.tests.factories import enterprise

    enterprise(user, name=POVERTY_ENTERPRISE, uscc=uscc(99002))


def _prepare_links(user: User, rows: int) -> None:
    from poverty.models import Household
    from poverty.tests.factories import base, household
    from xuchang_ecom.common.crypto import keyed_hash
    from xuchang_ecom.tools.demo.poverty import demo_resident_id

    _prepare_enterprise(user, rows)
    base(user, name=POVERTY_BASE)
    registered = set(Household.objects.values_list("id_hash", flat=True))  # a live server may have them
    for serial in range(1, min(rows, LINK_HOUSEHOLDS) + 1):
        if keyed_hash(demo_resident_id(serial)) not in registered:
            household(user, serial=serial)


def _link_household(i: int) -> str:
    from xuchang_ecom.tools.demo.poverty import demo_resident_id

    return demo_resident_id(1 + i % LINK_HOUSEHOLDS)


def _link_day(start: date, i: int) -> str:
    return _day(start, i // LINK_HOUSEHOLDS)


def _spoil_link(own: Callable[[Row, int], str]) -> Callable[[Row, int], str]:
    """Every other bad row a household number with a wrong check character, else ``own``'s error."""

    def spoil(row: Row, i: int) -> str:
        if (i // 100) % 2 == 0:
            row["household"] = wrong_resident_id(row["household"])
            return "household"
        return own(row, i)

    return spoil


def _enterprise_row(i: int) -> Row:
    return {"organisation": f"示例带贫企业{i:05d}", "uscc": uscc(200_000 + i), "place": "长葛市",
            "alleviation_models": "电商+贫困户、电商+基地+贫困户", "products": "蜂蜜", "recognised_on": "2019-05-01"}


def _spoil_enterprise(row: Row, i: int) -> str:
    row["uscc"] = wrong_uscc(200_000 + i)
    return "uscc"


def _poverty_base_row(i: int) -> Row:
    return {"name": f"示例扶贫基地{i:05d}", "region": "长葛市", "region_code": CHANGGE_CODE,
            "enterprise": POVERTY_ENTERPRISE, "products": "蜂蜜", "area_mu": "500", "opened_on": "2019-01-01"}


def _spoil_poverty_base(row: Row, i: int) -> str:
    # The place and its statistical code disagree (the code is 禹州市's).
    row["region_code"] = YUZHOU_CODE
    return "region"


def _household_row(i: int) -> Row:
    return {"head_name": f"示例户主{i:05d}", "resident_id": resident_id(i), "village": GANGLI, "size": "3",
            "disabled_members": "0"}


def _spoil_household(row: Row, i: int) -> str:
    row["resident_id"] = wrong_resident_id(row["resident_id"])
    return "resident_id"


def _employment_row(i: int) -> Row:
    return {"household": _link_household(i), "member_name": "李四光", "base": POVERTY_BASE,
            "started_on": _link_day(date(2019, 1, 1), i), "monthly_wage": "1,800"}


def _spoil_employment_wage(row: Row, i: int) -> str:
    row["monthly_wage"] = "1,8OO"  # letter O for zero
    return "monthly_wage"


def _land_lease_row(i: int) -> Row:
    return {"household": _link_household(i), "enterprise": POVERTY_ENTERPRISE, "area_mu": "2.5",
            "annual_rent": "2,000", "started_on": _link_day(date(2016, 1, 1), i)}


def _spoil_land_lease_end(row: Row, i: int) -> str:
    row["ended_on"] = "2021-02-29"  # 2021 is not a leap year
    return "ended_on"


def _dividend_row(i: int) -> Row:
    paid_on = date(2019, 1, 15) + timedelta(days=i // LINK_HOUSEHOLDS)
    return {"household": _link_household(i), "base": POVERTY_BASE, "year": str(paid_on.year),
            "amount": "300", "paid_on": paid_on.isoformat()}


def _spoil_dividend_base(row: Row, i: int) -> str:
    row["base"] = "无此扶贫基地"
    return "base"


def _take_home_work_row(i: int) -> Row:
    start = date(2019, 1, 1) + timedelta(days=i // LINK_HOUSEHOLDS)
    return {"household": _link_household(i), "enterprise": POVERTY_ENTERPRISE, "period_start": start.isoformat(),
            "period_end": (start + timedelta(days=29)).isoformat(), "pieces": "200", "pay": "600"}


def _spoil_take_home_work_pieces(row: Row, i: int) -> str:
    row["pieces"] = "-200"
    return "pieces"


def _nothing(user: User, rows: int) -> None:
    """Rows refer only to places the migrations load."""


SPECS: dict[str, Spec] = {
    "villages.designation": Spec(_prepare_designations, _designation_row, _spoil_designation),
    "villages.honour": Spec(_prepare_honours, _honour_row, _spoil_honour),
    "livestream.cluster": Spec(_nothing, _cluster_row, _spoil_cluster),
    "livestream.base": Spec(_prepare_platforms, _base_row, _spoil_base),
    "livestream.brand": Spec(_prepare_livestream_world, _brand_row, _spoil_brand),
    "livestream.training": Spec(_nothing, _training_row, _spoil_training),
    "livestream.contest": Spec(_nothing, _contest_row, _spoil_contest),
    "livestream.agency": Spec(_nothing, _agency_row, _spoil_agency),
    "livestream.anchor": Spec(_prepare_livestream_world, _anchor_row, _spoil_anchor),
    "livestream.session": Spec(_prepare_livestream_world, _session_row, _spoil_session),
    "poverty.enterprise": Spec(_nothing, _enterprise_row, _spoil_enterprise),
    "poverty.base": Spec(_prepare_enterprise, _poverty_base_row, _spoil_poverty_base),
    "poverty.household": Spec(_nothing, _household_row, _spoil_household),
    "poverty.employment": Spec(_prepare_links, _employment_row, _spoil_link(_spoil_employment_wage)),
    "poverty.landlease": Spec(_prepare_links, _land_lease_row, _spoil_link(_spoil_land_lease_end)),
    "poverty.dividend": Spec(_prepare_links, _dividend_row, _spoil_link(_spoil_dividend_base)),
    "poverty.takehomework": Spec(_prepare_links, _take_home_work_row, _spoil_link(_spoil_take_home_work_pieces)),
}


# ---------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------


def resource_class(key: str):
    """The resource the admin's import and export of ``key`` use."""
    model_admin = admin.site._registry[apps.get_model(key)]
    return model_admin.resource_classes[0]


def is_spoiled(i: int, every: int = 100) -> bool:
    return (i + 1) % every == 0


def bad_rows(rows: int, every: int = 100) -> list[int]:
    """The spreadsheet row numbers of the spoiled rows (the header is row 1)."""
    return [i + 1 + HEADER_ROWS for i in range(rows) if is_spoiled(i, every)]


def spoiled_rows(key: str, rows: int, every: int = 100) -> tuple[list[Row], dict[int, str]]:
    """The rows of the file and ``{spreadsheet row: field name (sessions: header) at fault}``."""
    spec = SPECS[key]
    cells, faults = [], {}
    for i in range(rows):
        row = spec.row(i)
        if is_spoiled(i, every):
            faults[i + 1 + HEADER_ROWS] = spec.spoil(row, i)
        cells.append(row)
    return cells, faults


def spoiled_columns(key: str, rows: int, every: int = 100) -> dict[int, str]:
    """``{spreadsheet row: field name (sessions: header)}`` of the errors ``csv_content`` puts in."""
    return spoiled_rows(key, rows, every)[1]


def csv_content(key: str, rows: int, every: int = 100) -> bytes:
    """A CSV as Excel saves it (UTF-8 with a BOM), headed as the admin exports ``key``,
    with rows ``i`` where ``(i + 1) % every == 0`` spoiled."""
    return rows_content(key, spoiled_rows(key, rows, every)[0])


def rows_content(key: str, cells: list[Row]) -> bytes:
    """``cells`` (keyed by field name or header) as a CSV headed as the admin exports ``key``."""
    resource = resource_class(key)
    with translation.override(settings.LANGUAGE_CODE):
        names = list(resource().get_export_order())
        headers = [str(header) for header in resource().get_export_headers()]
    table = [[row.get(name, row.get(header, "")) for name, header in zip(names, headers, strict=True)]
             for row in cells]
    unknown = {column for row in cells for column in row} - set(names) - set(headers)
    if unknown:
        raise ValueError(f"{key}: rows name columns the export does not have: {sorted(unknown)}")
    return CSV().write(headers, table)
