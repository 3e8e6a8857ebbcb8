"""The portfolio in a browser: open it, follow a number to its actions, download them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from checks import assert_fits, assert_no_axe_violations
from playwright.sync_api import Page, expect

from plantrack.core.tests.factories import World, build_world, make_action
from plantrack.plans import services

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db) -> World:
    world = build_world()
    services.update_post(actor=world.manager, action=world.action, narrative="Fine.", rag="amber")
    services.update_post(
        actor=world.manager, action=world.other_action, narrative="Stuck.", rag="red"
    )
    make_action(world.plan, world.manager, ref="YC/INT/3", title="Not rated yet")
    return world


def test_open_the_portfolio_follow_a_number_and_download(
    page: Page, live_server, world: World, signed_in, screenshot
):
    signed_in(page, live_server, "manager")
    page.get_by_role("link", name="Portfolio", exact=True).click()
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible()
    row = page.locator("tr", has_text="Barnet Police").first
    expect(row).to_contain_text("Red")
    screenshot(page, "portfolio-1-by-organisation")
    assert_no_axe_violations(page, "portfolio")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "portfolio-1-by-organisation-390")
    assert_fits(page, "portfolio")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="By theme").click()
    expect(page.locator("tr", has_text="Intelligence").first).to_be_visible()
    assert_no_axe_violations(page, "portfolio by theme")
    page.get_by_role("link", name="By governance body").click()
    expect(page.locator("tr", has_text="No governance body").first).to_be_visible()
    page.get_by_role("link", name="By organisation").click()

    # The red count of Barnet Police: its one red action, and only that.
    page.get_by_role("link", name="1 red actions, Barnet Police").click()
    expect(page.get_by_role("heading", name="Actions in your portfolio")).to_be_visible()
    expect(page.locator("#main-content")).to_contain_text("Organisation: Barnet Police")
    table = page.locator("table")
    expect(table).to_contain_text("Track PYOs")
    expect(table).not_to_contain_text("Create a policy")
    screenshot(page, "portfolio-2-actions")
    assert_no_axe_violations(page, "portfolio actions")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "portfolio-2-actions-390")
    assert_fits(page, "portfolio actions")
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV file").click()
    download = info.value
    assert download.suggested_filename == "portfolio-actions.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Ref", "Action", "Plan"]
    assert [r[0] for r in rows[1:]] == ["YC/INT/2"]
