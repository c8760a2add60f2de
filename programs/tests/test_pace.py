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
    result = anchors(870, date(2023, 1, 1), [*steady_history(870 / DAYS, DEADLINE), (DEADLINE, 870)])
    assert result.status == Status.MISSED
    assert result.reached == Decimal(870)


def test_years_after_the_deadline_the_pace_reports_what_was_reached_on_it_and_forecasts_nothing():
    history = [(date(2022, 11, 30), 6), (DEADLINE, 7), (date(2023, 6, 30), 9), (date(2025, 12, 31), 9)]
    result = pace(value=Decimal(9), target=Decimal(10), deadline=DEADLINE, baseline_value=Decimal(0),
                  baseline_on=BASELINE_ON, as_of=date(2026, 12, 1),
                  history=[(d, Decimal(v)) for d, v in history])
    assert result.past_deadline
    assert result.forecast is None
    assert result.reached == Decimal(7)
    assert result.status == Status.MISSED  # 7 of 10 on the deadline; 9 later does not count
    assert result.percent == Decimal("90.0")  # today's figure against the target


def test_a_target_met_on_its_deadline_stays_met_after_it():
    history = [(date(2022, 11, 30), 900), (DEADLINE, 1000)]
    result = anchors(1000, date(2024, 1, 1), history)
    assert (result.status, result.reached, result.forecast) == (Status.MET, Decimal(1000), None)


def test_without_a_snapshot_on_the_deadline_the_last_one_before_it_is_what_was_reached():
    result = anchors(950, date(2023, 3, 31), [(date(2022, 12, 15), 940), (date(2023, 1, 31), 945)])
    assert result.reached == Decimal(940)
    assert result.status == Status.MISSED


def test_before_the_deadline_the_pace_forecasts_and_reports_nothing_reached():
    result = anchors(500, BASELINE_ON + timedelta(days=DAYS // 2))
    assert not result.past_deadline and result.reached is None and result.forecast is not None


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
