"""Deleting and restoring sections and actions (soft, audited), and changing many actions at
once (issue 15: delete and bulk work)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from plantrack.core.tests.factories import make_action, make_person, make_plan
from plantrack.plans import selectors, services
from plantrack.plans.models import Action, Plan, Section, Update

pytestmark = pytest.mark.django_db


def _history_count(action: Action) -> int:
    return Action.history.filter(id=action.pk).count()


# --- Services ---------------------------------------------------------------------------------


def test_a_deleted_action_leaves_every_list_and_comes_back_whole(world):
    services.update_post(actor=world.manager, action=world.action, narrative="Begun.", rag="red")
    version = Plan.objects.get(pk=world.plan.pk).version
    services.action_delete(actor=world.manager, action=world.action, reason="A duplicate")

    assert not Action.objects.filter(pk=world.action.pk).exists()
    assert list(world.plan.actions.all()) == [world.other_action]
    assert selectors.plan_summary(world.plan)["action_count"] == 1
    assert Plan.objects.get(pk=world.plan.pk).version > version
    gone = Action.all_objects.get(pk=world.action.pk)
    assert (gone.deleted_by, gone.deleted_reason) == (world.manager, "A duplicate")
    assert Update.objects.filter(action_id=world.action.pk).count() == 1  # nothing removed

    services.action_restore(actor=world.manager, action=gone)
    restored = Action.objects.get(pk=world.action.pk)
    assert restored.deleted_at is None and restored.rag == "red"
    assert [o.person for o in restored.ownerships.all()] == [world.owner_person]
    latest = Action.history.filter(id=restored.pk).first()
    assert latest.history_user == world.manager


def test_only_managers_delete_and_restore(world):
    with pytest.raises(PermissionDenied):
        services.action_delete(actor=world.viewer, action=world.action)
    services.action_delete(actor=world.manager, action=world.action)
    gone = Action.all_objects.get(pk=world.action.pk)
    with pytest.raises(PermissionDenied):
        services.action_restore(actor=world.owner, action=gone)
    with pytest.raises(ValidationError, match="already deleted"):
        services.action_delete(actor=world.manager, action=gone)


def test_a_section_is_restored_with_the_actions_deleted_with_it_only(world):
    services.action_delete(actor=world.manager, action=world.other_action)  # before
    services.section_delete(actor=world.manager, section=world.section, reason="Merged")
    assert not Section.objects.filter(pk=world.section.pk).exists()
    assert not Action.objects.filter(plan=world.plan).exists()

    gone = Action.all_objects.get(pk=world.action.pk)
    with pytest.raises(ValidationError, match="restore the section first"):
        services.action_restore(actor=world.manager, action=gone)

    section = Section.all_objects.get(pk=world.section.pk)
    services.section_restore(actor=world.manager, section=section)
    assert list(Action.objects.filter(plan=world.plan)) == [world.action]
    assert Action.all_objects.get(pk=world.other_action.pk).deleted_at is not None


def test_bulk_update_changes_each_action_with_one_history_entry_each(world):
    other = services.section_create(actor=world.manager, plan=world.plan, title="Diversion")
    extra = make_person(name="Ann Other")
    before = {a.pk: _history_count(a) for a in (world.action, world.other_action)}
    count = services.actions_bulk_update(
        actor=world.manager,
        plan=world.plan,
        actions=[world.action, world.other_action],
        section=other,
        status="complete",
        due_text="March 2027",
        owners=[extra],
    )
    assert count == 2
    for action in Action.objects.filter(plan=world.plan):
        assert (action.section, action.status, action.due_text) == (other, "complete", "March 2027")
        assert str(action.due_latest) == "2027-03-31"
        assert [o.person for o in action.ownerships.all()] == [extra]
        assert _history_count(action) == before[action.pk] + 1


def test_bulk_work_is_all_or_none(world):
    elsewhere = make_plan(world.manager, world.force, title="Elsewhere")
    stranger = make_action(elsewhere, world.manager, title="Not of this plan")
    with pytest.raises(ValidationError, match="belong to this plan"):
        services.actions_bulk_update(
            actor=world.manager,
            plan=world.plan,
            actions=[world.action, stranger],
            status="complete",
        )
    with pytest.raises(ValidationError, match="belong to this plan"):
        services.updates_bulk_post(
            actor=world.manager, plan=world.plan, actions=[world.action, stranger], narrative="x"
        )
    assert not Action.objects.filter(status="complete").exists()
    assert not Update.objects.exists()
    with pytest.raises(ValidationError, match="at least one thing"):
        services.actions_bulk_update(actor=world.manager, plan=world.plan, actions=[world.action])
    with pytest.raises(PermissionDenied):
        services.actions_bulk_update(
            actor=world.owner, plan=world.plan, actions=[world.action], status="complete"
        )


def test_the_same_update_is_posted_to_each_action(world):
    updates = services.updates_bulk_post(
        actor=world.manager,
        plan=world.plan,
        actions=[world.action, world.other_action],
        narrative="Reviewed at the March board.",
        rag="amber",
    )
    assert len(updates) == 2
    for action in Action.objects.filter(plan=world.plan):
        assert action.rag == "amber"
        assert action.updates.get().narrative == "Reviewed at the March board."


# --- Pages -------------------------------------------------------------------------------------


def test_the_bulk_page_changes_the_ticked_actions(client, world):
    client.force_login(world.manager)
    url = reverse("plans:bulk", args=[world.plan.pk])
    page = client.get(url).content.decode()
    assert "YC/INT/1 (Intelligence): Create a policy" in page
    response = client.post(url, {"actions": [world.action.pk], "do": "set", "status": "complete"})
    assert response.status_code == 302
    assert Action.objects.get(pk=world.action.pk).status == "complete"
    assert Action.objects.get(pk=world.other_action.pk).status != "complete"

    response = client.post(url, {"actions": [world.action.pk], "do": "post", "narrative": ""})
    assert response.status_code == 200
    assert "Write the update" in response.content.decode()
    assert not Update.objects.exists()

    response = client.post(url, {"do": "set", "status": "complete"})
    assert "Select at least one action" in response.content.decode()


def test_delete_then_restore_through_the_pages(client, world):
    client.force_login(world.manager)
    response = client.post(
        reverse("plans:action_delete", args=[world.action.pk]), {"reason": "Duplicate"}
    )
    assert response["Location"] == reverse("plans:deleted", args=[world.plan.pk])
    assert client.get(reverse("plans:action", args=[world.action.pk])).status_code == 404
    plan_page = client.get(reverse("plans:detail", args=[world.plan.pk])).content.decode()
    assert "Create a policy" not in plan_page
    deleted = client.get(reverse("plans:deleted", args=[world.plan.pk])).content.decode()
    assert "Create a policy" in deleted and "Duplicate" in deleted
    client.post(reverse("plans:action_restore", args=[world.action.pk]))
    assert client.get(reverse("plans:action", args=[world.action.pk])).status_code == 200


def test_the_deleted_list_takes_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for n in range(5):
        action = make_action(world.plan, world.manager, section=world.section, title=f"Old {n}")
        services.action_delete(actor=world.manager, action=action)
    client.force_login(world.manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("plans:deleted", args=[world.plan.pk]))
    assert response.content.decode().count("Restore<span") == 5
