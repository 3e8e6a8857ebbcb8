"""Every edit service compares the version its form was opened on in the write (issue 10, F6):
a save based on an old version is refused and changes nothing; one on the current version wins."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from plantrack.budgets import services as budgets
from plantrack.core.concurrency import EditConflict, claim, version_of
from plantrack.directory import services as directory
from plantrack.governance import services as governance
from plantrack.governance.tests.helpers import make_gov
from plantrack.measures import services as measures
from plantrack.plans import services as plans

pytestmark = pytest.mark.django_db


def _plan(w):
    return w.plan, plans.plan_update, "plan", {"summary": "Theirs"}, {"summary": "Mine"}


def _section(w):
    return w.section, plans.section_update, "section", {"title": "Theirs"}, {"title": "Mine"}


def _action(w):
    return w.action, plans.action_update, "action", {"title": "Theirs"}, {"title": "Mine"}


def _milestone(w):
    milestone = plans.milestone_create(actor=w.manager, action=w.action, title="Draft")
    return milestone, plans.milestone_update, "milestone", {"title": "Theirs"}, {"done": True}


def _organisation(w):
    return (
        w.force,
        directory.organisation_update,
        "organisation",
        {"website": ""},
        {"short_name": "Mine"},
    )


def _person(w):
    return w.owner_person, directory.person_update, "person", {"post": "Theirs"}, {"phone": "1"}


def _measure(w):
    measure = measures.measure_create(
        actor=w.manager, plan=w.plan, name="Panels", direction="increase", unit="count"
    )
    return measure, measures.measure_update, "measure", {"name": "Theirs"}, {"name": "Mine"}


def _benefit(w):
    benefit = measures.benefit_create(actor=w.manager, plan=w.plan, title="Fewer victims")
    return benefit, measures.benefit_update, "benefit", {"title": "Theirs"}, {"title": "Mine"}


def _budget_line(w):
    line = budgets.budget_line_create(
        actor=w.manager, plan=w.plan, name="Staff", amounts={2024: Decimal(1000)}
    )
    return line, budgets.budget_line_update, "line", {"name": "Theirs"}, {"name": "Mine"}


def _body(w):
    gov = make_gov(w)
    return gov.group, governance.body_update, "body", {"short_name": "T"}, {"short_name": "M"}


def _meeting(w):
    gov = make_gov(w)
    return gov.meeting, governance.meeting_update, "meeting", {"title": "T"}, {"title": "M"}


def _decision(w):
    gov = make_gov(w)
    decision = governance.decision_record(
        actor=gov.admin, body=gov.group, text="Agreed", decided_on=dt.date(2024, 5, 1)
    )
    return decision, governance.decision_update, "decision", {"text": "T"}, {"text": "M"}


BUILDERS = [
    _plan,
    _section,
    _action,
    _milestone,
    _organisation,
    _person,
    _measure,
    _benefit,
    _budget_line,
    _body,
    _meeting,
    _decision,
]


def _actor(w, name: str):
    if name in {"body", "meeting", "decision"}:
        return type(w.manager).objects.get(username="admin")
    return w.manager


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__[1:])
def test_a_save_on_an_old_version_is_refused_and_changes_nothing(world, build):
    instance, update, name, theirs, mine = build(world)
    actor = _actor(world, name)
    model = type(instance)
    opened = version_of(model.objects.get(pk=instance.pk))
    assert opened

    # Someone else saves first, from the same version.
    update(actor=actor, **{name: model.objects.get(pk=instance.pk)}, edit_version=opened, **theirs)
    after_theirs = model.objects.get(pk=instance.pk)
    assert version_of(after_theirs) != opened

    with pytest.raises(EditConflict):
        update(
            actor=actor, **{name: model.objects.get(pk=instance.pk)}, edit_version=opened, **mine
        )
    stored = model.objects.get(pk=instance.pk)
    assert version_of(stored) == version_of(after_theirs)
    for field, value in theirs.items():
        assert getattr(stored, field) == value

    # On the current version the save goes through.
    update(
        actor=actor,
        **{name: model.objects.get(pk=instance.pk)},
        edit_version=version_of(stored),
        **mine,
    )
    stored = model.objects.get(pk=instance.pk)
    for field, value in mine.items():
        assert getattr(stored, field) == value


def test_without_a_version_the_last_write_wins(world):
    plans.plan_update(actor=world.manager, plan=world.plan, summary="One")
    plans.plan_update(actor=world.manager, plan=world.plan, summary="Two")
    world.plan.refresh_from_db()
    assert world.plan.summary == "Two"


@pytest.mark.parametrize("version", ["yesterday", "2024-01-01T00:00:00"])
def test_a_malformed_or_naive_version_is_a_conflict_not_a_crash(world, version):
    with pytest.raises(EditConflict):
        claim(world.plan, version)
