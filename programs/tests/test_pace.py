"""Pace on constructed histories: 1000 anchors from 0 on 2020-06-01, due 2022-12-31."""
from datetime import date, timedelta
from decimal import Decimal

from programs.pace import Status, expected_value, pace

BASELINE_ON = date(2020, 6, 1)
DEADLINE = date(2022, 12, 31)
DAYS = (DEADLINE - BASELINE_ON).days


def anchors(value, as_of, history=()):
    return pace(value=Decimal(value), target=Decimal(1000), deadline=DEADLINE, baseline_value=Decimal(0),
                baseline_on=BASELINE_ON, as_of=as_of, history=[(d, Decimal(v)) for d, v in history])


def steady_history(per_day: float, until: date):
    """Month-by-month snapshots growing ``per_day`` from the baseline."""
    day, points = BASELINE_ON, []
    while day < until:
        points.append((day, round((day - BASELINE_ON).days * per_day)))
        day += timedelta(days=30)
    return points


def test_halfway_through_the_plan_the_expected_value_is_half_the_target():
    halfway = BASELINE_ON + timedelta(days=DAYS // 2)
    expected = expected_value(baseline_value=Decimal(0), baseline_on=BASELINE_ON, target=Decimal(1000),
                              deadline=DEADLINE, as_of=halfway)
    assert abs(expected - 500) < 1


def test_a_target_on_the_straight_line_is_on_track_and_forecast_to_be_met():
    as_of = BASELINE_ON + timedelta(days=DAYS // 2)
    per_day = 1000 / DAYS
    result = anchors(round(per_day * DAYS / 2), as_of, steady_history(per_day, as_of))
    assert result.status == Status.ON_TRACK
    assert result.percent == Decimal("50.0")
    assert abs(result.forecast - 1000) < 15


def test_a_target_well_above_the_line_is_ahead():
    as_of = BASELINE_ON + timedelta(days=DAYS // 2)
    assert anchors(600, as_of).status == Status.AHEAD


def test_a_target_well_below_the_line_is_behind_with_a_forecast_short_of_it():
    as_of = BASELINE_ON + timedelta(days=DAYS // 2)
    per_day = 300 / (DAYS / 2)
    result = anchors(300, as_of, steady_history(per_day, as_of))
    assert result.status == Status.BEHIND
    assert 550 < result.forecast < 650


def test_within_five_percent_of_the_line_either_side_is_on_track():
    as_of = BASELINE_ON + timedelta(days=DAYS // 2)
    assert anchors(460, as_of).status == Status.ON_TRACK
    assert anchors(540, as_of).status == Status.ON_TRACK
    assert anchors(440, as_of).status == Status.BEHIND
    assert anchors(560, as_of).status == Status.AHEAD


def test_a_target_met_early_stays_met_and_counts_past_one_hundred_percent():
    result = anchors(1030, date(2022, 3, 1))
    assert result.status == Status.MET
    assert result.percent == Decimal("103.0")


def test_a_target_short_after_its_deadline_is_missed():
    result = anchors(870, date(2023, 1, 1), steady_history(870 / DAYS, DEADLINE))
    assert result.status == Status.MISSED
    assert result.forecast == Decimal(870)


def test_the_forecast_follows_the_last_ninety_days_not_the_whole_history():
    # Nothing for two years, then 100 anchors a month for the last three months.
    as_of = date(2022, 6, 30)
    history = [(BASELINE_ON, 0), (date(2022, 3, 31), 0), (date(2022, 4, 30), 100), (date(2022, 5, 31), 200)]
    result = anchors(300, as_of, history)
    # About 3.3 a day for the 184 days left: about 900 by the deadline.
    assert 850 < result.forecast < 950


def test_without_history_the_forecast_runs_from_the_baseline():
    as_of = BASELINE_ON + timedelta(days=DAYS // 2)
    assert abs(anchors(500, as_of).forecast - 1000) < 2


def test_the_forecast_never_goes_below_zero():
    history = [(date(2022, 4, 1), 50)]
    assert anchors(0, date(2022, 6, 30), history).forecast == 0
