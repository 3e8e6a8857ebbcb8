from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from plantrack.core import changes
from plantrack.core.models import Rag, bounded_text, bounded_title, fuzzy_date_fields
from plantrack.directory.models import Organisation, Person


class Plan(models.Model):
    class Kind(models.TextChoices):
        ACTION_PLAN = "action_plan", "Action plan"
        DELIVERY_PLAN = "delivery_plan", "Delivery plan"
        IMPLEMENTATION_PLAN = "implementation_plan", "Implementation plan"
        WORKPLAN = "workplan", "Workplan"
        STRATEGY = "strategy", "Strategy"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"
        ARCHIVED = "archived", "Archived"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public: everyone signed in can read it"
        ORGANISATION = "organisation", "Organisation: members of the owning organisation"
        RESTRICTED = "restricted", "Restricted: only people given a role on the plan"

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.ACTION_PLAN)
    summary = bounded_text(blank=True)
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="plans"
    )
    period_text, period_earliest, period_latest, period_kind = fuzzy_date_fields("period")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.ORGANISATION
    )
    reports_to = models.CharField(
        "reports to", max_length=200, blank=True, help_text="The governance body it reports to"
    )
    source_document = models.CharField(max_length=300, blank=True)
    update_interval_days = models.PositiveSmallIntegerField(
        default=30, help_text="Owners are asked for an update when none is posted for this long"
    )
    measures_suggest_rag = models.BooleanField(
        "measures suggest RAG",
        default=False,
        help_text="Show owners the RAG their action's measures point to (never set it for them)",
    )
    # Bumped by every service that changes what the plan's lists show; cache keys carry it.
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class PlanRole(models.Model):
    class Role(models.TextChoices):
        MANAGER = "manager", "Manager: edits the plan and everything in it"
        CONTRIBUTOR = "contributor", "Contributor: posts updates on actions they own"
        VIEWER = "viewer", "Viewer: reads the plan"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_roles"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "user"], name="unique_plan_role")]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.plan}"


class Live(models.Manager):
    """The rows not deleted: the default manager of sections and actions, so every list,
    count, pack and feed leaves deleted ones out. ``all_objects`` reaches them (restore, the
    deleted list); a foreign key still resolves to a deleted row (history keeps its name)."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


def deletion_fields() -> tuple[models.Field, models.Field, models.Field]:
    """When, by whom and why a section or action was deleted (soft: a manager restores it).

    ``deleted_at`` has no index of its own: nearly every row is NULL, and SQLite (not
    ANALYZEd) would lead queries with it and read every action in the nation (the search
    for an owner's name took 480 ms so, docs/benchmarks.md)."""
    return (
        models.DateTimeField(null=True, blank=True, editable=False),
        models.ForeignKey(
            settings.AUTH_USER_MODEL,
            null=True,
            blank=True,
            editable=False,
            on_delete=models.SET_NULL,
            related_name="+",
        ),
        models.CharField(max_length=500, blank=True, editable=False),
    )


class Section(models.Model):
    """A theme, initiative or workstream of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=300)
    description = bounded_text(blank=True)
    position = models.PositiveIntegerField(default=0)
    # Moves on with every save: edit forms compare it (core/concurrency.py).
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at, deleted_by, deleted_reason = deletion_fields()
    history = HistoricalRecords()

    all_objects = models.Manager()
    objects = Live()

    class Meta:
        ordering = ["plan", "position", "id"]
        base_manager_name = "all_objects"
        default_manager_name = "objects"

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        ONGOING = "ongoing", "Ongoing / BAU"
        CANCELLED = "cancelled", "Cancelled"

    CLOSED_STATUSES = (Status.COMPLETE, Status.CANCELLED)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    position = models.PositiveIntegerField(default=0)
    ref = models.CharField(
        "reference", max_length=50, blank=True, help_text="As written in the plan, e.g. YC/INT/1"
    )
    title = bounded_title()
    description = bounded_text(blank=True)
    strategy_refs = models.CharField("strategy cross-reference", max_length=200, blank=True)
    owner_text = models.CharField(
        "owner (as written)", max_length=300, blank=True, help_text="The owner cell as written"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    rag = models.CharField("RAG", max_length=10, choices=Rag.choices, blank=True)
    start_text, start_earliest, start_latest, start_kind = fuzzy_date_fields("start")
    review_text, review_earliest, review_latest, review_kind = fuzzy_date_fields("review")
    due_text, due_earliest, due_latest, due_kind = fuzzy_date_fields("due")
    # Denormalised by the services so that every list can filter and sort without joins.
    last_update_on = models.DateField(null=True, blank=True)
    update_due_on = models.DateField(null=True, blank=True, db_index=True)
    owners = models.ManyToManyField(Person, through="ActionOwner", related_name="actions")
    organisations = models.ManyToManyField(
        Organisation, through="ActionOrganisation", related_name="actions"
    )
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at, deleted_by, deleted_reason = deletion_fields()
    history = HistoricalRecords(m2m_fields=[depends_on])

    all_objects = models.Manager()
    objects = Live()

    class Meta:
        ordering = ["plan", "position", "id"]
        base_manager_name = "all_objects"
        default_manager_name = "objects"
        indexes = [
            models.Index(fields=["plan", "rag"]),
            models.Index(fields=["plan", "status"]),
            models.Index(fields=["plan", "ref"]),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title[:60]}".strip()

    def long_label(self, length: int | None = None) -> str:
        """ "Action 1 (Initiative 2): Present proposals…", for where an action is named away
        from its plan's page: refs restart in each section of some plans (seed 004's
        initiatives), so the section tells apart two "Action 1"s. Reads ``section``."""
        where = f" ({self.section.title})" if self.section is not None else ""
        ref = f" {self.ref}" if self.ref else ""
        title = self.title if length is None else self.title[:length]
        return f"Action{ref}{where}: {title}"

    @property
    def lead_names(self) -> list[str]:
        """The lead organisations' short names, in order. Reads the prefetched ``agencies``."""
        return [
            a.organisation.short_name or a.organisation.name
            for a in self.agencies.all()
            if a.role == ActionOrganisation.Role.LEAD
        ]

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES


class ActionOwner(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="ownerships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="ownerships")
    position = models.PositiveSmallIntegerField(default=0)
    # The post held when the action was given, so ownership still reads right after a move.
    post = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "person"], name="unique_action_owner")
        ]


class ActionOrganisation(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        SUPPORTING = "supporting", "Supporting"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="agencies")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="action_roles"
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "organisation"], name="unique_action_organisation"
            )
        ]


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = bounded_title()
    due_text, due_earliest, due_latest, due_kind = fuzzy_date_fields("due")
    done = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    # Moves on with every save: edit forms compare it (core/concurrency.py).
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Update(models.Model):
    """A dated progress update. Append-only: a correction is a new update."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(null=True, blank=True, help_text="The day the update reports on")
    rag = models.CharField("RAG", max_length=10, choices=Rag.choices, blank=True)
    status = models.CharField(max_length=20, choices=Action.Status.choices, blank=True)
    narrative = bounded_text()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="updates",
    )
    author_name = models.CharField(max_length=200, blank=True, help_text="As recorded")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "-created_at", "-id"]
        indexes = [models.Index(fields=["action", "-date", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.date}: {self.narrative[:60]}"


# --- What plan pages show (core/changes.py) --------------------------------------------------


def _move_versions(plan_ids: set[int]) -> None:
    Plan.objects.filter(pk__in=plan_ids).update(version=models.F("version") + 1)


def _plans_of_actions(**lookup):
    return Action.objects.filter(**lookup).values_list("plan_id", flat=True)


changes.versions_kept_by(_move_versions)
changes.shown_on(Plan, lambda plan: [plan.pk])
changes.shown_on(Section, lambda section: [section.plan_id])
changes.shown_on(Action, lambda action: [action.plan_id])
for _link in (ActionOwner, ActionOrganisation, Milestone, Update):
    changes.shown_on(_link, lambda row: _plans_of_actions(pk=row.action_id))
# Plans name the people owning their actions and the organisations leading or supporting them.
changes.shown_on(
    Person,
    lambda person: ActionOwner.objects.filter(person=person).values_list(
        "action__plan_id", flat=True
    ),
    linked_later=True,
)
changes.shown_on(
    Organisation,
    lambda organisation: [
        *ActionOrganisation.objects.filter(organisation=organisation).values_list(
            "action__plan_id", flat=True
        ),
        # Lists and the home page name a plan's owning organisation.
        *Plan.objects.filter(owner_organisation=organisation).values_list("pk", flat=True),
    ],
    linked_later=True,
)
