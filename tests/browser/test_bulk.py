"""Changing several actions at once, and deleting and restoring one, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from plantrack.core.tests.factories import World, build_world
from plantrack.plans.models import Action

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db) -> World:
    return build_world()


def test_a_manager_completes_two_actions_at_once_then_deletes_and_restores_one(
    page: Page, live_server, world, signed_in, screenshot
):
    signed_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/plans/{world.plan.pk}/")
    page.get_by_role("link", name="Change several actions").click()
    page.get_by_label("YC/INT/1 (Intelligence): Create a policy").check()
    page.get_by_label("YC/INT/2 (Intelligence): Track PYOs").check()
    page.get_by_label("Set the status").select_option("complete")
    screenshot(page, "bulk-edit")
    page.get_by_role("button", name="Apply to the ticked actions").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("2 actions changed")
    assert set(Action.objects.values_list("status", flat=True)) == {"complete"}

    page.goto(f"{live_server.url}/plans/actions/{world.action.pk}/")
    page.get_by_role("link", name="Delete action").click()
    page.get_by_label("Why is it being deleted? (optional)").fill("Duplicate of YC/INT/2")
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("heading", name="Deleted sections and actions")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Duplicate of YC/INT/2")
    page.get_by_role("button", name="Restore Action YC/INT/1").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("restored")
    assert Action.objects.filter(pk=world.action.pk).exists()
