"""The trajectory maths and the judgement rule, on plain values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from plantrack.measures import judgement as j

D = dt.date
P = j.Point


TARGET_2025 = (P(D(2025, 1, 1), Decimal(100)),)


def _judge(direction="increase", readings=(), targets=TARGET_2025, **kw):
    kw.setdefault("baseline_value", Decimal(0))
    kw.setdefault("baseline_date", D(2024, 1, 1))
    kw.setdefault("tolerance_percent", Decimal(10))
    return j.judge(direction=direction, targets=list(targets), readings=list(readings), **kw)


def test_expected_is_linear_between_baseline_and_target():
    path = j.trajectory(P(D(2024, 1, 1), Decimal(0)), [P(D(2024, 1, 11), Decimal(100))])
    assert j.expected_at(path, D(2024, 1, 6)) == Decimal(50)
    assert j.expected_at(path, D(2023, 12, 1)) == Decimal(0)  # before the baseline
    assert j.expected_at(path, D(2024, 1, 11)) == Decimal(100)  # on the target date
    assert j.expected_at(path, D(2030, 1, 1)) == Decimal(100)  # after: hold the target


def test_expected_follows_several_targets():
    path = j.trajectory(
        P(D(2024, 1, 1), Decimal(0)),
        [P(D(2024, 1, 21), Decimal(50)), P(D(2024, 1, 11), Decimal(40))],
    )
    assert [p.value for p in path] == [0, 40, 50]
    assert j.expected_at(path, D(2024, 1, 16)) == Decimal(45)


def test_no_readings_is_no_data():
    verdict = _judge(readings=[])
    assert verdict.status == j.Status.NO_DATA
    assert verdict.suggested_rag is None


def test_no_target_is_no_data():
    verdict = _judge(readings=[P(D(2024, 6, 1), Decimal(5))], targets=[])
    assert verdict.status == j.Status.NO_DATA


# Half way through 2024 (day 182 of 366) the trajectory expects 49.7; 10% of 100 allowed.
MID = D(2024, 7, 1)
EXPECTED_MID = Decimal(100) * Decimal(182) / Decimal(366)


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (EXPECTED_MID + 1, j.Status.ON_TRACK),
        (EXPECTED_MID, j.Status.ON_TRACK),  # exactly on the line
        (EXPECTED_MID - Decimal("9.99"), j.Status.AT_RISK),
        (EXPECTED_MID - 10, j.Status.AT_RISK),  # exactly the tolerance: still at risk
        (EXPECTED_MID - Decimal("10.01"), j.Status.OFF_TRACK),
    ],
)
def test_increase_tolerance_edges(value, status):
    verdict = _judge(readings=[P(MID, value)])
    assert verdict.status == status
    assert verdict.expected == EXPECTED_MID


def test_latest_reading_decides():
    verdict = _judge(readings=[P(D(2024, 12, 31), Decimal(100)), P(D(2024, 3, 1), Decimal(0))])
    assert verdict.latest.date == D(2024, 12, 31)
    assert verdict.status == j.Status.ON_TRACK


@pytest.mark.parametrize(
    ("value", "status"),
    [(Decimal(40), j.Status.ON_TRACK), (Decimal(60), j.Status.AT_RISK), (61, j.Status.OFF_TRACK)],
)
def test_decrease_is_judged_the_other_way(value, status):
    # 100 → 0 over ten days: on day 5 the line is at 50; 10 of the 100 allowed.
    verdict = _judge(
        direction="decrease",
        baseline_value=Decimal(100),
        baseline_date=D(2024, 1, 1),
        targets=[P(D(2024, 1, 11), Decimal(0))],
        readings=[P(D(2024, 1, 6), Decimal(value))],
    )
    assert verdict.status == status


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (Decimal(80), j.Status.ON_TRACK),
        (Decimal(88), j.Status.ON_TRACK),  # +10% of 80 = the band's edge
        (Decimal("72"), j.Status.ON_TRACK),
        (Decimal("89"), j.Status.AT_RISK),
        (Decimal("64"), j.Status.AT_RISK),  # twice the band
        (Decimal("63.9"), j.Status.OFF_TRACK),
        (Decimal(100), j.Status.OFF_TRACK),
    ],
)
def test_keep_at_uses_a_band(value, status):
    verdict = _judge(
        direction="keep",
        baseline_value=Decimal(80),
        targets=[P(D(2025, 1, 1), Decimal(80))],
        readings=[P(D(2024, 6, 1), value)],
    )
    assert verdict.status == status


def test_keep_at_without_targets_keeps_the_baseline():
    verdict = _judge(
        direction="keep",
        baseline_value=Decimal(50),
        targets=[],
        readings=[P(D(2024, 6, 1), Decimal(50))],
    )
    assert verdict.status == j.Status.ON_TRACK


def test_target_date_boundaries_pick_the_target_being_worked_towards():
    targets = [P(D(2024, 6, 1), Decimal(50)), P(D(2025, 1, 1), Decimal(100))]
    assert j.target_for(targets, D(2024, 6, 1)).value == 50  # on the date: that target
    assert j.target_for(targets, D(2024, 6, 2)).value == 100  # the day after: the next
    assert j.target_for(targets, D(2026, 1, 1)).value == 100  # after all: the last
    # After the last target date the trajectory holds at the target; short of it, the target
    # was missed (issue 15: a passed target date not met is off track, not "at risk").
    verdict = _judge(targets=targets, readings=[P(D(2026, 1, 1), Decimal(95))])
    assert verdict.expected == 100 and verdict.status == j.Status.OFF_TRACK
    met = _judge(targets=targets, readings=[P(D(2026, 1, 1), Decimal(100))])
    assert met.status == j.Status.ON_TRACK


def test_without_a_baseline_date_the_first_reading_starts_the_line():
    verdict = _judge(
        baseline_value=None,
        baseline_date=None,
        targets=[P(D(2024, 1, 11), Decimal(100))],
        readings=[P(D(2024, 1, 1), Decimal(0)), P(D(2024, 1, 6), Decimal(50))],
    )
    assert verdict.expected == 50 and verdict.status == j.Status.ON_TRACK


def test_tolerance_is_configurable():
    reading = [P(MID, EXPECTED_MID - 15)]
    assert _judge(readings=reading).status == j.Status.OFF_TRACK
    assert _judge(readings=reading, tolerance_percent=Decimal(20)).status == j.Status.AT_RISK


def test_reason_and_rule_explain_themselves():
    verdict = _judge(readings=[P(MID, Decimal(20))])
    assert "behind the trajectory" in verdict.reason and "1 Jul 2024" in verdict.reason
    assert "10%" in j.rule_text("increase", Decimal(10))
    assert "±5%" in j.rule_text("keep", Decimal(5))


def test_worst_status_wins():
    assert j.worst([j.Status.ON_TRACK, j.Status.OFF_TRACK]) == j.Status.OFF_TRACK
    assert j.worst([j.Status.NO_DATA]) == j.Status.NO_DATA


# --- Issue 15, defect 3: a passed target date, and no baseline -------------------------------


def test_a_target_date_passed_without_the_target_met_is_off_track():
    """15 by Dec 2022, one reading of 1 in Nov 2026 and no baseline was "on track": the
    trajectory started at that reading and the passed target date was ignored."""
    verdict = _judge(
        readings=[P(D(2026, 11, 1), Decimal(1))],
        targets=[P(D(2022, 12, 31), Decimal(15))],
        baseline_value=None,
        baseline_date=None,
    )
    assert verdict.status == j.Status.OFF_TRACK
    assert "31 Dec 2022 has passed" in verdict.reason and "15" in verdict.reason


def test_a_target_met_after_its_date_is_judged_on_the_trajectory():
    verdict = _judge(
        readings=[P(D(2026, 11, 1), Decimal(20))], targets=[P(D(2022, 12, 31), Decimal(15))]
    )
    assert verdict.status == j.Status.ON_TRACK


def test_a_passed_target_by_today_with_no_later_reading_is_off_track():
    verdict = _judge(
        readings=[P(D(2022, 11, 1), Decimal(14))],
        targets=[P(D(2022, 12, 31), Decimal(15))],
        today=D(2026, 12, 7),
    )
    assert verdict.status == j.Status.OFF_TRACK
    # Before the date, the same reading is judged on the trajectory.
    early = _judge(
        readings=[P(D(2022, 11, 1), Decimal(14))],
        targets=[P(D(2022, 12, 31), Decimal(15))],
        today=D(2022, 12, 1),
    )
    assert early.status != j.Status.OFF_TRACK


def test_a_decrease_target_passed_and_not_met_is_off_track():
    verdict = _judge(
        direction="decrease",
        readings=[P(D(2026, 1, 1), Decimal(80))],
        targets=[P(D(2025, 1, 1), Decimal(50))],
        baseline_value=Decimal(100),
    )
    assert verdict.status == j.Status.OFF_TRACK


def test_without_a_baseline_the_judgement_is_provisional_and_says_why():
    verdict = _judge(
        readings=[P(D(2024, 6, 1), Decimal(40)), P(D(2024, 9, 1), Decimal(60))],
        baseline_value=None,
        baseline_date=None,
    )
    assert verdict.provisional
    assert "provisional" in verdict.label.lower()
    assert "no baseline" in verdict.reason.lower() and "first reading" in verdict.reason
    assert not _judge(readings=[P(D(2024, 6, 1), Decimal(60))]).provisional
