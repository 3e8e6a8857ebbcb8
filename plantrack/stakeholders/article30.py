"""The record of processing activities (UK GDPR art 30(1)) of one stakeholder database, built
from what the database holds and what this code base does, never from typed text.

``build`` answers a ``Record``: the controller and its data protection officer; each purpose
with the lawful bases recorded for it (contacts per basis, consent given and withdrawn), the
kinds of contact held for it and the personal data held about them; the same overall; the
categories of data subjects and of personal data; the recipients (the roles with a need to know,
the relationship owners, who can open the database and read contacts' names, and the reads of
personal fields logged in the last 12 months, by how); transfers outside the UK (none); the
retention periods and how many contacts are under review or anonymised; the security measures
the product applies; the privacy notice versions and how many contacts were given each; and the
subject-access requests and erasures of the last 12 months.

Every figure is an aggregate (``annotate``/``aggregate``, grouped by purpose, basis, kind or
how), so the record costs the same fixed number of queries for 3 contacts or 30,000 (tested).
The one walk is up the organisation tree, to count who can open the database: one query
covers five levels (a force → command → unit tree has three), so it is one query in practice.

The record holds counts only, and no one's name, email or phone: its export writes no entry in
the access log, since it reads no one's personal fields.

Export formats: **xlsx and JSON** (``as_xlsx``, ``as_json``), not csv. The record is a set of
sections of different shapes (a controller, per-purpose tables of bases and kinds, a retention
table, a list of measures); a workbook keeps each section a sheet that a data protection officer
reads, prints and files, and JSON keeps the same nesting for a machine (a register of processing
across systems) without flattening it. A csv holds one table: the record would become several
files or one table of unlike rows, and a csv carries no types, so counts and dates would be text
again on the way back in. Both are written from the same dataclasses (``as_dict``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from itertools import takewhile
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from openpyxl import Workbook

from plantrack.accounts.models import User
from plantrack.core.xlsx import append_row, workbook_bytes
from plantrack.directory.models import Membership, Organisation
from plantrack.engagement.models import OrganisationCommunity
from plantrack.plans.selectors import today
from plantrack.stakeholders import retention
from plantrack.stakeholders.models import (
    PERSONAL_FIELDS,
    AccessLog,
    Basis,
    Contact,
    ContactKind,
    Database,
    DatabaseRole,
    Erasure,
    LawfulBasis,
    PrivacyNotice,
    Purpose,
    RetentionRule,
    Stakeholder,
    SubjectAccessRequest,
)

PERIOD_MONTHS = 12
# The contact fields that hold personal data, as the record names them: areas are the places a
# contact is active in (a many-to-many), the rest are columns of the contact.
DATA_FIELDS = (
    ("name", "Name"),
    ("email", "Email address"),
    ("phone", "Phone number"),
    ("address", "Postal address"),
    ("notes", "Notes about them"),
    ("areas", "Areas they are active in"),
)
TRANSFERS = (
    "None. PlanTrack makes no transfer of personal data to a country outside the UK or to an "
    "international organisation."
)
SPECIAL_CATEGORY = (
    "No special-category data (UK GDPR art 9) and no criminal-offence data (art 10) is held: a "
    "contact has no field for it, and the notes field tells whoever writes in it never to record "
    "health, ethnicity, religion or other special-category data."
)
ANCESTOR_LEVELS = 5
ANONYMISED = Contact.State.ANONYMISED


# --- The record -----------------------------------------------------------------------------


@dataclass
class Controller:
    organisation: str
    dpo_contact: str


@dataclass
class BasisCount:
    kind: str
    label: str
    contacts: int
    is_default: bool = False


@dataclass
class Consent:
    given: int = 0
    withdrawn: int = 0

    @property
    def in_force(self) -> int:
        return self.given - self.withdrawn


@dataclass
class KindCount:
    kind: str
    label: str
    contacts: int


@dataclass
class DataCount:
    field: str
    label: str
    contacts: int


@dataclass
class PurposeRecord:
    name: str
    description: str
    default_basis: str
    default_basis_label: str
    # Contacts with a lawful basis recorded for the purpose, and those whose basis is in force
    # (all but withdrawn consent).
    contacts: int
    in_force: int
    bases: list[BasisCount]
    consent: Consent
    # Of the contacts whose basis is in force.
    subjects: list[KindCount]
    data: list[DataCount]


@dataclass
class SubjectRow:
    kind: str
    label: str
    held: int
    under_review: int
    anonymised: int


@dataclass
class RoleCount:
    role: str
    label: str
    users: int


@dataclass
class ReadCount:
    how: str
    label: str
    reads: int
    readers: int


@dataclass
class Recipients:
    roles: list[RoleCount]
    stakeholders: int
    stakeholders_with_owner: int
    relationship_owners: int
    relationship_owners_signing_in: int
    # Active user accounts that can open the database and read contacts' names, roles and
    # interactions (selectors.databases_visible_to), and of them the organisation's members
    # and the site admins.
    can_open: int
    members: int
    site_admins: int
    reads: list[ReadCount]
    reads_total: int
    readers_total: int
    # Readers in the period who hold no role and own no relationship today.
    readers_without_role: int


@dataclass
class RetentionRow:
    kind: str
    label: str
    months: int | None
    warning_days: int | None
    held: int
    under_review: int
    anonymised: int


@dataclass
class Measure:
    name: str
    detail: str


@dataclass
class NoticeRow:
    version: str
    published_on: dt.date
    url: str
    contacts: int


@dataclass
class Notices:
    versions: list[NoticeRow]
    contacts_given_none: int
    owed: int
    overdue: int


@dataclass
class Requests:
    received: int = 0
    answered: int = 0
    answered_late: int = 0
    closed_unanswered: int = 0
    open: int = 0
    # Open now, whenever received, and past their due day.
    open_now: int = 0
    open_overdue: int = 0


@dataclass
class ErasureCount:
    reason: str
    label: str
    count: int


@dataclass
class Record:
    generated_at: dt.datetime
    period_from: dt.date
    period_to: dt.date
    controller: Controller
    purposes: list[PurposeRecord]
    bases: list[BasisCount]
    consent: Consent
    contacts_held: int
    contacts_without_basis: int
    subjects: list[SubjectRow]
    data: list[DataCount]
    special_category: str
    communities_organisations: int
    communities: int
    recipients: Recipients
    transfers: str
    retention: list[RetentionRow]
    contacts_under_review: int
    contacts_anonymised: int
    security: list[Measure]
    notices: Notices
    requests: Requests
    erasures: list[ErasureCount]
    erasures_total: int


# --- Building it ----------------------------------------------------------------------------


def build(database: Database, *, on: dt.date | None = None) -> Record:
    """The record of ``database`` as it stands, with the figures of the 12 months to ``on``."""
    day = on or today()
    since = retention.add_months(day, -PERIOD_MONTHS)
    since_at = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    contacts = _contact_figures(database, day)
    kinds = _kind_figures(database)
    purposes, bases, consent = _purposes(database)
    recipients = _recipients(database, since_at)
    erasures = _erasures(database, since_at)
    return Record(
        generated_at=timezone.now(),
        period_from=since,
        period_to=day,
        controller=Controller(database.organisation.name, database.dpo_contact),
        purposes=purposes,
        bases=bases,
        consent=consent,
        contacts_held=contacts["held"],
        contacts_without_basis=contacts["no_basis"],
        subjects=[row for row in kinds.values() if row.held or row.under_review or row.anonymised],
        data=[DataCount(name, label, contacts[name]) for name, label in DATA_FIELDS],
        special_category=SPECIAL_CATEGORY,
        **_communities(database),
        recipients=recipients,
        transfers=TRANSFERS,
        retention=_retention(database, kinds),
        contacts_under_review=contacts["review"],
        contacts_anonymised=contacts["anonymised"],
        security=_security(recipients, sum(e.count for e in erasures)),
        notices=_notices(database, contacts),
        requests=_requests(database, since, day),
        erasures=erasures,
        erasures_total=sum(e.count for e in erasures),
    )


def _filled(name: str, *, contact: str = "pk", prefix: str = "") -> Q:
    """Whether a contact's field ``name`` holds something: ``contact`` is the column holding
    the contact's id, ``prefix`` the path to the contact's fields."""
    if name == "areas":
        return Q(Exists(Contact.areas.through.objects.filter(contact_id=OuterRef(contact))))
    return ~Q(**{f"{prefix}{name}": ""})


def _basis_in_force() -> Q:
    return ~Q(kind=LawfulBasis.CONSENT, withdrawn_on__isnull=False)


def _contact_figures(database: Database, day: dt.date) -> dict[str, int]:
    """One aggregate over the database's contacts: states, fields held, bases, notices."""
    live = ~Q(state=ANONYMISED)
    in_force = Basis.objects.filter(_basis_in_force(), contact_id=OuterRef("pk"))
    figures = {
        "held": Count("pk", filter=live),
        "review": Count("pk", filter=Q(state=Contact.State.REVIEW)),
        "anonymised": Count("pk", filter=Q(state=ANONYMISED)),
        "no_basis": Count("pk", filter=live & Q(~Exists(in_force))),
        "no_notice": Count("pk", filter=live & Q(notice__isnull=True)),
        "owed": Count("pk", filter=live & Q(notice_due_on__isnull=False)),
        "overdue": Count("pk", filter=live & Q(notice_due_on__lt=day)),
    }
    for name, _label in DATA_FIELDS:
        figures[name] = Count("pk", filter=live & _filled(name))
    return Contact.objects.filter(database=database).aggregate(**figures)


def _kind_figures(database: Database) -> dict[str, SubjectRow]:
    """Contacts by kind (every kind, in ContactKind's order) and state."""
    rows = {k.value: SubjectRow(k.value, k.label, 0, 0, 0) for k in ContactKind}
    grouped = (
        Contact.objects.filter(database=database)
        .values("kind")
        .annotate(
            held=Count("pk", filter=~Q(state=ANONYMISED)),
            review=Count("pk", filter=Q(state=Contact.State.REVIEW)),
            anonymised=Count("pk", filter=Q(state=ANONYMISED)),
        )
        .order_by()
    )
    for g in grouped:
        row = rows.setdefault(g["kind"], SubjectRow(g["kind"], g["kind"], 0, 0, 0))
        row.held, row.under_review, row.anonymised = g["held"], g["review"], g["anonymised"]
    return rows


def _purposes(database: Database) -> tuple[list[PurposeRecord], list[BasisCount], Consent]:
    """Each purpose with its bases, consent, kinds and fields; and the bases overall. Four
    queries: the purposes, bases by purpose and kind, and (of the bases in force) contacts by
    purpose and kind of contact, and fields held by purpose."""
    labels = dict(LawfulBasis.choices)
    # Anonymisation deletes a contact's bases; a basis recorded on one since is not counted.
    mine = Basis.objects.filter(purpose__database=database).exclude(contact__state=ANONYMISED)
    by_basis: dict[int, dict[str, int]] = defaultdict(dict)
    withdrawn: dict[int, int] = defaultdict(int)
    grouped = (
        mine.values("purpose_id", "kind")
        .annotate(
            n=Count("pk"),
            withdrawn=Count("pk", filter=Q(kind=LawfulBasis.CONSENT, withdrawn_on__isnull=False)),
        )
        .order_by()
    )
    for g in grouped:
        by_basis[g["purpose_id"]][g["kind"]] = g["n"]
        withdrawn[g["purpose_id"]] += g["withdrawn"]
    live = mine.filter(_basis_in_force())
    kinds: dict[int, list[KindCount]] = defaultdict(list)
    kind_labels = dict(ContactKind.choices)
    for purpose_id, kind, n in (
        live.values_list("purpose_id", "contact__kind")
        .annotate(n=Count("pk"))
        .order_by("purpose_id", "contact__kind")
    ):
        kinds[purpose_id].append(KindCount(kind, kind_labels.get(kind, kind), n))
    fields = {
        name: Count("pk", filter=_filled(name, contact="contact_id", prefix="contact__"))
        for name, _label in DATA_FIELDS
    }
    held: dict[int, dict[str, Any]] = {
        g["purpose_id"]: dict(g) for g in live.values("purpose_id").annotate(**fields).order_by()
    }

    purposes = []
    for purpose in Purpose.objects.filter(database=database).order_by("name", "pk"):
        counts = by_basis.get(purpose.pk, {})
        data = held.get(purpose.pk, {})
        purposes.append(
            PurposeRecord(
                name=purpose.name,
                description=purpose.description,
                default_basis=purpose.default_basis,
                default_basis_label=labels.get(purpose.default_basis, purpose.default_basis),
                contacts=sum(counts.values()),
                in_force=sum(counts.values()) - withdrawn.get(purpose.pk, 0),
                bases=[
                    BasisCount(k, labels[k], counts[k], k == purpose.default_basis)
                    for k in LawfulBasis.values
                    if counts.get(k)
                ],
                consent=Consent(counts.get(LawfulBasis.CONSENT, 0), withdrawn.get(purpose.pk, 0)),
                subjects=kinds.get(purpose.pk, []),
                data=[
                    DataCount(name, label, data.get(name, 0))
                    for name, label in DATA_FIELDS
                    if data.get(name)
                ],
            )
        )
    total = {k: sum(by_basis[p].get(k, 0) for p in by_basis) for k in LawfulBasis.values}
    overall = [BasisCount(k, labels[k], n) for k, n in total.items() if n]
    consent = Consent(total[LawfulBasis.CONSENT], sum(withdrawn.values()))
    return purposes, overall, consent


def _communities(database: Database) -> dict[str, int]:
    found = OrganisationCommunity.objects.filter(
        organisation__stakeholder_links__database=database
    ).aggregate(
        organisations=Count("organisation", distinct=True),
        communities=Count("community", distinct=True),
    )
    return {
        "communities_organisations": found["organisations"],
        "communities": found["communities"],
    }


def _organisation_and_above(organisation: Organisation) -> set[int]:
    """The database's organisation and those above it: their members open the database
    (directory.selectors.organisation_ids_for gives a member every unit beneath). One query
    reads ANCESTOR_LEVELS levels; a deeper tree takes one more per as many levels."""
    found = {organisation.pk}
    if organisation.parent_id is None:
        return found
    path = ["__".join(["parent"] * n) + "_id" for n in range(1, ANCESTOR_LEVELS + 1)]
    node = organisation.pk
    while True:
        chain = Organisation.objects.filter(pk=node).values_list(*path).first() or ()
        above = list(takewhile(lambda pk: pk is not None and pk not in found, chain))
        found.update(above)
        if len(above) < ANCESTOR_LEVELS:
            return found
        node = above[-1]


def _recipients(database: Database, since_at: dt.datetime) -> Recipients:
    role_labels = dict(DatabaseRole.Role.choices)
    role_rows = list(
        DatabaseRole.objects.filter(database=database).values_list("role", "user_id").order_by()
    )
    by_role: dict[str, set[int]] = defaultdict(set)
    for role, user_id in role_rows:
        by_role[role].add(user_id)
    owners = Stakeholder.objects.filter(database=database).aggregate(
        stakeholders=Count("pk"),
        owned=Count("pk", filter=Q(owner__isnull=False)),
        owners=Count("owner", distinct=True),
        signing_in=Count(
            "owner", filter=Q(owner__user__isnull=False, owner__user__is_active=True), distinct=True
        ),
    )
    owner_users = set(
        Stakeholder.objects.filter(database=database, owner__user__isnull=False)
        .values_list("owner__user_id", flat=True)
        .order_by()
        .distinct()
    )
    organisations = _organisation_and_above(database.organisation)
    member = Q(
        Exists(Membership.objects.filter(user_id=OuterRef("pk"), organisation_id__in=organisations))
    )
    holds_role = Q(Exists(DatabaseRole.objects.filter(user_id=OuterRef("pk"), database=database)))
    owns = Q(Exists(Stakeholder.objects.filter(owner__user_id=OuterRef("pk"), database=database)))
    users = User.objects.filter(is_active=True).aggregate(
        members=Count("pk", filter=member),
        admins=Count("pk", filter=Q(is_superuser=True)),
        can_open=Count("pk", filter=Q(is_superuser=True) | member | holds_role | owns),
    )
    how_labels = dict(AccessLog.How.choices)
    reads: dict[str, ReadCount] = {}
    readers: set[int | None] = set()
    for how, user_id, n in (
        AccessLog.objects.filter(database=database, at__gte=since_at)
        .values_list("how", "user_id")
        .annotate(n=Count("pk"))
        .order_by("how", "user_id")
    ):
        row = reads.setdefault(how, ReadCount(how, how_labels.get(how, how), 0, 0))
        row.reads += n
        row.readers += 1
        readers.add(user_id)
    with_role = {u for ids in by_role.values() for u in ids} | owner_users
    return Recipients(
        roles=[
            RoleCount(r.value, role_labels[r.value].split(":")[0], len(by_role.get(r.value, ())))
            for r in DatabaseRole.Role
        ],
        stakeholders=owners["stakeholders"],
        stakeholders_with_owner=owners["owned"],
        relationship_owners=owners["owners"],
        relationship_owners_signing_in=owners["signing_in"],
        can_open=users["can_open"],
        members=users["members"],
        site_admins=users["admins"],
        reads=[reads[h] for h in AccessLog.How.values if h in reads],
        reads_total=sum(r.reads for r in reads.values()),
        readers_total=len(readers),
        readers_without_role=len(readers - with_role),
    )


def _retention(database: Database, kinds: dict[str, SubjectRow]) -> list[RetentionRow]:
    rules = {
        kind: (months, days)
        for kind, months, days in RetentionRule.objects.filter(database=database).values_list(
            "kind", "months", "warning_days"
        )
    }
    rows = []
    for kind, subject in kinds.items():
        months, days = rules.get(kind, (None, None))
        if months is None and not (subject.held or subject.under_review or subject.anonymised):
            continue
        rows.append(
            RetentionRow(
                kind,
                subject.label,
                months,
                days,
                subject.held,
                subject.under_review,
                subject.anonymised,
            )
        )
    return rows


def _history_kept_for() -> list[str]:
    """The stakeholder records whose every change is kept (django-simple-history)."""
    names = []
    for model in apps.get_app_config("stakeholders").get_models():
        if hasattr(model, "history") and not model.__name__.startswith("Historical"):
            names.append(str(model._meta.verbose_name_plural))
    return names


def _security(recipients: Recipients, erased: int) -> list[Measure]:
    """What this code base does, with this server's settings where they decide it."""
    fields = ", ".join(PERSONAL_FIELDS[:-1]) + f" and {PERSONAL_FIELDS[-1]}"
    https = getattr(settings, "SECURE_SSL_REDIRECT", False) and getattr(
        settings, "SESSION_COOKIE_SECURE", False
    )
    return [
        Measure(
            "Need to know",
            f"A contact's {fields} are shown only to the database's contact managers and data "
            "stewards and to the relationship owner of a stakeholder where the contact holds a "
            "role. Site admins are not among them unless given a role; everyone else who can "
            "open the database sees contacts' names, the roles they hold and the interactions "
            "they took part in.",
        ),
        Measure(
            "Access log",
            "Showing those fields on a contact's page and exporting them (the subject-access "
            "export, the privacy-notice mail merge) records who, when and how, by contact "
            f"number only: {recipients.reads_total} read(s) in the last {PERIOD_MONTHS} months.",
        ),
        Measure(
            "Audit history",
            "Every change is kept, with who made it, for: " + ", ".join(_history_kept_for()) + ".",
        ),
        Measure(
            "Erasure and anonymisation reach the history",
            "Erasing or anonymising a contact removes their personal fields, lawful bases and "
            "list memberships, unlinks the roles and follow-ups pointing at them, deletes the "
            "audit history of their record and bases, and redacts their name, email and phone "
            "in the free text around them, current and in history. The erasure log names no "
            f"one: {erased} erasure(s) and anonymisation(s) in the last {PERIOD_MONTHS} months.",
        ),
        Measure(
            "Retention",
            "The nightly run (manage.py stakeholder_retention, scheduled by the deployment) "
            "puts contacts past their retention period up for a data steward's review, and "
            "anonymises those not kept when the review period ends.",
        ),
        Measure(
            "Sessions and sign-in",
            f"Sessions end after {settings.PLANTRACK_SESSION_IDLE_MINUTES} minutes idle and "
            f"after {settings.PLANTRACK_SESSION_MAX_HOURS} hours in all; sign-in is locked "
            f"after {settings.AXES_FAILURE_LIMIT} failures for a username and address.",
        ),
        Measure(
            "Encryption in transit",
            "HTTPS is required and cookies are sent over HTTPS only on this server."
            if https
            else "This server's settings do not require HTTPS (a development server): the "
            "deployment must.",
        ),
        Measure(
            "No copies in caches",
            "Pages and downloads are sent with Cache-Control: private, no-store.",
        ),
        Measure(
            "Exports",
            "Spreadsheets write text as text, never as formulas.",
        ),
    ]


def _notices(database: Database, contacts: dict[str, int]) -> Notices:
    versions = (
        PrivacyNotice.objects.filter(database=database)
        .annotate(given=Count("contacts", filter=~Q(contacts__state=ANONYMISED)))
        .order_by("-published_on", "-pk")
    )
    return Notices(
        versions=[NoticeRow(n.version, n.published_on, n.url, n.given) for n in versions],
        contacts_given_none=contacts["no_notice"],
        owed=contacts["owed"],
        overdue=contacts["overdue"],
    )


def _requests(database: Database, since: dt.date, day: dt.date) -> Requests:
    statuses = SubjectAccessRequest.Status
    recent = Q(received_on__gte=since)
    found = SubjectAccessRequest.objects.filter(database=database).aggregate(
        received=Count("pk", filter=recent),
        answered=Count("pk", filter=recent & Q(status=statuses.ANSWERED)),
        late=Count("pk", filter=recent & Q(status=statuses.ANSWERED, answered_on__gt=F("due_on"))),
        closed=Count("pk", filter=recent & Q(status=statuses.CLOSED)),
        open=Count("pk", filter=recent & Q(status=statuses.OPEN)),
        open_now=Count("pk", filter=Q(status=statuses.OPEN)),
        overdue=Count("pk", filter=Q(status=statuses.OPEN, due_on__lt=day)),
    )
    return Requests(
        received=found["received"],
        answered=found["answered"],
        answered_late=found["late"],
        closed_unanswered=found["closed"],
        open=found["open"],
        open_now=found["open_now"],
        open_overdue=found["overdue"],
    )


def _erasures(database: Database, since_at: dt.datetime) -> list[ErasureCount]:
    labels = dict(Erasure.Reason.choices)
    counts = dict(
        Erasure.objects.filter(database=database, erased_at__gte=since_at)
        .values_list("reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [ErasureCount(r, labels[r], counts.get(r, 0)) for r in Erasure.Reason.values]


# --- Exports --------------------------------------------------------------------------------


def as_dict(record: Record) -> dict[str, Any]:
    data = asdict(record)
    data["consent"]["in_force"] = record.consent.in_force
    for plain, purpose in zip(data["purposes"], record.purposes, strict=True):
        plain["consent"]["in_force"] = purpose.consent.in_force
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def as_json(record: Record) -> bytes:
    return json.dumps(as_dict(record), indent=2, ensure_ascii=False, default=_plain).encode()


def _kinds_text(rows: list[KindCount]) -> str:
    return "; ".join(f"{r.label}: {r.contacts}" for r in rows) or "None"


def _data_text(rows: list[DataCount]) -> str:
    return "; ".join(f"{r.label}: {r.contacts}" for r in rows) or "None"


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> Any:
    sheet = book.create_sheet(title)
    append_row(sheet, header, bold=True, number_format="0")
    for row in rows:
        append_row(sheet, row, number_format="0")
    return sheet


def _record_sheet(book: Workbook, record: Record) -> None:
    dpo = record.controller.dpo_contact or "Not recorded"
    _sheet(
        book,
        "Record",
        ["Record of processing activities (UK GDPR art 30)", ""],
        [
            ["Controller", record.controller.organisation],
            ["Data protection officer", dpo],
            ["Generated at", record.generated_at.isoformat(timespec="seconds")],
            ["Period of the counts", f"{record.period_from} to {record.period_to}"],
            ["Contacts held", record.contacts_held],
            ["Held with no lawful basis in force", record.contacts_without_basis],
            ["Under retention review", record.contacts_under_review],
            ["Anonymised", record.contacts_anonymised],
            ["Transfers outside the UK", record.transfers],
            ["Special-category data", record.special_category],
            [
                "Communities",
                f"Held only as group descriptors on organisations: "
                f"{record.communities_organisations} stakeholder organisation(s), "
                f"{record.communities} community(ies); never on a person.",
            ],
        ],
    )


def _purpose_sheets(book: Workbook, record: Record) -> None:
    _sheet(
        book,
        "Purposes",
        [
            "Purpose",
            "Description",
            "Default lawful basis",
            "Contacts with a basis",
            "Basis in force",
            "Consent given",
            "Consent withdrawn",
            "Kinds of contact (basis in force)",
            "Personal data held (basis in force)",
        ],
        [
            [
                p.name,
                p.description,
                p.default_basis_label,
                p.contacts,
                p.in_force,
                p.consent.given,
                p.consent.withdrawn,
                _kinds_text(p.subjects),
                _data_text(p.data),
            ]
            for p in record.purposes
        ],
    )
    rows: list[list[Any]] = [
        [p.name, b.label, b.contacts, "yes" if b.is_default else "no"]
        for p in record.purposes
        for b in p.bases
    ]
    rows += [["All purposes", b.label, b.contacts, ""] for b in record.bases]
    _sheet(book, "Lawful bases", ["Purpose", "Lawful basis", "Contacts", "Default"], rows)


def _recipient_sheet(book: Workbook, record: Record) -> None:
    r = record.recipients
    rows: list[list[Any]] = [[role.label, role.users] for role in r.roles]
    rows += [
        ["Relationship owners", r.relationship_owners],
        ["Relationship owners who sign in", r.relationship_owners_signing_in],
        ["Accounts that can open the database (names only)", r.can_open],
        ["of them, members of the organisation or those above", r.members],
        ["of them, site admins", r.site_admins],
        [],
        [f"Reads of personal fields, {record.period_from} to {record.period_to}", "Reads"],
    ]
    rows += [[f"{read.label} ({read.readers} reader(s))", read.reads] for read in r.reads]
    rows += [
        [f"All ({r.readers_total} reader(s))", r.reads_total],
        ["Readers who hold no role and own no relationship today", r.readers_without_role],
    ]
    _sheet(book, "Recipients", ["Recipient", "Number"], rows)


def _other_sheets(book: Workbook, record: Record) -> None:
    _sheet(
        book,
        "Data subjects",
        ["Kind of contact", "Held", "Under review", "Anonymised"],
        [[s.label, s.held, s.under_review, s.anonymised] for s in record.subjects],
    )
    _sheet(
        book,
        "Personal data",
        ["Field", "Contacts holding it"],
        [[d.label, d.contacts] for d in record.data],
    )
    _sheet(
        book,
        "Retention",
        ["Kind of contact", "Months", "Review days", "Held", "Under review", "Anonymised"],
        [
            [
                r.label,
                r.months if r.months is not None else "No rule: never reviewed",
                r.warning_days,
                r.held,
                r.under_review,
                r.anonymised,
            ]
            for r in record.retention
        ],
    )
    _sheet(book, "Security", ["Measure", "Detail"], [[m.name, m.detail] for m in record.security])
    n = record.notices
    rows: list[list[Any]] = [
        [v.version, v.published_on.isoformat(), v.url, v.contacts] for v in n.versions
    ]
    rows += [
        ["No notice recorded as given", "", "", n.contacts_given_none],
        ["Owed one (from another organisation's list)", "", "", n.owed],
        ["of them, overdue", "", "", n.overdue],
    ]
    _sheet(book, "Privacy notices", ["Version", "Published", "Address", "Contacts"], rows)
    q = record.requests
    rows = [
        ["Subject-access requests received", q.received],
        ["answered", q.answered],
        ["answered after their due day", q.answered_late],
        ["closed without an answer", q.closed_unanswered],
        ["still open", q.open],
        ["Open now, whenever received", q.open_now],
        ["of them, overdue", q.open_overdue],
    ]
    rows += [[e.label, e.count] for e in record.erasures]
    _sheet(book, "Requests and erasures", [f"{record.period_from} to {record.period_to}", ""], rows)


def as_xlsx(record: Record) -> bytes:
    """One sheet per section of the record."""
    book = Workbook()
    book.remove(book.worksheets[0])
    _record_sheet(book, record)
    _purpose_sheets(book, record)
    _other_sheets(book, record)
    _recipient_sheet(book, record)
    return workbook_bytes(book)
