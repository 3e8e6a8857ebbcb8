"""What the public may read of a plan (issue 16): the plan's publication, the public version
of each update and of each "you said, we did" a manager or named publisher approved, and the
sections and actions withheld.

Nothing here copies the plan: the public page reads the plan, its sections and actions as they
are, leaving out what is withheld, and shows an update only through its approved public text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.models import HistoricalRecords

from plantrack.core import changes
from plantrack.core.models import bounded_text, bounded_title
from plantrack.directory.models import Area, Organisation
from plantrack.engagement.models import Activity, Outcome
from plantrack.governance.models import Meeting
from plantrack.plans.models import Action, Plan, Section, Update


class Publication(models.Model):
    """A plan published to the public web, at ``/public/plans/<slug>/`` (the slug never
    changes once chosen, so shared links keep working after withdrawal and republication)."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="publication")
    slug = models.SlugField(max_length=80, unique=True)
    introduction = bounded_text(
        blank=True, help_text="What the public page says first (the plan's summary if empty)"
    )
    # Null: not published (never, or withdrawn). Publishing again sets it afresh.
    published_at = models.DateTimeField(null=True, blank=True)
    first_published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    publishers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="publications",
        help_text="Besides the plan's managers, who may approve updates for the public",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        indexes = [models.Index(fields=["published_at"], name="public_published_at")]

    def __str__(self) -> str:
        return f"Publication of {self.plan}"

    @property
    def is_live(self) -> bool:
        return self.published_at is not None


class Decision(models.Model):
    """Who decided what the public reads of something, when, and why (a reason for keeping it
    internal or withdrawing it): the fields an update's and an outcome's decisions share."""

    reason = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()
    # Published first: a withdrawal keeps when it went out.
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class PublicUpdate(Decision):
    """A decision on one update: its public text approved, kept internal, or withdrawn."""

    class State(models.TextChoices):
        PUBLISHED = "published", "Published"
        INTERNAL = "internal", "Kept internal"
        WITHDRAWN = "withdrawn", "Withdrawn"

    update = models.OneToOneField(Update, on_delete=models.CASCADE, related_name="publication")
    state = models.CharField(max_length=10, choices=State.choices)
    text = bounded_text("public text", blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["state", "published_at"], name="public_update_state")]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.update}"

    def clean(self) -> None:
        if self.state == self.State.PUBLISHED and not self.text.strip():
            raise ValidationError({"text": "Write the text the public will read."})


class PublicOutcome(Decision):
    """A decision on one "you said, we did" of an engagement activity for one plan's public
    page: its public text approved (the register's words or an edited version), kept
    internal, or withdrawn. The register's text is written for the register, never shown as
    it stands: the page shows ``activity_title``, ``you_said`` and ``we_did`` as approved,
    with the outcome's date, while the activity is completed and linked to the plan or to an
    action on its public page."""

    State = PublicUpdate.State

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="public_outcomes")
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="publications")
    state = models.CharField(max_length=10, choices=State.choices)
    activity_title = bounded_title("the activity, as the public reads it", blank=True)
    you_said = bounded_text("you said (public text)", blank=True)
    we_did = bounded_text("we did (public text)", blank=True)
    history = HistoricalRecords()

    class Meta:
        # Also the index that reads a plan's decisions (the public page, the waiting list).
        constraints = [
            models.UniqueConstraint(fields=["plan", "outcome"], name="public_outcome_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.outcome}"

    def clean(self) -> None:
        if self.state != self.State.PUBLISHED:
            return
        missing = {
            name: message
            for name, message in (
                ("activity_title", "Say what the public reads as the activity."),
                ("you_said", "Write what people said, as the public will read it."),
                ("we_did", "Write what was done, as the public will read it."),
            )
            if not getattr(self, name).strip()
        }
        if missing:
            raise ValidationError(missing)


class Withholding(models.Model):
    """A section or an action left off the public page, and why."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="withholdings")
    section = models.OneToOneField(
        Section, null=True, blank=True, on_delete=models.CASCADE, related_name="withholding"
    )
    action = models.OneToOneField(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="withholding"
    )
    reason = models.CharField(max_length=500)
    withheld_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withheld_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(section__isnull=True, action__isnull=False)
                | models.Q(section__isnull=False, action__isnull=True),
                name="withholding_section_or_action",
            )
        ]

    def __str__(self) -> str:
        return f"Withheld: {self.section or self.action}"

    def clean(self) -> None:
        if not self.reason.strip():
            raise ValidationError({"reason": "Say why it is withheld from the public."})


changes.shown_on(Publication, lambda publication: [publication.plan_id])
changes.shown_on(Withholding, lambda withholding: [withholding.plan_id])
changes.shown_on(
    PublicUpdate,
    lambda row: list(
        Update.objects.filter(pk=row.update_id).values_list("action__plan_id", flat=True)
    ),
)
changes.shown_on(PublicOutcome, lambda row: [row.plan_id])


# A published "you said, we did" shows the outcome's date, and only while its activity is
# completed and linked to the plan (or an action shown): a change to either, or deleting
# them (which takes the decision with it), is a change of the plans showing it. Declared
# here, since engagement cannot know of the public side (docs/architecture.md).
def _plans_showing_outcome(outcome: Outcome) -> Iterable[int | None] | QuerySet:
    if outcome.pk is None:
        return []
    return PublicOutcome.objects.filter(
        outcome=outcome, state=PublicOutcome.State.PUBLISHED
    ).values_list("plan_id", flat=True)


def _plans_showing_activity(activity: Activity) -> Iterable[int | None] | QuerySet:
    if activity.pk is None:
        return []
    return PublicOutcome.objects.filter(
        outcome__activity=activity, state=PublicOutcome.State.PUBLISHED
    ).values_list("plan_id", flat=True)


changes.shown_on(Outcome, _plans_showing_outcome, linked_later=True)
changes.shown_on(Activity, _plans_showing_activity, linked_later=True)


class Event(models.Model):
    """A public event (an engagement van deployment, a ward panel, a street briefing, a board
    meeting held in public): where and when, and what it is for. Published at
    ``published_at``: the notice the public had is measured from then to the start."""

    class Kind(models.TextChoices):
        ENGAGEMENT = "engagement", "Engagement"
        MEETING = "meeting", "Public meeting"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="public_events")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ENGAGEMENT)
    title = models.CharField(max_length=200)
    purpose = bounded_text("what it is for")
    place = models.CharField(max_length=300, help_text="Where: an address or a landmark")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="public_events"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="public_events"
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["area", "starts_at"], name="public_event_area_start"),
            # The cached calendar pages' stamp (selectors.events_stamp).
            models.Index(fields=["updated_at"], name="public_event_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%d %b %Y})"

    def clean(self) -> None:
        if self.ends_at is not None and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": "The end must be after the start."})

    @property
    def starts_on(self) -> dt.date:
        """The local day it starts (the calendar page's day headings)."""
        return timezone.localtime(self.starts_at).date()

    @property
    def notice_days(self) -> int:
        """Whole days between publication and the start (0 if published on the day or after),
        counted in local days."""
        published_on = timezone.localtime(self.published_at).date()
        return max(0, (self.starts_on - published_on).days)
