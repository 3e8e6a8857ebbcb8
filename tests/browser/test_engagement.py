"""The engagement register's main journey, in a real browser: record an activity with an
output and a "you said, we did", and see it on the evaluation page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from plantrack.accounts.models import User
from plantrack.core.tests.factories import World, build_world
from plantrack.directory.models import Membership
from plantrack.engagement import services
from plantrack.engagement.models import Activity
from plantrack.engagement.tests.conftest import build_areas

pytestmark = pytest.mark.browser


@pytest.fixture
def register(transactional_db):
    world: World = build_world()
    admin = User.objects.create_superuser("admin", password="pw")
    Membership.objects.get_or_create(user=world.viewer, organisation=world.force)
    _, barnet, _, _, _ = build_areas(admin, world.force)
    register = services.register_create(
        actor=world.manager, organisation=world.force, title="Barnet engagement register"
    )
    services.group_create(actor=world.manager, register=register, name="Borough initiatives")
    return register, barnet


def test_record_an_activity_with_output_and_outcome_then_evaluate(
    page: Page, live_server, register, signed_in, screenshot
):
    register, barnet = register
    signed_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/engagement/")
    page.get_by_role("link", name="Barnet engagement register").click()
    page.get_by_role("link", name="Add an activity").click()
    page.get_by_label("Title", exact=True).fill("Deaf link scheme public meeting")
    page.get_by_label("Group", exact=True).select_option(label="Borough initiatives")
    page.get_by_label("Status", exact=True).select_option(label="Running")
    page.get_by_label("Level of engagement (IAP2)").select_option(label="Consult")
    page.get_by_label("Cost as written").fill("£250 0")
    page.get_by_label("Communities targeted and rationale").fill(
        "Deaf, deafened and hard of hearing community; 40 residents at the first meeting"
    )
    page.get_by_label("Areas", exact=True).select_option(label=f"\u2003{barnet} · Borough (BOCU)")
    screenshot(page, "engagement-1-new-activity")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deaf link scheme public meeting")
    expect(page.get_by_text("£2,500.00 one-off")).to_be_visible()

    # The count in the text is offered; confirm it.
    suggestion = page.locator("form").filter(has_text="40")
    suggestion.get_by_role("button", name="Confirm").click()
    expect(page.locator("#main-content")).to_contain_text("40 people reached recorded")

    # "You said, we did", then completed.
    page.get_by_role("link", name="Record “you said, we did”").click()
    page.get_by_label("You said", exact=True).fill("Officers could not sign at the front counter")
    page.get_by_label("We did", exact=True).fill(
        "Six officers trained in BSL; a video relay at the counter"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Six officers trained in BSL")).to_be_visible()
    page.get_by_role("link", name="Edit activity").click()
    page.get_by_label("Status", exact=True).select_option(label="Completed")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-tag", has_text="Completed")).to_be_visible()
    screenshot(page, "engagement-2-activity")
    assert Activity.objects.get().status == "completed"

    # The evaluation page counts it for Barnet.
    page.goto(f"{live_server.url}/engagement/registers/{register.pk}/")
    page.get_by_role("link", name="Evaluate this register").click()
    page.get_by_label("Area", exact=True).select_option(label=f"\u2003{barnet} · Borough (BOCU)")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#evaluation-scope")).to_contain_text("Barnet")
    expect(page.locator("#quantity + .app-count-cards")).to_contain_text("40")
    expect(page.locator("#main-content")).to_contain_text("Deaf link scheme public meeting")
    screenshot(page, "engagement-3-evaluation")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "engagement-3-evaluation-390")
