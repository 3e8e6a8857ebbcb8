"""Layout defects a new user met (issue 15, defect 11), checked in a real browser: a status
tag running into the next column, a deadline broken mid-word, the home page wider than a
phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from plantrack.core.tests.factories import World, build_world, make_action, make_plan
from plantrack.plans import services

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db) -> World:
    world = build_world()
    make_action(
        world.plan,
        world.manager,
        section=world.section,
        ref="YC/INT/8",
        title="Reinforce the message that neighbourhood teams own safer roads",
        owner_text="SNT Ch Insps, Safer Roads team, OPU",
        due_text="Immediately Ongoing Commence Nov 22",
        status="ongoing",
    )
    for n in range(3):  # a wide home table: several plans with long titles
        plan = make_plan(world.manager, world.force, title=f"Neighbourhood Engagement Plan {n}")
        services.plan_role_set(actor=world.manager, plan=plan, user=world.owner, role="viewer")
    return world


def _inside(inner: dict, outer: dict) -> bool:
    return inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5


def test_tags_and_deadlines_stay_in_their_cells(
    page: Page, live_server, world, signed_in, screenshot
):
    signed_in(page, live_server, "viewer")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/plans/{world.plan.pk}/")
    row = page.locator("#actions tbody tr", has_text="YC/INT/8")
    tag = row.locator(".govuk-tag", has_text="Ongoing / BAU")
    cell = row.locator("td:has(.govuk-tag:text('Ongoing / BAU'))")
    assert _inside(tag.bounding_box(), cell.bounding_box())
    # No word of the deadline is split across lines ("Commenc e Nov 22").
    split = row.locator("td.app-col-due").evaluate(
        """td => {
          const node = td.firstChild, split = [];
          for (const m of node.textContent.matchAll(/\\S+/g)) {
            const r = document.createRange();
            r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
            const tops = new Set(Array.from(r.getClientRects()).map(c => Math.round(c.top)));
            if (tops.size > 1) split.push(m[0]);
          }
          return split;
        }"""
    )
    assert split == []
    screenshot(page, "layout-plan-tags")


def test_home_fits_a_phone(page: Page, live_server, world, signed_in, screenshot):
    signed_in(page, live_server, "owner")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "layout-home-390")
