"""A small plan to test against: the livestream action plan's four targets."""
from datetime import date
from decimal import Decimal

from programs import services
from programs.models import Program
from xuchang_ecom.tools.demo.programs import PLAN, TARGETS


def plan(*, indicators: tuple[str, ...] = ()) -> Program:
    program = services.program_create(
        name=PLAN, issuer="许昌市人民政府办公室",
        starts_on=date(2020, 6, 1), ends_on=date(2022, 12, 31),
    )
    for position, (key, value) in enumerate(TARGETS):
        services.target_create(program=program, metric_key=key, value=Decimal(value), deadline=date(2022, 12, 31),
                               baseline_on=date(2020, 6, 1), position=position)
    for position, key in enumerate(indicators, start=len(TARGETS)):
        services.target_create(program=program, metric_key=key, baseline_on=date(2020, 6, 1), position=position)
    return program
