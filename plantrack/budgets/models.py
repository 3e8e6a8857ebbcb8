"""Budget lines with amounts per financial year, funding bids and their decisions, spend."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from plantrack.core import changes
from plantrack.core.finyears import fy_label
from plantrack.core.models import bounded_text
from plantrack.directory.models import Organisation
from plantrack.plans.models import Plan, Section

YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]
# Budgets and spend are amounts of money spent: a saving or refund is recorded by correcting
# the figure, never as a negative amount that would hide an overspend in a total.
NOT_NEGATIVE = [MinValueValidator(Decimal("0"), "Enter an amount of zero or more.")]


def money_field(verbose_name: str = "amount (£)", **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, validators=NOT_NEGATIVE, **kwargs
    )


def year_field(**kwargs) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        "financial year",
        validators=YEAR_VALIDATORS,
        help_text="The year it starts in: 2013 for 2013/14",
        **kwargs,
    )


class Category(models.TextChoices):
    SET_UP = "set_up", "Set-up"
    OPERATING = "operating", "Operating"
    CAPITAL = "capital", "Capital"
    STAFF = "staff", "Staff"
    OTHER = "other", "Other"


def _section_in_plan(instance) -> None:
    if instance.section_id and instance.section.plan_id != instance.plan_id:
        raise ValidationError({"section": "Choose an initiative of this plan."})


class BudgetLine(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_lines")
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_lines",
        verbose_name="initiative",
    )
    name = models.CharField(max_length=300)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    assumption = bounded_text(blank=True, help_text="How the amounts were worked out")
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _section_in_plan(self)


class BudgetAmount(models.Model):
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="amounts")
    financial_year = year_field()
    amount = money_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "financial_year"], name="unique_budget_amount_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.line}: {fy_label(self.financial_year)} £{self.amount}"


class Funding(models.Model):
    """A bid for money to a funder, and what became of it."""

    class Status(models.TextChoices):
        DRAFTED = "drafted", "Drafted"
        SUBMITTED = "submitted", "Submitted"
        DECISION_PENDING = "decision_pending", "Decision pending"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    DECISIONS = (Status.APPROVED, Status.DECLINED)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="funding")
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding",
        verbose_name="initiative",
    )
    funder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="funding")
    title = models.CharField("what it is for", max_length=300)
    amount = money_field("amount asked for (£)")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFTED)
    status_date = models.DateField("date of the latest step")
    decision_record = bounded_text(blank=True)
    decided_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-status_date", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.funder})"

    def clean(self) -> None:
        _section_in_plan(self)


class FundingStep(models.Model):
    """One dated step in a bid's life. Append-only: the bid's story is never rewritten."""

    funding = models.ForeignKey(Funding, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=20, choices=Funding.Status.choices)
    date = models.DateField()
    note = bounded_text(blank=True)
    decision_record = bounded_text(blank=True)
    decided_by = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["funding", "date", "id"]


class Spend(models.Model):
    """Money spent on a budget line in a financial year; several entries add up."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="spend")
    financial_year = year_field()
    amount = money_field()
    date_recorded = models.DateField()
    note = bounded_text(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "financial_year", "date_recorded", "id"]
        indexes = [models.Index(fields=["line", "financial_year"])]

    def __str__(self) -> str:
        return f"{self.line}: {fy_label(self.financial_year)} spent £{self.amount}"


# --- What plan pages show (core/changes.py) --------------------------------------------------


changes.shown_on(BudgetLine, lambda line: [line.plan_id])
changes.shown_on(Funding, lambda funding: [funding.plan_id])
for _row in (BudgetAmount, Spend):
    changes.shown_on(
        _row,
        lambda row: BudgetLine.objects.filter(pk=row.line_id).values_list("plan_id", flat=True),
    )
changes.shown_on(
    FundingStep,
    lambda step: Funding.objects.filter(pk=step.funding_id).values_list("plan_id", flat=True),
)
