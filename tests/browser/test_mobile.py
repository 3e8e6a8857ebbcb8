"""Capture on the move, in a real browser at phone size: the installable pages work with no
signal (entries kept on the phone and sent once when the signal returns), a conflict is shown
and resolved, and the pages pass axe and fit 360 px."""

from __future__ import annotations

import pytest
from checks import assert_fits, assert_no_axe_violations
from playwright.sync_api import Page, expect

from plantrack.accounts.models import User
from plantrack.core.tests.factories import World, build_world
from plantrack.engagement import services as engagement_services
from plantrack.engagement.models import Activity, Method
from plantrack.engagement.tests.conftest import build_areas
from plantrack.evidence.models import Evidence
from plantrack.evidence.tests.samples import png_bytes
from plantrack.plans import services as plan_services
from plantrack.plans.models import Update

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def officer(transactional_db) -> World:
    """The world's action owner also keeps the force's engagement register."""
    world = build_world()
    # Seeded by a migration, and gone after an earlier browser test's flush of the database.
    Method.objects.get_or_create(name="Street briefing")
    admin = User.objects.create_superuser("admin", password="pw")
    build_areas(admin, world.force)
    register = engagement_services.register_create(
        actor=world.manager, organisation=world.force, title="Barnet engagement register"
    )
    engagement_services.register_manager_add(
        actor=world.manager, register=register, user=world.owner
    )
    return world


def _phone(new_context, **options) -> Page:
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True, **options).new_page()


def _ready_for_no_signal(page: Page, world: World) -> None:
    """The service worker controls the page and has kept the pages linked from home."""
    kept = f"/m/actions/{world.action.pk}/update/"
    for _ in range(300):  # up to 30 s: a busy machine (CI) installs the worker slowly
        if page.evaluate(
            """async (url) => !!navigator.serviceWorker.controller &&
                 !!(await (await caches.open('plantrack-m-pages')).match(url)) &&
                 !!(await (await caches.open('plantrack-m-pages')).match('/m/activities/new/'))""",
            kept,
        ):
            return
        page.wait_for_timeout(100)
    raise AssertionError("The phone pages were not kept for use with no signal")


def test_an_update_and_an_activity_entered_offline_are_sent_once(
    new_context, live_server, officer, signed_in, screenshot
):
    world = officer
    page = _phone(new_context)
    signed_in(page, live_server, "owner")
    page.goto(f"{live_server.url}/m/")
    _ready_for_no_signal(page, world)

    page.context.set_offline(True)
    page.get_by_role("link", name="Post an update on YC/INT/1").click()
    page.get_by_label("Green").check()
    page.get_by_label("What has happened since the last update?").fill("Estate walkabout done.")
    page.get_by_label("Photo (optional)").set_input_files(
        files=[{"name": "walkabout.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="Send update").click()
    outbox = page.locator("#outbox-list")
    expect(outbox).to_contain_text("Waiting to send")
    expect(page.locator("#capture-signal")).to_contain_text("No signal")

    page.goto(f"{live_server.url}/m/activities/new/")
    page.get_by_label("What was it?").fill("Street briefing, Burnt Oak Broadway")
    page.get_by_label("Ward (optional)").select_option(label="Burnt Oak (Barnet)")
    page.get_by_label("Where (optional)").fill("Outside the library")
    page.get_by_label("Method (optional)").select_option(label="Street briefing")
    page.get_by_label("People reached (optional)").fill("34")
    page.get_by_role("button", name="Record activity").click()
    expect(page.locator("#capture-signal")).to_contain_text("2 waiting")
    screenshot(page, "mobile-offline-waiting-360")
    assert not Update.objects.exists()
    assert not Activity.objects.filter(title__startswith="Street briefing").exists()

    page.context.set_offline(False)
    expect(outbox.locator("[data-state=sent]")).to_have_count(2)
    screenshot(page, "mobile-sent-360")
    # Opened again (and its outbox sent again): still saved once each.
    page.reload()
    expect(outbox.locator("[data-state=sent]")).to_have_count(2)
    update = Update.objects.get()
    assert (update.narrative, update.rag, update.author) == (
        "Estate walkabout done.",
        "green",
        world.owner,
    )
    assert Evidence.objects.filter(object_id=update.pk, mime_type="image/png").count() == 1
    activity = Activity.objects.get(title="Street briefing, Burnt Oak Broadway")
    assert activity.outputs.get().count == 34


def test_a_conflict_is_shown_and_sent_anyway(new_context, live_server, officer, signed_in):
    world = officer
    page = _phone(new_context)
    signed_in(page, live_server, "owner")
    page.goto(f"{live_server.url}/m/actions/{world.action.pk}/update/")
    # Someone else updates the action while the form is open.
    plan_services.update_post(
        actor=world.manager, action=world.action, narrative="Panel moved to May."
    )
    page.get_by_label("Amber").check()
    page.get_by_label("What has happened since the last update?").fill("Venue booked.")
    page.get_by_role("button", name="Send update").click()
    conflict = page.locator("#outbox-list [data-state=conflict]")
    expect(conflict).to_contain_text("Panel moved to May.")
    assert Update.objects.count() == 1
    assert_no_axe_violations(page, "the outbox with a conflict")
    conflict.get_by_role("button", name="Send mine anyway").click()
    expect(page.locator("#outbox-list [data-state=sent]")).to_have_count(1)
    assert Update.objects.filter(narrative="Venue booked.").count() == 1


def test_without_javascript_the_forms_post_as_forms(new_context, live_server, officer, signed_in):
    world = officer
    page = _phone(new_context, java_script_enabled=False)
    signed_in(page, live_server, "owner")
    page.goto(f"{live_server.url}/m/actions/{world.action.pk}/update/")
    page.get_by_label("Red").check()
    page.get_by_label("What has happened since the last update?").fill("Funding withdrawn.")
    page.get_by_role("button", name="Send update").click()
    expect(page.get_by_text("Update posted on YC/INT/1.")).to_be_visible()
    assert Update.objects.get().narrative == "Funding withdrawn."


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["360", "1280"])
def test_the_phone_pages_pass_axe_and_fit(
    new_context, live_server, officer, signed_in, screenshot, viewport
):
    world = officer
    page = new_context(viewport=viewport).new_page()
    signed_in(page, live_server, "owner")
    for path, name in [
        ("/m/", "home"),
        (f"/m/actions/{world.action.pk}/update/", "update"),
        ("/m/activities/new/", "activity"),
    ]:
        page.goto(f"{live_server.url}{path}")
        assert_no_axe_violations(page, f"the phone's {name} page")
        assert_fits(page, f"the phone's {name} page")
        screenshot(page, f"mobile-{name}-{viewport['width']}")


def test_an_entry_the_server_did_not_take_waits_and_is_sent_later(
    new_context, live_server, officer, signed_in
):
    """A proxy's 502 (or a Wi-Fi sign-in page) leaves the entry waiting, never stuck
    "sending"; a 413 for a large photo is refused with a way to discard it."""
    world = officer
    page = _phone(new_context)
    signed_in(page, live_server, "owner")
    update_url = f"{live_server.url}/m/actions/{world.action.pk}/update/"
    answer = {"status": 502}

    def proxy(route):
        if route.request.method == "POST":
            route.fulfill(status=answer["status"], body="Bad gateway")
        else:
            route.continue_()

    page.route(update_url, proxy)
    page.goto(update_url)
    page.get_by_label("Green").check()
    page.get_by_label("What has happened since the last update?").fill("Through a proxy.")
    page.get_by_role("button", name="Send update").click()
    entry = page.locator("#outbox-list li")
    expect(entry).to_have_attribute("data-state", "waiting")
    expect(entry).to_contain_text("It will be sent again")
    assert not Update.objects.exists()

    page.unroute(update_url)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(entry).to_have_attribute("data-state", "sent")
    assert Update.objects.filter(narrative="Through a proxy.").count() == 1

    answer["status"] = 413
    page.route(update_url, proxy)
    page.goto(update_url)
    page.get_by_label("Amber").check()
    page.get_by_label("What has happened since the last update?").fill("With a huge photo.")
    page.get_by_role("button", name="Send update").click()
    refused = page.locator("#outbox-list [data-state=refused]")
    expect(refused).to_contain_text("too large")
    page.once("dialog", lambda dialog: dialog.accept())
    refused.get_by_role("button", name="Discard mine").click()
    expect(refused).to_have_count(0)
