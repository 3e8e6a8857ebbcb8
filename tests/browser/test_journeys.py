"""End-to-end journeys through the real pages, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from plantrack.core.tests.factories import World, build_world
from plantrack.plans import services
from plantrack.plans.selectors import today

pytestmark = pytest.mark.browser


def long_date(day) -> str:
    """The templates' ``date:"j M Y"``."""
    return f"{day.day} {day:%b %Y}"


@pytest.fixture
def world(transactional_db) -> World:
    return build_world()


@pytest.fixture
def rated_world(world: World) -> World:
    """YC/INT/1 rated Amber and YC/INT/2 Red, through the services."""
    services.update_post(
        actor=world.manager,
        action=world.action,
        narrative="On track-ish.",
        rag="amber",
        status="in_progress",
    )
    services.update_post(
        actor=world.manager,
        action=world.other_action,
        narrative="Stuck.",
        rag="red",
        status="in_progress",
    )
    return world


def action_row(page: Page, ref: str):
    return page.locator("#actions tbody tr").filter(
        has=page.locator("td.app-col-ref", has_text=re.compile(rf"^\s*{re.escape(ref)}\s*$"))
    )


def test_owner_posts_an_update(page: Page, live_server, world: World, signed_in, screenshot):
    on = today()
    narrative = "Draft policy circulated to the youth board for comment."

    # Sign in through the form and land on the home page.
    signed_in(page, live_server, "owner")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Your work")).to_be_visible()
    mine = page.locator("table").filter(has=page.get_by_role("link", name="Create a policy"))
    expect(mine.get_by_role("cell", name="YC/INT/1", exact=True)).to_be_visible()
    screenshot(page, "journey-1-home")

    # Open the action from "My actions".
    mine.get_by_role("link", name="Create a policy").click()
    expect(page).to_have_url(f"{live_server.url}/plans/actions/{world.action.pk}/")
    expect(page.get_by_role("heading", level=1, name="Create a policy")).to_be_visible()
    screenshot(page, "journey-2-action")

    # Post an update.
    page.get_by_role("button", name="Post an update").click()
    expect(page).to_have_url(f"{live_server.url}/plans/actions/{world.action.pk}/updates/new/")
    expect(page.get_by_role("heading", level=1, name="Post an update")).to_be_visible()
    date = page.get_by_label("Date of update")
    expect(date).to_have_value(on.isoformat())
    page.get_by_role("group", name="RAG rating").get_by_label("Amber").check()
    page.get_by_role("group", name="Status").get_by_label("In progress").check()
    page.get_by_label("What has happened since the last update?").fill(narrative)
    screenshot(page, "journey-3-update-form")
    page.get_by_role("button", name="Post update").click()

    # Back on the action page, the update is first in the timeline.
    expect(page).to_have_url(f"{live_server.url}/plans/actions/{world.action.pk}/")
    expect(page.get_by_role("alert")).to_contain_text("Update posted.")
    first = page.locator(".app-timeline__item").first
    expect(first).to_contain_text(narrative)
    expect(first.locator(".app-timeline__title")).to_contain_text(long_date(on))
    expect(first.locator(".app-rag--amber")).to_have_text("Amber")
    expect(first).to_contain_text("In progress")
    screenshot(page, "journey-4-action-updated")

    # The plan page shows the action's new RAG and last update.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Youth Strategy"
    ).click()
    expect(page).to_have_url(f"{live_server.url}/plans/{world.plan.pk}/")
    row = action_row(page, "YC/INT/1")
    expect(row).to_have_count(1)
    expect(row.locator(".app-rag--amber")).to_have_text("Amber")
    expect(row.locator("td").last).to_have_text(long_date(on))
    # The other action is untouched.
    expect(action_row(page, "YC/INT/2").locator("td").last).to_have_text("None")
    screenshot(page, "journey-5-plan")


def test_plan_filters_work_without_javascript(
    new_context, live_server, rated_world: World, signed_in, screenshot
):
    page = new_context(java_script_enabled=False).new_page()
    signed_in(page, live_server, "owner")
    page.goto(f"{live_server.url}/plans/{rated_world.plan.pk}/")
    expect(page.locator("#actions tbody tr")).to_have_count(2)

    page.get_by_role("group", name="RAG").get_by_label("Amber").check()
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"\?(.*&)?rag=amber(&|$)"))
    expect(page.locator("#actions [role=status]")).to_have_text("1 action match the filters.")
    expect(page.locator("#actions tbody tr")).to_have_count(1)
    expect(action_row(page, "YC/INT/1")).to_have_count(1)
    expect(action_row(page, "YC/INT/2")).to_have_count(0)
    # The filter stays ticked on the new page.
    expect(page.get_by_role("group", name="RAG").get_by_label("Amber")).to_be_checked()
    screenshot(page, "filters-no-js")


def test_plan_filters_swap_in_place_with_htmx(
    page: Page, live_server, rated_world: World, signed_in
):
    signed_in(page, live_server, "owner")
    plan_url = f"{live_server.url}/plans/{rated_world.plan.pk}/"
    page.goto(plan_url)
    page.wait_for_function("() => window.htmx !== undefined")
    expect(page.locator("#actions tbody tr")).to_have_count(2)
    page.evaluate("window.__marker = 1")

    with page.expect_response(
        lambda r: r.url.startswith(plan_url) and "rag=red" in r.url
    ) as response_info:
        page.get_by_role("group", name="RAG").get_by_label("Red").check()
    response = response_info.value
    assert response.request.headers.get("hx-request") == "true"
    assert "<html" not in response.text().lower(), "HTMX should get only the #actions partial"

    expect(page.locator("#actions [role=status]")).to_have_text("1 action match the filters.")
    expect(action_row(page, "YC/INT/2")).to_have_count(1)
    expect(action_row(page, "YC/INT/1")).to_have_count(0)
    expect(page.locator("#actions")).to_have_count(1)
    # Same document: no navigation happened, but the URL was pushed.
    assert page.evaluate("window.__marker") == 1
    expect(page).to_have_url(re.compile(r"\?(.*&)?rag=red(&|$)"))
    # Reloading the pushed URL gives the same filtered list.
    page.reload()
    expect(page.locator("#actions [role=status]")).to_have_text("1 action match the filters.")
    expect(page.get_by_role("group", name="RAG").get_by_label("Red")).to_be_checked()


def test_outsider_gets_404_for_the_plan(page: Page, live_server, world: World, signed_in):
    signed_in(page, live_server, "outsider")
    response = page.goto(f"{live_server.url}/plans/{world.plan.pk}/")
    assert response is not None and response.status == 404
    response = page.goto(f"{live_server.url}/plans/actions/{world.action.pk}/")
    assert response is not None and response.status == 404


def test_viewer_sees_the_plan_but_cannot_post_updates(
    page: Page, live_server, world: World, signed_in
):
    signed_in(page, live_server, "viewer")
    response = page.goto(f"{live_server.url}/plans/{world.plan.pk}/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1, name="Youth Strategy")).to_be_visible()
    expect(action_row(page, "YC/INT/1")).to_have_count(1)

    action_row(page, "YC/INT/1").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1, name="Create a policy")).to_be_visible()
    expect(page.get_by_role("heading", name="Updates")).to_be_visible()
    expect(page.get_by_role("button", name="Post an update")).to_have_count(0)
    expect(page.get_by_role("link", name="Post an update")).to_have_count(0)

    response = page.goto(f"{live_server.url}/plans/actions/{world.action.pk}/updates/new/")
    assert response is not None and response.status == 403


def test_wrong_password_shows_the_error_summary(page: Page, live_server, world: World, screenshot):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        summary.get_by_role("link", name="Enter a correct username and password")
    ).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_label("Username")).to_have_value("owner")
    expect(page.get_by_label("Password")).to_have_value("")
    screenshot(page, "login-error")
