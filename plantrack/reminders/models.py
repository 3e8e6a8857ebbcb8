"""How often each person is sent the reminder digest, and the secret calendar feed URLs."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from plantrack.directory.models import Person
from plantrack.governance.models import Body
from plantrack.plans.models import Plan


class Frequency(models.TextChoices):
    DAILY = "daily", "Every day"
    WEEKLY = "weekly", "Once a week"
    MONTHLY = "monthly", "Once a month"
    NEVER = "never", "Never"


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]

# Everyone without a preference (users who never chose, and people with no account at all):
# a weekly digest on Monday, so that nobody is chased daily without asking for it.
DEFAULT_FREQUENCY = Frequency.WEEKLY
DEFAULT_WEEKDAY = 0


def scheduled_day(frequency: str, weekday: int, on: dt.date) -> dt.date | None:
    """The latest day on or before ``on`` on which a digest is scheduled (None: never).

    Someone is due a digest when this day is after the last one sent to them, so a run missed
    on Monday is caught up on Tuesday, and nobody gets two digests in one period.
    """
    if frequency == Frequency.DAILY:
        return on
    if frequency == Frequency.WEEKLY:
        return on - dt.timedelta(days=(on.weekday() - weekday) % 7)
    if frequency == Frequency.MONTHLY:
        return on.replace(day=1)
    return None


def is_due(frequency: str, weekday: int, last_sent_on: dt.date | None, on: dt.date) -> bool:
    day = scheduled_day(frequency, weekday, on)
    if day is None:
        return False
    return last_sent_on is None or last_sent_on < day


class ReminderPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    frequency = models.CharField(
        "send me a reminder", max_length=10, choices=Frequency.choices, default=DEFAULT_FREQUENCY
    )
    weekday = models.PositiveSmallIntegerField(
        "on", choices=WEEKDAYS, default=DEFAULT_WEEKDAY, help_text="For a weekly reminder"
    )
    last_sent_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_frequency_display()}"


class PersonDigest(models.Model):
    """When the last digest went to someone in the directory who has no user account (users
    keep that date on their ReminderPreference). They always get the default frequency."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="digest")
    last_sent_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.person}: {self.last_sent_on}"


class CalendarFeed(models.Model):
    """A secret URL serving an ICS calendar. The token is the only credential.

    The token is stored as it is, not as a digest (unlike API tokens): people paste the URL
    into Outlook or Google Calendar whenever they set up a new device, so the settings page must
    be able to show it again. The risk: anyone who can read this table (a database dump, a
    backup) can read the calendars, which hold dates and titles only, never updates. The owner
    resets a leaked URL from the settings page; a reset URL answers 404 at once.
    """

    class Scope(models.TextChoices):
        USER = "user", "My actions and meetings"
        PLAN = "plan", "A plan"
        BODY = "body", "A governance body"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    scope = models.CharField(max_length=10, choices=Scope.choices)
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reset_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scope", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(scope="user"), name="unique_user_feed"
            ),
            models.UniqueConstraint(
                fields=["user", "plan"], condition=models.Q(scope="plan"), name="unique_plan_feed"
            ),
            models.UniqueConstraint(
                fields=["user", "body"], condition=models.Q(scope="body"), name="unique_body_feed"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(scope="user", plan__isnull=True, body__isnull=True)
                    | models.Q(scope="plan", plan__isnull=False, body__isnull=True)
                    | models.Q(scope="body", plan__isnull=True, body__isnull=False)
                ),
                name="calendar_feed_scope_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.name}"

    @property
    def name(self) -> str:
        if self.scope == self.Scope.PLAN:
            return f"PlanTrack: {self.plan}"
        if self.scope == self.Scope.BODY:
            return f"PlanTrack: {self.body}"
        return "PlanTrack: my actions"
