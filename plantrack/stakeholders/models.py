"""The stakeholder database (seed 002: "a corporate stakeholder database … within data
protection constraints"): the organisations a force or council works with, the people who hold
roles in them, every contact with them, and the controls UK GDPR and the Data Protection Act
2018 require of a contact database.

Who the data is about decides where it lives:
- **Organisations** are the directory's (``directory.Organisation``); a ``Stakeholder`` row is
  one database's relationship with one of them: its category, relationship owner, influence and
  interest, the areas it is active in, how often it should hear from us. The communities an
  organisation serves are group descriptors (``engagement.OrganisationCommunity``), never held
  on a person.
- **Contacts** are people. Their personal fields (email, phone, address, notes) are read only by
  those who need them (services and selectors say who), every such read is logged, and the
  person can be exported (subject access), anonymised (retention) or erased — erasure reaches
  the audit history too and leaves an ``Erasure`` row that holds no personal data.
- **Roles** ("Chair") belong to the stakeholder organisation, and a contact holds them: when the
  chair changes, the contact point stays and only its holder changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plantrack.core.models import bounded_text, bounded_title
from plantrack.directory.models import Area, Organisation, Person
from plantrack.engagement.models import Activity

# The personal fields of a contact: read only by those with a need to know (selectors.py).
PERSONAL_FIELDS = ("email", "phone", "address", "notes")


class Database(models.Model):
    """One organisation's stakeholder database: the organisation is its data controller."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="stakeholder_database"
    )
    description = bounded_text(blank=True)
    # Where the data protection officer is reached: an office address, not a person's.
    dpo_contact = models.CharField("data protection officer contact", max_length=300, blank=True)
    # Moved by every write to the database or anything in it (services._save), so pages
    # computed from it are cached under it.
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"Stakeholders of {self.organisation.name}"

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:database", args=[self.pk])


class DatabaseRole(models.Model):
    """Contact managers and data stewards: the roles with a need to know personal fields."""

    class Role(models.TextChoices):
        CONTACT_MANAGER = "contact_manager", "Contact manager: keeps contacts and their details"
        DATA_STEWARD = (
            "data_steward",
            "Data steward: retention, subject access, erasure, the access log",
        )

    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stakeholder_roles"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["database", "user", "role"], name="unique_stakeholder_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.get_role_display().split(':')[0]}"


class Level(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


class Stakeholder(models.Model):
    """One database's relationship with an organisation of the directory."""

    class Category(models.TextChoices):
        COMMUNITY = "community", "Community group"
        FAITH = "faith", "Faith group"
        RESIDENTS = "residents", "Residents' or tenants' association"
        EDUCATION = "education", "School, college or PRU"
        BUSINESS = "business", "Business"
        YOUTH = "youth", "Youth service"
        CHARITY = "charity", "Charity or voluntary group"
        ADVISORY = "advisory", "Advisory or independent group"
        STATUTORY = "statutory", "Statutory partner"
        OTHER = "other", "Other"

    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="stakeholders")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="stakeholder_links"
    )
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    owner = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stakeholders_owned",
        verbose_name="relationship owner",
        help_text="The member of staff who keeps this relationship",
    )
    # The latest rating (Rating keeps each one): written by services.stakeholder_rate.
    influence = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    interest = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    contact_every_days = models.PositiveSmallIntegerField(
        "expected contact (days)",
        null=True,
        blank=True,
        help_text="How often we should be in touch, e.g. 90 for once a quarter",
    )
    # Written by the interaction services: lists sort and flag without reading interactions.
    last_contact_on = models.DateField(null=True, blank=True, editable=False)
    # The day by which the next contact is expected (last contact + contact_every_days; the
    # day it was set when never contacted); null when no frequency is set.
    contact_due_on = models.DateField(null=True, blank=True, editable=False, db_index=True)
    areas = models.ManyToManyField(Area, blank=True, related_name="stakeholders")
    notes = bounded_text("about the relationship", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["last_contact_on", "contact_due_on"])

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["database", "organisation"], name="unique_stakeholder_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.organisation.name

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:stakeholder", args=[self.pk])


class Rating(models.Model):
    """Influence and interest as assessed on a day: appended, so a re-assessment keeps the
    earlier ones."""

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="ratings")
    influence = models.PositiveSmallIntegerField(choices=Level.choices)
    interest = models.PositiveSmallIntegerField(choices=Level.choices)
    rated_on = models.DateField()
    reason = bounded_title(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-rated_on", "-id"]


class PrivacyNotice(models.Model):
    """A version of the privacy notice the database's contacts are given (UK GDPR arts 13–14)."""

    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="privacy_notices")
    version = models.CharField(max_length=40)
    published_on = models.DateField()
    url = models.URLField("address of the notice", blank=True)
    text = bounded_text("text of the notice")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["database", "version"], name="unique_notice_version")
        ]

    def __str__(self) -> str:
        return f"Privacy notice {self.version} ({self.published_on:%d %B %Y})"


class ContactKind(models.TextChoices):
    """Kinds of contact, each with its retention period (RetentionRule)."""

    REPRESENTATIVE = "representative", "Community representative"
    PROFESSIONAL = "professional", "Partner professional"
    RESIDENT = "resident", "Resident"
    BUSINESS = "business", "Business contact"
    ELECTED = "elected", "Elected representative"
    OTHER = "other", "Other"


class Contact(models.Model):
    """A person the database holds. Their personal fields are PERSONAL_FIELDS."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        REVIEW = "review", "Due for retention review"
        ANONYMISED = "anonymised", "Anonymised"
        MERGED = "merged", "Merged into another contact"

    # Not shown in lists or searches, not exported: anonymised, or merged into another.
    HIDDEN = (State.ANONYMISED, State.MERGED)

    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ContactKind.choices, default=ContactKind.OTHER)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = bounded_title(blank=True)
    notes = bounded_text(blank=True)
    areas = models.ManyToManyField(Area, blank=True, related_name="stakeholder_contacts")
    # Preferences, honoured by every export and mailing list.
    do_not_contact = models.BooleanField(default=False)
    by_email = models.BooleanField("may be emailed", default=True)
    by_phone = models.BooleanField("may be phoned", default=True)
    by_post = models.BooleanField("may be written to", default=True)
    email_bounced_on = models.DateField(null=True, blank=True)
    verified_on = models.DateField(
        null=True, blank=True, help_text="When the details were last confirmed as right"
    )
    # Where the contact came from: a borough's list, a meeting, a referral.
    source = models.CharField(max_length=200, blank=True)
    # Collected from someone else (another organisation's list): the privacy notice must reach
    # them within a month (UK GDPR art 14(3)(a)).
    from_third_party = models.BooleanField(default=False)
    notice = models.ForeignKey(
        PrivacyNotice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name="privacy notice given",
    )
    notice_given_on = models.DateField(null=True, blank=True)
    notice_due_on = models.DateField(null=True, blank=True, db_index=True)
    # Written by the interaction services, for retention and the lists.
    last_interaction_on = models.DateField(null=True, blank=True, editable=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.ACTIVE)
    # A data steward's decision at a retention review that the contact is still needed.
    kept_on = models.DateField("kept at review on", null=True, blank=True)
    kept_reason = bounded_title("why kept", blank=True)
    # Retention (retention.py): put up for review on, and anonymised after, these days.
    review_from = models.DateField(null=True, blank=True, editable=False)
    anonymise_on = models.DateField(null=True, blank=True, editable=False, db_index=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Keys for finding duplicates (duplicates.py), written with the fields they come from.
    name_key = models.CharField(max_length=200, blank=True, editable=False)
    surname_key = models.CharField(max_length=100, blank=True, editable=False)
    # The first name, for the search. A database default, so rows written in bulk (the
    # bench's) need not name it.
    given_key = models.CharField(max_length=100, blank=True, editable=False, db_default="")
    phone_key = models.CharField(max_length=20, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=[
            "last_interaction_on",
            "review_from",
            "anonymise_on",
            "name_key",
            "surname_key",
            "given_key",
            "phone_key",
        ]
    )

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["database", "name"], name="stakeholders_contact_name"),
            models.Index(fields=["database", "email"], name="stakeholders_contact_email"),
            models.Index(fields=["database", "state"], name="stakeholders_contact_state"),
            # The search keys, with what a search filters and orders by: a search is counted
            # and paged from these alone (selectors.SearchResults).
            models.Index(
                fields=["database", "surname_key", "state", "name"],
                name="stakeholders_contact_surname",
            ),
            models.Index(
                fields=["database", "given_key", "state", "name"], name="stakeholders_contact_given"
            ),
            models.Index(fields=["database", "phone_key"], name="stakeholders_contact_phone"),
            models.Index(
                fields=["database", "name_key", "state", "name"],
                name="stakeholders_contact_namekey",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:contact", args=[self.pk])

    @property
    def is_anonymised(self) -> bool:
        return self.state == self.State.ANONYMISED

    @property
    def is_hidden(self) -> bool:
        return self.state in self.HIDDEN


class Role(models.Model):
    """A role at a stakeholder organisation ("Chair"), held by a contact or vacant: the contact
    point stays when the person changes."""

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(max_length=200)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="roles"
    )
    since = models.DateField(null=True, blank=True)
    main = models.BooleanField(
        "main contact point", default=False, help_text="The first role to contact"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-main", "title", "id"]

    def __str__(self) -> str:
        return f"{self.title}, {self.stakeholder}"


class List(models.Model):
    """A group or mailing list, in a tree ("Residents → directly affected")."""

    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="lists")
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = bounded_title(blank=True)
    contacts = models.ManyToManyField(Contact, blank=True, related_name="lists")
    stakeholders = models.ManyToManyField(Stakeholder, blank=True, related_name="lists")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["database", "parent", "name"], name="unique_list_name")
        ]

    def __str__(self) -> str:
        return self.name


class LawfulBasis(models.TextChoices):
    """UK GDPR art 6(1). A police force or council holds most contacts for its public task;
    consent only where it truly applies (a newsletter)."""

    PUBLIC_TASK = "public_task", "Public task"
    CONSENT = "consent", "Consent"
    LEGITIMATE_INTERESTS = "legitimate", "Legitimate interests"
    LEGAL_OBLIGATION = "legal", "Legal obligation"
    CONTRACT = "contract", "Contract"
    VITAL_INTERESTS = "vital", "Vital interests"


class Purpose(models.Model):
    """A purpose the database holds contacts for, with the lawful basis it usually rests on."""

    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="purposes")
    name = models.CharField(max_length=200)
    description = bounded_title(blank=True)
    default_basis = models.CharField(
        max_length=20, choices=LawfulBasis.choices, default=LawfulBasis.PUBLIC_TASK
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["database", "name"], name="unique_purpose_name")
        ]

    def __str__(self) -> str:
        return self.name


class Basis(models.Model):
    """The lawful basis (UK GDPR art 6) for holding one contact for one purpose. Consent is
    recorded with when, how and the words shown, and can be withdrawn."""

    Kind = LawfulBasis

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="bases")
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="bases")
    kind = models.CharField("lawful basis", max_length=20, choices=Kind.choices)
    consent_on = models.DateField("consent given on", null=True, blank=True)
    consent_source = models.CharField("how consent was given", max_length=200, blank=True)
    consent_wording = bounded_title("the words shown", blank=True)
    withdrawn_on = models.DateField("consent withdrawn on", null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["purpose__name"]
        verbose_name_plural = "bases"
        constraints = [
            models.UniqueConstraint(fields=["contact", "purpose"], name="unique_basis_purpose")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.purpose}"

    @property
    def is_active(self) -> bool:
        return not (self.kind == self.Kind.CONSENT and self.withdrawn_on)


class RetentionRule(models.Model):
    """How long a kind of contact is kept after the last interaction, and how long the data
    steward has to review before the contact is anonymised."""

    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="retention")
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    months = models.PositiveSmallIntegerField(default=36)
    warning_days = models.PositiveSmallIntegerField(default=30)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["database", "kind"], name="unique_retention_kind")
        ]


class Interaction(models.Model):
    """A meeting, call, email or event with stakeholders: the timeline of a relationship."""

    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        CALL = "call", "Phone call"
        EMAIL = "email", "Email"
        EVENT = "event", "Event"
        VISIT = "visit", "Visit"
        LETTER = "letter", "Letter"
        OTHER = "other", "Other"

    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="interactions")
    stakeholder = models.ForeignKey(
        Stakeholder,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MEETING)
    date = models.DateField()
    summary = bounded_text()
    issues = bounded_text("issues raised", blank=True)
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="interactions", verbose_name="who took part"
    )
    staff = models.ManyToManyField(
        Person, blank=True, related_name="stakeholder_interactions", verbose_name="our staff"
    )
    # An engagement activity's attendees are interactions of the activity.
    activity = models.ForeignKey(
        Activity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stakeholder_interactions",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["stakeholder", "-date", "-id"], name="stakeholders_timeline"),
            models.Index(fields=["database", "-date"], name="stakeholders_interaction_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.date:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:interaction", args=[self.pk])


class FollowUp(models.Model):
    """Something promised at an interaction, owned by our staff or by a contact."""

    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="follow_ups"
    )
    title = bounded_title()
    due_on = models.DateField()
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name="contact who owns it",
    )
    done = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["done", "due_on", "id"]

    def __str__(self) -> str:
        return self.title[:60]


class AccessLog(models.Model):
    """Who read a contact's personal fields, when and how. Holds the contact's id only, so it
    survives an erasure without keeping anything about the person."""

    class How(models.TextChoices):
        PAGE = "page", "Contact page"
        API = "api", "API"
        EXPORT = "export", "Export"
        SUBJECT_ACCESS = "sar", "Subject-access export"

    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="access_log")
    contact_id = models.PositiveIntegerField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    how = models.CharField(max_length=10, choices=How.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["database", "-at"], name="stakeholders_access_at")]


class Merge(models.Model):
    """Two contacts found to be one person, merged into ``kept``: ``merged`` stays (hidden,
    its history intact) so that the merge can be undone. ``moved`` records what was moved and
    which of kept's fields were filled, with their values before."""

    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="merges")
    kept = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="merges_kept")
    merged = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="merges_into")
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]


class NotDuplicate(models.Model):
    """Two contacts a person said are different people: not offered as duplicates again."""

    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="+")
    first = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="unique_not_duplicate")
        ]


class SubjectAccessRequest(models.Model):
    """A subject-access request (UK GDPR art 15), answered within one month of receipt."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed without an answer"

    database = models.ForeignKey(
        Database, on_delete=models.CASCADE, related_name="subject_access_requests"
    )
    # Null once the person is erased: the case stays, naming no one.
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="access_requests"
    )
    received_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_on = models.DateField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "due_on", "id"]

    def __str__(self) -> str:
        return f"Subject-access request {self.pk}"


class Erasure(models.Model):
    """That a contact was erased, and what was removed, without anything about the person: the
    contact's id is enough to erase them again after a restore from an earlier backup."""

    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="erasures")
    contact_id = models.PositiveIntegerField(db_index=True)
    erased_at = models.DateTimeField(auto_now_add=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Reason(models.TextChoices):
        REQUEST = "request", "Erased at their request"
        RETENTION = "retention", "Anonymised at the end of its retention period"
        STEWARD = "steward", "Anonymised by a data steward"

    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.REQUEST)
    # Rows removed or redacted, by table: {"stakeholders_contact": 1, …}.
    rows = models.JSONField(default=dict)

    class Meta:
        ordering = ["-erased_at", "-id"]

    @property
    def row_total(self) -> int:
        return sum(self.rows.values())
