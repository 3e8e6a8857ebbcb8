from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from plantrack.budgets import services as budgets
from plantrack.core.tests.factories import World, build_world, make_action
from plantrack.governance.models import Body, Decision, Meeting, Oversight
from plantrack.measures import services as measures
from plantrack.measures.models import Measure
from plantrack.plans import services as plans
from plantrack.plans.selectors import today


@dataclass
class PackWorld:
    w: World
    body: Body
    meeting: Meeting
    measure: Measure
    period: str


def add_actions(w: World, count: int, rag: str = "red") -> None:
    for n in range(count):
        action = make_action(
            w.plan,
            w.manager,
            section=w.section,
            ref=f"EXTRA/{n}",
            title=f"Extra action {n}",
            owners=[w.owner_person],
            due_text="March 2099",
        )
        plans.update_post(
            actor=w.manager, action=action, narrative=f"Progress {n}", rag=rag, status="in_progress"
        )


def build_pack_world() -> PackWorld:
    from plantrack.packs.selectors import current_period

    w = build_world()
    w.owner_person.email = "owen@example.org"
    w.owner_person.email_verified_at = timezone.now()
    w.owner_person.save()
    # YC/INT/1 is overdue (March 2004); YC/INT/2 is rated red; both have an owner.
    plans.update_post(
        actor=w.manager,
        action=w.other_action,
        narrative="Stuck on data.",
        rag="red",
        status="in_progress",
    )
    plans.action_update(actor=w.manager, action=w.other_action, owners=[w.owner_person])
    body = Body.objects.create(name="Youth Board", short_name="YB", chair_text="The police")
    Oversight.objects.create(body=body, plan=w.plan)
    on = today()
    meeting = Meeting.objects.create(body=body, date=on + dt.timedelta(days=7), title="Youth Board")
    Decision.objects.create(
        body=body, meeting=meeting, plan=w.plan, text="Agree the delivery model.", decided_on=on
    )
    measure = measures.measure_create(
        actor=w.manager,
        plan=w.plan,
        name="Volunteers recruited",
        direction="increase",
        baseline_value=Decimal(0),
        baseline_date=on - dt.timedelta(days=200),
        targets=[(Decimal(100), on + dt.timedelta(days=100), "")],
    )
    measures.reading_record(
        actor=w.manager, measure=measure, value=Decimal(70), date=on - dt.timedelta(days=10)
    )
    line = budgets.budget_line_create(
        actor=w.manager,
        plan=w.plan,
        name="Coordinator",
        amounts={on.year if on.month >= 4 else on.year - 1: Decimal("12000.00")},
    )
    budgets.spend_record(actor=w.manager, line=line, amount=Decimal("2500.50"))
    return PackWorld(w, body, meeting, measure, current_period())


@pytest.fixture
def pw(db) -> PackWorld:
    return build_pack_world()


def make_pack(pw: PackWorld, actor=None, meeting=True):
    from plantrack.packs import services

    return services.pack_prepare(
        actor=actor or pw.w.manager,
        body=pw.body,
        period=pw.period,
        meeting=pw.meeting if meeting else None,
    )


def add_off_track_measure(pw: PackWorld, action=None) -> Measure:
    """A measure far behind its trajectory, tied to ``action`` (default: none)."""
    on = today()
    measure = measures.measure_create(
        actor=pw.w.manager,
        plan=pw.w.plan,
        name="Panels held",
        direction="increase",
        baseline_value=Decimal(0),
        baseline_date=on - dt.timedelta(days=300),
        targets=[(Decimal(200), on + dt.timedelta(days=65), "")],
        action=action,
    )
    measures.reading_record(
        actor=pw.w.manager, measure=measure, value=Decimal(5), date=on - dt.timedelta(days=5)
    )
    return measure
