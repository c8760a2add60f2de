"""Programs and targets: a program's dates are in order, a split must add up, a change of
value or deadline needs a reason."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from programs import services
from programs.models import TargetChange
from xuchang_ecom.accounts.tests.factories import region

from .factories import plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchors_target():
    return plan().targets.get(metric_key="livestream.anchors_cultivated")


def test_the_seed_plan_has_four_targets_due_at_the_end_of_2022():
    program = plan(indicators=("poverty.enterprises",))
    targets = {t.metric_key: t for t in program.targets.all()}
    assert targets["livestream.anchors_cultivated"].value == 1000
    assert targets["livestream.clusters_recognised"].deadline == date(2022, 12, 31)
    assert program.targets.with_goal().count() == 4
    assert targets["poverty.enterprises"].is_indicator


def test_a_program_moved_to_end_before_it_starts_is_refused_and_keeps_its_dates():
    program = plan()
    with pytest.raises(ValidationError) as error:
        services.program_update(program=program, data={"ends_on": date(2020, 1, 1)})
    assert error.value.messages == ["方案的结束日期不能早于开始日期。"]
    program.refresh_from_db()
    assert program.ends_on == date(2022, 12, 31)


def test_a_program_renamed_is_kept_without_the_spaces_typed_around_its_name():
    program = services.program_update(program=plan(), data={"name": "  许昌市电子商务进农村实施方案（修订）  "})
    program.refresh_from_db()
    assert program.name == "许昌市电子商务进农村实施方案（修订）"


def test_a_target_takes_its_unit_from_the_metric(anchors_target):
    assert anchors_target.unit == "人"


def test_a_county_split_that_adds_up_to_the_city_target_is_kept(anchors_target):
    parts = {region("长葛市"): Decimal(400), region("禹州市"): Decimal(600)}
    services.target_split_set(target=anchors_target, parts=parts)
    assert {p.county.name: p.value for p in anchors_target.splits.all()} == {"长葛市": 400, "禹州市": 600}


def test_a_county_split_that_does_not_add_up_is_refused_with_both_figures(anchors_target):
    with pytest.raises(ValidationError) as error:
        services.target_split_set(target=anchors_target,
                                  parts={region("长葛市"): Decimal(400), region("禹州市"): Decimal(500)})
    assert error.value.messages == ["各县（市、区）分解目标合计 900，但全市目标为 1000。"]
    assert not anchors_target.splits.exists()


def test_a_split_part_must_be_a_county_level_division(anchors_target):
    with pytest.raises(ValidationError, match="佛耳湖镇"):
        services.target_split_set(target=anchors_target, parts={region("长葛市/佛耳湖镇"): Decimal(1000)})


def test_changing_a_target_value_without_a_reason_is_refused(anchors_target, city_user):
    with pytest.raises(ValidationError) as error:
        services.target_update(user=city_user, target=anchors_target, data={"value": Decimal(1200)})
    assert "reason" in error.value.message_dict
    anchors_target.refresh_from_db()
    assert anchors_target.value == 1000


def test_a_changed_value_and_deadline_are_kept_with_who_when_and_why(anchors_target, city_user):
    services.target_update(user=city_user, target=anchors_target,
                           data={"value": Decimal(1200), "deadline": date(2023, 6, 30)}, reason="市政府调整目标")
    changes = {c.field: c for c in TargetChange.objects.filter(target=anchors_target)}
    assert changes["value"].old_value == "1000.00" and changes["value"].new_value == "1200"
    assert changes["deadline"].new_value == "2023-06-30"
    assert changes["value"].changed_by == city_user and changes["value"].reason == "市政府调整目标"


def test_a_change_of_the_unit_alone_needs_no_reason(anchors_target, city_user):
    services.target_update(user=city_user, target=anchors_target, data={"unit": "名"})
    assert not TargetChange.objects.exists()


def test_a_new_value_that_no_longer_matches_the_split_is_refused(anchors_target, city_user):
    services.target_split_set(target=anchors_target, parts={region("长葛市"): Decimal(1000)})
    with pytest.raises(ValidationError, match="1000"):
        services.target_update(user=city_user, target=anchors_target, data={"value": Decimal(1200)}, reason="调整")


def test_a_target_needs_a_deadline_and_an_indicator_has_none(city_user):
    program = plan()
    with pytest.raises(ValidationError):
        services.target_create(program=program, metric_key="poverty.bases", value=Decimal(9),
                               baseline_on=date(2020, 6, 1))


def test_a_metric_is_tracked_once_per_program():
    program = plan()
    with pytest.raises(ValidationError):
        services.target_create(program=program, metric_key="livestream.brands_incubated", value=Decimal(60),
                               deadline=date(2022, 12, 31), baseline_on=date(2020, 6, 1))


def test_an_unknown_metric_is_refused():
    program = plan()
    with pytest.raises(ValidationError) as error:
        services.target_create(program=program, metric_key="nope.metric", baseline_on=date(2020, 6, 1))
    assert "metric_key" in error.value.message_dict
