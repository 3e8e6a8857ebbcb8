"""Two-factor sign-in: site admins and data stewards must set it up and use it after their
password; anyone else may; codes from the app and single-use recovery codes; wrong codes
throttled; the API on a session waits for the second factor, a token does not."""

from __future__ import annotations

import re
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from plantrack.accounts import twofactor
from plantrack.accounts.models import User
from plantrack.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _required(settings):
    """As in production (elsewhere in the tests, as on a development machine, it is off)."""
    settings.PLANTRACK_TWO_FACTOR_REQUIRED = True


HOME = reverse("home")
CODE_PAGE = reverse("accounts:two_factor")
SETUP = reverse("accounts:two_factor_setup")


def _now(device: TOTPDevice, ahead: int = 0) -> str:
    """The app's code now, or ``ahead`` seconds on (a code is used once: the one that
    confirmed the device is not taken again within its 30 seconds; the next one is)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + ahead
    return f"{totp.token():06d}"


def _sign_in(client, user: User) -> None:
    """A password sign-in (the session is not verified yet)."""
    client.force_login(user)


def _set_up(user: User) -> tuple[TOTPDevice, list[str]]:
    device = twofactor.second_factor_start(actor=user)
    codes = twofactor.second_factor_confirm(actor=user, device=device, code=_now(device))
    device.refresh_from_db()
    return device, codes


@pytest.fixture
def admin(db) -> User:
    return User.objects.create_superuser("admin2fa", password="pw")


def test_an_admin_must_set_it_up_before_anything_else(client, admin):
    _sign_in(client, admin)
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and "Your role needs two-factor sign-in" in page
    key = re.search(r'<code class="app-key">([A-Z2-7 ]+)</code>', page).group(1)
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert key.replace(" ", "") == __import__("base64").b32encode(device.bin_key).decode()
    # A reload shows the same key (the app may have scanned it already).
    assert key in client.get(SETUP).content.decode()
    response = client.post(SETUP, {"code": _now(device), "next": HOME})
    assert response.status_code == 200 and "Your recovery codes" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert StaticToken.objects.filter(device__user=admin).count() == 10
    assert client.get(HOME).status_code == 200  # this session passed with the first code


def test_after_the_password_the_code_is_asked_for(client, admin):
    device, _ = _set_up(admin)
    _sign_in(client, admin)
    response = client.get(reverse("plans:list"))
    assert response.status_code == 302
    assert response["Location"] == f"{CODE_PAGE}?next=%2Fplans%2F"
    wrong = client.post(CODE_PAGE, {"code": "000000", "next": "/plans/"})
    assert wrong.status_code == 200 and "The code is not right" in wrong.content.decode()
    assert client.get(HOME).status_code == 302
    device.throttle_reset()  # the wait after a wrong code has passed
    right = client.post(CODE_PAGE, {"code": _now(device, ahead=30), "next": "/plans/"})
    assert right.status_code == 302 and right["Location"] == "/plans/"
    assert client.get(HOME).status_code == 200


def test_a_recovery_code_works_once(client, admin):
    _, codes = _set_up(admin)
    _sign_in(client, admin)
    assert client.post(CODE_PAGE, {"code": codes[0]}).status_code == 302
    assert client.get(HOME).status_code == 200
    client.logout()
    _sign_in(client, admin)
    again = client.post(CODE_PAGE, {"code": codes[0]})
    assert again.status_code == 200 and client.get(HOME).status_code == 302
    assert twofactor.recovery_codes_left(admin) == 9


def test_the_next_address_must_be_this_site(client, admin):
    device, _ = _set_up(admin)
    _sign_in(client, admin)
    response = client.post(
        CODE_PAGE, {"code": _now(device, ahead=30), "next": "https://evil.example/"}
    )
    assert response["Location"] == HOME


def test_wrong_codes_are_throttled(client, admin):
    device, _ = _set_up(admin)
    _sign_in(client, admin)
    for _ in range(3):
        client.post(CODE_PAGE, {"code": "123456"})
    # Even the right code is not looked at while the wait lasts.
    assert client.post(CODE_PAGE, {"code": _now(device, ahead=30)}).status_code == 200
    assert client.get(HOME).status_code == 302


def test_the_api_on_a_session_waits_for_the_second_factor_a_token_does_not(client, admin):
    _set_up(admin)
    _sign_in(client, admin)
    response = client.get("/api/v1/plans")
    assert response.status_code == 403 and "code" in response.json()["detail"]
    _, secret = api_token_create(actor=admin, name="script")
    # A script with a token has no session: the token is checked by the API alone.
    script = Client()
    assert script.get("/api/v1/plans", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_others_need_not_use_it_and_may_turn_it_on_and_off(client, world):
    _sign_in(client, world.owner)
    assert client.get(HOME).status_code == 200
    assert "Set up two-factor sign-in" in client.get(reverse("accounts:profile")).content.decode()
    _set_up(world.owner)
    client.logout()
    _sign_in(client, world.owner)
    assert client.get(HOME).status_code == 302  # on now: asked for
    twofactor.second_factor_remove(actor=world.owner)
    assert client.get(HOME).status_code == 200
    assert not TOTPDevice.objects.filter(user=world.owner).exists()


def test_not_required_off_production(settings, client, admin):
    settings.PLANTRACK_TWO_FACTOR_REQUIRED = False
    _sign_in(client, admin)
    assert client.get(HOME).status_code == 200
    assert not twofactor.must_use_second_factor(admin)


def test_an_admin_cannot_turn_it_off(admin):
    _set_up(admin)
    with pytest.raises(PermissionDenied):
        twofactor.second_factor_remove(actor=admin)


def test_a_data_steward_must_use_it(world):
    from plantrack.stakeholders.models import Database, DatabaseRole

    database = Database.objects.create(organisation=world.force)
    assert not twofactor.must_use_second_factor(world.owner)
    DatabaseRole.objects.create(database=database, user=world.owner, role="data_steward")
    assert twofactor.must_use_second_factor(world.owner)
    DatabaseRole.objects.filter(user=world.owner).update(role="contact_manager")
    assert not twofactor.must_use_second_factor(world.owner)


def test_a_wrong_first_code_confirms_nothing(admin):
    device = twofactor.second_factor_start(actor=admin)
    with pytest.raises(ValidationError):
        twofactor.second_factor_confirm(actor=admin, device=device, code="000000")
    device.refresh_from_db()
    assert not device.confirmed and not twofactor.has_second_factor(admin)


def test_a_new_phone_replaces_the_old_one(admin):
    _set_up(admin)
    new, codes = _set_up(admin)
    assert list(TOTPDevice.objects.filter(user=admin)) == [new]
    assert len(codes) == 10 and twofactor.recovery_codes_left(admin) == 10


def test_single_sign_on_sessions_are_not_asked(client, admin):
    _set_up(admin)
    _sign_in(client, admin)
    session = client.session
    session[twofactor.SIGNED_IN_WITH] = "oidc"
    session.save()
    assert client.get(HOME).status_code == 200


def test_a_password_alone_cannot_put_another_app_in_place_of_the_one_set_up(client, admin):
    """Signed in with the password only, the set-up page sends to the code page: otherwise
    whoever knows the password could add their own app and pass with its code."""
    device, _ = _set_up(admin)
    _sign_in(client, admin)
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(CODE_PAGE)
    assert client.post(SETUP, {"code": "123456"}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=admin)) == [device]
    assert client.get(HOME).status_code == 302


def test_an_optional_user_with_an_app_is_asked_for_it_too_before_setting_up_another(client, world):
    device, _ = _set_up(world.owner)
    _sign_in(client, world.owner)
    assert client.get(SETUP)["Location"].startswith(CODE_PAGE)
    assert list(TOTPDevice.objects.filter(user=world.owner)) == [device]


# --- Found by a security review (7 Dec) -------------------------------------------------------


def test_a_password_alone_cannot_renew_recovery_codes_or_turn_it_off(client, admin, world):
    """The code page's address is not a prefix that opens what lies beneath it."""
    _set_up(admin)
    _sign_in(client, admin)
    assert client.post(reverse("accounts:recovery_codes")).status_code == 302
    assert twofactor.recovery_codes_left(admin) == 10  # none renewed
    _set_up(world.owner)
    client.logout()
    _sign_in(client, world.owner)
    assert client.post(reverse("accounts:two_factor_off")).status_code == 302
    assert twofactor.has_second_factor(world.owner)


def test_the_views_refuse_a_session_owing_its_code_whatever_reaches_them(rf, admin):
    from django.contrib.sessions.backends.db import SessionStore

    from plantrack.accounts import views

    _set_up(admin)
    request = rf.post(reverse("accounts:recovery_codes"))
    request.user, request.session = admin, SessionStore()
    admin.is_verified = lambda: False
    with pytest.raises(PermissionDenied):
        views.recovery_codes(request)


def test_an_authorization_header_does_not_pass_a_session_owing_its_code(client, admin):
    _set_up(admin)
    _sign_in(client, admin)
    assert client.get(HOME, HTTP_AUTHORIZATION="Bearer junk").status_code == 302
    assert client.get("/api/v1/plans", HTTP_AUTHORIZATION="Bearer junk").status_code == 403


def test_the_managers_public_pages_wait_for_the_code_the_public_ones_do_not(client, admin):
    _set_up(admin)
    _sign_in(client, admin)
    assert client.get("/public/manage/approvals/").status_code == 302
    assert client.get("/public/").status_code == 200


def test_a_recovery_code_in_capitals_works(client, admin):
    _, codes = _set_up(admin)
    _sign_in(client, admin)
    assert client.post(CODE_PAGE, {"code": codes[0].upper()}).status_code == 302
    assert client.get(HOME).status_code == 200


def test_the_admin_signs_in_on_the_one_sign_in_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"
