from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class CurrentManager(models.Manager):
    """Entries still in use: one merged into another (directory clean-up) keeps its row and
    its history but leaves every list and picker. ``all_objects`` finds it too."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(merged_into__isnull=True)


class EveryEntryManager(models.Manager):
    """Every entry, merged ones too (their pages, the merge and its undo)."""


class Organisation(models.Model):
    """A force, council, trust, charity or one of their units. Organisations form a tree."""

    class Kind(models.TextChoices):
        POLICE_FORCE = "police_force", "Police force"
        COUNCIL = "council", "Council"
        PROBATION = "probation", "Probation"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        VOLUNTARY = "voluntary", "Voluntary sector"
        GOVERNMENT = "government", "Government"
        PARTNERSHIP = "partnership", "Partnership"
        UNIT = "unit", "Unit or team"
        OTHER = "other", "Other"

    # Unique beneath its parent only: many forces have a unit called "OCC".
    name = models.CharField(max_length=200, db_index=True)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = CurrentManager()
    all_objects = EveryEntryManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:organisation", args=[self.pk])


class Person(models.Model):
    """Someone who owns actions. A post-only entry (no name yet) keeps ownership with the role."""

    name = models.CharField(max_length=200, blank=True)
    rank = models.CharField(max_length=50, blank=True, help_text="Police rank, e.g. DCI")
    job_title = models.CharField(max_length=200, blank=True)
    post = models.CharField(
        max_length=200, blank=True, help_text="The role held, which stays when the person moves"
    )
    staff_number = models.CharField(max_length=30, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    email = models.EmailField(blank=True)
    # Mail (digests, chases) goes only to an address its holder has confirmed, or one a site
    # admin or the person's own user set: anyone could otherwise redirect someone's mail.
    email_verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    phone = models.CharField(max_length=40, blank=True)
    spoc = models.BooleanField("single point of contact", default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = CurrentManager()
    all_objects = EveryEntryManager()

    class Meta:
        ordering = ["name", "post"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["staff_number"])]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("directory:person", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.format_name(self.name, self.rank, self.post)

    @property
    def verified_email(self) -> str:
        """The address mail may go to: empty unless it has been confirmed, and unless the
        person belongs to an organisation, whose members alone may change the entry (an entry
        with no organisation can be written by anyone who keeps the directory)."""
        if self.email and self.email_verified_at and self.organisation_id is not None:
            return self.email
        return ""

    @staticmethod
    def format_name(name: str, rank: str, post: str) -> str:
        if name:
            return f"{rank} {name}".strip()
        return post or "Unnamed person"


class Membership(models.Model):
    """A user belongs to an organisation: they can see its plans that are not restricted. A
    manager of an organisation also invites people into it (and into the units beneath it)."""

    class Role(models.TextChoices):
        MEMBER = "member", "Member: sees the organisation's plans and keeps its directory entries"
        MANAGER = "manager", "Manager: a member who also invites people into the organisation"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}"


class Invitation(models.Model):
    """An email asking someone to join an organisation with a role. The link mailed to them is
    used once (``accepted_at``) before ``expires_at``; accepting sets their password, makes the
    user active and the membership (services.invitation_accept)."""

    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(max_length=10, choices=Membership.Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"


class Area(models.Model):
    """A place: force area → borough (BOCU, with its code) → ward. Shared by every app.

    ``path`` holds the ids from the top down ("/1/5/23/"), so an area's subtree is one
    indexed ``startswith`` and a count held at ward level rolls up to its borough and force
    once, however deep the tree."""

    class Level(models.TextChoices):
        FORCE = "force", "Force area"
        BOROUGH = "borough", "Borough (BOCU)"
        WARD = "ward", "Ward"

    LEVEL_ORDER = {Level.FORCE: 0, Level.BOROUGH: 1, Level.WARD: 2}

    name = models.CharField(max_length=200)
    level = models.CharField(max_length=10, choices=Level.choices)
    code = models.CharField(
        max_length=20, blank=True, help_text="The local code as used, e.g. SX for Barnet BOCU"
    )
    ons_code = models.CharField(
        "ONS code", max_length=9, blank=True, help_text="e.g. E09000003 (borough), E05… (ward)"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="areas",
        help_text="Who keeps this area's entry (its force or council)",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["path"])

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="unique_area_name_in_parent",
            ),
            models.UniqueConstraint(
                fields=["ons_code"],
                condition=~models.Q(ons_code=""),
                name="unique_area_ons_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:area", args=[self.pk])

    @property
    def depth(self) -> int:
        return self.LEVEL_ORDER[self.Level(self.level)]


class MergeRecord(models.Model):
    """One entry merged into another (people or organisations): what moved, so it can be
    undone. ``moved`` maps a link model's label and field ("plans.actionowner.person") to the
    ids of its rows that were re-pointed; ``dropped`` holds, serialised, the rows that would
    have duplicated one of the kept entry's (the same person owning an action twice), deleted
    and restored by an undo; ``user_moved``: the merged person's user account link moved too."""

    class Kind(models.TextChoices):
        PERSON = "person", "People"
        ORGANISATION = "organisation", "Organisations"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    kept_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merged_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kept_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merged_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moved = models.JSONField(default=dict, blank=True)
    dropped = models.JSONField(default=list, blank=True)
    user_moved = models.BooleanField(default=False)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-merged_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.merged} merged into {self.kept}"

    @property
    def kept(self) -> Person | Organisation | None:
        return self.kept_person if self.kind == self.Kind.PERSON else self.kept_organisation

    @property
    def merged(self) -> Person | Organisation | None:
        return self.merged_person if self.kind == self.Kind.PERSON else self.merged_organisation


class DuplicateDismissal(models.Model):
    """Two entries someone said are not the same: the duplicates finder offers them no more.
    The pair is kept lowest id first."""

    kind = models.CharField(max_length=20, choices=MergeRecord.Kind.choices)
    first_id = models.PositiveIntegerField()
    second_id = models.PositiveIntegerField()
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "first_id", "second_id"], name="unique_duplicate_dismissal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.first_id} and {self.second_id} are not the same"
