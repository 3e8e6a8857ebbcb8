"""Single sign-on end to end against a real OpenID Connect provider: panva's oidc-provider (an
OpenID Certified implementation, from the npm packages) run with node on the loopback, its
development sign-in pages driven in the browser. PlanTrack's side is mozilla-django-oidc with
directory/sso.py: users matched or created by email and placed in their organisation by a
claim; the provider's sign-in stands for the second factor; passwords can be switched off."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from checks import assert_fits, assert_no_axe_violations
from playwright.sync_api import Page, expect

from plantrack.accounts.models import User
from plantrack.core.tests.factories import build_world
from plantrack.directory.models import Membership

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
PROVIDER = REPO / "tests" / "sso" / "provider.mjs"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def provider(live_server, settings) -> Iterator[str]:
    """The provider running, and PlanTrack configured for it as a deployment would be."""
    if not (REPO / "node_modules" / "oidc-provider").exists():
        pytest.fail("node_modules/oidc-provider is missing: run `npm ci`.", pytrace=False)
    port = _free_port()
    issuer = f"http://localhost:{port}"
    process = subprocess.Popen(
        ["node", str(PROVIDER), str(port), f"{live_server.url}/oidc/callback/"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for line in process.stdout:  # type: ignore[union-attr]
            if line.startswith("ready"):
                break
        else:
            pytest.fail("the OpenID Connect provider did not start", pytrace=False)
        settings.OIDC_RP_CLIENT_ID = "plantrack"
        settings.OIDC_RP_CLIENT_SECRET = "sso-test-secret"
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{issuer}/auth"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{issuer}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{issuer}/me"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{issuer}/jwks"
        settings.PLANTRACK_SSO = True
        settings.PLANTRACK_OIDC_PROVIDER_NAME = "Barnet sign-in"
        settings.PLANTRACK_OIDC_ORGANISATION_CLAIM = "organisation"
        settings.AUTHENTICATION_BACKENDS = [
            *settings.AUTHENTICATION_BACKENDS,
            "plantrack.directory.sso.SingleSignOnBackend",
        ]
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def _sign_in_at_the_provider(page: Page, live_server, login: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with Barnet sign-in").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
    if "/oidc/callback/" not in page.url and page.locator("button[type=submit]").count():
        page.locator("button[type=submit]").first.click()  # the provider's consent
    page.wait_for_load_state()


def test_a_new_officer_signs_in_and_is_placed_in_their_force(
    page: Page, live_server, provider, transactional_db
):
    world = build_world()
    _sign_in_at_the_provider(page, live_server, "jane.doe@barnet.example")
    expect(page).to_have_url(f"{live_server.url}/")
    user = User.objects.get(email="jane.doe@barnet.example")
    assert (user.first_name, user.last_name) == ("Jane", "Doe")
    assert Membership.objects.filter(user=user, organisation=world.force).exists()
    expect(page.get_by_text("Jane Doe")).to_be_visible()


def test_an_existing_user_is_matched_by_email_and_not_asked_for_a_code(
    page: Page, live_server, provider, transactional_db, settings
):
    """Their provider's sign-in stands for PlanTrack's second factor."""
    from plantrack.accounts import twofactor

    settings.PLANTRACK_TWO_FACTOR_REQUIRED = True
    officer = User.objects.create_user("officer", email="Sam.Lee@Barnet.example", password="pw")
    device = twofactor.second_factor_start(actor=officer)
    device.confirmed = True
    device.save()
    _sign_in_at_the_provider(page, live_server, "sam.lee@barnet.example")
    expect(page).to_have_url(f"{live_server.url}/")
    assert User.objects.filter(email__iexact="sam.lee@barnet.example").count() == 1


def test_a_site_admins_address_is_refused(page: Page, live_server, provider, transactional_db):
    User.objects.create_superuser("siteadmin", email="site.admin@barnet.example", password="pw")
    _sign_in_at_the_provider(page, live_server, "site.admin@barnet.example")
    expect(page.locator(".govuk-error-summary")).to_contain_text("did not sign you in")
    assert User.objects.filter(email__iexact="site.admin@barnet.example").count() == 1


def test_an_unverified_email_is_refused(page: Page, live_server, provider, transactional_db):
    _sign_in_at_the_provider(page, live_server, "unverified.person@barnet.example")
    expect(page.locator(".govuk-error-summary")).to_contain_text("did not sign you in")
    assert not User.objects.filter(email="unverified.person@barnet.example").exists()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_sign_in_page_with_single_sign_on_passes_axe_and_fits(
    new_context, live_server, provider, transactional_db, screenshot, width
):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("link", name="Sign in with Barnet sign-in")).to_be_visible()
    assert_no_axe_violations(page, "the sign-in page with single sign-on")
    assert_fits(page, "the sign-in page with single sign-on")
    screenshot(page, f"sign-in-sso-{width}")


def test_passwords_can_be_switched_off(
    page: Page, live_server, provider, transactional_db, settings
):
    settings.PLANTRACK_PASSWORD_SIGN_IN = False
    User.objects.create_user("partner", password="pw")
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("link", name="Sign in with Barnet sign-in")).to_be_visible()
    expect(page.get_by_label("Password")).to_have_count(0)
