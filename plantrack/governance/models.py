"""Governance bodies (boards, steering groups), what they oversee, their meetings, the decisions
and sign-offs they record, and the owners' commentary for each reporting period."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from plantrack.budgets.models import BudgetLine
from plantrack.core import changes
from plantrack.core.models import bounded_text
from plantrack.directory.models import Organisation, Person
from plantrack.measures.models import Measure
from plantrack.plans.models import Action, Plan, Section


class Body(models.Model):
    class Kind(models.TextChoices):
        BOARD = "board", "Board"
        PROGRAMME_BOARD = "programme_board", "Programme board"
        STEERING_GROUP = "steering_group", "Steering group"
        WORKING_GROUP = "working_group", "Working group"
        OTHER = "other", "Other"

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        BIMONTHLY = "bimonthly", "Every two months"
        QUARTERLY = "quarterly", "Quarterly"
        TWICE_YEARLY = "twice_yearly", "Twice a year"
        AS_NEEDED = "as_needed", "As needed"
        NOT_STATED = "not_stated", "Not stated"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=50, blank=True, help_text="E.g. BASBAG, SIG")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.BOARD)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bodies",
        help_text="The organisation that hosts it, if any",
    )
    chair = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="bodies_chaired"
    )
    # As the documents say it when no person is named: "chaired by the police".
    chair_text = models.CharField("chair (as written)", max_length=200, blank=True)
    members = models.ManyToManyField(
        Person, through="BodyMember", related_name="bodies", blank=True
    )
    terms_of_reference = bounded_text(blank=True)
    cadence = models.CharField(
        "meets", max_length=20, choices=Cadence.choices, default=Cadence.QUARTERLY
    )
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reporting_bodies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # A body cannot report to itself, directly or through others (the tree has no loops).
        seen, parent = {self.pk}, self.reports_to
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError({"reports_to": "A body cannot report to itself."})
            seen.add(parent.pk)
            parent = parent.reports_to


class BodyMember(models.Model):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="body_memberships")
    role = models.CharField(max_length=200, blank=True, help_text="E.g. strategic lead, SPOC")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["body", "person"], name="unique_body_member")
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.body}"


class Oversight(models.Model):
    """A body oversees a plan, or one section (initiative) of it, with a strategic lead."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="oversights")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="oversights")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.CASCADE, related_name="oversights"
    )
    lead = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="oversights_led",
        help_text="The strategic lead for it",
    )
    lead_text = models.CharField("lead (as written)", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["body", "plan"],
                condition=models.Q(section__isnull=True),
                name="unique_plan_oversight",
            ),
            models.UniqueConstraint(fields=["body", "section"], name="unique_section_oversight"),
        ]

    def __str__(self) -> str:
        return f"{self.body} oversees {self.section or self.plan}"


class Meeting(models.Model):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    notes = bounded_text(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves on with every save: edit forms compare it (core/concurrency.py).
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["body", "date"])]

    def __str__(self) -> str:
        return self.title or f"{self.body} on {self.date:%d %b %Y}"


class Subject(models.Model):
    """What an agenda item or a decision is about: at most one of a plan, section, action,
    measure or budget line (none: the body's own business)."""

    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    budget_line = models.ForeignKey(
        BudgetLine, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    # The plan the subject is, or belongs to, set by the services: "everything a body said about
    # this plan" is then one indexed lookup, for the plan's pages, its history and its packs.
    subject_plan = models.ForeignKey(
        Plan,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="plan concerned",
    )

    SUBJECTS = ("plan", "section", "action", "measure", "budget_line")

    class Meta:
        abstract = True

    @property
    def subject(self):
        for name in self.SUBJECTS:
            if getattr(self, f"{name}_id") is not None:
                return getattr(self, name)
        return None

    def clean(self) -> None:
        chosen = [name for name in self.SUBJECTS if getattr(self, f"{name}_id") is not None]
        if len(chosen) > 1:
            raise ValidationError("Point at one thing: a plan, section, action, measure or line.")


class AgendaItem(Subject):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Decision(Subject):
    """A decision or sign-off recorded by a body ("BASBAG agree delivery model")."""

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        SIGN_OFF = "sign_off", "Sign-off"
        NOTED = "noted", "Noted"

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="decisions")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DECISION)
    text = bounded_text()
    decided_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves on with every save: edit forms compare it (core/concurrency.py).
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["plan", "decided_on"]),
            models.Index(fields=["action", "decided_on"]),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Commentary(models.Model):
    """An owner's commentary on an action for a reporting period ("2022/23-Q2"): needed before
    a pack is final for every red, amber, overdue or off-track item. The latest per action and
    period counts; earlier versions stay in its history."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="commentaries")
    period = models.CharField(max_length=12, help_text="A financial-year quarter: 2022/23-Q2")
    text = bounded_text()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "period"], name="unique_commentary")
        ]
        indexes = [models.Index(fields=["period", "action"])]

    def __str__(self) -> str:
        return f"{self.action} {self.period}"


class Chase(models.Model):
    """A plan manager asked an owner for their missing commentary (one click, one email)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="chases")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chases")
    period = models.CharField(max_length=12)
    items = models.PositiveIntegerField(default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["plan", "period"])]


# --- What plan pages show (core/changes.py) --------------------------------------------------


def _subject_plans(row: Subject) -> list[int | None]:
    """The plan a decision or agenda item is about, before and after a change: a correction
    may move it from one plan to another."""
    stored = type(row)._default_manager.filter(pk=row.pk).values_list("subject_plan_id", flat=True)
    return [row.subject_plan_id, *(stored if row.pk else [])]


# A body's name shows on the pages of the plans it oversees or has decided about; a meeting's
# on those of the plans its decisions are about.
changes.shown_on(
    Body,
    lambda body: [
        *Oversight.objects.filter(body=body).values_list("plan_id", flat=True),
        *Decision.objects.filter(body=body).values_list("subject_plan_id", flat=True),
    ],
    linked_later=True,
)
changes.shown_on(Oversight, lambda oversight: [oversight.plan_id])
changes.shown_on(
    Meeting,
    lambda meeting: Decision.objects.filter(meeting=meeting).values_list(
        "subject_plan_id", flat=True
    ),
    linked_later=True,
)
changes.shown_on(AgendaItem, _subject_plans)
changes.shown_on(Decision, _subject_plans)
changes.shown_on(
    Commentary,
    lambda commentary: Action.objects.filter(pk=commentary.action_id).values_list(
        "plan_id", flat=True
    ),
)
