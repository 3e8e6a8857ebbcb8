"""The engagement register (seed 002, Table 2): activities, what they produced, what changed.

Communities are group descriptors held on activities and organisations ("young people 14-25",
"Deaf, deafened and hard of hearing community"), never on individual people: that would make
the directory hold special-category data about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plantrack.core import changes
from plantrack.core.models import Rag, bounded_text, bounded_title, fuzzy_date_fields
from plantrack.directory.models import Area, Organisation, Person
from plantrack.plans.models import Action, Plan


class Register(models.Model):
    """One organisation's register of engagement activity."""

    title = models.CharField(max_length=300)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="engagement_registers"
    )
    description = bounded_text(blank=True)
    source_document = models.CharField(max_length=300, blank=True)
    # Moved by every engagement service that writes to the register or anything in it
    # (services._save, _delete), so pages computed from it (the evaluation) are cached under it.
    version = models.PositiveIntegerField(default=0, editable=False)
    # What the evaluation's tallies (evaluation/tally.py) were built against: the areas, the
    # lists and the tallies' format; "" until built. Another stamp: rebuilt before use.
    tally_stamp = models.CharField(max_length=120, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "tally_stamp"])

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:register", args=[self.pk])


class RegisterRole(models.Model):
    """Managers edit the whole register; members of its organisation read it."""

    class Role(models.TextChoices):
        MANAGER = "manager", "Manager: edits the register and every activity in it"

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="register_roles"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MANAGER)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["register", "user"], name="unique_register_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.register}"


class Group(models.Model):
    """A business group or unit the register is arranged by ("Serious Crime Directorate")."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["register", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["register", "name"], name="unique_group_name")
        ]

    def __str__(self) -> str:
        return self.name


class Method(models.Model):
    """An engagement method. The list is kept by administrators (seeded from seed 002)."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """A group descriptor ("young people 14-25"). Never linked to a person."""

    name = models.CharField(max_length=150, unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "communities"

    def __str__(self) -> str:
        return self.name


class OrganisationCommunity(models.Model):
    """The communities an organisation serves (a group descriptor, never a person's)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="communities_served"
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "community"], name="unique_organisation_community"
            )
        ]


class Activity(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class Level(models.TextChoices):
        """The IAP2 spectrum of public participation, weakest first."""

        INFORM = "inform", "Inform"
        CONSULT = "consult", "Consult"
        INVOLVE = "involve", "Involve"
        COLLABORATE = "collaborate", "Collaborate"
        EMPOWER = "empower", "Empower"

    # From consult upwards the public has been asked something: say what was done about it.
    NEEDS_OUTCOME = (Level.CONSULT, Level.INVOLVE, Level.COLLABORATE, Level.EMPOWER)

    class CostPeriod(models.TextChoices):
        ONE_OFF = "one-off", "One-off"
        YEAR = "year", "Per year"

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="activities")
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    position = models.PositiveIntegerField(default=0)
    title = bounded_title()
    description = bounded_text(blank=True)
    owner_text = models.CharField(
        "owner (as written)", max_length=300, blank=True, help_text="The owner cell as written"
    )
    owners = models.ManyToManyField(Person, through="ActivityOwner", related_name="+")
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="engagement_partnerships"
    )
    cost_text = models.CharField("cost (as written)", max_length=200, blank=True)
    cost_amount = models.DecimalField(
        "cost (£)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    cost_period = models.CharField(max_length=10, choices=CostPeriod.choices, blank=True)
    cost_financial_year = models.PositiveSmallIntegerField(
        "cost financial year",
        null=True,
        blank=True,
        help_text="The year the financial year starts in: 2026 for 2026/27",
    )
    budget_line = models.ForeignKey(
        "budgets.BudgetLine",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="engagement_activities",
    )
    business_plan_link = models.CharField(
        "link to business plan (as written)", max_length=500, blank=True
    )
    plans = models.ManyToManyField(Plan, blank=True, related_name="engagement_activities")
    actions = models.ManyToManyField(Action, blank=True, related_name="engagement_activities")
    communities_text = bounded_text("communities targeted and rationale", blank=True)
    communities = models.ManyToManyField(Community, blank=True, related_name="activities")
    aim = bounded_text("engagement aim", blank=True)
    method_text = bounded_text("methods (as written)", blank=True)
    methods = models.ManyToManyField(Method, blank=True, related_name="activities")
    level = models.CharField(
        "IAP2 level", max_length=12, choices=Level.choices, blank=True, db_index=True
    )
    areas = models.ManyToManyField(Area, blank=True, related_name="engagement_activities")
    start_text, start_earliest, start_latest, start_kind = fuzzy_date_fields("start")
    end_text, end_earliest, end_latest, end_kind = fuzzy_date_fields("end")
    recurrence = models.CharField(
        max_length=100, blank=True, help_text="e.g. fortnightly, every month, each term"
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    # Denormalised by the services so that lists filter and sort without joins.
    rag = models.CharField("RAG", max_length=10, choices=Rag.choices, blank=True)
    last_update_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[partners, plans, actions, communities, methods, areas])

    class Meta:
        ordering = ["register", "group__position", "position", "id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["register", "status"])]

    def __str__(self) -> str:
        return self.title[:80]

    def get_absolute_url(self) -> str:
        return reverse("engagement:activity", args=[self.pk])


class ActivityOwner(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="ownerships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    # The post held when the activity was given, so ownership still reads right after a move.
    post = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="unique_activity_owner")
        ]


class Output(models.Model):
    """A typed count of what an activity produced ("Took place on 96 wards")."""

    class Kind(models.TextChoices):
        PEOPLE_REACHED = "people_reached", "People reached"
        SESSIONS = "sessions", "Sessions held"
        WARDS = "wards", "Wards covered"
        VOLUNTEERS = "volunteers", "Volunteers recruited"
        REFERRALS = "referrals", "Referrals"
        RESPONSES = "responses", "Survey responses"
        PARTNERS = "partners", "Partner groups involved"
        OTHER = "other", "Other"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    label = models.CharField(max_length=100, blank=True, help_text="What was counted, if other")
    count = models.PositiveIntegerField()
    date = models.DateField(null=True, blank=True, help_text="The day or period end it counts to")
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_text = models.CharField(
        max_length=300, blank=True, help_text="The words the count was found in"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.count} {self.get_kind_display().lower()}"


class Outcome(models.Model):
    """ "You said, we did": what the public asked for and what was done about it."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="outcomes")
    you_said = bounded_text("you said")
    we_did = bounded_text("we did")
    date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.you_said[:60]


class FollowUp(models.Model):
    """Something promised at an activity, with a date and an owner ("a follow-up meeting is held
    6 to 8 weeks later"). Shown in the owner's reminder digest and calendar."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="follow_ups")
    title = bounded_title()
    due_on = models.DateField()
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["done", "due_on", "id"]
        indexes = [models.Index(fields=["owner", "done", "due_on"])]

    def __str__(self) -> str:
        return self.title[:60]


class ActivityUpdate(models.Model):
    """A dated progress update with a RAG, as on actions. Append-only."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField()
    rag = models.CharField("RAG", max_length=10, choices=Rag.choices, blank=True)
    narrative = bounded_text()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.date}: {self.narrative[:60]}"


# --- The evaluation's tallies (evaluation/tally.py) ------------------------------------------
# Counts kept as activities change, so that an evaluation reads a few thousand cells rather
# than every activity in scope. Derived data: rebuilt from the activities whenever in doubt.


class TallyCell(models.Model):
    """What the activities of one group and one span of quarters count for one place (``node``:
    an area's id, or 0 for the whole register): ``counts`` by what is counted (tally.py's
    keys), ``live`` the activities not cancelled (summed in SQL for the places listed)."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="+")
    node = models.IntegerField()
    group = models.IntegerField()  # the group's id, 0 for none
    first_quarter = models.IntegerField()  # tally.quarter_index, LOW for no start
    last_quarter = models.IntegerField()  # HIGH for no end
    live = models.IntegerField(default=0)
    counts = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["register", "node", "group", "first_quarter", "last_quarter"],
                name="engagement_tallycell_unique",
            )
        ]


class TallyEntry(models.Model):
    """What one activity was counted as (its facts, tally.Facts), so that a change takes
    away exactly what it added; and its quality score (completed activities), for the
    evaluation's list of the lowest scoring. ``activity_id`` is a plain number: the entry
    outlives its activity until the deletion is taken away."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="+")
    activity_id = models.IntegerField()
    facts = models.JSONField()
    score = models.SmallIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["register", "activity_id"], name="engagement_tallyentry_unique"
            )
        ]
        indexes = [models.Index(fields=["register", "score"], name="engagement_tally_score")]


class TallyMark(models.Model):
    """An activity changed since it was last counted (services._save and _delete write one;
    tally.refresh counts it again and removes the marks it read)."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="+")
    activity_id = models.IntegerField()


# --- What plan pages show (core/changes.py) --------------------------------------------------
# An action's page lists the activities that deliver it (its "delivery evidence").

changes.shown_on(
    Activity,
    lambda activity: (
        Action.objects.filter(engagement_activities=activity).values_list("plan_id", flat=True)
        if activity.pk
        else []
    ),
    linked_later=True,
)
