from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from plantrack.core.tests.factories import make_action, make_plan
from plantrack.engagement import selectors, services
from plantrack.engagement.models import Activity, Outcome, Output, RegisterRole

pytestmark = pytest.mark.django_db


def test_creator_manages_the_register_and_members_read_it(world, eng):
    assert RegisterRole.objects.filter(register=eng.register, user=world.manager).exists()
    assert selectors.register_access(world.manager, eng.register).can_manage
    assert eng.register in selectors.registers_visible_to(world.viewer)
    assert not selectors.register_access(world.viewer, eng.register).can_manage
    assert eng.register not in selectors.registers_visible_to(world.outsider)


def test_register_only_for_an_organisation_one_belongs_to(world):
    with pytest.raises(PermissionDenied):
        services.register_create(actor=world.outsider, organisation=world.force, title="Mine")


def test_owner_edits_own_activity_only(world, eng):
    services.activity_update(actor=world.owner, activity=eng.owned, aim="Closer links")
    eng.owned.refresh_from_db()
    assert eng.owned.aim == "Closer links"
    for actor in (world.owner, world.viewer, world.outsider):
        with pytest.raises(PermissionDenied):
            services.activity_update(actor=actor, activity=eng.activity, aim="No")
    with pytest.raises(PermissionDenied):
        services.activity_delete(actor=world.owner, activity=eng.owned)
    # The owner reads the register even without membership of the force.
    assert eng.register in selectors.registers_visible_to(world.owner)


def test_consultation_needs_you_said_we_did_before_completion(world, eng):
    with pytest.raises(ValidationError) as exc:
        services.activity_update(actor=world.manager, activity=eng.activity, status="completed")
    assert "you said, we did" in str(exc.value)
    eng.activity.refresh_from_db()
    assert eng.activity.status == "running"
    outcome = services.outcome_record(
        actor=world.manager,
        activity=eng.activity,
        you_said="Officers could not sign",
        we_did="Six officers trained in BSL",
    )
    services.activity_update(actor=world.manager, activity=eng.activity, status="completed")
    with pytest.raises(ValidationError):
        services.outcome_delete(actor=world.manager, outcome=outcome)
    assert Outcome.objects.filter(pk=outcome.pk).exists()


def test_inform_level_completes_without_outcome(world, eng):
    services.activity_update(
        actor=world.manager, activity=eng.activity, level="inform", status="completed"
    )
    assert Activity.objects.get(pk=eng.activity.pk).status == "completed"


def test_links_only_to_actions_one_can_see(world, eng):
    from plantrack.core.tests.factories import make_user

    other_manager = make_user("other-manager")
    hidden_plan = make_plan(other_manager, world.other_force, title="Hidden")
    hidden = make_action(hidden_plan, other_manager, title="Secret")
    with pytest.raises(ValidationError):
        services.activity_update(actor=world.manager, activity=eng.activity, actions=[hidden])
    services.activity_update(actor=world.manager, activity=eng.activity, actions=[world.action])
    assert list(eng.activity.actions.all()) == [world.action]


def test_edit_keeps_links_the_editor_cannot_see(world, eng):
    from plantrack.core.tests.factories import make_user

    other_manager = make_user("other-manager")
    hidden_plan = make_plan(other_manager, world.other_force, title="Hidden")
    hidden = make_action(hidden_plan, other_manager, title="Secret")
    eng.activity.actions.add(hidden)
    services.activity_update(actor=world.manager, activity=eng.activity, actions=[world.action])
    assert set(eng.activity.actions.all()) == {world.action, hidden}


def test_linking_an_action_moves_its_plan_version(world, eng):
    before = type(world.plan).objects.get(pk=world.plan.pk).version
    services.activity_update(actor=world.manager, activity=eng.activity, actions=[world.action])
    after = type(world.plan).objects.get(pk=world.plan.pk).version
    assert after > before
    services.activity_update(actor=world.manager, activity=eng.activity, title="Renamed")
    assert type(world.plan).objects.get(pk=world.plan.pk).version > after


def test_group_from_another_register_refused(world, eng):
    other = services.register_create(actor=world.manager, organisation=world.force, title="B")
    with pytest.raises(ValidationError):
        services.activity_create(actor=world.manager, register=other, title="X", group=eng.group)


def test_negative_cost_refused_and_amount_without_period_is_one_off(world, eng):
    with pytest.raises(ValidationError):
        services.activity_update(
            actor=world.manager, activity=eng.activity, cost_amount=Decimal("-5")
        )
    services.activity_update(
        actor=world.manager, activity=eng.activity, cost_amount=Decimal(900), cost_period=""
    )
    eng.activity.refresh_from_db()
    assert eng.activity.cost_period == "one-off"


def test_outputs_and_other_needs_a_label(world, eng):
    output = services.output_record(
        actor=world.owner, activity=eng.owned, kind="volunteers", count=52, area=eng.brent
    )
    assert str(output) == "52 volunteers recruited"
    with pytest.raises(ValidationError):
        services.output_record(actor=world.owner, activity=eng.owned, kind="other", count=3)
    with pytest.raises(PermissionDenied):
        services.output_record(actor=world.viewer, activity=eng.owned, kind="wards", count=1)
    services.output_delete(actor=world.owner, output=output)
    assert not Output.objects.exists()


def test_update_sets_rag_and_last_update_and_refuses_future(world, eng):
    services.activity_update_post(
        actor=world.owner, activity=eng.owned, narrative="Two recruited", rag="amber"
    )
    eng.owned.refresh_from_db()
    assert eng.owned.rag == "amber" and eng.owned.last_update_on is not None
    services.activity_update_post(
        actor=world.owner,
        activity=eng.owned,
        narrative="Older news",
        rag="red",
        date=dt.date(2020, 1, 1),
    )
    eng.owned.refresh_from_db()
    assert eng.owned.rag == "amber"
    with pytest.raises(ValidationError):
        services.activity_update_post(
            actor=world.owner,
            activity=eng.owned,
            narrative="Future",
            date=timezone.localdate() + dt.timedelta(days=3),
        )


def test_follow_ups_due_for_their_owner(world, eng):
    soon = timezone.localdate() + dt.timedelta(days=10)
    follow_up = services.follow_up_create(
        actor=world.owner,
        activity=eng.owned,
        title="Follow-up meeting",
        due_on=soon,
        owner=world.owner_person,
    )
    found = selectors.follow_ups_due_for(world.owner_person, until=soon)
    assert list(found) == [follow_up]
    services.follow_up_update(actor=world.owner, follow_up=follow_up, done=True)
    assert not selectors.follow_ups_due_for(world.owner_person, until=soon).exists()


def test_last_manager_cannot_be_removed(world, eng):
    with pytest.raises(ValidationError):
        services.register_manager_remove(
            actor=world.manager, register=eng.register, user=world.manager
        )
    services.register_manager_add(actor=world.manager, register=eng.register, user=world.viewer)
    services.register_manager_remove(actor=world.viewer, register=eng.register, user=world.manager)
    assert not selectors.register_access(world.manager, eng.register).can_manage


def test_area_filter_takes_places_beneath_each_activity_once(world, eng):
    services.activity_update(
        actor=world.manager, activity=eng.activity, areas=[eng.ward, eng.other_ward, eng.barnet]
    )
    flt = selectors.ActivityFilter(area=eng.force_area)
    found = list(selectors.activities_for_register(eng.register, flt))
    assert found.count(eng.activity) == 1 and eng.owned in found
    flt = selectors.ActivityFilter(area=eng.barnet)
    assert list(selectors.activities_for_register(eng.register, flt)) == [eng.activity]
    flt = selectors.ActivityFilter(area=eng.brent)
    assert list(selectors.activities_for_register(eng.register, flt)) == [eng.owned]


def test_a_follow_up_owner_reads_the_register_their_digest_sends_them_to(world, eng):
    from plantrack.core.tests.factories import make_person, make_user

    partner = make_user("partner")
    person = make_person(partner, name="Pat Partner", organisation=world.other_force)
    assert eng.register not in selectors.registers_visible_to(partner)
    services.follow_up_create(
        actor=world.manager,
        activity=eng.activity,
        title="Call the temple committee",
        due_on=timezone.localdate(),
        owner=person,
    )
    assert eng.register in selectors.registers_visible_to(partner)
    assert not selectors.can_edit_activity(partner, eng.activity)
