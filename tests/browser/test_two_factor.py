"""Two-factor sign-in in a browser: a site admin is made to set it up after the password,
scans (reads) the key, keeps the recovery codes, and the next sign-in asks for a code; the
pages pass axe and fit a phone."""

from __future__ import annotations

import time

import pytest
from checks import assert_fits, assert_no_axe_violations
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from plantrack.accounts.models import User

pytestmark = pytest.mark.browser


def _code(key: str, ahead: int = 0) -> str:
    from base64 import b32decode

    totp = TOTP(b32decode(key.replace(" ", "")))
    totp.time = time.time() + ahead
    return f"{totp.token():06d}"


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_an_admin_sets_up_two_factor_and_is_asked_for_a_code(
    new_context, live_server, transactional_db, settings, signed_in, screenshot, viewport
):
    settings.PLANTRACK_TWO_FACTOR_REQUIRED = True
    User.objects.create_superuser("admin", password="pw")
    page: Page = new_context(viewport=viewport).new_page()
    size = viewport["width"]
    signed_in(page, live_server, "admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_text("Your role needs two-factor sign-in")).to_be_visible()
    assert_no_axe_violations(page, "the two-factor set-up page")
    assert_fits(page, "the two-factor set-up page")
    screenshot(page, f"two-factor-setup-{size}")
    key = page.locator("code.app-key").inner_text()
    page.get_by_label("Code").fill(_code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator(".app-recovery-codes li")).to_have_count(10)
    assert_no_axe_violations(page, "the recovery codes page")
    assert_fits(page, "the recovery codes page")
    screenshot(page, f"two-factor-codes-{size}")
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Set up two-factor sign-in")

    page.get_by_role("button", name="Sign out").first.click()
    signed_in_again = page
    signed_in_again.goto(f"{live_server.url}/accounts/login/?next=/plans/")
    signed_in_again.get_by_label("Username").fill("admin")
    signed_in_again.get_by_label("Password").fill("pw")
    signed_in_again.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_no_axe_violations(page, "the code page")
    assert_fits(page, "the code page")
    screenshot(page, f"two-factor-code-{size}")
    page.get_by_label("Code").fill(_code(key, ahead=30))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/plans/")
