"""Good-practice frameworks (seed 000's "good practice check list for borough schemes", seed
002's "minimum standards of engagement"): versioned, ordered items that units assess
themselves against each cycle, with a review of every answer."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plantrack.core.models import bounded_text, bounded_title
from plantrack.directory.models import Area, Organisation
from plantrack.plans.models import Action, Plan


class Framework(models.Model):
    """A checklist, a set of standards or a maturity model, in one version. Items are edited
    while it is a draft or in consultation; once published it is fixed, and a change is a new
    version whose items say which item of this one they continue."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CONSULTATION = "consultation", "In consultation"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    title = bounded_title()
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="frameworks"
    )
    description = bounded_text(blank=True)
    version_number = models.PositiveIntegerField("version", default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # "The vast majority": the share of the items that apply to a unit it should have in place.
    target_percent = models.PositiveSmallIntegerField(
        "target (% of applicable items in place)",
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_versions"
    )
    # Asked for comments on each item while the framework is in consultation.
    consulted = models.ManyToManyField(
        Organisation, blank=True, related_name="frameworks_consulted", verbose_name="consult"
    )
    source_document = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "-version_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["previous"],
                condition=models.Q(previous__isnull=False),
                name="framework_one_next_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version_number})"

    def get_absolute_url(self) -> str:
        return reverse("assessments:framework", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.CONSULTATION)


class ItemComment(models.Model):
    """A comment on an item during consultation, from a member of a consulted organisation
    (or a keeper answering)."""

    item = models.ForeignKey("Item", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="item_comments"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = bounded_text()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "created_at", "id"]


# What may follow each status (services.framework_status_set).
NEXT_STATUSES = {
    Framework.Status.DRAFT: (Framework.Status.CONSULTATION, Framework.Status.PUBLISHED),
    Framework.Status.CONSULTATION: (Framework.Status.DRAFT, Framework.Status.PUBLISHED),
    Framework.Status.PUBLISHED: (Framework.Status.RETIRED,),
    Framework.Status.RETIRED: (),
}


class Item(models.Model):
    """One practice or standard, its text as written."""

    class Kind(models.TextChoices):
        PLAIN = "plain", "Practice"
        RECURRING = "recurring", "Recurring"
        ROLE = "role", "Role"
        PARTNER = "partner", "Partner"
        FUNDING = "funding", "Funding"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    group = models.CharField("group heading", max_length=300, blank=True)
    text = bounded_text()
    guidance = bounded_text(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PLAIN)
    # How often a recurring practice should happen, as written ("3-weekly", "monthly"), and
    # in days when that could be read.
    cadence_text = models.CharField("cadence", max_length=100, blank=True)
    cadence_days = models.PositiveIntegerField(null=True, blank=True)
    # Words naming the recorded engagement activity that shows a recurring practice happening
    # ("reminder slides, MetBats"), for the check against the data (checks.py).
    check_words = models.CharField(
        "words that name its recorded activity",
        max_length=300,
        blank=True,
        help_text="For a recurring practice, comma-separated: activities whose title, aim or "
        "method holds one of them count as it happening",
    )
    mandatory = models.BooleanField(default=False)
    evidence_required = models.BooleanField(
        default=False, help_text="An answer of “in place” or “embedded” must carry evidence"
    )
    # The item of the previous version this one continues, so that cycles compare.
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="continued_by"
    )
    not_comparable = models.BooleanField(
        default=False, help_text="Changed so much that answers to the earlier item do not compare"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


# --- Assessment cycles ------------------------------------------------------------------------


class Cycle(models.Model):
    """A published framework sent to a set of units to assess themselves, from an opening to a
    due date. Closing it freezes every answer: later edits never change it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="cycles")
    title = models.CharField(max_length=300)
    opens_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # Named per cycle: they accept or challenge each answer and finalise each unit's return.
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="cycles_reviewed"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Moved by every write to the cycle, its returns, answers and reviews (cycles._save), so
    # that its heat map can be cached under it (fragments.heat_map_html).
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[reviewers], excluded_fields=["version"])

    class Meta:
        ordering = ["-opens_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessments:cycle", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Unit(models.Model):
    """One unit's return in a cycle: a borough (an organisation unit, with its area where
    there is one), its assessors (its SPOC), and where its return has got to."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DRAFT = "draft", "In draft"
        SUBMITTED = "submitted", "Submitted"
        CHALLENGED = "challenged", "Challenged"
        FINAL = "final", "Final"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="units")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assessment_units"
    )
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessment_units"
    )
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assessment_units"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    submitted_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    # The last time a keeper chased the assessors for the return (cycles.unit_chase).
    chased_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[assessors])

    class Meta:
        ordering = ["cycle", "organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organisation"], name="unit_once_a_cycle")
        ]

    def __str__(self) -> str:
        return self.organisation.name

    def get_absolute_url(self) -> str:
        return reverse("assessments:unit", args=[self.pk])


class Answer(models.Model):
    """A unit's answer to one item: where the practice stands, or why it does not apply."""

    class Level(models.TextChoices):
        NOT_IN_PLACE = "not_in_place", "Not in place"
        PLANNED = "planned", "Planned"
        PARTLY = "partly", "Partly in place"
        IN_PLACE = "in_place", "In place"
        EMBEDDED = "embedded", "Embedded"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    class Review(models.TextChoices):
        PENDING = "", "Not reviewed"
        ACCEPTED = "accepted", "Accepted"
        CHALLENGED = "challenged", "Challenged"
        REPLIED = "replied", "Replied to"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    level = models.CharField(max_length=20, choices=Level.choices)
    reason = bounded_text("why it does not apply", blank=True)
    comment = bounded_text(blank=True)
    review = models.CharField(max_length=20, choices=Review.choices, blank=True, default="")
    # A gap turned into an action of the unit's improvement plan (cycles.gap_to_action).
    action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessment_answers"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit", "item__position", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "item"], name="answer_once_an_item")]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_level_display()}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:item_answer", args=[self.unit_id, self.item_id])

    @property
    def is_gap(self) -> bool:
        """Below "in place": a gap the unit could turn into an action."""
        return self.level in GAPS


GAPS = (Answer.Level.NOT_IN_PLACE, Answer.Level.PLANNED, Answer.Level.PARTLY)
# Returns still their assessors' to act on (a submitted one is the reviewers'): in their
# digests and calendars, and chased from the cycle's page.
OPEN_RETURNS = (Unit.Status.NOT_STARTED, Unit.Status.DRAFT, Unit.Status.CHALLENGED)
IN_PLACE = (Answer.Level.IN_PLACE, Answer.Level.EMBEDDED)
# The levels in order, for comparing a unit's answer with its last cycle's.
RANK: dict[str, int] = {
    level: n
    for n, level in enumerate(
        [
            Answer.Level.NOT_IN_PLACE,
            Answer.Level.PLANNED,
            Answer.Level.PARTLY,
            Answer.Level.IN_PLACE,
            Answer.Level.EMBEDDED,
        ]
    )
}


class ImprovementPlan(models.Model):
    """The plan a unit's gaps become actions in: one per unit, made the first time."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="improvement_plan"
    )
    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="improvement_of")

    def __str__(self) -> str:
        return str(self.plan)


class ReviewNote(models.Model):
    """The review trail of an answer: the reviewer accepts or challenges, the unit replies."""

    class Kind(models.TextChoices):
        ACCEPT = "accept", "Accepted"
        CHALLENGE = "challenge", "Challenged"
        REPLY = "reply", "Replied"

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_notes"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = bounded_text(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answer", "created_at", "id"]
