"""The roll-up stores what the registries held on each date, once, whoever runs it."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from livestream import services as livestream
from programs import rollup, services
from programs.models import Snapshot
from tests.helpers import run_at_once
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.common.metrics import get_metric

from .factories import plan

pytestmark = pytest.mark.django_db


def city_value(program, key, as_of):
    return Snapshot.objects.city().get(target__program=program, target__metric_key=key, as_of=as_of).value


def county_value(program, key, county, as_of):
    return Snapshot.objects.get(target__program=program, target__metric_key=key, region=region(county),
                                as_of=as_of).value


@pytest.fixture
def brands(city_user):
    for n, (county, day) in enumerate([("长葛市", date(2020, 8, 1)), ("长葛市", date(2021, 3, 1)),
                                       ("禹州市", date(2021, 3, 15))]):
        livestream.brand_create(user=city_user, name=f"示例品牌{n}", region=region(county), incubated_on=day)


def test_a_snapshot_holds_the_value_on_its_date_for_the_city_and_each_county(brands):
    program = plan()
    services.rollup_run(as_of=date(2021, 3, 10))
    assert city_value(program, "livestream.brands_incubated", date(2021, 3, 10)) == 2
    assert county_value(program, "livestream.brands_incubated", "长葛市", date(2021, 3, 10)) == 2
    assert county_value(program, "livestream.brands_incubated", "禹州市", date(2021, 3, 10)) == 0
    # A snapshot for the city and each of the seven county-level divisions, per target.
    assert Snapshot.objects.filter(as_of=date(2021, 3, 10)).count() == 4 * 8


def test_running_the_roll_up_twice_leaves_the_same_rows(brands):
    program = plan()
    services.rollup_run(as_of=date(2021, 12, 31))
    first = sorted(Snapshot.objects.values_list("target_id", "region_id", "as_of", "value"))
    services.rollup_run(as_of=date(2021, 12, 31))
    assert sorted(Snapshot.objects.values_list("target_id", "region_id", "as_of", "value")) == first
    assert city_value(program, "livestream.brands_incubated", date(2021, 12, 31)) == 3


def test_a_new_record_changes_the_snapshot_on_the_next_run(brands, city_user):
    program = plan()
    services.rollup_run(as_of=date(2021, 12, 31))
    livestream.brand_create(user=city_user, name="示例品牌新", region=region("魏都区"), incubated_on=date(2021, 5, 1))
    services.rollup_run(as_of=date(2021, 12, 31))
    assert city_value(program, "livestream.brands_incubated", date(2021, 12, 31)) == 4


def test_the_roll_up_runs_one_query_per_metric_whatever_the_number_of_records(
        brands, city_user, django_assert_max_num_queries):
    plan()
    # The targets, the city, the counties, then one query for each of the four metrics.
    with django_assert_max_num_queries(3 + 4):
        rollup.rollup_compute(date(2021, 12, 31))


def test_the_backfill_stores_every_month_end_from_the_plans_start(brands):
    program = plan()
    dates = services.rollup_backfill(start=date(2020, 6, 1), end=date(2022, 12, 31))
    assert len(dates) == 31
    assert dates[0] == date(2020, 6, 30) and dates[-1] == date(2022, 12, 31)
    assert city_value(program, "livestream.brands_incubated", date(2020, 7, 31)) == 0
    assert city_value(program, "livestream.brands_incubated", date(2020, 8, 31)) == 1
    assert city_value(program, "livestream.brands_incubated", date(2021, 3, 31)) == 3


def test_the_metric_and_the_snapshot_agree_on_every_date(brands):
    program = plan()
    services.rollup_backfill(start=date(2020, 6, 1), end=date(2021, 6, 30))
    metric = get_metric("livestream.brands_incubated")
    for as_of in rollup.month_ends(date(2020, 6, 1), date(2021, 6, 30)):
        assert city_value(program, metric.key, as_of) == metric.city_total(as_of)


def test_rollup_command_backfills_and_check_finds_nothing_to_report(brands, capsys):
    plan()
    call_command("rollup", "--from", "2020-06-01", "--to", "2020-12-31")
    assert Snapshot.objects.values("as_of").distinct().count() == 7
    call_command("rollup", "--check")
    assert "All snapshots of 7 dates and the monthly totals match" in capsys.readouterr().out


def test_rollup_check_lists_a_snapshot_that_no_longer_matches_and_fails(brands, capsys):
    program = plan()
    call_command("rollup", "--date", "2021-12-31")
    Snapshot.objects.filter(target__metric_key="livestream.brands_incubated", region=region("长葛市")).update(
        value=Decimal(9))
    with pytest.raises(CommandError, match="1 snapshots or totals differ"):
        call_command("rollup", "--check")
    out = capsys.readouterr().out
    assert f"target {program.targets.get(metric_key='livestream.brands_incubated').pk}" in out
    assert "stored 9.00, computed 2" in out


def test_rollup_command_refuses_a_range_that_runs_backwards():
    with pytest.raises(CommandError, match="must not come before"):
        call_command("rollup", "--from", "2022-01-01", "--to", "2021-01-01")
    with pytest.raises(CommandError, match="Not a date"):
        call_command("rollup", "--date", "2021-02-30")


def test_a_target_whose_metric_is_gone_is_skipped_not_fatal(brands):
    program = plan()
    program.targets.filter(metric_key="livestream.brands_incubated").update(metric_key="retired.metric")
    services.rollup_run(as_of=date(2021, 12, 31))
    assert not Snapshot.objects.filter(target__metric_key="retired.metric").exists()
    assert Snapshot.objects.filter(as_of=date(2021, 12, 31)).count() == 3 * 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_rolling_up_the_same_date_at_once_leave_one_row_per_key(require_postgres, city_user):
    """Concurrent upserts on PostgreSQL: no unique violation, no duplicate, the same values."""
    livestream.brand_create(user=city_user, name="示例品牌", region=region("长葛市"), incubated_on=date(2021, 3, 1))
    program = plan()
    run_at_once(lambda: [services.rollup_run(as_of=date(2021, 12, 31)) for _ in range(5)])
    assert Snapshot.objects.filter(as_of=date(2021, 12, 31)).count() == 4 * 8
    assert city_value(program, "livestream.brands_incubated", date(2021, 12, 31)) == 1


def test_rollup_check_fails_on_monthly_session_totals_older_than_the_sessions(capsys):
    from livestream.tests.factories import SessionFactory

    plan()
    call_command("rollup", "--date", "2021-12-31")
    SessionFactory()
    with pytest.raises(CommandError, match="1 snapshots or totals differ"):
        call_command("rollup", "--check")
    assert "sessions 2021-05" in capsys.readouterr().out
    call_command("rollup")
    call_command("rollup", "--check")
