"""Publishing a plan, approving updates for the public, withholding: who may, and what is kept."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.plans import services as plan_services
from plantrack.plans.models import Plan
from plantrack.public import selectors, services
from plantrack.public.models import Publication, PublicUpdate, Withholding

pytestmark = pytest.mark.django_db


def test_only_a_manager_publishes_and_a_restricted_plan_is_refused(world):
    with pytest.raises(ValidationError, match="restricted plan cannot be published"):
        services.plan_publish(actor=world.manager, plan=world.plan)
    plan_services.plan_update(actor=world.manager, plan=world.plan, visibility="organisation")
    world.plan.refresh_from_db()
    for someone in (world.owner, world.viewer, world.outsider):
        with pytest.raises(PermissionDenied):
            services.plan_publish(actor=someone, plan=world.plan)
    publication = services.plan_publish(actor=world.manager, plan=world.plan)
    assert publication.slug == "youth-strategy" and publication.is_live
    assert publication.history.first().history_user == world.manager


def test_the_address_is_kept_through_withdrawal_and_republication(published):
    world, plan = published.world, published.world.plan
    with pytest.raises(ValidationError, match="Say why"):
        services.plan_unpublish(actor=world.manager, plan=plan, reason=" ")
    services.plan_unpublish(actor=world.manager, plan=plan, reason="Under review")
    assert not selectors.public_plans().exists()
    assert selectors.was_published("youth-strategy")
    with pytest.raises(ValidationError, match="cannot change"):
        services.plan_publish(actor=world.manager, plan=plan, slug="another")
    again = services.plan_publish(actor=world.manager, plan=plan)
    assert again.slug == "youth-strategy" and again.is_live


def test_a_plan_made_restricted_leaves_the_public_at_once(published):
    world = published.world
    plan_services.plan_update(actor=world.manager, plan=world.plan, visibility="restricted")
    assert not selectors.public_plans().exists()


def test_two_plans_of_the_same_title_get_two_addresses(published, world):
    from plantrack.core.tests.factories import make_plan

    other = make_plan(world.manager, world.force, title="Youth Strategy", visibility="public")
    assert services.plan_publish(actor=world.manager, plan=other).slug == "youth-strategy-2"


def test_a_named_publisher_approves_but_cannot_publish_the_plan(published):
    world, update = published.world, published.secret_update
    with pytest.raises(PermissionDenied):
        services.update_publish(actor=world.owner, update=update, text="Fine")
    services.publication_set_publishers(
        actor=world.manager, publication=published.publication, publishers=[world.owner]
    )
    decision = services.update_publish(actor=world.owner, update=update, text="Progress made.")
    assert decision.state == PublicUpdate.State.PUBLISHED and decision.decided_by == world.owner
    with pytest.raises(PermissionDenied):
        services.plan_unpublish(actor=world.owner, plan=world.plan, reason="x")


def test_approval_needs_text_and_withdrawal_needs_a_reason(published):
    world, update = published.world, published.secret_update
    with pytest.raises(ValidationError, match="Write the text"):
        services.update_publish(actor=world.manager, update=update, text="  ")
    assert not PublicUpdate.objects.filter(update=update).exists()
    with pytest.raises(ValidationError, match="not published"):
        services.update_withdraw(actor=world.manager, update=update, reason="x")
    shown = published.public_update
    with pytest.raises(ValidationError, match="Say why"):
        services.update_withdraw(actor=world.manager, update=shown, reason="")
    decision = services.update_withdraw(actor=world.manager, update=shown, reason="Named a victim")
    assert decision.state == PublicUpdate.State.WITHDRAWN
    states = [h.state for h in decision.history.order_by("history_date")]
    assert states == ["published", "withdrawn"]


def test_the_waiting_list_holds_undecided_updates_of_published_plans(published):
    world = published.world
    waiting = list(selectors.updates_awaiting_approval(world.manager))
    assert waiting == [published.secret_update]
    services.update_keep_internal(actor=world.manager, update=published.secret_update)
    assert not selectors.updates_awaiting_approval(world.manager).exists()
    assert not selectors.updates_awaiting_approval(world.viewer).exists()
    with pytest.raises(ValidationError, match="withdraw it instead"):
        services.update_keep_internal(actor=world.manager, update=published.public_update)


def test_withholding_needs_a_reason_and_is_released_by_a_manager(published):
    world = published.world
    with pytest.raises(ValidationError, match="Say why"):
        services.action_withhold(actor=world.manager, action=world.action, reason="")
    with pytest.raises(PermissionDenied):
        services.action_withhold(actor=world.owner, action=world.action, reason="Sensitive")
    row = services.action_withhold(actor=world.manager, action=world.action, reason="Sensitive")
    with pytest.raises(ValidationError, match="already withheld"):
        services.action_withhold(actor=world.manager, action=world.action, reason="Again")
    page = selectors.public_plan_content(world.plan)
    assert [a.ref for a in page.actions] == ["YC/INT/2"]
    services.withholding_release(actor=world.manager, withholding=row)
    assert not Withholding.objects.exists()
    assert Withholding.history.filter(history_type="-").count() == 1


def test_a_withheld_section_takes_its_actions_and_measures_with_it(published):
    world = published.world
    services.section_withhold(actor=world.manager, section=world.section, reason="Operational")
    page = selectors.public_plan_content(world.plan)
    assert page.sections == [] and page.actions == []


def test_the_public_version_moves_the_plan_version(published):
    world = published.world
    before = Plan.objects.get(pk=world.plan.pk).version
    services.update_keep_internal(actor=world.manager, update=published.secret_update)
    assert Plan.objects.get(pk=world.plan.pk).version > before
    assert Publication.objects.count() == 1
