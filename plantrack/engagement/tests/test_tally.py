"""The evaluation's tallies (evaluation/tally.py) give the figures of a recount of the
activities (evaluation/rows.py), for every area, group and period, after the register is
built and after each kind of change made through the services: a random register of a few
dozen activities over the test areas, compared field by field."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from plantrack.directory import services as directory_services
from plantrack.engagement import services
from plantrack.engagement.evaluation import rows, tally
from plantrack.engagement.evaluation.periods import quarter_period, year_period
from plantrack.engagement.evaluation.selectors import evaluate
from plantrack.engagement.models import (
    Activity,
    Community,
    Method,
    Output,
    Register,
    TallyCell,
    TallyMark,
)
from plantrack.plans.models import Plan

pytestmark = pytest.mark.django_db

PERIODS = [year_period(2024), year_period(2025), quarter_period(2025, 1), quarter_period(2025, 4)]
LEVELS = ["", "inform", "consult", "involve", "collaborate", "empower"]


def _day(rng: random.Random) -> dt.date:
    return dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(900))


def _when(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.15:
        return ""
    if r < 0.25:
        return _day(rng).strftime("%b %y")  # a month: a range of days
    return _day(rng).strftime("%d %B %Y")


def _random_activity(rng, world, eng, groups, places) -> Activity:
    methods = list(Method.objects.all())
    communities = list(Community.objects.all())
    amount = rng.choice([None, None, Decimal("150.00"), Decimal("2500.50"), Decimal("9000")])
    activity = services.activity_create(
        actor=world.manager,
        register=eng.register,
        group=rng.choice(groups),
        title=f"Activity {rng.randrange(10_000)}",
        level=rng.choice(LEVELS),
        aim=rng.choice(["", "Reach people"]),
        method_text=rng.choice(["", "Door knocking"]),
        communities_text=rng.choice(["", "Young people"]),
        methods=rng.sample(methods, rng.choice([0, 0, 1, 2])),
        communities=rng.sample(communities, rng.choice([0, 1, 2])),
        areas=rng.sample(places, rng.choice([0, 1, 1, 2])),
        start_text=_when(rng),
        end_text=rng.choice(["", "Ongoing", _when(rng)]),
        cost_amount=amount,
        cost_period=rng.choice(["one-off", "year"]) if amount is not None else "",
        status="running",
    )
    for _ in range(rng.choice([0, 1, 2])):
        services.output_record(
            actor=world.manager,
            activity=activity,
            kind=rng.choice(Output.Kind.values[:4]),
            count=rng.randrange(1, 40),
            label="Things",
            date=rng.choice([None, _day(rng)]),
            area=rng.choice([None, *places]),
        )
    if rng.random() < 0.4:
        services.outcome_record(
            actor=world.manager, activity=activity, you_said="More", we_did="Done"
        )
    if rng.random() < 0.3:
        services.activity_update_post(
            actor=world.manager, activity=activity, narrative="Going", date=dt.date(2025, 1, 1)
        )
    status = rng.choice(["planned", "running", "completed", "completed", "cancelled"])
    needs_outcome = activity.level in Activity.NEEDS_OUTCOME
    if status == "completed" and needs_outcome and not activity.outcomes.exists():
        status = "running"
    return services.activity_update(actor=world.manager, activity=activity, status=status)


def _same(register: Register, eng) -> None:
    """Every choice evaluated both ways gives the same figures."""
    register = Register.objects.get(pk=register.pk)
    plans = Plan.objects.all()
    for period in PERIODS:
        for area in (None, eng.force_area, eng.barnet, eng.ward, eng.brent):
            for group in (None, *register.groups.all()):
                span = tally.quarters(period)
                assert span is not None
                tallied = evaluate(register, period=period, plans=plans, area=area, group=group)
                recount = rows.evaluate(
                    register, period=period, plans=plans, area=area, group=group
                )
                where = (period.label, area, group)
                assert tallied.quantity == recount.quantity, where
                assert tallied.spread == recount.spread, where
                assert tallied.quality == recount.quality, where
                assert tallied.benefits.linked_activities == recount.benefits.linked_activities


@pytest.fixture
def random_register(world, eng):
    rng = random.Random(20261206)
    other = services.group_create(actor=world.manager, register=eng.register, name="Other")
    groups = [eng.group, other, None]
    places = [eng.force_area, eng.barnet, eng.ward, eng.other_ward, eng.brent]
    made = [_random_activity(rng, world, eng, groups, places) for _ in range(40)]
    return rng, made, groups, places


def test_tallies_give_the_recount_s_figures(eng, random_register):
    _same(eng.register, eng)
    assert TallyCell.objects.filter(register=eng.register).count() > 0


def test_changes_are_counted_again(world, eng, random_register):
    rng, made, groups, places = random_register
    _same(eng.register, eng)  # built
    for activity in made[:8]:
        services.activity_update(
            actor=world.manager,
            activity=Activity.objects.get(pk=activity.pk),
            start_text=_when(rng),
            areas=rng.sample(places, 1),
            level="inform",
            group=rng.choice(groups),
            cost_amount=Decimal("1200"),
            cost_period="year",
        )
    for activity in made[8:12]:
        services.activity_delete(actor=world.manager, activity=activity)
    for output in Output.objects.filter(activity__in=made[12:20]):
        if rng.random() < 0.5:
            services.output_delete(actor=world.manager, output=output)
        else:
            services.output_update(actor=world.manager, output=output, count=99, area=eng.brent)
    assert TallyMark.objects.filter(register=eng.register).exists()
    _same(eng.register, eng)
    assert not TallyMark.objects.filter(register=eng.register).exists()
    services.group_delete(actor=world.manager, group=groups[1])
    _same(eng.register, eng)


def test_a_place_moved_or_a_method_deleted_rebuilds_them(world, eng, random_register):
    _same(eng.register, eng)
    stamp = Register.objects.get(pk=eng.register.pk).tally_stamp
    # The ward moves from Barnet to Brent: its activities now count for Brent.
    directory_services.area_update(actor=eng.admin, area=eng.ward, parent=eng.brent)
    _same(eng.register, eng)
    Method.objects.filter(pk=Method.objects.order_by("pk").values("pk")[:1]).delete()
    _same(eng.register, eng)
    assert Register.objects.get(pk=eng.register.pk).tally_stamp != stamp


def test_a_month_is_recounted(eng, random_register):
    """A board pack's month is not made of quarters: the tallies cannot answer it."""
    month = rows.Period("2025/26-M3", dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    assert tally.quarters(month) is None
    ev = evaluate(eng.register, period=month, plans=Plan.objects.all())
    assert (
        ev.quantity == rows.evaluate(eng.register, period=month, plans=Plan.objects.all()).quantity
    )


def test_many_changes_are_counted_afresh(world, eng, random_register, monkeypatch):
    made = random_register[1]
    _same(eng.register, eng)
    monkeypatch.setattr(tally, "MANY_MARKED", 3)
    for activity in made[:5]:
        services.activity_update(
            actor=world.manager, activity=Activity.objects.get(pk=activity.pk), areas=[eng.brent]
        )
    called = []
    real = tally.rebuild
    monkeypatch.setattr(tally, "rebuild", lambda *a: called.append(1) or real(*a))
    _same(eng.register, eng)
    assert called and not TallyMark.objects.filter(register=eng.register).exists()
