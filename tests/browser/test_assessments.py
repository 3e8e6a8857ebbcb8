"""A whole self-assessment cycle in a real browser: the keeper sends the checklist to two
boroughs and names an assessor; the assessor answers with evidence and submits; the reviewer
challenges; the assessor replies; the reviewer accepts and finalises; the assessor turns a gap
into an action; the heat map shows the return."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from plantrack.assessments import services
from plantrack.assessments.models import Answer, Unit
from plantrack.core.tests.factories import World, build_world, make_org, make_person, make_user
from plantrack.directory.models import Membership

pytestmark = pytest.mark.browser

ITEMS = [
    "Appointment of a SPOC at PCSO/PC/PS level with minimum Inspector-level oversight;",
    "Regular (3-weekly?) reminder slides on MetBats for all officers/staff;",
    "Publicity material in custody suites / protocol for all under-18 prisoners;",
]


@pytest.fixture
def world(transactional_db) -> World:
    world = build_world()
    checklist = services.framework_import(
        actor=world.manager,
        organisation=world.force,
        title="Good practice check list",
        items=[services.ImportedItem(text) for text in ITEMS],
    )
    services.framework_status_set(actor=world.manager, framework=checklist, status="published")
    for name in ("Barnet BOCU", "Brent BOCU"):
        make_org(name, parent=world.force)
    spoc = make_user("barnet-spoc", first_name="Bea", last_name="Spoc")
    barnet = checklist.organisation.children.get(name="Barnet BOCU")
    Membership.objects.create(user=spoc, organisation=barnet)
    make_person(spoc, name="Bea Spoc", organisation=barnet)
    reviewer = make_user("reviewer", first_name="Rita", last_name="Reviewer")
    Membership.objects.create(user=reviewer, organisation=world.force)
    return world


def test_a_whole_cycle(page: Page, live_server, world: World, signed_in, new_context, screenshot):
    base = live_server.url

    # The keeper sends the framework to both boroughs, Rita reviewing; Bea answers for Barnet.
    signed_in(page, live_server, "manager")
    page.goto(f"{base}/assessments/")
    page.get_by_role("link", name="Good practice check list").click()
    page.get_by_role("link", name="Send it to units for a new cycle").click()
    page.get_by_label("Title").fill("2026/27 self-assessment")
    page.get_by_label("Opens on").fill("2026-04-01")
    page.get_by_label("Due on").fill("2026-06-30")
    page.get_by_label("Barnet BOCU").check()
    page.get_by_label("Brent BOCU").check()
    page.get_by_label("Rita Reviewer").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="2026/27 self-assessment")).to_be_visible()
    page.get_by_role("link", name="Change the assessors for Barnet BOCU").click()
    page.get_by_label("Bea Spoc").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("table").first).to_contain_text("Bea Spoc")
    cycle_url = page.url

    # Bea answers, adds evidence to the first item, and submits.
    bea = new_context().new_page()
    signed_in(bea, live_server, "barnet-spoc")
    bea.goto(cycle_url)
    bea.get_by_role("link", name="Barnet BOCU").click()
    return_url = bea.url
    bea.get_by_role("link", name="Answer the next item not answered").click()
    expect(bea.get_by_role("heading", name=ITEMS[0])).to_be_visible()
    bea.get_by_label("In place", exact=True).check()
    bea.get_by_role("button", name="Save and go to item 2").click()
    expect(bea.get_by_text("Item 1's answer saved.")).to_be_visible()
    bea.get_by_label("Partly in place").check()
    bea.get_by_role("button", name="Save and go to item 3").click()
    bea.get_by_label("Not applicable", exact=True).check()
    bea.get_by_label("If not applicable: why").fill("No custody suite in the borough")
    screenshot(bea, "assessment-1-answer")
    bea.get_by_role("button", name="Save and go back to the return").click()
    expect(bea.get_by_text("3 of 3 items answered")).to_be_visible()
    bea.get_by_role("link", name=f"1. {ITEMS[0]}").click()
    bea.get_by_role("link", name="Add evidence").first.click()
    bea.get_by_label("Web address").fill("https://intranet.example.org/spoc-rota")
    bea.get_by_label("Title", exact=True).fill("SPOC rota")
    bea.get_by_role("button", name="Add link").click()
    expect(bea.get_by_role("link", name="SPOC rota")).to_be_visible()  # back on the item
    bea.goto(return_url)
    expect(bea.get_by_role("link", name="SPOC rota")).to_be_visible()
    screenshot(bea, "assessment-1-return")
    bea.get_by_role("button", name="Submit for review").click()
    expect(bea.get_by_text("Submitted for review.")).to_be_visible()

    # Rita challenges the second answer.
    rita = new_context().new_page()
    signed_in(rita, live_server, "reviewer")
    rita.goto(return_url)
    review = rita.locator("form").filter(has_text="Review item 2")
    review.get_by_label("Challenge").check()
    review.get_by_label("Comment").fill("Which slides, and how often?")
    review.get_by_role("button", name="Record the review").click()
    expect(rita.get_by_text("Review recorded.")).to_be_visible()

    # Bea replies and submits again.
    bea.goto(return_url)
    expect(bea.get_by_text("Which slides, and how often?").first).to_be_visible()
    bea.get_by_role("link", name="item 2", exact=True).click()
    bea.get_by_label("Reply to the challenge").fill("MetBats slides every three weeks since May.")
    bea.get_by_role("button", name="Send the reply").click()
    expect(bea.get_by_text("Reply recorded.")).to_be_visible()
    bea.goto(return_url)
    bea.get_by_role("button", name="Submit for review").click()
    expect(bea.get_by_text("Submitted for review.")).to_be_visible()

    # Rita accepts the lot and finalises.
    rita.goto(return_url)
    rita.get_by_role("button", name="Accept every answer not reviewed yet").click()
    expect(rita.get_by_text("3 answers accepted.")).to_be_visible()
    rita.get_by_role("button", name="Finalise the return").click()
    expect(rita.get_by_text("return is final")).to_be_visible()
    screenshot(rita, "assessment-2-final")

    # Bea turns the gap (partly in place) into an action of Barnet's improvement plan.
    bea.goto(return_url)
    bea.get_by_role("link", name="Turn this gap into an action").click()
    bea.get_by_label("Due").fill("By Mar 27")
    bea.get_by_label("Help the central team offers").fill("Slides from the central team")
    bea.get_by_role("button", name="Save").click()
    expect(bea.get_by_text("added to Barnet BOCU improvement plan")).to_be_visible()
    gap = Answer.objects.get(unit__organisation__name="Barnet BOCU", level="partly")
    assert gap.action is not None and gap.action.due_text == "By Mar 27"

    # The heat map shows Barnet's return: one of two applicable items in place.
    page.goto(cycle_url)
    heat = page.locator(".app-heat-map")
    expect(heat).to_contain_text("50%")
    expect(heat.locator("tr").filter(has_text="Barnet BOCU")).to_contain_text("Partly in place")
    screenshot(page, "assessment-3-heat-map")
    assert Unit.objects.get(organisation__name="Barnet BOCU").status == Unit.Status.FINAL
