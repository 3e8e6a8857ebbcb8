from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.core.tests.factories import make_action, make_person
from plantrack.plans import selectors, services
from plantrack.plans.models import Action, ActionOrganisation, Plan, Update

pytestmark = pytest.mark.django_db


def test_update_sets_current_rag_status_and_dates(world):
    today = selectors.today()
    services.update_post(
        actor=world.owner,
        action=world.action,
        narrative="Policy drafted",
        rag="amber",
        status="in_progress",
        date=today,
    )
    action = Action.objects.get(pk=world.action.pk)
    assert action.rag == "amber"
    assert action.status == "in_progress"
    assert action.last_update_on == today
    assert action.update_due_on == today + dt.timedelta(days=world.plan.update_interval_days)


def test_backdated_update_keeps_history_without_overriding_current_rag(world):
    today = selectors.today()
    services.update_post(actor=world.owner, action=world.action, narrative="Now", rag="green")
    services.update_post(
        actor=world.owner,
        action=world.action,
        narrative="Last month",
        rag="red",
        date=today - dt.timedelta(days=30),
    )
    action = Action.objects.get(pk=world.action.pk)
    assert action.rag == "green"
    assert action.last_update_on == today
    assert [u.narrative for u in selectors.action_updates(action)] == ["Now", "Last month"]


def test_a_correction_is_a_new_update_and_history_stays(world):
    services.update_post(actor=world.owner, action=world.action, narrative="Wrong", rag="red")
    services.update_post(actor=world.owner, action=world.action, narrative="Right", rag="green")
    assert Update.objects.filter(action=world.action).count() == 2
    assert Action.objects.get(pk=world.action.pk).rag == "green"


def test_update_in_the_future_is_refused_and_nothing_changes(world):
    with pytest.raises(ValidationError):
        services.update_post(
            actor=world.owner,
            action=world.action,
            narrative="Tomorrow",
            rag="red",
            date=selectors.today() + dt.timedelta(days=1),
        )
    assert not Update.objects.exists()
    assert Action.objects.get(pk=world.action.pk).rag == ""


def test_empty_narrative_is_refused(world):
    with pytest.raises(ValidationError):
        services.update_post(actor=world.owner, action=world.action, narrative="   ")
    assert not Update.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "outsider"])
def test_only_owners_and_managers_post_updates(world, who):
    with pytest.raises(PermissionDenied):
        services.update_post(actor=getattr(world, who), action=world.action, narrative="x")


def test_contributor_cannot_update_an_action_they_do_not_own(world):
    with pytest.raises(PermissionDenied):
        services.update_post(actor=world.owner, action=world.other_action, narrative="x")


def test_manager_can_update_any_action(world):
    services.update_post(actor=world.manager, action=world.other_action, narrative="Chased")
    assert world.other_action.updates.count() == 1


def test_action_keeps_fuzzy_dates_as_written_and_parsed(world):
    action = make_action(
        world.plan,
        world.manager,
        due_text="Q3 2022/23",
        start_text="Commence Nov 22",
        review_text="Ongoing",
    )
    assert (action.due_text, action.due_earliest, action.due_latest, action.due_kind) == (
        "Q3 2022/23",
        dt.date(2022, 10, 1),
        dt.date(2022, 12, 31),
        "by",
    )
    assert action.start_kind == "start"
    assert action.start_earliest == dt.date(2022, 11, 1)
    assert action.review_kind == "ongoing" and action.review_latest is None


def test_unparseable_date_is_kept_and_flagged(world):
    action = make_action(world.plan, world.manager, due_text="when funding allows")
    assert action.due_text == "when funding allows"
    assert action.due_latest is None
    assert action.due_kind == "unknown"


def test_lead_and_supporting_organisations_are_separate(world):
    services.action_update(
        actor=world.manager,
        action=world.action,
        lead_organisations=[world.force],
        supporting_organisations=[world.other_force],
    )
    roles = dict(
        ActionOrganisation.objects.filter(action=world.action).values_list(
            "organisation__name", "role"
        )
    )
    assert roles == {"Barnet Police": "lead", "Other Force": "supporting"}


def test_only_managers_edit_actions(world):
    with pytest.raises(PermissionDenied):
        services.action_update(actor=world.owner, action=world.action, title="Hijack")
    assert Action.objects.get(pk=world.action.pk).title == "Create a policy"


def test_dependencies_stay_within_the_plan_and_not_on_itself(world):
    services.action_update(
        actor=world.manager, action=world.action, depends_on=[world.other_action]
    )
    assert list(world.action.depends_on.all()) == [world.other_action]
    with pytest.raises(ValidationError):
        services.action_update(actor=world.manager, action=world.action, depends_on=[world.action])


def test_changes_are_in_the_audit_history_with_who(world):
    services.action_update(actor=world.manager, action=world.action, title="Create a new policy")
    latest = world.action.history.first()
    assert latest.history_user == world.manager
    assert latest.title == "Create a new policy"
    assert latest.prev_record.title == "Create a policy"


def test_owner_changes_are_audited(world):
    someone = make_person(name="Sam Else")
    services.action_update(actor=world.manager, action=world.action, owners=[someone])
    from plantrack.plans.history import action_history

    labels = {(e.what, e.verb) for e in action_history(world.action)}
    assert ("Owner Sam Else", "added") in labels
    assert ("Owner Insp. Owen Owner", "removed") in labels


def test_changing_the_update_interval_recomputes_update_due(world):
    today = selectors.today()
    services.update_post(actor=world.owner, action=world.action, narrative="x", date=today)
    services.plan_update(actor=world.manager, plan=world.plan, update_interval_days=7)
    action = Action.objects.get(pk=world.action.pk)
    assert action.update_due_on == today + dt.timedelta(days=7)


def test_plan_needs_a_manager(world):
    with pytest.raises(ValidationError):
        services.plan_role_remove(actor=world.manager, plan=world.plan, user=world.manager)


def test_outsider_cannot_create_a_plan_for_another_organisation(world):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=world.outsider, title="Mine", owner_organisation=world.force)
    assert not Plan.objects.filter(title="Mine").exists()


def test_flags(world):
    on = dt.date(2026, 11, 22)
    action = Action(
        status="in_progress",
        due_latest=dt.date(2026, 11, 1),
        update_due_on=on,
        review_earliest=dt.date(2026, 10, 1),
        last_update_on=dt.date(2026, 9, 1),
    )
    assert selectors.action_flags(action, on) == {
        "overdue": True,
        "update_due": True,
        "review_due": True,
    }
    action.status = "complete"
    assert selectors.action_flags(action, on) == {
        "overdue": False,
        "update_due": False,
        "review_due": False,
    }


def test_my_actions_puts_overdue_first_then_update_due_then_due_soon(world):
    today = selectors.today()
    soon = (today + dt.timedelta(days=10)).strftime("%d/%m/%Y")
    later = (today + dt.timedelta(days=200)).strftime("%d/%m/%Y")
    due_soon = make_action(world.plan, world.manager, due_text=soon, owners=[world.owner_person])
    later_one = make_action(world.plan, world.manager, due_text=later, owners=[world.owner_person])
    stale = make_action(world.plan, world.manager, due_text=later, owners=[world.owner_person])
    Action.objects.filter(pk=stale.pk).update(update_due_on=today - dt.timedelta(days=1))
    closed = make_action(world.plan, world.manager, owners=[world.owner_person], status="complete")
    order = [a.pk for a in selectors.my_actions(world.owner)]
    assert order == [world.action.pk, stale.pk, due_soon.pk, later_one.pk]
    assert closed.pk not in order


@pytest.mark.parametrize("many_plans", [0, 1000])
def test_recent_updates_shows_only_visible_plans_newest_first(world, monkeypatch, many_plans):
    from plantrack.core.tests.factories import make_plan

    monkeypatch.setattr(selectors, "RECENT_MANY_PLANS", many_plans)
    monkeypatch.setattr(selectors, "RECENT_BATCH", 2)
    hidden_plan = make_plan(world.outsider, world.other_force, title="Secret")
    hidden = make_action(hidden_plan, world.outsider)
    for i in range(3):
        services.update_post(actor=world.owner, action=world.action, narrative=f"mine {i}")
        services.update_post(actor=world.outsider, action=hidden, narrative=f"secret {i}")
    seen = [u.narrative for u in selectors.recent_updates(world.viewer, limit=2)]
    assert seen == ["mine 2", "mine 1"]
    assert len(selectors.recent_updates(world.viewer, limit=10)) == 3


def test_an_imported_action_never_updated_is_as_due_as_its_own_dates_say(world):
    """Issue 15, defect 5: never-updated imported actions counted from the import date, so
    actions due in 2022 with no update were "fine" while those last updated in 2022 were
    flagged. An action with no update counts from its own start or due date when earlier."""
    on = selectors.today()
    rows = [
        services.ActionImport(
            title="Updated in 2022",
            fields={"due_text": "Oct 22"},
            updates=[(dt.date(2022, 6, 29), "Calendar reformatted")],
        ),
        services.ActionImport(title="Never updated, due Oct 22", fields={"due_text": "Oct 22"}),
        services.ActionImport(
            title="Never updated, started 2023",
            fields={"start_text": "January 2023", "due_text": "March 2099"},
        ),
        services.ActionImport(title="No dates at all"),
        services.ActionImport(title="Due in the future", fields={"due_text": "March 2099"}),
    ]
    services.actions_import(actor=world.manager, plan=world.plan, actions=rows, author_name="x")
    due = {
        a.title: a.update_due_on
        for a in Action.objects.filter(plan=world.plan, title__in=[r.title for r in rows])
    }
    interval = dt.timedelta(days=world.plan.update_interval_days)
    assert due["Updated in 2022"] == dt.date(2022, 6, 29) + interval
    assert due["Never updated, due Oct 22"] == dt.date(2022, 10, 1) + interval
    assert due["Never updated, started 2023"] == dt.date(2023, 1, 1) + interval
    assert due["No dates at all"] == on + interval
    assert due["Due in the future"] == on + interval
    flagged = set(
        Action.objects.filter(selectors.update_due_q(on), plan=world.plan).values_list(
            "title", flat=True
        )
    )
    assert {
        "Updated in 2022",
        "Never updated, due Oct 22",
        "Never updated, started 2023",
    } <= flagged
    # The same rule when the plan's interval changes.
    services.plan_update(actor=world.manager, plan=world.plan, update_interval_days=7)
    action = Action.objects.get(plan=world.plan, title="Never updated, due Oct 22")
    assert action.update_due_on == dt.date(2022, 10, 8)


def test_a_never_updated_action_given_an_earlier_start_is_due_from_it(world):
    action = make_action(world.plan, world.manager, title="New")
    services.action_update(actor=world.manager, action=action, start_text="January 2023")
    action.refresh_from_db()
    assert action.update_due_on == dt.date(2023, 1, 1) + dt.timedelta(
        days=world.plan.update_interval_days
    )


def test_dates_with_no_year_are_read_against_the_plan_and_the_start(world):
    """Issue 15, defect 6: "By end of Q4" is Q4 of the plan's financial year, "Within 6 months"
    counts from the action's start; with nothing to lean on they stay unread."""
    services.plan_update(
        actor=world.manager, plan=world.plan, period_text="April 2026 - March 2027"
    )
    quarter = make_action(world.plan, world.manager, due_text="By end of Q4")
    assert quarter.due_latest == dt.date(2027, 3, 31) and quarter.due_kind == "by"
    within = make_action(
        world.plan, world.manager, start_text="January 2026", due_text="Within 6 months"
    )
    assert within.due_latest == dt.date(2026, 7, 1)
    alone = make_action(world.plan, world.manager, due_text="Within 6 months")
    assert alone.due_kind == "unknown" and alone.due_latest is None


@pytest.mark.parametrize("text", ["Commence Nov 22", "Start immediately", "From May 2024"])
def test_a_start_written_as_the_deadline_is_kept_as_the_start(world, text):
    """Issue 15, defect 7: such texts went into Deadline, where they never make it late."""
    action = make_action(world.plan, world.manager, due_text=text)
    assert action.start_text == text and action.due_text == "" and action.due_latest is None


def test_a_deadline_after_a_start_stays_the_deadline(world):
    action = make_action(world.plan, world.manager, due_text="Start immediately BAU by Oct 22")
    assert action.due_latest == dt.date(2022, 10, 31) and action.start_text == ""
    kept = make_action(world.plan, world.manager, start_text="Now", due_text="Commence Nov 22")
    assert kept.due_text == "Commence Nov 22" and kept.start_text == "Now"


def test_the_plan_history_says_which_action_an_owner_joined(world):
    """Issue 15, defect 12: the plan's history said "Owner Sophie Paley added" with no action."""
    someone = make_person(name="Sam Else")
    services.action_update(actor=world.manager, action=world.action, owners=[someone])
    from plantrack.plans.history import plan_history

    labels = {(e.what, e.verb) for e in plan_history(world.plan)}
    assert ("Owner Sam Else of YC/INT/1", "added") in labels
