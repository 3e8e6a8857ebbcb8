from __future__ import annotations

import logging
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from plantrack.accounts import selectors, services, twofactor
from plantrack.accounts.forms import ProfileForm, SecondFactorForm, TokenForm
from plantrack.accounts.http import SignedInRequest
from plantrack.accounts.sessions import record_session
from plantrack.core import hooks
from plantrack.core.proxies import client_ip
from plantrack.core.services import require
from plantrack.core.views import errors_on

security_log = logging.getLogger("plantrack.security")


@require_http_methods(["GET", "POST"])
def tokens(request: SignedInRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            _, secret = services.api_token_create(actor=request.user, **form.cleaned_data)
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "nav_section": "account",
            "form": form,
            "secret": secret,
            "tokens": selectors.api_tokens_for(request.user),
        },
    )


@require_POST
def token_revoke(request: SignedInRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get_for_user(request.user, pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:tokens")


# --- The profile ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def profile(request: SignedInRequest) -> HttpResponse:
    user = request.user
    initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.user_profile_update(actor=user, user=user, **form.cleaned_data)
            messages.success(request, "Your profile was saved.")
            return redirect("accounts:profile")
        user.refresh_from_db()  # a refused change leaves the header's name as it is stored
    return render(
        request,
        "accounts/profile.html",
        {
            "nav_section": "profile",
            "form": form,
            "sessions": selectors.user_sessions_for(user),
            "current_session_key": request.session.session_key,
            "two_factor": twofactor.has_second_factor(user),
            "two_factor_required": twofactor.must_use_second_factor(user),
            "recovery_left": twofactor.recovery_codes_left(user),
            # The directory entry and reminder settings: apps above accounts add them.
            "sections": hooks.collect(hooks.PROFILE_PAGE, request),
        },
    )


@require_POST
def sessions_end_others(request: SignedInRequest) -> HttpResponse:
    ended = services.user_sessions_end_others(
        actor=request.user, keep_session_key=request.session.session_key
    )
    if ended:
        messages.success(
            request, f"Signed out of {ended} other session{'s' if ended != 1 else ''}."
        )
    else:
        messages.success(request, "You were not signed in anywhere else.")
    return redirect(reverse("accounts:profile") + "#sessions")


# --- Signing in -------------------------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    """Django's sign-in with the deployment's choices: a button for single sign-on where it is
    configured (directory/sso.py), and the password form unless it is switched off
    (``PLANTRACK_PASSWORD_SIGN_IN``)."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            sso_name=settings.PLANTRACK_OIDC_PROVIDER_NAME if settings.PLANTRACK_SSO else "",
            password_sign_in=settings.PLANTRACK_PASSWORD_SIGN_IN,
            sso_failed="sso" in self.request.GET,
        )

    def post(self, request, *args, **kwargs):
        if not settings.PLANTRACK_PASSWORD_SIGN_IN:
            security_log.warning("a password sign-in refused: passwords are switched off")
            return HttpResponse("Sign-in with a password is switched off here.", status=403)
        return super().post(request, *args, **kwargs)


# --- Passwords: Django's views with the app's templates ---------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")
    extra_context = {"nav_section": "profile"}

    def form_valid(self, form):
        response = super().form_valid(form)
        # Django keeps this browser signed in under a new session key and the others fail
        # their next request; note the new key and end the others now, so the list is true.
        user = form.user
        record_session(self.request, user)
        services.user_sessions_end_others(
            actor=user, keep_session_key=self.request.session.session_key
        )
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
    extra_context = {"nav_section": "profile"}


# Reset mails asked for in an hour, from one client address and to one email address: enough
# for someone who mistyped, too few to flood an inbox. Past it the page answers the same and
# sends nothing.
RESET_MAILS_PER_HOUR = 5


def _reset_allowed(request: HttpRequest, email: str) -> bool:
    keys = [
        f"plantrack:reset:ip:{client_ip(request)}",
        f"plantrack:reset:email:{email.strip().lower()}",
    ]
    counts = cache.get_many(keys)
    if any(counts.get(key, 0) >= RESET_MAILS_PER_HOUR for key in keys):
        return False
    cache.set_many({key: counts.get(key, 0) + 1 for key in keys}, 3600)
    return True


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if not _reset_allowed(self.request, form.cleaned_data["email"]):
            security_log.warning("password reset mails throttled for %s", client_ip(self.request))
            return redirect(self.success_url)
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeout_days"] = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
        return context


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever forgot the password may have left a session somewhere: none survives.
        services.user_sessions_end_others(actor=form.user, keep_session_key=None)
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- Two-factor sign-in (accounts/twofactor.py) ----------------------------------------------

SETUP_DEVICE = "plantrack_two_factor_setup"


def _next_or_home(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


@require_http_methods(["GET", "POST"])
def two_factor(request: SignedInRequest) -> HttpResponse:
    """The code asked for after the password."""
    if not twofactor.has_second_factor(request.user):
        return redirect(_next_or_home(request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.second_factor_verify(request, form.cleaned_data["code"]):
            return redirect(_next_or_home(request))
        form.add_error("code", "The code is not right. Wrong codes make you wait before the next.")
    return render(
        request, "accounts/two_factor.html", {"form": form, "next": _next_or_home(request)}
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: SignedInRequest) -> HttpResponse:
    """Add an authenticator app: its key (a QR code and as text), then a first code."""
    user = request.user
    device = TOTPDevice.objects.filter(
        user=user, confirmed=False, pk=request.session.get(SETUP_DEVICE)
    ).first()
    if device is None:
        device = twofactor.second_factor_start(actor=user)
        request.session[SETUP_DEVICE] = device.pk
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            codes = twofactor.second_factor_confirm(
                actor=user, device=device, code=form.cleaned_data["code"]
            )
            request.session.pop(SETUP_DEVICE, None)
            twofactor.second_factor_verify_device(request, device)
            return _show_codes(request, codes, "Two-factor sign-in is on.")
    key = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "nav_section": "profile",
            "form": form,
            "qr": mark_safe(
                segno.make(device.config_url, error="m").svg_inline(
                    scale=5, title="QR code of the key for your authenticator app"
                )
            ),
            "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
            "required": twofactor.must_use_second_factor(user),
            "next": _next_or_home(request),
        },
    )


def _second_factor_first(request: HttpRequest) -> None:
    """Changing the second factor needs a session that has passed it."""
    require(
        not twofactor.second_factor_owed(request),
        "Enter the code from your authenticator app first.",
    )


@require_POST
def recovery_codes(request: SignedInRequest) -> HttpResponse:
    _second_factor_first(request)
    codes = twofactor.recovery_codes_renew(actor=request.user)
    return _show_codes(request, codes, "New recovery codes: the old ones no longer work.")


@require_POST
def two_factor_off(request: SignedInRequest) -> HttpResponse:
    _second_factor_first(request)
    twofactor.second_factor_remove(actor=request.user)
    messages.success(request, "Two-factor sign-in is off.")
    return redirect(reverse("accounts:profile") + "#two-factor")


def _show_codes(request: HttpRequest, codes: list[str], said: str) -> HttpResponse:
    response = render(
        request,
        "accounts/recovery_codes.html",
        {"nav_section": "profile", "codes": codes, "said": said, "next": _next_or_home(request)},
    )
    response["Cache-Control"] = "no-store"
    return response
