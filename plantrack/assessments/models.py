"""Good-practice frameworks (seed 000's "good practice check list for borough schemes", seed
002's "minimum standards of engagement"): versioned, ordered items that units assess
themselves against each cycle."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plantrack.core.models import bounded_text, bounded_title
from plantrack.directory.models import Organisation


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
    mandatory = models.BooleanField(default=False)
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
