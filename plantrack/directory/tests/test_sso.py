"""Who a single sign-on makes of the provider's claims (directory/sso.py); the sign-in page's
choices. The whole flow against a real provider: tests/browser/test_sso.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plantrack.accounts.models import User
from plantrack.directory.models import Membership
from plantrack.directory.sso import SingleSignOnBackend, email_of, organisation_for

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


@pytest.fixture
def sso(settings):
    settings.OIDC_RP_CLIENT_ID = "plantrack"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", f"https://id.example/{name.lower()}")
    settings.PLANTRACK_SSO = True
    settings.PLANTRACK_OIDC_PROVIDER_NAME = "Microsoft"
    return SingleSignOnBackend()


def test_the_address_comes_from_email_else_an_address_like_preferred_username():
    assert email_of({"email": "A.B@Met.Police.uk"}) == "a.b@met.police.uk"
    assert email_of({"preferred_username": "c.d@barnet.gov.uk"}) == "c.d@barnet.gov.uk"
    assert email_of({"preferred_username": "cdoe"}) == ""


def test_the_organisation_by_claim_then_by_domain(world, settings):
    settings.PLANTRACK_OIDC_ORGANISATION_CLAIM = "organisation"
    settings.PLANTRACK_OIDC_DOMAINS = {"Other.Example": "Other Force"}
    assert organisation_for({"organisation": "barnet police"}) == world.force
    assert organisation_for({"email": "x@other.example"}) == world.other_force
    assert organisation_for({"organisation": "Nobody", "email": "x@other.example"}) == (
        world.other_force
    )
    assert organisation_for({"email": "x@elsewhere.example"}) is None


def test_a_new_user_is_made_and_placed(world, settings, sso):
    settings.PLANTRACK_OIDC_DOMAINS = {"barnet.example": "Barnet Police"}
    claims = {"email": "jo.bloggs@barnet.example", "given_name": "Jo", "family_name": "Bloggs"}
    assert sso.verify_claims(claims)
    user = sso.create_user(claims)
    assert (user.username, user.first_name, user.email) == (
        "jo.bloggs@barnet.example",
        "Jo",
        "jo.bloggs@barnet.example",
    )
    assert Membership.objects.get(user=user).organisation == world.force
    # Signing in again changes nothing; a manager stays a manager.
    Membership.objects.filter(user=user).update(role="manager")
    sso.update_user(user, claims)
    assert Membership.objects.get(user=user).role == "manager"


def test_an_existing_account_is_matched_by_email(world, sso):
    world.owner.email = "Owen@Barnet.example"
    world.owner.save()
    assert list(sso.filter_users_by_claims({"email": "owen@barnet.example"})) == [world.owner]


def test_unverified_or_missing_addresses_and_creation_switched_off(settings, sso):
    assert not sso.verify_claims({"email": "a@b.example", "email_verified": False})
    assert not sso.verify_claims({"sub": "x"})
    settings.PLANTRACK_OIDC_CREATE_USERS = False
    assert sso.create_user({"email": "new@b.example"}) is None
    assert not User.objects.filter(email="new@b.example").exists()


def test_the_sign_in_page_offers_the_provider(client, sso):
    page = client.get(LOGIN).content.decode()
    assert "Sign in with Microsoft" in page and 'name="password"' in page


def test_passwords_switched_off(client, settings, sso):
    settings.PLANTRACK_PASSWORD_SIGN_IN = False
    User.objects.create_user("partner", password="pw")
    page = client.get(LOGIN).content.decode()
    assert "Sign in with Microsoft" in page and 'name="password"' not in page
    response = client.post(LOGIN, {"username": "partner", "password": "pw"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_failed_single_sign_on_says_so(client, sso):
    page = client.get(LOGIN + "?sso=failed").content.decode()
    assert "Microsoft did not sign you in" in page


# --- Found by a security review (7 Dec) -------------------------------------------------------


def test_only_the_callback_with_its_verifier_exchanges_a_code(rf, sso):
    """A password form carrying ?code= in its address never reaches the provider."""
    login = rf.post("/accounts/login/?code=stolen&state=x", {"username": "a", "password": "b"})
    assert sso.authenticate(login, username="a", password="b") is None
    callback = rf.get("/oidc/callback/?code=stolen&state=x")
    assert sso.authenticate(callback, nonce="n") is None  # no PKCE verifier


def test_a_site_admins_address_is_never_signed_in_this_way(sso):
    User.objects.create_superuser("root", email="root@barnet.example", password="pw")
    assert not sso.filter_users_by_claims({"email": "ROOT@barnet.example"}).exists()
    assert sso.create_user({"email": "root@barnet.example"}) is None
    assert User.objects.filter(email__iexact="root@barnet.example").count() == 1


def test_a_deactivated_account_is_found_not_replaced(world, sso):
    world.owner.email, world.owner.is_active = "owen@barnet.example", False
    world.owner.save()
    assert list(sso.filter_users_by_claims({"email": "owen@barnet.example"})) == [world.owner]
    assert sso.create_user({"email": "owen@barnet.example"}) is None


def test_only_the_deployments_domains_when_they_are_set(settings, sso):
    settings.PLANTRACK_OIDC_DOMAINS = {"barnet.example": "Barnet Police"}
    assert sso.verify_claims({"email": "a@barnet.example"})
    assert not sso.verify_claims({"email": "a@evil.example"})


def test_the_id_tokens_claims_are_read_with_the_user_info(sso, monkeypatch):
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend

    monkeypatch.setattr(
        OIDCAuthenticationBackend, "get_userinfo", lambda self, a, i, p: {"sub": "1", "name": "X"}
    )
    merged = sso.get_userinfo("access", "id", {"sub": "1", "preferred_username": "x@b.example"})
    assert merged == {"sub": "1", "name": "X", "preferred_username": "x@b.example"}


def test_placed_once_as_the_account_is_made(world, settings, sso):
    settings.PLANTRACK_OIDC_DOMAINS = {"barnet.example": "Barnet Police"}
    user = sso.create_user({"email": "new@barnet.example"})
    Membership.objects.filter(user=user).delete()  # a manager ends it
    sso.update_user(user, {"email": "new@barnet.example"})
    assert not Membership.objects.filter(user=user).exists()
