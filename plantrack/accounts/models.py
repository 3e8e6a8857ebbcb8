from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


class UserHistory(HistoricalRecords):
    """The audit of a user's name, email and standing. Signing in writes ``last_login`` alone
    (Django's update_last_login): that is no change of the account, so it records nothing."""

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= {"last_login"}:
            return
        super().post_save(instance, created, using=using, **kwargs)


class User(AbstractUser):
    """A person who signs in. Their directory entry (rank, post, organisation) is a Person."""

    history = UserHistory(excluded_fields=["password", "last_login"])

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored; the secret is shown once."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_for(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class UserSession(models.Model):
    """A browser signed in as a user: written as it signs in (the user_logged_in signal). The
    session itself is Django's; this row says whose it is and from where, so that the user
    can list their sessions and end the others. When it was last used is read from the
    session's own expiry (selectors.user_sessions_for), so a request writes nothing here."""

    USER_AGENT_MAX = 300

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=USER_AGENT_MAX, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} from {self.ip_address or 'an unknown address'}"

    @property
    def browser(self) -> str:
        """The browser and system, roughly, from the user agent: enough to recognise it."""
        agent = self.user_agent
        names = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome")]
        name = next((label for mark, label in names if mark in agent), "")
        if not name and "Safari/" in agent:
            name = "Safari"
        systems = [
            ("iPhone", "iPhone"),
            ("iPad", "iPad"),
            ("Android", "Android"),
            ("Windows", "Windows"),
            ("Mac OS", "Mac"),
            ("CrOS", "ChromeOS"),
            ("Linux", "Linux"),
        ]
        system = next((label for mark, label in systems if mark in agent), "")
        if name and system:
            return f"{name} on {system}"
        return name or system or "An unknown browser"

    @property
    def last_seen_at(self) -> dt.datetime | None:
        """The session's expiry moves on each time it is saved (at most every few minutes,
        core.middleware.SessionTimeoutMiddleware), so it dates the last use to within that."""
        expires = getattr(self, "expires_at", None)
        if expires is None:
            return None
        return max(self.created_at, expires - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` on an API write and the answer it got, so that a repeat
    (a phone resending entries kept while it had no signal) is answered from here and writes
    nothing. Kept ``KEEP_FOR``; written and read only by accounts/idempotency.py."""

    KEY_MAX = 100
    KEEP_FOR = dt.timedelta(days=7)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="idempotency_keys")
    key = models.CharField(max_length=KEY_MAX)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    body_digest = models.CharField(max_length=64, help_text="SHA-256 of the request body")
    # None while the first request is still being answered (never seen outside its transaction).
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.TextField(blank=True, help_text="The JSON body answered")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
