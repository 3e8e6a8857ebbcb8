"""Every write to users and API tokens."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plantrack.accounts.models import ApiToken, User
from plantrack.core.services import require, save_validated

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
