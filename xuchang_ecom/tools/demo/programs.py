"""Demo programs: the livestream action plan's four targets and the report's other figures
as indicators, with month-end history from the plan's start (the registries' own dates)."""
from datetime import date
from decimal import Decimal

from django.utils import timezone

from programs import services
from programs.models import Program
from xuchang_ecom.common.metrics import get_metric

PLAN = "许昌市直播电商发展行动方案(2020—2022年)"
PLAN_START = date(2020, 6, 1)
PLAN_DEADLINE = date(2022, 12, 31)
TARGETS = [
    ("livestream.clusters_recognised", 10),
    ("livestream.agencies_supported", 20),
    ("livestream.brands_incubated", 50),
    ("livestream.anchors_cultivated", 1000),
]
INDICATORS_PROGRAM = "许昌市电子商务进农村与电商扶贫工作（监测指标）"
INDICATORS = [
    "villages.taobao_villages", "villages.taobao_towns",
    "poverty.enterprises", "poverty.bases", "poverty.people_employed", "poverty.disabled_people_employed",
    "poverty.land_leased_mu", "livestream.sessions_held", "livestream.session_sales",
]


def _baseline(key: str) -> Decimal:
    """What the registries held on the plan's first day: the plan counts from there."""
    return get_metric(key).city_total(PLAN_START)


def programs_create() -> bool:
    """The plan's program with its four targets and one with the report's other figures as
    indicators, baselines taken from the registries; False if they are already there."""
    if Program.objects.filter(name=PLAN).exists():
        return False
    plan = services.program_create(name=PLAN, issuer="许昌市人民政府办公室", starts_on=date(2020, 1, 1),
                                   ends_on=PLAN_DEADLINE, document_reference="示例文号")
    for position, (key, value) in enumerate(TARGETS):
        services.target_create(program=plan, metric_key=key, value=Decimal(value), deadline=PLAN_DEADLINE,
                               baseline_on=PLAN_START, baseline_value=_baseline(key), position=position)
    indicators = services.program_create(name=INDICATORS_PROGRAM, issuer="许昌市商务局", starts_on=date(2020, 1, 1),
                                         ends_on=PLAN_DEADLINE)
    for position, key in enumerate(INDICATORS):
        services.target_create(program=indicators, metric_key=key, baseline_on=PLAN_START,
                               baseline_value=_baseline(key), position=position)
    return True


def load(*, user) -> list[str]:
    """Create the demo programs and backfill their month ends; a second run adds nothing."""
    if not programs_create():
        return []
    dates = services.rollup_backfill(start=PLAN_START, end=PLAN_DEADLINE)
    services.rollup_run(as_of=timezone.localdate(), aggregates=False)
    return [f"programs: 2 programs, {len(TARGETS)} targets, {len(INDICATORS)} indicators, "
            f"{len(dates) + 1} snapshot dates"]
