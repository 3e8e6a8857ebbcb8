"""Search in a browser: type in the header's box, read the results, follow one; the results
pages pass axe and fit a 390 px phone screen."""

from __future__ import annotations

import pytest
from checks import assert_fits, assert_no_axe_violations
from playwright.sync_api import Page, expect

from plantrack.core.tests.factories import World, build_world
from plantrack.plans import services

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(transactional_db) -> World:
    world = build_world()
    for i in range(4):
        services.update_post(
            actor=world.manager,
            action=world.action,
            narrative=f"Truancy patrols round {i} with the schools' <b>liaison</b> officers.",
            rag="amber",
        )
    return world


def test_search_from_the_header_and_follow_a_result(
    page: Page, live_server, world, signed_in, screenshot
):
    signed_in(page, live_server, "manager")
    page.get_by_role("search").first.get_by_label("Search PlanTrack").fill("truancy patrols")
    page.get_by_role("search").first.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Results for “truancy patrols”")).to_be_visible()
    expect(page.get_by_role("link", name="Updates: 4")).to_be_visible()
    # The matched words marked, the narrative's own markup shown as text.
    expect(page.locator("mark").first).to_have_text("Truancy")
    expect(page.get_by_text("<b>liaison</b>").first).to_be_visible()
    screenshot(page, "search-results")
    assert_no_axe_violations(page, "search results")

    page.get_by_role("link", name="See all 4 updates results").click()
    expect(page.get_by_role("heading", name="Updates: 4 found")).to_be_visible()
    screenshot(page, "search-results-updates")
    assert_no_axe_violations(page, "search results, one kind")

    page.get_by_role("link", name="Update on YC/INT/1 Create a policy").first.click()
    expect(page.get_by_role("heading", name="Create a policy")).to_be_visible()
    assert "#update-" in page.url


def test_search_works_without_javascript(new_context, live_server, world, signed_in):
    page = new_context(java_script_enabled=False).new_page()
    signed_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/")
    page.get_by_label("Search PlanTrack").fill("policy")
    page.get_by_label("Search PlanTrack").press("Enter")
    expect(page.get_by_role("link", name="Actions: 1")).to_be_visible()


def test_results_fit_a_phone_and_a_query_with_no_words_is_refused(
    new_context, live_server, world, signed_in, screenshot
):
    page = new_context(viewport=PHONE).new_page()
    signed_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/search/?q=policy")
    expect(page.get_by_role("link", name="Actions: 1")).to_be_visible()
    assert_fits(page, "search results at 390 px")
    screenshot(page, "search-results-390")
    assert_no_axe_violations(page, "search results at 390 px")

    page.get_by_label("Plans, actions, updates").fill("!!!")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.get_by_text("Enter a word or a number to search for.").first).to_be_visible()
    assert page.title().startswith("Error: ")
    assert_fits(page, "search error at 390 px")
    screenshot(page, "search-error-390")
    assert_no_axe_violations(page, "search with an error")


def test_the_outsider_finds_nothing_of_the_restricted_plan(
    page: Page, live_server, world, signed_in
):
    signed_in(page, live_server, "outsider")
    page.goto(f"{live_server.url}/search/?q=truancy+policy")
    expect(page.get_by_text("Nothing found.")).to_be_visible()
    assert "Create a policy" not in page.content()
