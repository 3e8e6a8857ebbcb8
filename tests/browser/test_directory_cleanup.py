"""Directory clean-up in a browser: from the people list to the clean-up page, merge a
duplicate into the entry kept, then undo it from the kept entry's page. Each page passes axe
and fits a 390 px phone screen."""

from __future__ import annotations

import pytest
from checks import assert_fits, assert_no_axe_violations
from playwright.sync_api import Page, expect

from plantrack.core.tests.factories import World, build_world, make_action, make_org, make_person
from plantrack.directory.models import MergeRecord, Person
from plantrack.plans.models import ActionOwner

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(transactional_db) -> World:
    world = build_world()
    dupe = make_person(name="PS Owen Owner", staff_number="4711", organisation=world.force)
    make_action(world.plan, world.manager, title="Patrol the parks", owners=[dupe])
    initials = make_person(name="OO")
    make_action(world.plan, world.manager, title="Visit schools", owners=[initials])
    make_org("YJB")
    make_org("Youth Justice Board (YJB)")
    make_org("Police (CJPO)")
    return world


def _check(page: Page, new_context, live_server, path: str, name: str, screenshot) -> None:
    screenshot(page, name)
    assert_no_axe_violations(page, name)
    phone = new_context(viewport=PHONE, storage_state=page.context.storage_state()).new_page()
    phone.goto(f"{live_server.url}{path}")
    assert_fits(phone, name)
    screenshot(phone, f"{name}-390")
    phone.close()


def test_merge_a_duplicate_then_undo_it(
    page: Page, live_server, world, signed_in, screenshot, new_context
):
    signed_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/directory/people/")
    page.get_by_role("link", name="Clean up the directory").click()
    expect(page.get_by_role("heading", name="Clean up the directory")).to_be_visible()
    expect(page.get_by_text("(same name)").first).to_be_visible()
    _check(page, new_context, live_server, "/directory/clean-up/", "directory-cleanup", screenshot)

    page.get_by_role("button", name="Merge Insp. Owen Owner and PS Owen Owner").click()
    expect(page.get_by_role("heading", name="Merge two people")).to_be_visible()
    expect(page.get_by_text("1 × action owners").first).to_be_visible()
    path = page.url.removeprefix(live_server.url)
    _check(page, new_context, live_server, path, "directory-merge", screenshot)

    page.get_by_label("Keep Insp. Owen Owner").check()
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_text("“PS Owen Owner” merged into “Insp. Owen Owner”")).to_be_visible()
    dupe = Person.all_objects.get(name="PS Owen Owner")
    assert dupe.merged_into == world.owner_person
    assert not ActionOwner.objects.filter(person=dupe).exists()
    screenshot(page, "directory-merged")
    assert_no_axe_violations(page, "the kept person's page")

    page.get_by_role("button", name="Undo the merge of PS Owen Owner").click()
    expect(page.get_by_text("The merge is undone")).to_be_visible()
    assert ActionOwner.objects.filter(person=dupe).count() == 1
    assert MergeRecord.objects.get().undone_at is not None
    assert Person.objects.filter(pk=dupe.pk).exists()


def test_the_other_merge_pages_pass_axe_and_fit(
    page: Page, live_server, world, signed_in, screenshot, new_context
):
    from plantrack.directory.models import Organisation

    signed_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/directory/people/merge/?first={world.owner_person.pk}&q=Owen")
    expect(page.get_by_role("link", name="PS Owen Owner")).to_be_visible()
    path = page.url.removeprefix(live_server.url)
    _check(page, new_context, live_server, path, "directory-merge-search", screenshot)

    yjb, board = (
        Organisation.objects.get(name="YJB"),
        Organisation.objects.get(name="Youth Justice Board (YJB)"),
    )
    page.goto(f"{live_server.url}/directory/organisations/merge/?first={yjb.pk}&second={board.pk}")
    expect(page.get_by_role("heading", name="Merge two organisations")).to_be_visible()
    path = page.url.removeprefix(live_server.url)
    _check(page, new_context, live_server, path, "directory-merge-organisations", screenshot)
