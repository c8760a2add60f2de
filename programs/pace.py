"""Whether a target will be met: percent achieved, expected value, status and forecast.

Pure functions over numbers and dates, so they are tested on constructed histories.

The expected value on a day lies on the straight line from the baseline (value and date)
to the target on its deadline. The status, in this order:

- **met**: the value has reached the target (on any day, even before the deadline);
- **missed**: the deadline has passed and the value is short of the target;
- **ahead**: the value is above the expected value by at least ``TOLERANCE`` of the way
  from baseline to target (5 %: for 1000 anchors from 0, 50 anchors);
- **on track**: within ``TOLERANCE`` of the expected value, either side;
- **behind**: below the expected value by more than ``TOLERANCE``.

The forecast extends the trend of the last ``TREND_DAYS`` days (a least-squares line
through the snapshots in that window and today's value) to the deadline. With fewer than
two dates in the window the trend runs from the baseline instead.

Once the day is past the deadline there is nothing left to forecast: the pace says what
was *reached* on the deadline (the last snapshot on or before it) and the status is met
or missed by that value alone. A value that reaches the target only after the deadline
does not make it met.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

TOLERANCE = Decimal("0.05")
TREND_DAYS = 90


class Status(models.TextChoices):
    MET = "met", _("met")
    MISSED = "missed", _("missed")
    AHEAD = "ahead", _("ahead")
    ON_TRACK = "on_track", _("on track")
    BEHIND = "behind", _("behind")


@dataclass(frozen=True)
class Pace:
    #: The value as a percentage of the target (one decimal), not capped at 100.
    percent: Decimal
    #: What the value should be on the day, on the straight line.
    expected: Decimal
    status: Status
    #: The value expected on the deadline at the current trend (never below zero); None
    #: once the deadline has passed.
    forecast: Decimal | None
    #: Once the deadline has passed: the value reached on the deadline (None before it, and
    #: when no snapshot on or before the deadline is known).
    reached: Decimal | None = None
    #: Whether the day is past the deadline: the pace then reports, it no longer forecasts.
    past_deadline: bool = False


def expected_value(*, baseline_value: Decimal, baseline_on: date, target: Decimal, deadline: date,
                   as_of: date) -> Decimal:
    """The value on ``as_of`` on the straight line from the baseline to the target."""
    if as_of <= baseline_on:
        return baseline_value
    if as_of >= deadline:
        return target
    elapsed = Decimal((as_of - baseline_on).days) / Decimal((deadline - baseline_on).days)
    return baseline_value + (target - baseline_value) * elapsed


def trend_forecast(*, history: list[tuple[date, Decimal]], value: Decimal, as_of: date, deadline: date,
                   baseline_value: Decimal, baseline_on: date) -> Decimal:
    """``value`` carried to ``deadline`` at the slope of the last ``TREND_DAYS`` days.

    ``history`` is ``(date, value)`` snapshots, in any order; those after ``as_of`` are ignored.
    """
    if as_of >= deadline:
        return value
    since = as_of - timedelta(days=TREND_DAYS)
    points = {day: v for day, v in history if since <= day < as_of}
    points[as_of] = value
    if len(points) < 2:
        points = {baseline_on: baseline_value, as_of: value} if baseline_on < as_of else points
    slope = _least_squares_slope(points) if len(points) >= 2 else Decimal(0)
    return max(Decimal(0), value + slope * (deadline - as_of).days)


def _least_squares_slope(points: dict[date, Decimal]) -> Decimal:
    """Value per day of the least-squares line through ``points``."""
    origin = min(points)
    xs = [Decimal((day - origin).days) for day in points]
    ys = list(points.values())
    n = Decimal(len(xs))
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return Decimal(0)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def value_on(*, history: list[tuple[date, Decimal]], day: date) -> Decimal | None:
    """The value of the last snapshot of ``history`` on or before ``day`` (None for none)."""
    earlier = [(when, value) for when, value in history if when <= day]
    return Decimal(max(earlier, key=lambda point: point[0])[1]) if earlier else None


def pace(*, value: Decimal, target: Decimal, deadline: date, baseline_value: Decimal, baseline_on: date,
         as_of: date, history: list[tuple[date, Decimal]] = ()) -> Pace:
    """How ``value`` on ``as_of`` stands against ``target`` due on ``deadline`` (see the module)."""
    value, target, baseline_value = Decimal(value), Decimal(target), Decimal(baseline_value)
    expected = expected_value(baseline_value=baseline_value, baseline_on=baseline_on, target=target,
                              deadline=deadline, as_of=as_of)
    if as_of > deadline:
        reached = value_on(history=list(history), day=deadline)
        judged = value if reached is None else reached
        return Pace(
            percent=_percent(value, target),
            expected=expected.quantize(Decimal("0.01"), ROUND_HALF_UP),
            status=Status.MET if judged >= target else Status.MISSED,
            forecast=None,
            reached=None if reached is None else reached.quantize(Decimal("0.01"), ROUND_HALF_UP),
            past_deadline=True,
        )
    if value >= target:
        status = Status.MET
    else:
        margin = TOLERANCE * abs(target - baseline_value)
        if value - expected >= margin and margin > 0:
            status = Status.AHEAD
        elif value - expected >= -margin:
            status = Status.ON_TRACK
        else:
            status = Status.BEHIND
    forecast = trend_forecast(history=list(history), value=value, as_of=as_of, deadline=deadline,
                              baseline_value=baseline_value, baseline_on=baseline_on)
    return Pace(
        percent=_percent(value, target),
        expected=expected.quantize(Decimal("0.01"), ROUND_HALF_UP),
        status=status,
        forecast=forecast.quantize(Decimal("0.01"), ROUND_HALF_UP),
    )


def _percent(value: Decimal, target: Decimal) -> Decimal:
    percent = (value * 100 / target) if target else Decimal(100)
    return percent.quantize(Decimal("0.1"), ROUND_HALF_UP)
