"""Two-factor sign-in (TOTP with recovery codes), through django-otp.

Who must use it: site admins and, through the ``accounts.privileged`` hook, anyone another app
says holds personal data of others (the stakeholder databases' data stewards). Anyone else
may turn it on from their profile. It applies to signing in with a local password: a session
signed in through the organisation's identity provider (which does its own second factor) is
marked so (``SIGNED_IN_WITH``) and not asked again.

- An authenticator app (``TOTPDevice``, confirmed by a first code) and ten single-use recovery
  codes (``StaticDevice``): both django-otp's, with its throttling of wrong codes.
- ``SecondFactorMiddleware``: after the password, a user with a confirmed device is sent to
  the code page until the session is verified (``django_otp.login``); one who must use a second
  factor and has none is sent to set one up. Nothing else answers meanwhile: pages redirect,
  the API (on the session) answers 403. API tokens are unaffected (they are checked by the API,
  not here, and are created by a signed-in, verified user).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from plantrack.accounts.models import User
from plantrack.core import hooks
from plantrack.core.services import require

APP_DEVICE = "Authenticator app"
CODES_DEVICE = "Recovery codes"
RECOVERY_CODES = 10
# Set by a sign-in that did its own second factor (single sign-on): not asked again here.
SIGNED_IN_WITH = "plantrack_signed_in_with"

security_log = logging.getLogger("plantrack.security")


def must_use_second_factor(user: User) -> bool:
    """Site admins, and whoever a higher app says is privileged (``accounts.privileged``),
    where the deployment requires it (``PLANTRACK_TWO_FACTOR_REQUIRED``: on in production)."""
    if not settings.PLANTRACK_TWO_FACTOR_REQUIRED:
        return False
    if user.is_superuser:
        return True
    return any(hooks.collect(hooks.PRIVILEGED, user))


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Services: setting up, confirming, renewing, turning off --------------------------------


@transaction.atomic
def second_factor_start(*, actor: User) -> TOTPDevice:
    """A new authenticator app to confirm (any unconfirmed one before is replaced)."""
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name=APP_DEVICE, confirmed=False)


@transaction.atomic
def second_factor_confirm(*, actor: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm ``device`` with a code from the app: it replaces any app before it, and new
    recovery codes are made (returned once, to be shown once)."""
    require(device.user_id == actor.pk and not device.confirmed, "That is not your new device.")
    if not device.verify_token(_digits(code)):
        raise ValidationError(
            {"code": "The code is not right: enter the 6 digits the app shows now."}
        )
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    security_log.info("two-factor sign-in set up by user %s", actor.pk)
    return recovery_codes_renew(actor=actor)


@transaction.atomic
def recovery_codes_renew(*, actor: User) -> list[str]:
    """Ten new single-use recovery codes; the old ones stop working."""
    require(has_second_factor(actor), "Set up an authenticator app first.")
    StaticDevice.objects.filter(user=actor).delete()
    device = StaticDevice.objects.create(user=actor, name=CODES_DEVICE, confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    security_log.info("recovery codes renewed by user %s", actor.pk)
    return codes


@transaction.atomic
def second_factor_remove(*, actor: User) -> None:
    """Turn two-factor sign-in off: only for someone who need not use it."""
    require(
        not must_use_second_factor(actor),
        "Your role needs two-factor sign-in: it cannot be turned off.",
    )
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()
    security_log.info("two-factor sign-in turned off by user %s", actor.pk)


def second_factor_verify(request: HttpRequest, code: str) -> bool:
    """Check a code (from the app, or a recovery code, used up) for the signed-in user and
    mark the session verified. Wrong codes are throttled by django-otp (each wrong one doubles
    the wait before the next is looked at)."""
    user = request.user
    assert isinstance(user, User)
    entered = _digits(code)
    device = match_token(user, entered if entered.isdigit() else entered.lower())
    if device is None:
        security_log.warning("a wrong second-factor code for user %s", user.pk)
        return False
    otp_login(request, device)
    if isinstance(device, StaticDevice):
        security_log.info("a recovery code used by user %s", user.pk)
    return True


def second_factor_verify_device(request: HttpRequest, device: TOTPDevice) -> None:
    """The session verified by the device just confirmed (its code was the second factor)."""
    otp_login(request, device)


def _digits(code: str) -> str:
    return "".join(code.split())


def _recovery_code() -> str:
    # 10 characters of an alphabet without look-alikes: about 50 bits, used once.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


# --- Middleware -----------------------------------------------------------------------------


def second_factor_owed(request: HttpRequest) -> bool:
    """Whether this signed-in session has yet to pass a second factor it has or must have
    (the middleware below; the API's session authentication and the pages that change the
    second factor ask the same)."""
    user = request.user
    if not user.is_authenticated:
        return False
    if request.session.get(SIGNED_IN_WITH) or user.is_verified():  # type: ignore[attr-defined]
        return False
    assert isinstance(user, User)
    return has_second_factor(user) or must_use_second_factor(user)


def _open(path: str, *, has_app: bool) -> bool:
    """What answers before the second factor, matched exactly (a prefix would open what lies
    beneath: the recovery codes below the code page, the managers' pages below /public/): the
    code page, the set-up page (only to one with no app yet: a password alone must not put
    another app in place of the one set up), signing out, and what needs no sign-in at all."""
    exact = {
        reverse("accounts:two_factor"),
        reverse("logout"),
        reverse("login"),
        "/healthz",
        "/readyz",
        reverse("mobile:manifest"),
        reverse("mobile:service_worker"),
    }
    if not has_app:
        exact.add(reverse("accounts:two_factor_setup"))
    if path in exact or path.startswith(settings.STATIC_URL or "/static/"):
        return True
    return path.startswith("/public/") and not path.startswith("/public/manage/")


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware (which sets ``request.user.is_verified``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        # Only a session's user is here: a request with an API token has no session (the API
        # checks the token itself), and a session owing its code is refused whatever the
        # request also carries.
        user = request.user
        if not second_factor_owed(request):
            return None
        assert isinstance(user, User)
        has_app = has_second_factor(user)
        if _open(request.path, has_app=has_app):
            return None
        if has_app:
            target, said = "accounts:two_factor", "Enter the code from your authenticator app."
        elif must_use_second_factor(user):
            target, said = "accounts:two_factor_setup", "Set up two-factor sign-in first."
        else:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": said}, status=403)
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
