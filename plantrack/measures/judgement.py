"""Is a measure on track? Pure functions over plain values, no database.

The rule (shown to users by ``rule_text``):

* The **trajectory** is a straight line from the baseline to the first target, then from each
  target to the next. Before the baseline it is the baseline; after the last target, the last
  target. Without a baseline date the line starts at the first reading's date (from the
  baseline value if there is one, else from that first reading).
* **Increase / decrease**: the latest reading is compared with the trajectory on its date.
  *On track* if it is at or ahead of it; *at risk* if behind by no more than the tolerance
  (a percentage of the distance from the baseline to the target being worked towards, i.e. the
  first target dated on or after the reading, or the last target); *off track* if further
  behind. When the baseline equals that target, the tolerance is a percentage of the target.
* **Keep at**: the level is the target dated on or after the reading (else the last target,
  else the baseline). *On track* within ± tolerance % of that level; *at risk* within twice
  that band; *off track* outside it.
* **A target date passed** (by the latest reading, or by today) without the target met by the
  latest reading: *off track*, whatever the trajectory says.
* **No baseline** (value and date): the trajectory starts at the first reading, so the
  judgement is *provisional*, and says so.
* No readings, or nothing to compare them with: *no data*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

INCREASE, DECREASE, KEEP = "increase", "decrease", "keep"
HUNDRED = Decimal(100)


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Status.ON_TRACK: "On track",
    Status.AT_RISK: "At risk",
    Status.OFF_TRACK: "Off track",
    Status.NO_DATA: "No data",
}
# Worst first: an action with one off-track measure is off track.
SEVERITY = [Status.OFF_TRACK, Status.AT_RISK, Status.ON_TRACK, Status.NO_DATA]
STATUS_RAG = {Status.ON_TRACK: "green", Status.AT_RISK: "amber", Status.OFF_TRACK: "red"}


@dataclass(frozen=True)
class Point:
    date: dt.date
    value: Decimal


@dataclass(frozen=True)
class Judgement:
    status: Status
    reason: str
    latest: Point | None = None
    expected: Decimal | None = None
    target: Point | None = None
    # Judged without a baseline: the trajectory starts at the first reading.
    provisional: bool = False

    @property
    def label(self) -> str:
        return f"{self.status.label} (provisional)" if self.provisional else self.status.label

    @property
    def suggested_rag(self) -> str | None:
        return STATUS_RAG.get(self.status)


def start_point(
    baseline_value: Decimal | None, baseline_date: dt.date | None, readings: Sequence[Point]
) -> Point | None:
    first = min(readings, key=lambda p: p.date) if readings else None
    if baseline_date is not None and baseline_value is not None:
        return Point(baseline_date, baseline_value)
    if first is None:
        return None
    return Point(first.date, baseline_value if baseline_value is not None else first.value)


def trajectory(start: Point | None, targets: Sequence[Point]) -> list[Point]:
    """The baseline then each target after it, by date."""
    ordered = sorted(targets, key=lambda t: t.date)
    if start is None:
        return ordered
    return [start, *(t for t in ordered if t.date > start.date)]


def expected_at(points: Sequence[Point], day: dt.date) -> Decimal | None:
    if not points:
        return None
    if day <= points[0].date:
        return points[0].value
    for a, b in pairwise(points):
        if day <= b.date:
            fraction = Decimal((day - a.date).days) / Decimal((b.date - a.date).days)
            return a.value + (b.value - a.value) * fraction
    return points[-1].value


def target_for(targets: Sequence[Point], day: dt.date) -> Point | None:
    """The target being worked towards on a day: the first dated on or after it, else the last."""
    ordered = sorted(targets, key=lambda t: t.date)
    for target in ordered:
        if target.date >= day:
            return target
    return ordered[-1] if ordered else None


def latest_of(readings: Sequence[Point]) -> Point | None:
    """The reading with the latest date; of several on that day, the last given."""
    latest = None
    for reading in readings:
        if latest is None or reading.date >= latest.date:
            latest = reading
    return latest


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}"


def rule_text(direction: str, tolerance_percent: Decimal) -> str:
    tol = _pct(Decimal(tolerance_percent))
    if direction == KEEP:
        return (
            f"On track: the latest reading is within ±{tol}% of the level to keep. "
            f"At risk: within ±{_pct(Decimal(tolerance_percent) * 2)}%. "
            "Off track: further out. No readings: no data."
        )
    ahead = "at or above" if direction == INCREASE else "at or below"
    return (
        f"On track: the latest reading is {ahead} the trajectory, a straight line from the "
        "baseline to each target. "
        f"At risk: behind it by no more than {tol}% of the distance from the baseline to the "
        "target. Off track: further behind. No readings: no data."
    )


def judge(
    *,
    direction: str,
    baseline_value: Decimal | None,
    baseline_date: dt.date | None,
    targets: Sequence[Point],
    readings: Sequence[Point],
    tolerance_percent: Decimal,
    fmt: Callable[[Decimal], str] = lambda v: f"{v.normalize():f}",
    today: dt.date | None = None,
) -> Judgement:
    latest = latest_of(readings)
    if latest is None:
        return Judgement(Status.NO_DATA, "No readings yet.")
    when = _day(latest.date)
    said = f"The latest reading, {fmt(latest.value)} on {when},"
    share = Decimal(tolerance_percent) / HUNDRED
    target = target_for(targets, latest.date)

    if direction == KEEP:
        level = target.value if target else baseline_value
        if level is None:
            return Judgement(Status.NO_DATA, "No target or baseline to keep to.", latest)
        band = abs(level) * share
        off = abs(latest.value - level)
        if off <= band:
            status, how = Status.ON_TRACK, "within"
        elif off <= band * 2:
            status, how = Status.AT_RISK, "outside"
        else:
            status, how = Status.OFF_TRACK, "more than twice"
        reason = (
            f"{said} is {fmt(off)} from the level of {fmt(level)}: {how} the band of ±{fmt(band)}."
        )
        return Judgement(status, reason, latest, level, target)

    if target is None:
        return Judgement(Status.NO_DATA, "No target set, so no trajectory to judge by.", latest)
    sign = 1 if direction == INCREASE else -1
    missed = _missed(targets, latest, today, sign)
    if missed is not None:
        reason = (
            f"The target of {fmt(missed.value)} by {_day(missed.date)} has passed and the latest "
            f"reading, {fmt(latest.value)} on {when}, does not meet it."
        )
        return Judgement(Status.OFF_TRACK, reason, latest, missed.value, missed)
    start = start_point(baseline_value, baseline_date, readings)
    expected = expected_at(trajectory(start, targets), latest.date)
    assert start is not None and expected is not None  # there is a reading
    provisional = baseline_value is None or baseline_date is None
    behind = (expected - latest.value) * sign
    distance = abs(target.value - start.value)
    allowance = (distance or abs(target.value)) * share
    if behind <= 0:
        status = Status.ON_TRACK
        reason = f"{said} is at or ahead of the trajectory ({fmt(expected)} by then)."
    else:
        status = Status.AT_RISK if behind <= allowance else Status.OFF_TRACK
        within = "within" if status == Status.AT_RISK else "more than"
        reason = (
            f"{said} is {fmt(behind)} behind the trajectory ({fmt(expected)} by then): "
            f"{within} the allowance of {fmt(allowance)} ({_pct(Decimal(tolerance_percent))}% "
            f"of the distance to the target of {fmt(target.value)})."
        )
    if provisional:
        reason += (
            " Provisional: no baseline (value and date) is recorded, so the trajectory starts "
            f"at the first reading, {fmt(start.value)} on {_day(start.date)}."
        )
    return Judgement(status, reason, latest, expected, target, provisional)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _missed(
    targets: Sequence[Point], latest: Point, today: dt.date | None, sign: int
) -> Point | None:
    """The latest target whose date has passed — by the latest reading's date, or by today —
    if the latest reading does not meet it."""
    passed = [t for t in targets if t.date <= latest.date or (today is not None and t.date < today)]
    if not passed:
        return None
    last = max(passed, key=lambda t: t.date)
    return last if (latest.value - last.value) * sign < 0 else None


def worst(statuses: Sequence[Status]) -> Status:
    for status in SEVERITY:
        if status in statuses:
            return status
    return Status.NO_DATA
