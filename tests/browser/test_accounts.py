"""Account self-service in a real browser: the profile, passwords, invitations (axe on each
new page, no sideways scrolling at 390 px)."""

from __future__ import annotations

import re

import pytest
from checks import assert_no_axe_violations
from playwright.sync_api import Page, expect

from plantrack.accounts.models import User
from plantrack.core.tests.factories import World, build_world, make_user
from plantrack.directory.models import Membership
from plantrack.reminders.models import ReminderPreference

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Brighter morning 2027"


@pytest.fixture
def world(transactional_db) -> World:
    return build_world()


def check_page(page: Page, name: str, screenshot) -> None:
    """axe finds nothing, and the page fits a 390 px phone screen."""
    assert_no_axe_violations(page, name)
    screenshot(page, f"accounts-{name}")
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, f"accounts-{name}-390")
    assert width <= 390, f"{name} is {width} px wide at 390 px"
    if size:
        page.set_viewport_size(size)


def mailed_link(mailoutbox, path: str) -> str:
    found = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+/)", mailoutbox[-1].body)
    assert found, mailoutbox[-1].body
    return found.group(1)


def test_profile_edit_and_password_change(
    page: Page, live_server, world: World, signed_in, screenshot
):
    signed_in(page, live_server, "owner")
    page.get_by_role("link", name="Your profile").click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    expect(page.locator("#main-content")).to_contain_text("Insp. Owen Owner")
    expect(page.locator("#sessions + p + table")).to_contain_text("This browser")
    check_page(page, "profile", screenshot)

    page.get_by_label("First name").fill("Owain")
    page.get_by_label("Email address").fill("owain@example.org")
    page.get_by_role("button", name="Save your profile").click()
    expect(page.get_by_text("Your profile was saved.")).to_be_visible()
    expect(page.locator(".app-header__user")).to_have_text("Owain Owner")
    assert User.objects.get(username="owner").email == "owain@example.org"

    # The reminder settings are the reminders app's, saved by its page, which comes back.
    page.get_by_label("Every day").check()
    page.get_by_role("button", name="Save reminder settings").click()
    expect(page.get_by_text("Reminder settings saved.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    assert ReminderPreference.objects.get(user__username="owner").frequency == "daily"

    page.get_by_role("link", name="Change your password").click()
    check_page(page, "password-change", screenshot)
    page.get_by_label("Old password").fill("pw")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    check_page(page, "password-changed", screenshot)

    page.get_by_role("button", name="Sign out").click()
    signed_in(page, live_server, "owner", NEW_PASSWORD)
    expect(page.locator(".app-header__user")).to_have_text("Owain Owner")


def test_password_reset_by_email(page: Page, live_server, world: World, mailoutbox, screenshot):
    User.objects.filter(username="viewer").update(email="viewer@example.org")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    check_page(page, "password-reset", screenshot)
    page.get_by_label("Email").fill("viewer@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    check_page(page, "password-reset-sent", screenshot)

    page.goto(live_server.url + mailed_link(mailoutbox, "/accounts/password/reset/"))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    check_page(page, "password-reset-confirm", screenshot)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Password set")).to_be_visible()
    check_page(page, "password-reset-complete", screenshot)
    assert User.objects.get(username="viewer").check_password(NEW_PASSWORD)


def test_invite_and_accept(
    page: Page, new_context, live_server, world: World, signed_in, mailoutbox, screenshot
):
    boss = make_user("boss", first_name="Bea", last_name="Boss")
    Membership.objects.create(user=boss, organisation=world.force, role="manager")
    signed_in(page, live_server, "boss")
    page.get_by_role("link", name="Your profile").click()
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Email address").fill("new.starter@example.org")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("New")
    page.get_by_label("Manager").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to new.starter@example.org")).to_be_visible()
    check_page(page, "invite", screenshot)

    # The invitee opens the link in their own browser.
    invitee = new_context().new_page()
    link = live_server.url + mailed_link(mailoutbox, "/directory/invitations/accept/")
    invitee.goto(link)
    expect(invitee.get_by_role("heading", name="Join Barnet Police")).to_be_visible()
    check_page(invitee, "invitation-accept", screenshot)
    invitee.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    invitee.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Set password and join").click()
    expect(invitee.get_by_text("Welcome to Barnet Police")).to_be_visible()
    signed_in(invitee, live_server, "new.starter@example.org", NEW_PASSWORD)
    assert Membership.objects.get(user__username="new.starter@example.org").role == "manager"

    # The link works once.
    invitee.goto(link)
    expect(invitee.get_by_role("heading", name="This invitation cannot be used")).to_be_visible()
    check_page(invitee, "invitation-used", screenshot)
