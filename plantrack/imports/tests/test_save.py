"""Saving parsed plans: through the services, all or nothing, matching what already exists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.budgets.models import BudgetLine
from plantrack.directory.models import Organisation, Person
from plantrack.imports.merging import reimport_changes
from plantrack.imports.parsed import (
    ParsedAction,
    ParsedImport,
    ParsedPlan,
    ParsedSection,
    ParsedUpdate,
)
from plantrack.imports.pipeline import parse_bytes
from plantrack.imports.saving import import_parsed
from plantrack.plans.models import Action, Plan, Update

pytestmark = pytest.mark.django_db


def _parsed(*actions: ParsedAction, title: str = "Community Charter") -> ParsedImport:
    return ParsedImport(
        file="charter.xlsx",
        plans=[ParsedPlan(title=title, sections=[ParsedSection("Prevention", list(actions))])],
    )


def _action(**fields) -> ParsedAction:
    fields.setdefault("title", "Refocus problem solving resources")
    return ParsedAction(**fields)


def test_saves_a_plan_with_owners_organisations_dates_rag_and_updates(world):
    parsed = _parsed(
        _action(
            ref="9",
            owner="DCI Ian Wiggett (47113)",
            lead="Police (TP, Youth Policy) NSPCC",
            due_text="Achieved by Nov 22",
            rag="amber",
            updates=[ParsedUpdate(dt.date(2022, 6, 29), "Focus is on the roles")],
        )
    )
    (plan,) = import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    action = plan.actions.get()
    assert plan.title == "Community Charter" and plan.source_document == "charter.xlsx"
    assert (action.ref, action.rag, action.due_latest) == ("9", "amber", dt.date(2022, 11, 30))
    assert action.owner_text == "DCI Ian Wiggett (47113)"
    person = action.owners.get()
    assert (person.rank, person.name, person.staff_number) == ("DCI", "Ian Wiggett", "47113")
    assert [a.organisation.name for a in action.agencies.filter(role="lead")]
    update = action.updates.get()
    assert update.date == dt.date(2022, 6, 29) and update.author is None
    assert action.last_update_on == dt.date(2022, 6, 29)


def test_existing_people_and_organisations_are_matched_not_duplicated(world):
    Person.objects.create(name="Ian Wiggett", rank="DCI", staff_number="47113")
    Organisation.objects.create(name="NSPCC")
    parsed = _parsed(
        _action(ref="1", owner="DCI Ia Wiggett (47113)", lead="NSPCC"),
        _action(ref="2", title="Second", owner="DCI lan Wiggett (47113)", lead="NSPCC"),
    )
    import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    assert Person.objects.filter(staff_number="47113").count() == 1
    assert Organisation.objects.filter(name="NSPCC").count() == 1


def test_nothing_is_saved_when_any_part_fails(world):
    parsed = _parsed(
        _action(ref="1"),
        _action(ref="2", title="Future", updates=[ParsedUpdate(dt.date(2999, 1, 1), "x")]),
    )
    counts = (Plan.objects.count(), Action.objects.count(), Person.objects.count())
    with pytest.raises(ValidationError):
        import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    assert (Plan.objects.count(), Action.objects.count(), Person.objects.count()) == counts


def test_outsider_cannot_import_for_another_organisation(world):
    with pytest.raises(PermissionDenied):
        import_parsed(
            actor=world.outsider, parsed=_parsed(_action()), owner_organisation=world.force
        )
    assert not Plan.objects.filter(title="Community Charter").exists()


def test_new_version_updates_matched_actions_adds_new_ones_and_new_updates(world):
    first = _parsed(
        _action(
            ref="1",
            due_text="Oct 22",
            rag="amber",
            updates=[ParsedUpdate(dt.date(2022, 6, 29), "Started")],
        ),
        _action(ref=None, title="Unnumbered action", rag="red"),
    )
    (plan,) = import_parsed(actor=world.manager, parsed=first, owner_organisation=world.force)
    second = _parsed(
        _action(
            ref="1",
            due_text="Dec 22",
            rag="green",
            updates=[
                ParsedUpdate(dt.date(2022, 6, 29), "Started"),
                ParsedUpdate(dt.date(2022, 9, 1), "Done"),
            ],
        ),
        _action(ref=None, title="Unnumbered  action", rag="amber"),
        _action(ref="3", title="Brand new"),
    )
    changes = reimport_changes(second.plans[0], plan)
    assert "1: due 'Oct 22' → 'Dec 22'" in changes
    assert "1: 1 new update" in changes
    assert any(line.startswith("New action 3") for line in changes)
    import_parsed(
        actor=world.manager, parsed=second, owner_organisation=world.force, into_plan=plan
    )
    assert plan.actions.count() == 3
    one = plan.actions.get(ref="1")
    assert (one.due_text, one.rag, one.updates.count()) == ("Dec 22", "green", 2)
    assert plan.actions.get(ref="").rag == "amber"  # matched by title, whitespace aside
    assert Update.objects.filter(action__plan=plan).count() == 2


def test_reimport_needs_a_manager_of_that_plan(world):
    (plan,) = import_parsed(
        actor=world.manager, parsed=_parsed(_action(ref="1")), owner_organisation=world.force
    )
    with pytest.raises(PermissionDenied):
        import_parsed(
            actor=world.owner,
            parsed=_parsed(_action(ref="1", rag="red")),
            owner_organisation=world.force,
            into_plan=plan,
        )


def test_new_version_tells_apart_actions_that_share_a_number(world):
    """Plans keep duplicate numbers as written (two "14."): each is matched by its title."""
    first = _parsed(
        _action(ref="14", title="Recruit coordinator"),
        _action(ref="14", title="Recruit volunteers"),
        _action(ref="15", title="Launch panels"),
    )
    (plan,) = import_parsed(actor=world.manager, parsed=first, owner_organisation=world.force)
    second = _parsed(
        _action(ref="14", title="Recruit volunteers", rag="red"),
        _action(ref="14", title="Recruit coordinator", rag="green"),
        _action(ref="15", title="Launch the panels", rag="amber"),  # retitled: same number
        _action(ref="16", title="Evaluate"),
        _action(ref="16", title="Evaluate"),  # the same row twice adds two, as written
    )
    assert "New action 16 in Prevention" in reimport_changes(second.plans[0], plan)
    import_parsed(
        actor=world.manager, parsed=second, owner_organisation=world.force, into_plan=plan
    )
    rags = dict(plan.actions.values_list("title", "rag"))
    assert rags["Recruit volunteers"] == "red" and rags["Recruit coordinator"] == "green"
    assert rags["Launch the panels"] == "amber" and "Launch panels" not in rags
    assert plan.actions.filter(ref="16").count() == 2
    assert plan.actions.count() == 5


def test_budget_tables_in_a_plan_are_saved_with_it_and_not_doubled_by_a_new_version(world):
    seed = Path(__file__).resolve().parents[2] / "demo" / "seeds" / "004_9c707c14883fcd10.txt"
    parsed = parse_bytes(seed.name, seed.read_bytes(), is_text=True)
    assert [b.title for b in parsed.budgets] == ["NJP", "Community Coaches", "Conditional Cautions"]
    assert any("read as budgets 'NJP'" in w for w in parsed.warnings)
    (plan,) = import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    lines = BudgetLine.objects.filter(plan=plan)
    assert lines.count() == 26
    assert set(lines.values_list("section__title", flat=True)) == {
        "Neighbourhood Justice Panels",
        "Community Coaches",
        "Conditional Cautions",
    }
    changes = reimport_changes(parsed.plans[0], plan, parsed.budgets)
    assert any("budget tables are left out" in line for line in changes)
    import_parsed(
        actor=world.manager, parsed=parsed, owner_organisation=world.force, into_plan=plan
    )
    assert BudgetLine.objects.filter(plan=plan).count() == 26


@pytest.mark.django_db
def test_a_reimport_follows_merged_directory_entries(world):
    """Directory clean-up merged "YJB" into "Youth Justice Board (YJB)" and the initials
    "AM" into Alison Malik: importing the same document again must use the kept entries,
    not bring the merged ones back."""
    from plantrack.core.tests.factories import make_org, make_person, make_user
    from plantrack.directory import services as directory
    from plantrack.directory.models import Organisation, Person
    from plantrack.imports.pipeline import parse_bytes

    kept_org = make_org("Youth Justice Board (YJB)")
    merged_org = make_org("YJB")
    kept_person = make_person(name="Alison Malik", organisation=world.force)
    initials = make_person(name="AM", organisation=world.force)
    admin = make_user("admin", is_superuser=True)
    directory.organisation_merge(actor=admin, keep=kept_org, merged=merged_org)
    directory.person_merge(actor=admin, keep=kept_person, merged=initials)
    people, organisations = Person.all_objects.count(), Organisation.all_objects.count()

    text = "Ref\tAction\tLead agency\tOwner\tDeadline\n1\tShare information\tYJB\tAM\tMarch 2027\n"
    parsed = parse_bytes("plan.txt", text.encode(), is_text=True)
    (plan,) = import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    action = plan.actions.get()
    assert [a.organisation for a in action.agencies.all()] == [kept_org]
    assert [o.person for o in action.ownerships.all()] == [kept_person]
    assert (Person.all_objects.count(), Organisation.all_objects.count()) == (people, organisations)
