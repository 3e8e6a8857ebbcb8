"""The evaluation's rules: roll-up by area, outputs and cost in a period, the quality score,
areas with no activity, benefits. Built on the test register (conftest: a force area with
Barnet (wards Burnt Oak and Colindale North) and Brent; "Deaf link scheme" in Burnt Oak,
"Met Volunteer programme" in Brent, both undated and running)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from plantrack.core.tests.factories import make_measure
from plantrack.directory import services as directory_services
from plantrack.engagement import quality, services
from plantrack.engagement.evaluation.periods import period_parse, quarter_period, year_period
from plantrack.engagement.evaluation.results import Movement
from plantrack.engagement.evaluation.rows import cost_in_period, outputs_in
from plantrack.engagement.evaluation.selectors import evaluate
from plantrack.engagement.models import Activity, Community, Method
from plantrack.measures import services as measure_services
from plantrack.plans.models import Plan
from plantrack.plans.selectors import plans_visible_to

pytestmark = pytest.mark.django_db

FY = year_period(2025)  # 1 April 2025 to 31 March 2026
Q3 = quarter_period(2025, 3)  # October to December 2025


def _ev(eng, period=FY, area=None, group=None, plans=None):
    return evaluate(
        eng.register,
        period=period,
        area=area,
        group=group,
        plans=Plan.objects.all() if plans is None else plans,
    )


def _activity(world, eng, title, **fields) -> Activity:
    fields.setdefault("status", "running")
    return services.activity_create(
        actor=world.manager, register=eng.register, group=eng.group, title=title, **fields
    )


def _output(world, activity, count, *, kind="people_reached", **fields):
    return services.output_record(
        actor=world.manager, activity=activity, kind=kind, count=count, **fields
    )


# --- Periods --------------------------------------------------------------------------------


def test_periods_are_financial_years_and_their_quarters():
    q3 = period_parse("Q3 2025/26")
    assert (q3.label, q3.start, q3.end) == (
        "2025/26-Q3",
        dt.date(2025, 10, 1),
        dt.date(2025, 12, 31),
    )
    assert q3.name == "Q3 2025/26" and q3.months == "October to December 2025"
    assert period_parse("2025/26-Q3") == q3
    year = period_parse("2025/26")
    assert (year.start, year.end, year.is_year) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31), True)
    assert year.months == "April 2025 to March 2026"
    with pytest.raises(ValueError):
        period_parse("sometime")


# --- Roll-up --------------------------------------------------------------------------------


def test_a_ward_count_counts_once_for_its_borough_and_force(world, eng):
    _output(world, eng.activity, 40, area=eng.ward, date=dt.date(2025, 11, 5))
    for area, expected in (
        (eng.ward, 40),
        (eng.barnet, 40),
        (eng.force_area, 40),
        (None, 40),
        (eng.other_ward, 0),
        (eng.brent, 0),
    ):
        assert _ev(eng, area=area).quantity.people_reached == expected, area


def test_an_activity_covering_two_wards_of_a_borough_counts_once(world, eng):
    both = _activity(world, eng, "Ward panels", areas=[eng.ward, eng.other_ward])
    _output(world, both, 25)  # undated, no area: wherever the activity counts, once
    barnet = _ev(eng, area=eng.barnet)
    assert barnet.quantity.activities == 2  # the Deaf link scheme and the ward panels
    assert barnet.quantity.people_reached == 25
    force = _ev(eng, area=eng.force_area)
    assert force.quantity.activities == 3 and force.quantity.people_reached == 25
    by_borough = {row.area.name: row.activities for row in force.spread.areas}
    assert by_borough == {"Barnet": 2, "Brent": 1}
    by_ward = {row.area.name: row.activities for row in barnet.spread.areas}
    assert by_ward == {"Burnt Oak": 2, "Colindale North": 1}
    assert _ev(eng, area=eng.other_ward).quantity.people_reached == 25


def test_outputs_count_when_dated_in_the_period_or_undated_of_an_activity_in_it(world, eng):
    _output(world, eng.activity, 1, date=dt.date(2025, 10, 1))
    _output(world, eng.activity, 10, date=dt.date(2025, 9, 30))  # the quarter before
    _output(world, eng.activity, 100)  # undated: the activity runs throughout
    ended = _activity(world, eng, "Old scheme", start_text="Jan 2024", end_text="Mar 2024")
    _output(world, ended, 1000)  # undated, of an activity not in the period
    _output(world, ended, 5000, date=dt.date(2025, 11, 1))  # dated in it: counted
    assert _ev(eng, period=Q3).quantity.people_reached == 1 + 100 + 5000
    assert outputs_in(eng.register, Q3).count() == 3


def test_an_output_for_an_area_counts_there_not_where_its_activity_is(world, eng):
    _output(world, eng.activity, 7, area=eng.barnet)  # recorded for the borough as a whole
    assert _ev(eng, area=eng.barnet).quantity.people_reached == 7
    assert _ev(eng, area=eng.ward).quantity.people_reached == 0  # not split to a ward
    assert _ev(eng, area=eng.force_area).quantity.people_reached == 7


def test_headline_counts_and_status(world, eng):
    _output(world, eng.activity, 3, kind="sessions")
    _output(world, eng.owned, 12, kind="volunteers")
    _activity(world, eng, "Called off", status="cancelled")
    ev = _ev(eng)
    q = ev.quantity
    assert (q.activities, q.sessions, q.volunteers, q.people_reached) == (2, 3, 12, 0)
    assert q.cancelled == 1 and q.by_status["running"] == 2
    assert q.cost_per_person is None  # no people reached
    assert [row["kind"] for row in q.outputs] == ["sessions", "volunteers"]


def test_the_group_filter(world, eng):
    other = services.group_create(actor=world.manager, register=eng.register, name="Youth")
    services.activity_create(
        actor=world.manager, register=eng.register, group=other, title="Youth forum"
    )
    assert _ev(eng, group=other).quantity.activities == 1
    assert _ev(eng, group=eng.group).quantity.activities == 2


# --- Cost -----------------------------------------------------------------------------------


def test_a_yearly_cost_is_prorated_by_the_days_of_the_period_it_runs():
    per_year, amount = Activity.CostPeriod.YEAR, Decimal(10000)
    july, december = dt.date(2025, 7, 1), dt.date(2025, 12, 31)
    assert cost_in_period(amount, per_year, july, december, FY) == Decimal("5041.10")  # 184/365
    assert cost_in_period(amount, per_year, july, december, Q3) == Decimal("2520.55")  # 92/365
    assert cost_in_period(amount, per_year, july, december, quarter_period(2025, 4)) == 0
    assert cost_in_period(amount, per_year, None, None, FY) == amount  # undated: the whole year
    assert cost_in_period(amount, per_year, None, None, Q3) == Decimal("2520.55")
    # A leap financial year has 366 days; the whole of it is still the whole cost.
    assert cost_in_period(amount, per_year, None, None, year_period(2027)) == amount


def test_a_one_off_cost_counts_when_the_activity_starts():
    one_off, amount = Activity.CostPeriod.ONE_OFF, Decimal(2500)
    assert cost_in_period(amount, one_off, dt.date(2025, 11, 1), None, Q3) == amount
    assert cost_in_period(amount, one_off, dt.date(2025, 9, 1), None, Q3) == 0  # started before
    assert cost_in_period(amount, one_off, None, None, Q3) == amount  # undated: once
    assert cost_in_period(None, one_off, None, None, Q3) == 0


def test_cost_in_the_period_and_per_person(world, eng):
    # The Deaf link scheme: £2,500 one-off, undated. Add £3,650 a year running all of Q3.
    _activity(
        world,
        eng,
        "Street briefings",
        cost_amount=Decimal(3650),
        cost_period="year",
        start_text="Oct 2025",
        end_text="Dec 2025",
    )
    _output(world, eng.activity, 100, date=dt.date(2025, 10, 10))
    q = _ev(eng, period=Q3).quantity
    assert q.cost == Decimal("2500") + Decimal("920.00")  # 3650 × 92/365
    assert q.cost_per_person == Decimal("34.20")
    assert (q.costed, q.uncosted) == (2, 1)


# --- Spread ---------------------------------------------------------------------------------


def test_spread_by_method_level_and_community(world, eng):
    youth, _ = Community.objects.get_or_create(name="Young people 14-25")
    _activity(
        world,
        eng,
        "Youth survey",
        level="consult",
        methods=[Method.objects.get(name="Public meeting")],
        communities=[youth],
    )
    spread = _ev(eng).spread
    assert spread.methods == [("Public meeting", 2), ("Not recorded", 1)]
    assert [(value, n) for value, _, n in spread.levels] == [
        ("inform", 0),
        ("consult", 2),
        ("involve", 1),
        ("collaborate", 0),
        ("empower", 0),
    ]
    # The Deaf link scheme describes its community in words; the volunteers' not at all.
    assert spread.communities == [
        ("Young people 14-25", 1),
        ("Described in words only", 1),
        ("Not described", 1),
    ]


def test_areas_below_with_no_activity_are_listed(world, eng):
    admin = eng.admin
    camden = directory_services.area_create(
        actor=admin, name="Camden", level="borough", parent=eng.force_area
    )
    force = _ev(eng, area=eng.force_area).spread
    assert force.areas_heading == "Boroughs" and force.areas_without == [camden]
    barnet = _ev(eng, area=eng.barnet).spread
    assert barnet.areas_heading == "Wards" and barnet.areas_without == [eng.other_ward]
    # An activity for the borough as a whole is in none of its wards, and is said to be.
    _activity(world, eng, "Borough open day", areas=[eng.barnet])
    barnet = _ev(eng, area=eng.barnet).spread
    assert barnet.areas_without == [eng.other_ward] and barnet.whole_area == 1
    ward = _ev(eng, area=eng.ward).spread
    assert ward.areas == [] and ward.areas_heading == ""
    # With no area chosen: the boroughs of the force areas the register works in.
    everywhere = _ev(eng).spread
    assert everywhere.areas_without == [camden] and everywhere.no_area == 0
    # An activity outside the period leaves its borough empty for that period.
    services.activity_update(
        actor=world.manager, activity=eng.owned, start_text="Jan 2020", end_text="Mar 2020"
    )
    assert {a.name for a in _ev(eng, area=eng.force_area).spread.areas_without} == {
        "Brent",
        "Camden",
    }


def test_an_empty_register_evaluates_to_nothing(world, eng):
    # Undated activities run throughout, so date them away first.
    for activity in (eng.activity, eng.owned):
        services.activity_update(
            actor=world.manager, activity=activity, start_text="Apr 2025", end_text="May 2025"
        )
    ev = _ev(eng, period=year_period(2010), area=eng.barnet)
    assert ev.quantity.activities == 0 and ev.quantity.cost == 0
    assert ev.spread.methods == [] and ev.spread.communities == []
    assert ev.quality.count == 0 and ev.quality.average is None
    assert ev.benefits.rows == [] and ev.benefits.linked_activities == 0
    assert {a.name for a in ev.spread.areas_without} == {"Burnt Oak", "Colindale North"}


# --- Quality --------------------------------------------------------------------------------


def test_the_quality_rule():
    full = quality.Facts(
        has_aim=True,
        has_communities_text=True,
        has_method_text=True,
        level="consult",
        has_outputs=True,
        has_outcomes=True,
    )
    assert quality.score(full).score == 6 and quality.score(full).lacking == ()
    nothing = quality.Facts()
    assert quality.score(nothing).score == 1  # the scale starts at 1
    assert len(quality.score(nothing).lacking) == 6
    one_missing = quality.Facts(**{**full.__dict__, "has_outputs": False})
    assert quality.score(one_missing).score == 5
    assert quality.score(one_missing).lacking_text == ["no outputs recorded"]
    # Inform: an update stands for "you said, we did"; at consult it does not.
    told = quality.Facts(**{**full.__dict__, "level": "inform", "has_outcomes": False})
    assert quality.score(told).score == 5
    assert quality.score(quality.Facts(**{**told.__dict__, "has_updates": True})).score == 6
    asked = quality.Facts(**{**full.__dict__, "has_outcomes": False, "has_updates": True})
    assert quality.score(asked).lacking == ("feedback",)
    # A chosen method or community counts without words.
    blank = quality.Facts(has_methods=True, has_communities=True)
    assert quality.score(blank).met == ("communities", "method")
    assert quality.distribution([1, 6, 6]) == {1: 1, 2: 0, 3: 0, 4: 0, 5: 0, 6: 2}


def test_completed_activities_are_scored(world, eng):
    done = _activity(world, eng, "Leaflet drop", level="inform", aim="Tell residents")
    services.activity_update_post(
        actor=world.manager, activity=done, date=dt.date(2025, 6, 1), narrative="Done"
    )
    services.activity_update(actor=world.manager, activity=done, status="completed")
    services.outcome_record(
        actor=world.manager, activity=eng.activity, you_said="More BSL", we_did="Booked"
    )
    services.activity_update(actor=world.manager, activity=eng.activity, status="completed")
    ev = _ev(eng)
    scored = {a.title: a.result for a in ev.quality.lowest}
    # Leaflet drop: aim, level, an update (inform); no communities, method or outputs.
    assert scored["Leaflet drop"].score == 3
    assert scored["Leaflet drop"].lacking == ("communities", "method", "outputs")
    # Deaf link scheme: everything but outputs.
    assert scored["Deaf link scheme"].score == 5
    assert [a.title for a in ev.quality.lowest] == ["Leaflet drop", "Deaf link scheme"]
    assert ev.quality.distribution[3] == 1 and ev.quality.distribution[5] == 1
    assert ev.quality.average == Decimal("4.0")
    assert "Met Volunteer programme" not in scored  # running: not scored


# --- Benefits -------------------------------------------------------------------------------


def test_benefits_show_the_movement_of_linked_measures(world, eng):
    measure = make_measure(world)  # 0 on 1 Jan 2024, 100 by 1 Jan 2025, on the owner's action
    for day, value in ((dt.date(2024, 3, 1), 10), (dt.date(2024, 5, 15), 30)):
        measure_services.reading_record(actor=world.manager, measure=measure, value=value, date=day)
    services.activity_update(actor=world.manager, activity=eng.owned, actions=[world.action])
    q1 = quarter_period(2024, 1)  # April to June 2024
    ev = _ev(eng, period=q1, plans=plans_visible_to(world.manager))
    (row,) = ev.benefits.rows
    assert row.measure == measure and row.activities == ["Met Volunteer programme"]
    assert (row.start.value, row.latest.value, row.change) == (10, 30, 20)
    assert row.movement == Movement.BETTER and row.change_text == "+20"
    assert ev.benefits.linked_activities == 1
    # A quarter without readings: the value at its start, nothing in it.
    (later,) = _ev(eng, period=quarter_period(2024, 3)).benefits.rows
    assert later.start.value == 30 and later.latest is None
    assert later.movement == Movement.UNKNOWN
    # Only measures of plans the reader may see.
    hidden = _ev(eng, period=q1, plans=plans_visible_to(world.outsider))
    assert hidden.benefits.rows == [] and hidden.benefits.linked_activities == 0
