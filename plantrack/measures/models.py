from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from plantrack.core import changes
from plantrack.core.models import bounded_text, fuzzy_date_fields
from plantrack.directory.models import Person
from plantrack.plans.models import Action, Plan, Section


def value_field(label: str, **kwargs) -> models.DecimalField:
    # Up to 16 digits before the point: money in pence, counts, rates with four decimals.
    return models.DecimalField(label, max_digits=20, decimal_places=4, **kwargs)


class Unit(models.TextChoices):
    COUNT = "count", "Count (a number of things)"
    PERCENT = "percent", "Percentage"
    CURRENCY = "currency", "Money (£)"
    RATE = "rate", "Rate or ratio"
    OTHER = "other", "Other"


class Direction(models.TextChoices):
    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Decrease"
    KEEP = "keep", "Keep at"


class Measure(models.Model):
    """A KPI or target of a plan, optionally of one of its sections or actions."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="measures"
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="measures"
    )
    name = models.CharField(max_length=200)
    description = bounded_text(blank=True)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.COUNT)
    unit_label = models.CharField(
        "unit name",
        max_length=60,
        blank=True,
        help_text="What is counted or the rate's base, e.g. volunteers, per 1,000 residents",
    )
    direction = models.CharField(max_length=10, choices=Direction.choices)
    baseline_value = value_field("baseline", null=True, blank=True)
    baseline_date = models.DateField("baseline date", null=True, blank=True)
    tolerance_percent = models.DecimalField(
        "tolerance (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="How far behind the trajectory, as a percentage of the distance from the "
        "baseline to the target, still counts as at risk rather than off track",
    )
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the figures come from, e.g. Niche RMS"
    )
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="measures"
    )
    # The phrase of the action's text this measure was confirmed from, so that it is not
    # offered again.
    suggested_from = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="targets")
    value = value_field("target")
    date = models.DateField("target date", help_text="The day it should be reached by")
    date_text = models.CharField(
        "date as written", max_length=200, blank=True, help_text="E.g. by Dec 22"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.value} by {self.date}"


class Reading(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="readings")
    date = models.DateField()
    value = value_field("value")
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measure_readings",
    )
    recorded_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "created_at", "id"]
        indexes = [models.Index(fields=["measure", "date"])]

    def __str__(self) -> str:
        return f"{self.value} on {self.date}"


class DismissedSuggestion(models.Model):
    """A phrase of an action's text, or of a section's description, that a manager said is
    not a measure. Exactly one of action and section is set."""

    action = models.ForeignKey(
        Action,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dismissed_measure_suggestions",
    )
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dismissed_measure_suggestions",
    )
    phrase = models.CharField(max_length=300)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "phrase"], name="unique_dismissed_phrase"),
            models.UniqueConstraint(
                fields=["section", "phrase"],
                condition=models.Q(action__isnull=True),
                name="unique_dismissed_section_phrase",
            ),
            models.CheckConstraint(
                condition=models.Q(action__isnull=False, section__isnull=True)
                | models.Q(action__isnull=True, section__isnull=False),
                name="dismissed_action_or_section",
            ),
        ]


class Benefit(models.Model):
    class Kind(models.TextChoices):
        FINANCIAL = "financial", "Financial"
        NON_FINANCIAL = "non_financial", "Non-financial"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="benefits")
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="benefits",
        verbose_name="initiative",
    )
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FINANCIAL)
    measure = models.ForeignKey(
        Measure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="benefits",
        help_text="The measure that evidences it",
    )
    expected_value = value_field("expected value", null=True, blank=True)
    expected_text, expected_earliest, expected_latest, expected_kind = fuzzy_date_fields(
        "expected by"
    )
    realised_value = value_field("realised value", null=True, blank=True)
    realised_on = models.DateField("realised on", null=True, blank=True)
    notes = bounded_text(blank=True)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="benefits"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "section", "title", "id"]

    def __str__(self) -> str:
        return self.title


# --- What plan pages show (core/changes.py) --------------------------------------------------


def _plans_of_measures(**lookup):
    return Measure.objects.filter(**lookup).values_list("plan_id", flat=True)


changes.shown_on(Measure, lambda measure: [measure.plan_id])
changes.shown_on(Benefit, lambda benefit: [benefit.plan_id])
for _row in (Target, Reading):
    changes.shown_on(_row, lambda row: _plans_of_measures(pk=row.measure_id))
changes.shown_on(
    DismissedSuggestion,
    lambda dismissed: (
        Section.objects.filter(pk=dismissed.section_id).values_list("plan_id", flat=True)
        if dismissed.section_id
        else Action.objects.filter(pk=dismissed.action_id).values_list("plan_id", flat=True)
    ),
)
