"""The demo's stakeholder database: the partners seed 002's register names (the Met Youth
Advisory Group, RNID and the Jewish Deaf Association for the Deaf link scheme, Victim Support
for third-party reporting, the Balham & Tooting Community Association, the Chessington schools
cluster, RBK Youth Service, the Sikh temple in Erith), a few contacts by role with clearly
fictional names, and interactions drawn from the register's activities. The demo account is a
contact manager and data steward, so it can try the whole journey."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.directory import services as directory
from plantrack.directory.models import Area, Organisation, Person
from plantrack.engagement.models import Activity, Register
from plantrack.stakeholders import privacy, retention, services
from plantrack.stakeholders.models import Contact, Database, DatabaseRole, Stakeholder

NOTICE_TEXT = (
    "We hold your name, role and contact details to keep in touch about policing and "
    "community safety in your area (our public task). We keep them for three years after we "
    "last worked with you. You can ask for a copy, a correction or, where the law allows, "
    "erasure, by writing to the data protection officer."
)


@dataclass(frozen=True)
class Partner:
    name: str
    short_name: str
    kind: str
    category: str
    borough: str  # an area's name, or "" for force-wide
    every_days: int
    # (role, fictional holder, kind of contact)
    roles: tuple[tuple[str, str, str], ...]
    # (register activity words, days ago, kind, summary, issues)
    interactions: tuple[tuple[str, int, str, str, str], ...]


PARTNERS = (
    Partner(
        "Met Youth Advisory Group",
        "MYAG",
        "voluntary",
        "advisory",
        "",
        60,
        (("Chair", "Jordan Example", "representative"), ("Secretary", "Casey Sample", "resident")),
        (
            (
                "Met Youth Advisory Group",
                40,
                "meeting",
                "Quarterly working group: draft stop and search guidance for young people "
                "discussed; members to circulate it to their networks.",
                "Young people want feedback on what changed after the last consultation.",
            ),
            (
                "Met Youth Advisory Group",
                130,
                "email",
                "Corporate consultation documents sent for comment.",
                "",
            ),
        ),
    ),
    Partner(
        "RNID",
        "RNID",
        "voluntary",
        "charity",
        "Barnet",
        90,
        (("Regional engagement officer", "Morgan Specimen", "professional"),),
        (
            (
                "Deaf link",
                25,
                "event",
                "Public meeting with a BSL interpreter and a question-and-answer session "
                "for the Deaf link scheme.",
                "Text relay for 999 calls is not well known.",
            ),
        ),
    ),
    Partner(
        "Jewish Deaf Association",
        "JDA",
        "voluntary",
        "charity",
        "Barnet",
        90,
        (("Community worker", "Riley Placeholder", "professional"),),
        (
            (
                "Deaf link",
                25,
                "event",
                "Deaf link public meeting: JDA members attended and took questionnaires.",
                "",
            ),
        ),
    ),
    Partner(
        "Victim Support (Barnet)",
        "",
        "voluntary",
        "charity",
        "Barnet",
        90,
        (("Service manager", "Avery Fictional", "professional"),),
        (
            (
                "3 rd party reporting",
                200,
                "meeting",
                "Third-party reporting site training booked with the police trainers.",
                "",
            ),
        ),
    ),
    Partner(
        "Balham & Tooting Community Association",
        "BATCA",
        "voluntary",
        "residents",
        "Wandsworth",
        30,
        (
            ("Chair", "Sam Madeup", "representative"),
            ("Treasurer", "Alex Notreal", "representative"),
        ),
        (
            (
                "Balham & Tooting",
                12,
                "meeting",
                "Planning meeting for the summer community sports day with local officers.",
                "Parking near the mosque on Fridays.",
            ),
            (
                "Balham & Tooting",
                75,
                "event",
                "Community event: fundraising for flood relief; local officers attended.",
                "",
            ),
        ),
    ),
    Partner(
        "Chessington schools cluster",
        "",
        "education",
        "education",
        "Kingston upon Thames",
        120,
        (("Cluster coordinator", "Taylor Examplewood", "professional"),),
        (
            (
                "COP Card",
                60,
                "visit",
                "Year 6 classes visited to hand out COP cards; prizes from local businesses "
                "agreed.",
                "",
            ),
        ),
    ),
    Partner(
        "RBK Youth Service",
        "",
        "council",
        "youth",
        "Kingston upon Thames",
        90,
        (("Youth worker", "Jamie Sampleton", "professional"),),
        (
            (
                "good, the bad",
                400,
                "meeting",
                "Disposable cameras handed out; captions and the 'good, bad or ugly' sheets "
                "explained.",
                "",
            ),
        ),
    ),
    Partner(
        "Sikh temple, Erith",
        "",
        "voluntary",
        "faith",
        "",
        14,
        (("Community liaison", "", "representative"),),
        (
            (
                "Street briefings",
                10,
                "meeting",
                "Fortnightly street briefing at the temple: emerging issues discussed.",
                "Vehicle crime in the car park.",
            ),
        ),
    ),
)


def load_demo_stakeholders(*, actor: User, manager: User, register: Register) -> Database | None:
    """The stakeholder database of the register's organisation, once."""
    organisation = register.organisation
    if Database.objects.filter(organisation=organisation).exists():
        return None
    today = timezone.localdate()
    database = services.database_create(
        actor=actor,
        organisation=organisation,
        description="Seed 002's corporate stakeholder database: one contact point for the "
        "borough lists (demo data; every person in it is fictional).",
        dpo_contact="Data Protection Officer, New Scotland Yard (demo)",
    )
    for role in DatabaseRole.Role:
        services.database_role_add(actor=actor, database=database, user=manager, role=role)
        services.database_role_remove(actor=actor, database=database, user=actor, role=role)
    notice = services.privacy_notice_create(
        actor=manager,
        database=database,
        version="1.0",
        published_on=today - dt.timedelta(days=400),
        text=NOTICE_TEXT,
    )
    owner = Person.objects.filter(user=manager).first()
    community = database.purposes.get(name="Community engagement")
    for partner in PARTNERS:
        stakeholder = _stakeholder(manager, database, partner, owner)
        areas = list(stakeholder.areas.all())
        for number, (title, name, kind) in enumerate(partner.roles):
            contact = (
                _contact(manager, database, name, kind, notice, today, areas) if name else None
            )
            if contact is not None:
                services.lawful_basis_set(
                    actor=manager, contact=contact, purpose=community, kind="public_task"
                )
            services.stakeholder_role_create(
                actor=manager,
                stakeholder=stakeholder,
                title=title,
                contact=contact,
                main=number == 0,
            )
        for words, days, kind, summary, issues in partner.interactions:
            services.interaction_log(
                actor=manager,
                database=database,
                stakeholder=stakeholder,
                kind=kind,
                date=today - dt.timedelta(days=days),
                summary=summary,
                issues=issues,
                contacts=list(Contact.objects.filter(roles__stakeholder=stakeholder)),
                staff=[owner] if owner else [],
                activity=Activity.objects.filter(register=register, title__icontains=words).first(),
            )
        services.stakeholder_rate(
            actor=manager,
            stakeholder=stakeholder,
            influence=3 if partner.category in ("advisory", "statutory") else 2,
            interest=3 if partner.every_days <= 60 else 2,
            rated_on=today - dt.timedelta(days=30),
            reason="First assessment when the database was set up",
        )
    _privacy_cases(manager, database, today)
    return database


def _privacy_cases(manager: User, database: Database, today: dt.date) -> None:
    """What waits for the data steward: a contact past the retention period, a subject-access
    request in progress, and a borough list's duplicate still owed the privacy notice."""
    old = services.contact_create(
        actor=manager,
        database=database,
        name="Chris Oldlist",
        kind="resident",
        email="chris@example.org",
        source="Ward panel list 2022 (demo)",
    )
    services.interaction_log(
        actor=manager,
        database=database,
        date=today - dt.timedelta(days=800),
        kind="call",
        summary="Asked about the ward panel dates.",
        contacts=[old],
    )
    # Added from the 2022 list: it was held long before the database (demo data only).
    Contact.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=900))
    retention.schedule_ids([old.pk])
    privacy.retention_run(on=today)
    jordan = Contact.objects.get(database=database, name="Jordan Example")
    privacy.subject_access_request_open(
        actor=manager, contact=jordan, received_on=today - dt.timedelta(days=10)
    )
    services.contact_create(
        actor=manager,
        database=database,
        name="Madeup, Sam",
        kind="representative",
        email="sam@example.org",
        source="Wandsworth ward panel list (demo)",
        from_third_party=True,
    )


def _stakeholder(manager: User, database: Database, partner: Partner, owner) -> Stakeholder:
    organisation = Organisation.objects.filter(name=partner.name).first()
    if organisation is None:
        organisation = directory.organisation_create(
            actor=manager, name=partner.name, short_name=partner.short_name, kind=partner.kind
        )
    areas = Area.objects.filter(name=partner.borough, level="borough") if partner.borough else []
    return services.stakeholder_create(
        actor=manager,
        database=database,
        organisation=organisation,
        category=partner.category,
        owner=owner,
        contact_every_days=partner.every_days,
        areas=list(areas),
    )


def _contact(
    manager: User, database: Database, name: str, kind: str, notice, today: dt.date, areas
):
    first = name.split()[0].lower()
    contact = services.contact_create(
        actor=manager,
        database=database,
        name=name,
        kind=kind,
        email=f"{first}@example.org",
        phone="020 7946 0" + str(100 + len(name)),
        source="Borough partnership list (demo)",
        verified_on=today - dt.timedelta(days=90),
        areas=areas,
    )
    services.privacy_notice_given(
        actor=manager, contacts=[contact], notice=notice, on=today - dt.timedelta(days=90)
    )
    return contact
