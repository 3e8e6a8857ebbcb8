from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from plantrack.accounts.models import ApiToken, User, UserSession


def api_tokens_for(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_get_for_user(user: User, pk: int) -> ApiToken:
    return get_object_or_404(api_tokens_for(user), pk=pk)


def user_sessions_for(user: User) -> QuerySet[UserSession]:
    """The user's sessions still signed in: their session exists and has not expired, and
    they signed in within the absolute limit (core.middleware.SessionTimeoutMiddleware).
    One query, with each session's expiry as ``expires_at`` (UserSession.last_seen_at)."""
    now = timezone.now()
    expiry = Session.objects.filter(session_key=OuterRef("session_key")).values("expire_date")
    return (
        UserSession.objects.filter(user=user)
        .annotate(expires_at=Subquery(expiry[:1]))
        .filter(
            expires_at__gt=now,
            created_at__gt=now - dt.timedelta(hours=settings.PLANTRACK_SESSION_MAX_HOURS),
        )
        .order_by("-created_at")
    )
