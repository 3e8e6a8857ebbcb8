from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plantrack.measures.phrases import suggest_measures

TODAY = dt.date(2026, 5, 1)
# The copies of the seed plans kept with the demo (003 and 004 are the ones with targets).
SEEDS = Path(__file__).resolve().parents[2] / "demo" / "seeds"


def _one(text: str):
    found = suggest_measures(text, today=TODAY)
    assert len(found) == 1, found
    return found[0]


def test_target_with_thousands_and_a_month():
    s = _one("Target 30k sign-ups by Dec 22")
    assert s.target == Decimal(30000)
    assert s.target_date == dt.date(2022, 12, 31) and s.target_date_text == "by Dec 22"
    assert s.name == "Sign-ups" and s.unit == "count" and s.direction == "increase"
    assert s.baseline is None
    assert s.phrase == "Target 30k sign-ups by Dec 22"


def test_increase_to():
    s = _one("Increase Special Constabulary numbers to 80 by April 23")
    assert s.name == "Special Constabulary numbers"
    assert (s.target, s.target_date, s.direction) == (80, dt.date(2023, 4, 30), "increase")


def test_percentage_growth_is_a_relative_measure():
    s = _one("Grow the number of Watch Schemes by 20%")
    assert s.relative and s.unit == "percent"
    assert (s.baseline, s.target, s.direction) == (0, 20, "increase")
    assert "Watch Schemes" in s.name and s.note


def test_reduction_by_percent_tracks_the_size_of_the_reduction():
    s = _one("Reduce repeat victimisation by 10% by March 2024")
    assert s.name.startswith("Reduction in") and s.relative
    assert (s.target, s.target_date) == (10, dt.date(2024, 3, 31))


def test_two_targets_in_one_sentence():
    found = suggest_measures(
        "at least 10 volunteers who will facilitate 200 panel interventions in the first year",
        today=TODAY,
    )
    assert [(s.name, s.target) for s in found] == [
        ("Volunteers", 10),
        ("Panel interventions", 200),
    ]
    assert all(s.target_date_text == "in the first year" and s.target_date is None for s in found)


def test_from_baseline_to_target_in_a_financial_year():
    s = _one("Identify potential offender types for cohort expansion from 97 to 200 in 2013/14")
    assert (s.baseline, s.target) == (97, 200)
    assert s.target_date == dt.date(2014, 3, 31)
    assert s.direction == "increase" and s.name == "Cohort"
    assert s.phrase == "cohort expansion from 97 to 200 in 2013/14"


def test_from_higher_to_lower_is_a_decrease():
    found = suggest_measures("Cut the waiting list from 120 to 60 by March 2025", today=TODAY)
    assert found and found[0].direction == "decrease" and found[0].baseline == 120


def test_a_verb_carries_on_to_the_next_number():
    found = suggest_measures(
        "Recruit 25 patrol support PSVs and 15 Charter support volunteers", today=TODAY
    )
    assert [(s.name, s.target) for s in found] == [
        ("Patrol support PSVs", 25),
        ("Charter support volunteers", 15),
    ]


def test_target_per_year_is_a_rate():
    s = _one("deliver intensive interventions of 10-12 weeks (target 100 intervention per year)")
    assert s.target == 100 and s.name == "Intervention per year"


def test_keep_at():
    s = _one("Maintain victim satisfaction at 85%")
    assert (s.direction, s.unit, s.target) == ("keep", "percent", 85)


@pytest.mark.parametrize(
    "text",
    [
        "Review by 31/03/2023 and again in April 2024",
        "YC/INT/1 Create a policy",
        "DS Smith (47113) to lead",
        "Consultant at £350/day",
        "Interventions of 10-12 weeks",
        "Volunteers give 3 days/ week",
        "290622 - The cadet programme is being developed",
        "Training expenses 500 £50 x 10 volunteers",
        "0.5FTE @ team manager level £45k including on costs",
        "Contract\t37500\t75000\t37500\t12 week interventions - , 0.5FTE Coordinator, up to 40",
        "Phase 2 of the project starts in Year 1",
        "Police cadets to be professionalised further by Oct 22",
        "Meet on 12 May 2023 at 10am in room 4",
        "Recruit volunteers",
        "Say 2 sessions @ £2k each",
        "Increase awareness through 3 events",  # no "to N", no target cue
        "",
    ],
)
def test_no_false_positives(text):
    assert suggest_measures(text, today=TODAY) == []


def test_seed_plans_give_only_their_targets():
    found = []
    for path in sorted(SEEDS.glob("00[34]_*.txt")):
        found += suggest_measures(path.read_text(encoding="utf-8"), today=TODAY)
    targets = sorted(s.target for s in found)
    assert targets == sorted(map(Decimal, [30000, 20, 80, 25, 15, 10, 200, 100, 200]))


def test_same_text_same_suggestions():
    text = "Target 30k sign-ups by Dec 22. Recruit 25 PSVs and 15 volunteers."
    assert suggest_measures(text, today=TODAY) == suggest_measures(text, today=TODAY)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_any_text(text):
    for s in suggest_measures(text, today=TODAY):
        assert s.phrase and isinstance(s.target, Decimal)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Target",
                "increase",
                "from",
                "to",
                "by",
                "at least",
                "recruit",
                "30k",
                "97",
                "200",
                "%",
                "Dec 22",
                "2013/14",
                "(47113)",
                "£350/day",
                "volunteers",
                "and",
                ",",
                ".",
                "\t",
                "\n",
                "10-12 weeks",
                "per year",
                "maintain",
                "at",
                "reduce",
            ]
        ),
        max_size=30,
    )
)
def test_never_raises_on_target_like_text(words):
    suggest_measures(" ".join(words), today=TODAY)
