from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.core.tests.factories import make_action
from plantrack.governance.models import Decision, Oversight
from plantrack.packs import services
from plantrack.packs.snapshot import build_snapshot
from plantrack.packs.tests.conftest import add_actions, add_off_track_measure
from plantrack.plans import services as plans
from plantrack.plans.models import Action

pytestmark = pytest.mark.django_db


def test_snapshot_holds_the_numbers_exceptions_and_decisions(pw):
    w = pw.w
    services.commentary_save(actor=w.owner, action=w.other_action, period=pw.period, text="Data.")
    add_off_track_measure(pw)  # not tied to an action
    # Outside the period, or after the meeting: not in the log.
    Decision.objects.create(body=pw.body, text="Old news.", decided_on=dt.date(2001, 1, 1))
    Decision.objects.create(
        body=pw.body, text="After.", decided_on=pw.meeting.date + dt.timedelta(days=1)
    )

    snapshot, plan_ids = build_snapshot(pw.body, pw.period, pw.meeting)
    assert plan_ids == [w.plan.pk]
    delivery = snapshot["summary"]["delivery"]
    assert delivery["action_count"] == Action.objects.filter(plan=w.plan).count() == 2
    assert (delivery["red_count"], delivery["overdue_count"]) == (1, 1)
    assert snapshot["summary"]["measures"]["total"] == 2
    assert snapshot["summary"]["measures"]["off_track"] == 1

    exceptions = snapshot["exceptions"]
    assert [(e["kind"], e["ref"] or e["title"]) for e in exceptions] == [
        ("action", "YC/INT/2"),  # red first
        ("action", "YC/INT/1"),  # overdue
        ("measure", "Panels held"),
    ]
    assert exceptions[0]["commentary"]["text"] == "Data."
    assert exceptions[1]["commentary"] is None
    assert snapshot["summary"]["missing_commentary"] == 1

    part = snapshot["parts"][0]
    assert part["title"] == "Youth Strategy" and part["scope"] == "Whole plan"
    actions = part["sections"][0]["actions"]
    assert [a["ref"] for a in actions] == ["YC/INT/1", "YC/INT/2"]
    assert actions[1]["latest_update"]["text"] == "Stuck on data."
    assert actions[0]["owners"] == ["Insp. Owen Owner"]
    assert all(m["chart"].startswith("<svg") for m in part["measures"])
    assert part["budget"]["total"] == {
        "budget": "12000.00",
        "spend": "2500.50",
        "variance": "9499.50",
    }
    assert [d["text"] for d in snapshot["decisions"]] == ["Agree the delivery model."]
    assert snapshot["charts"]["quarters"].startswith("<svg")
    assert snapshot["meeting"]["date"] == pw.meeting.date.isoformat()


def test_a_section_oversight_covers_only_that_section(pw):
    w = pw.w
    other = plans.section_create(actor=w.manager, plan=w.plan, title="Diversion")
    make_action(w.plan, w.manager, section=other, ref="YC/DIV/1", title="Divert")
    Oversight.objects.filter(body=pw.body).update(section=other)
    snapshot, _ = build_snapshot(pw.body, pw.period)
    part = snapshot["parts"][0]
    assert part["title"] == "Youth Strategy: Diversion"
    assert [a["ref"] for s in part["sections"] for a in s["actions"]] == ["YC/DIV/1"]
    assert snapshot["exceptions"] == []


def _count(pw) -> int:
    with CaptureQueriesContext(connection) as queries:
        build_snapshot(pw.body, pw.period, pw.meeting)
    return len(queries)


def test_snapshot_queries_do_not_grow_with_actions_or_measures(pw):
    add_off_track_measure(pw, action=pw.w.action)
    few = _count(pw)
    add_actions(pw.w, 15)
    add_off_track_measure(pw, action=pw.w.other_action)
    services.commentary_save(actor=pw.w.owner, action=pw.w.action, period=pw.period, text="x")
    assert _count(pw) == few


def test_the_decisions_log_keeps_to_the_packs_plans(pw):
    """A pack is read by whoever can see its plans: a decision the body took about another
    plan (one it no longer oversees, say) must not show its title there."""
    import datetime as dt_

    from plantrack.core.tests.factories import make_plan
    from plantrack.governance.models import Decision
    from plantrack.packs.selectors import decisions_for

    secret = make_plan(pw.w.manager, pw.w.force, title="Covert operation plan")
    day = pw.meeting.date - dt_.timedelta(days=1)
    Decision.objects.create(
        body=pw.body, text="Agreed", decided_on=day, plan=secret, subject_plan=secret
    )
    Decision.objects.create(
        body=pw.body, text="Noted", decided_on=day, plan=pw.w.plan, subject_plan=pw.w.plan
    )
    Decision.objects.create(body=pw.body, text="Own business", decided_on=day)
    found = decisions_for(pw.body, day, day, [pw.w.plan.pk])
    assert sorted(d.text for d in found) == ["Noted", "Own business"]
