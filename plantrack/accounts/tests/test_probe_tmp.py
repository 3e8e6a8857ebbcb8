from __future__ import annotations
import re, time
import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from plantrack.accounts import twofactor
from plantrack.accounts.models import User

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _required(settings):
    settings.PLANTRACK_TWO_FACTOR_REQUIRED = True

def _now(device, ahead=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + ahead
    return f"{totp.token():06d}"

@pytest.fixture
def admin(db):
    u = User.objects.create_superuser("admin2fa", password="pw")
    d = twofactor.second_factor_start(actor=u)
    twofactor.second_factor_confirm(actor=u, device=d, code=_now(d))
    return u

def test_setup_replaces_device_without_code(client, admin):
    client.force_login(admin)
    assert client.get("/").status_code == 302
    page = client.get(reverse("accounts:two_factor_setup"))
    print("setup GET", page.status_code)
    new = TOTPDevice.objects.get(user=admin, confirmed=False)
    r = client.post(reverse("accounts:two_factor_setup"), {"code": _now(new)})
    print("setup POST", r.status_code)
    r = client.get("/")
    print("home after", r.status_code)
    assert r.status_code == 200

def test_recovery_codes_renew_unverified(client, admin):
    client.force_login(admin)
    r = client.post(reverse("accounts:recovery_codes"))
    print("renew", r.status_code)
    codes = re.findall(r"\b[a-z2-9]{10}\b", r.content.decode())
    print(codes[:3])
    r = client.post(reverse("accounts:two_factor"), {"code": codes[0]})
    r = client.get("/")
    print("home after", r.status_code)
    assert r.status_code == 200

def test_authorization_header_bypass(client, admin):
    client.force_login(admin)
    assert client.get("/").status_code == 302
    r = client.get("/", HTTP_AUTHORIZATION="Bearer junk")
    print("home w/ header", r.status_code)
    r2 = client.get("/admin/", HTTP_AUTHORIZATION="x")
    print("admin w/ header", r2.status_code)
    r3 = client.get("/api/v1/plans/", HTTP_AUTHORIZATION="Bearer junk")
    print("api w/ header", r3.status_code, r3.content[:200])
    r4 = client.get("/api/v1/plans/")
    print("api w/o header", r4.status_code)
    assert r.status_code == 200

def test_off_unverified_voluntary(client, db, settings):
    u = User.objects.create_user("vol", password="pw")
    d = twofactor.second_factor_start(actor=u)
    twofactor.second_factor_confirm(actor=u, device=d, code=_now(d))
    client.force_login(u)
    assert client.get("/").status_code == 302
    r = client.post(reverse("accounts:two_factor_off"))
    print("off", r.status_code, r.get("Location"))
    r = client.get("/")
    print("home after", r.status_code)
    assert r.status_code == 200

def test_open_redirect(client, admin):
    client.force_login(admin)
    for nxt in ["//evil.example/", "https://evil.example/", "/\\evil.example", "\\\\evil.example"]:
        r = client.get(reverse("accounts:two_factor") + "?next=" + nxt)
        m = re.search(r'name="next" value="([^"]*)"', r.content.decode())
        print(repr(nxt), "->", m and m.group(1))
