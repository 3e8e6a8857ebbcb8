"""Journeys of issues 3 and 4: import a plan through the pages; record a measure's reading and
see its chart and judgement change; read the plan summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from plantrack.core.tests.factories import World, build_world, make_measure
from plantrack.plans.models import Plan

pytestmark = pytest.mark.browser
SEEDS = Path(__file__).resolve().parents[2] / "plantrack" / "demo" / "seeds"


@pytest.fixture
def world(transactional_db) -> World:
    return build_world()


def test_record_a_reading_and_see_the_chart_change(
    page: Page, live_server, world: World, signed_in, screenshot
):
    measure = make_measure(world, since=dt.date(2026, 1, 1))
    signed_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/measures/{measure.pk}/")
    chart = page.locator("figure svg").first
    expect(chart).to_have_attribute("role", "img")
    expect(page.get_by_text("No readings yet.").first).to_be_visible()
    assert chart.locator("circle").count() == 0

    page.get_by_label("Date of the reading").fill("2026-06-01")
    page.get_by_label("Value").fill("10")
    page.get_by_role("button", name="Record reading").click()

    expect(page.locator("figure svg").first.locator("circle")).to_have_count(1)
    expect(page.get_by_text("behind the trajectory").first).to_be_visible()
    expect(page.locator("table").filter(has_text="The chart's data")).to_contain_text("Reading")
    screenshot(page, "measure-after-reading")

    # A bad reading: one line, nothing saved.
    page.get_by_label("Date of the reading").fill("2026-06-02")
    page.get_by_label("Value").fill("lots")
    page.get_by_role("button", name="Record reading").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert measure.readings.count() == 1

    # The plan summary counts it.
    page.goto(f"{live_server.url}/reports/plan/{world.plan.pk}/")
    expect(page.get_by_role("heading", name="Measures", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Volunteers recruited")).to_be_visible()
    screenshot(page, "plan-summary")


def test_import_a_plan_through_the_pages(
    page: Page, live_server, world: World, signed_in, screenshot
):
    signed_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/imports/new/")
    seed = SEEDS / "003_c7fe91e708482392.txt"
    page.locator("input[type=file]").set_input_files(str(seed))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="Check the import before saving it")).to_be_visible()
    expect(page.get_by_text("36 actions in 6 sections")).to_be_visible()
    screenshot(page, "import-preview")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Community Charter")
    plan = Plan.objects.get(source_document=seed.name)
    assert plan.actions.count() == 36
    expect(page.locator(".govuk-notification-banner, .app-flash").first).to_contain_text("36")


def test_upload_readings_and_a_budget_as_import_jobs(
    page: Page, live_server, world: World, signed_in, screenshot, tmp_path
):
    measure = make_measure(world, since=dt.date(2026, 1, 1))
    readings = tmp_path / "readings.csv"
    readings.write_text("date,value,note\n01/02/2026,10,first\n2026-03-01,25,\n")
    signed_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/measures/{measure.pk}/readings/upload/")
    page.locator("input[type=file]").set_input_files(str(readings))
    page.get_by_role("button", name="Upload").click()
    expect(
        page.get_by_role("heading", name="Check the readings before they are saved")
    ).to_be_visible()
    expect(page.get_by_text("2 readings found")).to_be_visible()
    assert measure.readings.count() == 0
    screenshot(page, "readings-preview")
    page.get_by_role("button", name="Save the readings").click()
    expect(page.locator(".govuk-notification-banner, .app-flash").first).to_contain_text("2")
    expect(page.locator("figure svg").first.locator("circle")).to_have_count(2)

    page.goto(f"{live_server.url}/budgets/plan/{world.plan.pk}/import/")
    page.get_by_label("Or paste a table").fill(
        "NJP\t2013/14\t2014/15\tAssumptions\nCoordinator\t1000\t2000\tOne post\n"
    )
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="Check the budget before it is saved")).to_be_visible()
    screenshot(page, "budget-import-preview")
    page.get_by_role("button", name="Save the budget").click()
    expect(page.locator(".govuk-notification-banner, .app-flash").first).to_contain_text(
        "1 budget lines imported"
    )
