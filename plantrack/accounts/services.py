"""Every write to users, their sessions and API tokens."""

from __future__ import annotations

import ipaddress
import secrets
from importlib import import_module

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from plantrack.accounts.models import ApiToken, User, UserSession
from plantrack.core.services import UNSET, apply_fields, require, save_validated, supplied

TOKEN_BYTES = 32


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_superuser: bool = False,
) -> User:
    """Create a user. ``actor`` None is the command line (createsuperuser, demo loader)."""
    if actor is not None:
        require(actor.is_superuser, "Only site admins create users.")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That username is taken."})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    save_validated(user, actor=actor, exclude=["password"])
    return user


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; returns it with its secret, which is never stored and shown only once."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, such as the script that uses it."})
    secret = "pt_" + secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken(
        user=actor,
        name=name,
        prefix=secret[3 : 3 + ApiToken.PREFIX_LENGTH],
        digest=ApiToken.digest_for(secret),
    )
    save_validated(token, actor=actor)
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    require(token.user_id == actor.pk or actor.is_superuser, "That is not your token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(secret: str) -> User | None:
    """The user behind a presented token, or None. Marks the token as used."""
    if not secret or not secret.startswith("pt_"):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_for(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Write at most once a minute per token so that busy scripts don't turn reads into writes.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- The profile ----------------------------------------------------------------------------


@transaction.atomic
def user_profile_update(
    *,
    actor: User,
    user: User,
    first_name: str = UNSET,
    last_name: str = UNSET,
    email: str = UNSET,
) -> User:
    """A user changes their own name and address (the audit history keeps the old ones). The
    old address is told of a change, so a stolen session cannot quietly take the account's
    password resets."""
    fields = supplied(locals(), "actor", "user")
    require(actor.pk == user.pk or actor.is_superuser, "You can change only your own profile.")
    old_email = User.objects.filter(pk=user.pk).values_list("email", flat=True).get()
    if "email" in fields:
        fields["email"] = User.objects.normalize_email((fields["email"] or "").strip())
        if not fields["email"]:
            raise ValidationError({"email": "Enter your email address."})
        taken = User.objects.filter(email__iexact=fields["email"]).exclude(pk=user.pk)
        if taken.exists():
            raise ValidationError({"email": "Another account uses that email address."})
    apply_fields(user, {name: value.strip() for name, value in fields.items()})
    save_validated(user, actor=actor, exclude=["password"])
    if old_email and user.email.lower() != old_email.lower():
        _tell_old_address(old_email, user)
    return user


def _tell_old_address(address: str, user: User) -> None:
    subject = "Your PlanTrack email address was changed"
    body = (
        f"Hello {user.display_name},\n\n"
        f"The email address of your PlanTrack account ({user.username}) was changed from this "
        "address to another one. If you did this, there is nothing to do.\n\n"
        "If you did not, someone may be using your account: tell your site administrator at "
        "once.\n\nPlanTrack"
    )
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))


# --- Invited users (the invitation itself is the directory's: directory/services.py) -----------


@transaction.atomic
def user_create_inactive(
    *, actor: User, email: str, first_name: str = "", last_name: str = ""
) -> User:
    """A user for someone invited by email: inactive, with no usable password, so the account
    can do nothing (not even ask for a password reset) until the invitation is accepted
    (user_activate). Who may invite whom is the directory's to check, before it calls this."""
    require(actor.is_authenticated and actor.is_active, "Sign in to invite someone.")
    email = User.objects.normalize_email((email or "").strip())
    if User.objects.filter(username__iexact=email).exists():
        raise ValidationError({"email": "An account with that username exists already."})
    user = User(
        username=email,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_active=False,
    )
    user.set_unusable_password()
    save_validated(user, actor=actor, exclude=["password"])
    return user


@transaction.atomic
def user_activate(*, actor: User, password: str | None = None) -> User:
    """The invited user, holding the invitation mailed to them, sets their password (unless
    they have one) and can sign in from then on. An account a site admin switched off is not
    switched on again this way."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if user.has_usable_password():
        if not user.is_active:
            raise ValidationError(
                "This account has been switched off: ask your site administrator."
            )
        return user
    if not password:
        raise ValidationError({"new_password1": "Choose a password."})
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from None
    user.set_password(password)
    user.is_active = True
    save_validated(user, actor=user, exclude=["password"])
    return user


# --- Sessions -------------------------------------------------------------------------------


def _ip_or_none(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


@transaction.atomic
def user_session_record(
    *, actor: User, session_key: str, user_agent: str = "", ip_address: str | None = None
) -> UserSession:
    """Note the session the actor has just signed in with (or moved to a new key with, as a
    password change does), and forget their sessions that have ended."""
    require(actor.is_authenticated, "Sign in first.")
    UserSession.objects.filter(user=actor).exclude(
        session_key__in=Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    ).exclude(session_key=session_key).delete()
    row, _ = UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": actor,
            "user_agent": (user_agent or "")[: UserSession.USER_AGENT_MAX],
            "ip_address": _ip_or_none(ip_address),
        },
    )
    return row


@transaction.atomic
def user_sessions_end_others(*, actor: User, keep_session_key: str | None) -> int:
    """Sign the actor out everywhere but in the session ``keep_session_key``. Returns how many
    sessions ended. Each goes through the session engine, which clears its cache too."""
    require(actor.is_authenticated, "Sign in first.")
    others = UserSession.objects.filter(user=actor).exclude(session_key=keep_session_key or "")
    keys = list(others.values_list("session_key", flat=True))
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for key in keys:
        session = store(session_key=key)
        if session.exists(key):
            ended += 1
        session.delete(key)
    others.delete()
    return ended
