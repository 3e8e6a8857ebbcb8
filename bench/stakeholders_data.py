"""The stakeholder-database part of the benchmark (issue 14): one organisation's database of
200,000 contacts, 20,000 stakeholder organisations and 2,000,000 interactions.

Built after the national dataset (``ensure``) on the first run of a stakeholders case, straight
into the tables (``generate.Inserter``: ``executemany`` on SQLite, ``COPY`` on PostgreSQL) from
a fixed seed, and reused while it is there. The services would take hours and write an audit
history row for every row, which the benchmark does not read; the denormalised columns are
filled as the services fill them:

* every ``Contact.*_key`` column (name, surname, phone, …) by ``duplicates.set_keys`` itself;
  a dataset built before a key was added has it filled in on its next use (``_refresh_keys``);
* ``Contact.last_interaction_on`` is the latest interaction the contact took part in and
  ``review_from`` is ``retention.review_day`` of it (with the database's retention rules);
* ``Stakeholder.last_contact_on`` is its latest interaction and ``contact_due_on`` that plus
  ``contact_every_days`` (``services._contact_due``).

The database belongs to organisation 1 (the force of the national dataset, whose engagement
register of 46,000 activities erasure and subject access search for mentions). Each stakeholder
is a new directory organisation, named after a place of the engagement data, with about ten
contacts (its people), 1–3 roles most of them held by those contacts, one or two areas, and
10–190 interactions (100 on average) over six years, each with 1–4 of its contacts (2 on
average), our staff on half of them and a follow-up on one in twenty; one in twenty summaries
names a participant. Contacts have a lawful basis (public task; a tenth also consent for the
newsletter), one in four is on one of 20 lists, a third have an area; 50,000 access-log rows.

Retention: 1 % of contacts (2,000) are active but past their ``review_from`` (the nightly run
puts them up for review), 300 are in review past their ``anonymise_on`` (the run anonymises
them), 700 in review within their warning period, 2,000 were anonymised earlier. Every other
contact's ``review_from`` is in the future (a contact whose last interaction is too old had
their details confirmed, ``verified_on``, within the last year).

Special rows, found again by name: the stakeholder with exactly 200 interactions (the page
case), one with 3 (the "same queries on less data" check), the subject-access contact and the
erasure contact (each: 20 interactions, named in the summaries of two of them, the main role
at their stakeholder, two lawful bases, two lists, a follow-up they own, access-log rows, an
open subject-access request), the data steward (a generated user given the data-steward role),
and a second, small database (30 contacts) of organisation 2 for the search's query check.

django-simple-history rows are not generated (as in the national dataset): the history parts
of subject access and erasure find nothing to read.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from bisect import bisect_right

CONTACTS = 200_000
STAKEHOLDERS = 20_000
INTERACTIONS = 2_000_000
PER_STAKEHOLDER = CONTACTS // STAKEHOLDERS  # contacts "at" each stakeholder
PAGE_INTERACTIONS = 200
SMALL_INTERACTIONS = 3
SUBJECT_INTERACTIONS = 20
DUE = 2_000  # active, past review_from: put up for review by the nightly run
EXPIRED = 300  # in review past anonymise_on: anonymised by the nightly run
PENDING = 700  # in review within the warning period
ANONYMISED = 2_000
SMALL_CONTACTS = 30
LISTS = 20
ACCESS_LOG_ROWS = 50_000
DAYS = 6 * 365
SEED = 14

DESCRIPTION = "Bench stakeholder database (issue 14)"
SMALL_DESCRIPTION = "Bench stakeholder database, small (issue 14)"
PAGE_ORGANISATION = "Bench Riverside Residents' Forum"
SMALL_ORGANISATION = "Bench Orchard Tenants' Association"
SUBJECT_NAME = "Marguerite Okonkwo-Bell"
ERASE_NAME = "Tobias Fairweather-Nkemelu"
# The search cases: a surname's first letters (about 1.5 % of contacts hold it) and an address.
SEARCH_PREFIX = "Hugh"

ORG_TYPES = [
    ("Residents' Association", "other"), ("Tenants' Association", "other"),
    ("Neighbourhood Watch", "voluntary"), ("Youth Club", "voluntary"),
    ("Primary School", "education"), ("Academy", "education"), ("Mosque", "other"),
    ("Parish Church", "other"), ("Gurdwara", "other"), ("Community Centre", "voluntary"),
    ("Food Bank", "voluntary"), ("Business Improvement District", "other"),
    ("Traders' Association", "other"), ("Boxing Club", "voluntary"),
    ("Football Club", "voluntary"), ("Women's Aid Group", "voluntary"),
    ("Pensioners' Forum", "voluntary"), ("Safer Neighbourhood Panel", "partnership"),
    ("Ward Councillors", "government"), ("Housing Co-operative", "other"),
    ("Mental Health Charity", "voluntary"), ("Scout Group", "voluntary"),
    ("Synagogue", "other"), ("Hindu Temple", "other"), ("Library Friends", "voluntary"),
    ("Allotment Society", "voluntary"), ("Refugee Support Network", "voluntary"),
    ("Sixth Form College", "education"), ("Pub Watch", "other"), ("Carers' Network", "voluntary"),
]  # fmt: skip
CATEGORY_OF = {
    "other": "community", "voluntary": "charity", "education": "education",
    "partnership": "advisory", "government": "statutory",
}  # fmt: skip
ROLE_TITLES = [
    "Chair", "Secretary", "Treasurer", "Manager", "Coordinator", "Head teacher", "Youth lead",
    "Safeguarding lead", "Trustee", "Imam", "Vicar", "Director",
]  # fmt: skip
EXTRA_FIRST = [
    "Abdul", "Agnieszka", "Bogdan", "Chidi", "Deepak", "Eilidh", "Farah", "Gurpreet", "Hamza",
    "Ines", "Jasmine", "Kwame", "Leona", "Marek", "Nadia", "Olumide", "Paulina", "Rajesh",
    "Siobhan", "Tariq", "Ursula", "Vikram", "Wiktoria", "Yusuf", "Zainab", "Bernard", "Carol",
    "Derek", "Elaine", "Frank", "Gillian", "Howard", "Irene", "Keith", "Linda", "Maureen",
    "Nigel", "Pauline", "Roger", "Sandra", "Trevor", "Valerie", "Wendy", "Colin", "Denise",
]  # fmt: skip
EXTRA_LAST = [
    "Nowak", "Kowalski", "Okafor", "Adeyemi", "Mensah", "Singh", "Kaur", "Sharma", "Chowdhury",
    "Rahman", "Uddin", "Miah", "Akhtar", "Iqbal", "Malik", "Mahmood", "O'Brien", "O'Connor",
    "McDonald", "MacLeod", "Campbell", "Stewart", "Reid", "Fraser", "Douglas", "Hamilton",
    "Gallagher", "Doherty", "Kennedy", "Quinn", "Byrne", "Fitzgerald", "Lynch", "Nolan",
    "Pearson", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler", "Russell", "Fisher",
    "Ellis", "Stevens", "Chapman", "Dixon", "Marshall", "Ferguson", "Gibson", "Hunt", "Palmer",
    "Rose", "Webb", "Simpson", "Hussein", "Osei", "Boateng", "Asante", "Popescu", "Ionescu",
    "Silva", "Santos", "Ferreira", "Costa", "Rossi", "Kaya", "Yilmaz", "Demir", "Haddad",
    "Hughes-Jones", "Hughson", "Pugh", "Howell", "Vaughan", "Hopkins", "Rees", "Powell",
]  # fmt: skip
DOMAINS = ["gmail.example", "outlook.example", "btinternet.example", "yahoo.example",
           "nhs.example", "school.example", "charity.example", "council.example"]  # fmt: skip
OPENINGS = [
    "Met at the community centre to talk through the summer plan for the estate.",
    "Phone call about the rise in reports of anti-social behaviour near the parade of shops.",
    "Attended the monthly meeting; about twenty residents were there.",
    "Emailed the notes of the last meeting and the dates of the next ward panel.",
    "Walkabout of the ward with the chair and two committee members.",
    "Briefing on the new neighbourhood priorities agreed at the ward panel.",
    "Catch-up on the youth diversion sessions held over half term.",
    "Visit to discuss the CCTV coverage of the car park and the alley behind it.",
    "Joint meeting with the council's community safety team and the housing officer.",
    "Letter confirming the support the force can give to the summer fair.",
]
MIDDLES = [
    "Concerns were raised about speeding on the main road and drug dealing in the park.",
    "They asked for more visible patrols in the evenings, especially at the weekend.",
    "The group has lost its funding for the youth worker from the end of March.",
    "Members reported feeling safer since the lighting in the underpass was fixed.",
    "A new committee was elected; the previous secretary has stood down.",
    "We explained how to report hate incidents online and through third-party centres.",
    "They will share the survey of members' views on policing priorities.",
    "Discussed the closure of the local station's front counter and what replaces it.",
    "There is frustration at the time taken to respond to non-emergency calls.",
    "The school wants a safer schools officer to attend assemblies next term.",
    "Agreed to trial a drop-in surgery at the mosque once a month.",
    "The food bank has seen a sharp rise in demand and asked about referrals.",
]
CLOSINGS = [
    "Next meeting booked for next month.",
    "Follow-up actions recorded below.",
    "No further action needed at this stage.",
    "Will report back to the ward panel.",
    "Agreed to keep in touch by email.",
    "",
]
ISSUES = [
    "Speeding; parking on pavements",
    "Drug dealing in the park after dark",
    "Youth provision funding",
    "Response times to non-emergency calls",
    "Street lighting and CCTV",
    "Hate incidents on buses",
    "Fly-tipping behind the shops",
]
KINDS = ["meeting"] * 5 + ["call"] * 3 + ["email"] * 4 + ["event", "visit", "visit", "letter"]
CONTACT_KINDS = (
    ["representative"] * 40 + ["professional"] * 25 + ["resident"] * 20 + ["business"] * 8
    + ["elected"] * 2 + ["other"] * 5
)  # fmt: skip


def _log(message: str) -> None:
    print(f"  {message}", flush=True)


# --- Finding the data -----------------------------------------------------------------------


def _existing() -> dict | None:
    from plantrack.stakeholders.models import Contact, Database, DatabaseRole, Stakeholder

    database = Database.objects.filter(description=DESCRIPTION).first()
    small = Database.objects.filter(description=SMALL_DESCRIPTION).first()
    if database is None or small is None:
        return None
    steward = (
        DatabaseRole.objects.filter(database=database, role=DatabaseRole.Role.DATA_STEWARD)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    page = Stakeholder.objects.filter(database=database, organisation__name=PAGE_ORGANISATION)
    small_page = Stakeholder.objects.filter(
        database=database, organisation__name=SMALL_ORGANISATION
    )
    subject = Contact.objects.filter(database=database, name=SUBJECT_NAME).first()
    erase = Contact.objects.filter(database=database, name=ERASE_NAME).first()
    if steward is None or subject is None or erase is None or not page or not small_page:
        return None
    # An address to search by: a contact's, fixed by the seed (the first with one).
    email = (
        Contact.objects.filter(database=database, state="active")
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .first()
    )
    small_email = (
        Contact.objects.filter(database=small)
        .order_by("pk")
        .values_list("email", flat=True)
        .first()
    )
    return {
        "stakeholder_database_id": database.pk,
        "stakeholder_small_database_id": small.pk,
        "stakeholder_steward_username": steward.user.username,
        "stakeholder_page_id": page.get().pk,
        "stakeholder_small_page_id": small_page.get().pk,
        "stakeholder_subject_contact_id": subject.pk,
        "stakeholder_erase_contact_id": erase.pk,
        "stakeholder_search_prefix": SEARCH_PREFIX,
        "stakeholder_search_email": email,
        "stakeholder_small_search_email": small_email,
    }


def ensure(manifest: dict, manifest_path=None) -> dict:
    """The ids the stakeholder cases use, building the data first if it is not there. The
    build's time and counts are kept in the manifest file (``stakeholders``)."""
    found = _existing()
    stored = {}
    if manifest_path is not None:
        try:
            stored = json.loads(manifest_path.read_text()).get("stakeholders", {})
        except (OSError, ValueError):
            stored = {}
    if found is None:
        print("Generating the stakeholder database (issue 14) …", flush=True)
        t0 = time.perf_counter()
        stored = build(manifest)
        stored["generation_seconds"] = round(time.perf_counter() - t0, 1)
        stored["generated_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        print(f"Stakeholder database generated in {stored['generation_seconds']} s", flush=True)
        found = _existing()
        assert found is not None
        if manifest_path is not None:
            data = json.loads(manifest_path.read_text())
            data["stakeholders"] = {**stored, **found}
            manifest_path.write_text(json.dumps(data, indent=2) + "\n")
    else:
        seconds = stored.get("generation_seconds", "?")
        print(f"Reusing the stakeholder database (built in {seconds} s)", flush=True)
        _refresh_keys(found)
    return {**found, "stakeholders_build": stored}


# --- Building it ----------------------------------------------------------------------------


class _Ids:
    """The next free id of each table (rows are written with their ids)."""

    def __init__(self):
        self.next: dict = {}

    def start(self, model) -> int:
        from django.db.models import Max

        if model not in self.next:
            self.next[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        return self.next[model]

    def take(self, model, n: int) -> int:
        first = self.start(model)
        self.next[model] = first + n
        return first


def build(manifest: dict) -> dict:
    """Write the data; returns the row counts and the steps' times."""
    from django.db import connection, transaction

    from bench.generate import Generator

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-400000")
            cursor.execute("PRAGMA temp_store=MEMORY")
    gen = Generator(connection, verbose=True)  # for its inserter and date formats
    steps = _Steps(gen, manifest)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Checked row by row as written (the steps write parents first), not queued for
            # the commit: 7 million queued checks take minutes (as generate.build does).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        steps.run()
        if connection.vendor == "postgresql":
            _reset_sequences(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("PRAGMA synchronous=NORMAL")
        else:
            cursor.execute("ANALYZE")
    return {"counts": steps.counts, "step_seconds": steps.timings}


def _reset_sequences(connection) -> None:
    from django.apps import apps
    from django.core.management.color import no_style

    from plantrack.directory.models import Organisation

    models = [
        Organisation,
        *apps.get_app_config("stakeholders").get_models(include_auto_created=True),
    ]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


class _Steps:
    def __init__(self, gen, manifest: dict):
        from plantrack.plans.selectors import today

        self.gen = gen
        self.manifest = manifest
        self.rng = random.Random(SEED)
        self.today = today()
        self.pg = gen.pg
        self.ids = _Ids()
        self.counts: dict[str, int] = {}
        self.timings: dict[str, float] = {}

    def step(self, name: str, fn) -> None:
        t0 = time.perf_counter()
        rows = fn()
        self.timings[name] = round(time.perf_counter() - t0, 1)
        self.counts[name] = rows
        _log(f"{name:<26} {rows:>10,} rows  {self.timings[name]:6.1f} s")

    def day(self, ordinal: int) -> str:
        return dt.date.fromordinal(ordinal).isoformat()

    def stamp(self, ordinal: int, seconds: int = 10 * 3600) -> str:
        return self.gen.dt_text(dt.date.fromordinal(ordinal), seconds)

    def run(self) -> None:
        self.step("databases", self.databases)
        self.step("organisations", self.organisations)
        self.step("plan (in memory)", self.plan)
        self.step("contacts", self.contacts)
        self.step("stakeholders", self.stakeholders)
        self.step("roles", self.roles)
        self.step("interactions", self.interactions)
        self.step("interaction contacts", self.interaction_contacts)
        self.step("interaction staff", self.interaction_staff)
        self.step("follow-ups", self.follow_ups)
        self.step("bases, lists, areas", self.bases_lists_areas)
        self.step("access log and requests", self.access_log)

    # --- Databases, the steward, rules --------------------------------------------------
    def databases(self) -> int:
        from plantrack.accounts.models import User
        from plantrack.directory.models import Organisation
        from plantrack.stakeholders.models import (
            Database,
            DatabaseRole,
            PrivacyNotice,
            Purpose,
            RetentionRule,
        )
        from plantrack.stakeholders.services import DEFAULT_PURPOSES, DEFAULT_RETENTION_MONTHS

        force = Organisation.objects.get(pk=1)
        other = Organisation.objects.filter(parent__isnull=True).exclude(pk=1).order_by("pk")[0]
        self.database = Database.objects.create(
            organisation=force,
            description=DESCRIPTION,
            dpo_contact="Data Protection Officer, Information Management, Headquarters",
        )
        self.small = Database.objects.create(organisation=other, description=SMALL_DESCRIPTION)
        taken = {self.manifest["owner_username"], self.manifest["manager_username"]}
        self.steward = User.objects.exclude(username__in=taken).order_by("-pk").first()
        rows = 0
        for database in (self.database, self.small):
            DatabaseRole.objects.bulk_create(
                DatabaseRole(database=database, user=self.steward, role=role)
                for role in DatabaseRole.Role
            )
            purposes = Purpose.objects.bulk_create(
                Purpose(database=database, name=name, description=text, default_basis=basis)
                for name, text, basis in DEFAULT_PURPOSES
            )
            RetentionRule.objects.bulk_create(
                RetentionRule(database=database, kind=kind, months=months)
                for kind, months in DEFAULT_RETENTION_MONTHS.items()
            )
            notice = PrivacyNotice.objects.create(
                database=database,
                version="2024.1",
                published_on=self.today - dt.timedelta(days=700),
                text="How we use the details of the people we work with in the community …",
            )
            rows += 2 + len(purposes) + len(DEFAULT_RETENTION_MONTHS) + 1
            if database == self.database:
                self.purposes = [p.pk for p in purposes]
                self.notice_id = notice.pk
        self.months = {str(k): v for k, v in DEFAULT_RETENTION_MONTHS.items()}
        self.warning_days = RetentionRule._meta.get_field("warning_days").get_default()
        return rows

    # --- Directory organisations for the stakeholders -----------------------------------
    def organisations(self) -> int:
        from plantrack.directory.models import Area, Organisation

        rng = self.rng
        places = list(
            Area.objects.filter(level__in=["ward", "borough"])
            .order_by("pk")
            .values_list("pk", "name")
        )
        self.area_ids = [pk for pk, _ in places]
        names = [(f"{place} {kind}", okind) for _, place in places for kind, okind in ORG_TYPES]
        rng.shuffle(names)
        assert len(names) >= STAKEHOLDERS
        names = names[:STAKEHOLDERS]
        names[0] = (PAGE_ORGANISATION, "other")
        names[1] = (SMALL_ORGANISATION, "other")
        first = self.ids.take(Organisation, STAKEHOLDERS)
        self.org_ids = list(range(first, first + STAKEHOLDERS))
        self.org_kinds = [k for _, k in names]
        created = self.gen.dt_text(self.today - dt.timedelta(days=DAYS + 200))
        ins = self.gen.ins(Organisation, "id name kind created_at updated_at")
        ins.write(
            (oid, name, kind, created, created)
            for oid, (name, kind) in zip(self.org_ids, names, strict=True)
        )
        return ins.rows

    # --- The plan: who is at which stakeholder, every interaction, in memory ------------
    def plan(self) -> int:  # noqa: C901
        from bench import generate
        from plantrack.directory.models import Person
        from plantrack.directory.selectors import with_units
        from plantrack.engagement.models import Activity
        from plantrack.stakeholders.models import Contact, Interaction
        from plantrack.stakeholders.retention import add_months

        rng = self.rng
        today = self.today.toordinal()
        self.first_day = today - DAYS
        first_names = generate.FIRST_NAMES + EXTRA_FIRST
        last_names = generate.LAST_NAMES + EXTRA_LAST
        n = CONTACTS
        self.contact_first = self.ids.take(Contact, n + SMALL_CONTACTS)
        # Contact i (0-based) is "at" stakeholder i // PER_STAKEHOLDER.
        self.names = []
        for _ in range(n):
            first, last = rng.choice(first_names), rng.choice(last_names)
            self.names.append((first, last))
        self.kinds = [rng.choice(CONTACT_KINDS) for _ in range(n)]
        # Special contacts: at stakeholders 2 and 3 (ordinary ones).
        self.subject = 2 * PER_STAKEHOLDER
        self.erase = 3 * PER_STAKEHOLDER
        self.names[self.subject] = tuple(SUBJECT_NAME.split())
        self.names[self.erase] = tuple(ERASE_NAME.split())
        self.kinds[self.subject] = self.kinds[self.erase] = "representative"
        special = {self.subject, self.erase}
        # Page stakeholder's and small stakeholder's people stay ordinary (none retired).
        protected = special | set(range(0, 2 * PER_STAKEHOLDER))
        pool = [i for i in range(n) if i not in protected]
        chosen = rng.sample(pool, ANONYMISED + DUE + EXPIRED + PENDING)
        self.group = {}
        at = 0
        for name, size in (
            ("anonymised", ANONYMISED),
            ("due", DUE),
            ("expired", EXPIRED),
            ("pending", PENDING),
        ):
            for i in chosen[at : at + size]:
                self.group[i] = name
            at += size
        # The last day each contact can take part in an interaction: a retired contact's
        # interactions end early enough for their review_from to have passed.
        self.cutoff = [today] * n
        self.put_up = {}
        for i, group in self.group.items():
            months = self.months[self.kinds[i]]
            if group == "anonymised":
                self.cutoff[i] = -1
                continue
            if group == "due":
                back = rng.randint(1, 60)
            elif group == "expired":
                self.put_up[i] = today - rng.randint(31, 60)
                back = today - self.put_up[i] + rng.randint(0, 90)
            else:  # pending
                self.put_up[i] = today - rng.randint(1, 29)
                back = today - self.put_up[i] + rng.randint(0, 90)
            edge = add_months(dt.date.fromordinal(today - back), -months).toordinal()
            self.cutoff[i] = edge - 1
        # Interactions per stakeholder.
        counts = generate._exact_split(
            rng,
            INTERACTIONS - PAGE_INTERACTIONS - SMALL_INTERACTIONS,
            STAKEHOLDERS - 2,
            10,
            190,
        )
        counts = [PAGE_INTERACTIONS, SMALL_INTERACTIONS, *counts]
        staff = list(
            Person.objects.filter(organisation_id__in=with_units([1]))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.owner = [rng.choice(staff) for _ in range(STAKEHOLDERS)]
        activities = list(
            Activity.objects.filter(register__organisation_id=1)
            .order_by("pk")
            .values_list("pk", flat=True)[:5000]
        )
        summaries = [
            " ".join(
                s
                for s in (
                    rng.choice(OPENINGS),
                    rng.choice(MIDDLES),
                    rng.choice(MIDDLES),
                    rng.choice(CLOSINGS),
                )
                if s
            )
            for _ in range(500)
        ]
        sizes = [1] * 40 + [2] * 30 + [3] * 20 + [4] * 10
        rows = []
        rand, randint, choice = rng.random, rng.randint, rng.choice
        cutoff = self.cutoff
        for s in range(STAKEHOLDERS):
            people = [
                i
                for i in range(s * PER_STAKEHOLDER, (s + 1) * PER_STAKEHOLDER)
                if i not in special and cutoff[i] >= 0
            ]
            # Sorted by cutoff, so that those who can take part on a day are a suffix.
            people.sort(key=lambda i: cutoff[i])
            edges = [cutoff[i] for i in people]
            for _ in range(counts[s]):
                day = randint(self.first_day, today)
                able = people[bisect_right(edges, day - 1) :]
                k = min(choice(sizes), len(able))
                who = tuple(rng.sample(able, k)) if k else ()
                summary = choice(summaries)
                if who and rand() < 0.05:
                    first, last = self.names[who[0]]
                    summary = f"{first} {last} said: " + summary
                rows.append(
                    (
                        day,
                        s,
                        choice(KINDS),
                        summary,
                        choice(ISSUES) if rand() < 0.3 else "",
                        who,
                        rand() < 0.5,  # our staff recorded
                        choice(activities) if activities and rand() < 0.01 else None,
                        rand() < 0.05,  # a follow-up
                    )
                )
        # The subject-access and erasure contacts: 20 of their stakeholder's interactions each,
        # named in the summaries of two of them.
        by_stakeholder: dict[int, list[int]] = {}
        for index, row in enumerate(rows):
            if row[1] in (2, 3):
                by_stakeholder.setdefault(row[1], []).append(index)
        for contact, s in ((self.subject, 2), (self.erase, 3)):
            first, last = self.names[contact]
            for j, index in enumerate(rng.sample(by_stakeholder[s], SUBJECT_INTERACTIONS)):
                row = list(rows[index])
                row[5] = (*row[5], contact)
                if j < 2:
                    row[3] = f"Met {first} {last} to agree the agenda. " + row[3]
                row[8] = row[8] or j == 0  # the first has a follow-up (which they own)
                rows[index] = tuple(row)
        rows.sort(key=lambda r: (r[0], r[1]))
        self.rows = rows
        self.interaction_first = self.ids.take(Interaction, len(rows))
        # Denormalised: each contact's last interaction, each stakeholder's last contact.
        self.last = [0] * n
        self.stakeholder_last = [0] * STAKEHOLDERS
        for row in rows:
            day, s, who = row[0], row[1], row[5]
            if day > self.stakeholder_last[s]:
                self.stakeholder_last[s] = day
            for i in who:
                if day > self.last[i]:
                    self.last[i] = day
        return len(rows)

    # --- Contacts -----------------------------------------------------------------------
    def contacts(self) -> int:
        from plantrack.stakeholders.models import Contact
        from plantrack.stakeholders.privacy import ANONYMISED_NAME
        from plantrack.stakeholders.retention import add_months

        rng = self.rng
        today = self.today.toordinal()
        fields = (
            "id database name kind email phone address notes do_not_contact by_email by_phone "
            "by_post email_bounced_on verified_on source from_third_party notice notice_given_on "
            "notice_due_on last_interaction_on state kept_on kept_reason review_from "
            "anonymise_on anonymised_at created_at updated_at " + " ".join(key_fields())
        )
        blank = ("",) * len(key_fields())
        ins = self.gen.ins(Contact, fields)
        self.emails: list[str] = []
        db = self.database.pk
        sources = ["Ward panel sign-up", "Referral from the council", "Borough contact list",
                   "Community event", "Met on patrol", ""]  # fmt: skip
        self.review_from: dict[int, int] = {}

        def rows():
            for i in range(CONTACTS):
                cid = self.contact_first + i
                first, last = self.names[i]
                name = f"{first} {last}"
                kind = self.kinds[i]
                group = self.group.get(i)
                created = today - DAYS - rng.randint(30, 400)
                stamp = self.stamp(created)
                if group == "anonymised":
                    self.emails.append("")
                    yield (
                        cid, db, ANONYMISED_NAME, kind, "", "", "", "", True, True, True, True,
                        None, None, "", False, None, None, None, None, "anonymised", None, "",
                        None, None, self.stamp(today - rng.randint(40, 400)), stamp, stamp, *blank,
                    )  # fmt: skip
                    continue
                email = (
                    f"{first}.{last}{cid}@{rng.choice(DOMAINS)}".lower().replace("'", "")
                    if rng.random() < 0.85 or i in (self.subject, self.erase)
                    else ""
                )
                self.emails.append(email)
                phone = f"07700 9{rng.randint(0, 99999):05d}" if rng.random() < 0.6 else ""
                last_on = self.last[i] or None
                verified = None
                months = self.months[kind]
                counted = max(d for d in (last_on, created) if d)
                review = add_months(dt.date.fromordinal(counted), months).toordinal()
                if group is None and review <= today:
                    # An ordinary contact seen too long ago: their details were confirmed.
                    verified = today - rng.randint(1, 365)
                    counted = max(counted, verified)
                    review = add_months(dt.date.fromordinal(counted), months).toordinal()
                state, anonymise_on = "active", None
                if group in ("expired", "pending"):
                    state = "review"
                    anonymise_on = self.day(self.put_up[i] + self.warning_days)
                self.review_from[i] = review
                third = rng.random() < 0.05
                notice_given = self.day(created + 20) if rng.random() < 0.7 else None
                notice_due = (
                    self.day(today + rng.randint(1, 30)) if third and notice_given is None else None
                )
                yield (
                    cid, db, name, kind, email, phone,
                    f"{rng.randint(1, 200)} {last} Road" if rng.random() < 0.3 else "",
                    "Prefers to be contacted in the evening." if rng.random() < 0.05 else "",
                    rng.random() < 0.02, True, True, True, None,
                    self.day(verified) if verified else None, rng.choice(sources), third,
                    self.notice_id if notice_given else None, notice_given, notice_due,
                    self.day(last_on) if last_on else None, state, None, "",
                    self.day(review), anonymise_on, None,
                    stamp, stamp, *contact_keys(name, phone),
                )  # fmt: skip
            # The small database's contacts: a few answer the search prefix.
            for j in range(SMALL_CONTACTS):
                cid = self.contact_first + CONTACTS + j
                first = rng.choice(generate_first())
                last = "Hughes" if j % 5 == 0 else rng.choice(EXTRA_LAST)
                name = f"{first} {last}"
                stamp = self.stamp(today - 100)
                email = f"{first}.{last}{cid}@mail.example".lower()
                yield (
                    cid, self.small.pk, name, "resident", email,
                    "", "", "", False, True, True, True, None, None, "", False, None, None, None,
                    None, "active", None, "", self.day(today + 700), None, None,
                    stamp, stamp, *contact_keys(name, ""),
                )  # fmt: skip

        ins.write(rows())
        return ins.rows

    # --- Stakeholders and their roles ---------------------------------------------------
    def stakeholders(self) -> int:
        from plantrack.stakeholders.models import Stakeholder

        rng = self.rng
        first = self.ids.take(Stakeholder, STAKEHOLDERS)
        self.stakeholder_ids = list(range(first, first + STAKEHOLDERS))
        db = self.database.pk
        created = self.stamp(self.today.toordinal() - DAYS - 100)
        fields = (
            "id database organisation category owner influence interest contact_every_days "
            "last_contact_on contact_due_on notes created_at updated_at"
        )
        ins = self.gen.ins(Stakeholder, fields)

        def rows():
            for s in range(STAKEHOLDERS):
                every = rng.choice([None, 30, 60, 90, 90, 180, 365])
                last = self.stakeholder_last[s] or None
                due = None
                if every:
                    due = self.day(last + every) if last else self.day(self.today.toordinal())
                yield (
                    self.stakeholder_ids[s], db, self.org_ids[s],
                    CATEGORY_OF.get(self.org_kinds[s], "other"), self.owner[s],
                    rng.choice([None, 1, 2, 3]), rng.choice([None, 1, 2, 3]), every,
                    self.day(last) if last else None, due,
                    "Long-standing relationship; meets the neighbourhood team quarterly."
                    if rng.random() < 0.2 else "",
                    created, created,
                )  # fmt: skip

        ins.write(rows())
        through = Stakeholder.areas.through
        areas = self.gen.ins(through, "id stakeholder area")
        start = self.ids.take(through, 2 * STAKEHOLDERS)
        links = []
        for s in range(STAKEHOLDERS):
            for area in rng.sample(self.area_ids, rng.choice([1, 1, 2])):
                links.append((start + len(links), self.stakeholder_ids[s], area))
        areas.write(links)
        return ins.rows + areas.rows

    def roles(self) -> int:
        from plantrack.stakeholders.models import Role

        rng = self.rng
        rows = []
        start = self.ids.start(Role)
        stamp = self.stamp(self.today.toordinal() - 30)
        for s in range(STAKEHOLDERS):
            people = [
                i
                for i in range(s * PER_STAKEHOLDER, (s + 1) * PER_STAKEHOLDER)
                if self.group.get(i) != "anonymised"
            ]
            rng.shuffle(people)
            if s in (2, 3):  # the special contact holds the main role
                special = self.subject if s == 2 else self.erase
                people.remove(special)
                people.insert(0, special)
            n = 3 if s in (0, 1, 2, 3) else rng.choice([1, 1, 2, 2, 3])
            for j, title in enumerate(rng.sample(ROLE_TITLES, n)):
                vacant = s > 3 and rng.random() < 0.15
                holder = None if vacant or j >= len(people) else self.contact_first + people[j]
                since = self.day(self.today.toordinal() - rng.randint(30, 2000))
                rows.append(
                    (
                        start + len(rows),
                        self.stakeholder_ids[s],
                        title,
                        holder,
                        since,
                        j == 0,
                        stamp,
                    )
                )
        self.ids.take(Role, len(rows))
        ins = self.gen.ins(Role, "id stakeholder title contact since main updated_at")
        ins.write(rows)
        return ins.rows

    # --- Interactions -------------------------------------------------------------------
    def interactions(self) -> int:
        from plantrack.stakeholders.models import Interaction

        db, recorder = self.database.pk, self.steward.pk
        ins = self.gen.ins(
            Interaction,
            "id database stakeholder kind date summary issues activity recorded_by "
            "created_at updated_at",
        )
        sids, first = self.stakeholder_ids, self.interaction_first
        day_text: dict[int, str] = {}
        stamp_text: dict[int, str] = {}

        def rows():
            for n, (day, s, kind, summary, issues, _who, _staff, activity, _f) in enumerate(
                self.rows
            ):
                text = day_text.get(day)
                if text is None:
                    text = day_text[day] = self.day(day)
                    stamp_text[day] = self.stamp(day, 17 * 3600)
                yield (
                    first + n, db, sids[s], kind, text, summary, issues, activity, recorder,
                    stamp_text[day], stamp_text[day],
                )  # fmt: skip

        ins.write(rows())
        return ins.rows

    def interaction_contacts(self) -> int:
        from plantrack.stakeholders.models import Interaction

        through = Interaction.contacts.through
        start = self.ids.start(through)
        ins = self.gen.ins(through, "id interaction contact")
        first, contacts = self.interaction_first, self.contact_first

        def rows():
            k = start
            for n, row in enumerate(self.rows):
                for i in row[5]:
                    yield (k, first + n, contacts + i)
                    k += 1

        ins.write(rows())
        self.ids.take(through, ins.rows)
        return ins.rows

    def interaction_staff(self) -> int:
        from plantrack.stakeholders.models import Interaction

        through = Interaction.staff.through
        start = self.ids.start(through)
        ins = self.gen.ins(through, "id interaction person")
        first = self.interaction_first

        def rows():
            k = start
            for n, row in enumerate(self.rows):
                if row[6]:
                    yield (k, first + n, self.owner[row[1]])
                    k += 1

        ins.write(rows())
        self.ids.take(through, ins.rows)
        return ins.rows

    def follow_ups(self) -> int:
        from plantrack.stakeholders.models import FollowUp

        rng = self.rng
        today = self.today.toordinal()
        start = self.ids.start(FollowUp)
        titles = ["Send the meeting notes", "Share the crime figures for the ward",
                  "Ask the council about the street lighting", "Book the next ward walk",
                  "Put them in touch with the youth service", "Check the CCTV request"]  # fmt: skip
        ins = self.gen.ins(FollowUp, "id interaction title due_on owner contact done created_at")
        first = self.interaction_first
        specials = {self.subject, self.erase}

        def rows():
            k = start
            for n, row in enumerate(self.rows):
                if not row[8]:
                    continue
                day, s, who = row[0], row[1], row[5]
                due = day + 14
                mine = [i for i in who if i in specials]
                contact = mine[0] if mine else (who[0] if who and rng.random() < 0.2 else None)
                yield (
                    k, first + n, rng.choice(titles), self.day(due), self.owner[s],
                    self.contact_first + contact if contact is not None else None,
                    due < today - 7 or rng.random() < 0.5, self.stamp(day, 18 * 3600),
                )  # fmt: skip
                k += 1

        ins.write(rows())
        self.ids.take(FollowUp, ins.rows)
        return ins.rows

    # --- Lawful bases, lists, contacts' areas -------------------------------------------
    def bases_lists_areas(self) -> int:
        from plantrack.stakeholders.models import Basis, Contact, List

        rng = self.rng
        today = self.today.toordinal()
        live = [i for i in range(CONTACTS) if self.group.get(i) != "anonymised"]
        specials = {self.subject, self.erase}
        basis_rows, k = [], self.ids.start(Basis)
        for i in live:
            cid = self.contact_first + i
            created = self.stamp(today - DAYS)
            basis_rows.append(
                (k, cid, self.purposes[0], "public_task", None, "", "", None, None, created)
            )
            k += 1
            if i in specials or rng.random() < 0.1:
                basis_rows.append(
                    (
                        k, cid, self.purposes[1], "consent", self.day(today - rng.randint(30, 900)),
                        "Signed up at a ward panel meeting",
                        "Yes, send me the neighbourhood newsletter by email.", None,
                        self.day(today + 365), created,
                    )
                )  # fmt: skip
                k += 1
        ins = self.gen.ins(
            Basis,
            "id contact purpose kind consent_on consent_source consent_wording withdrawn_on "
            "review_on created_at",
        )
        ins.write(basis_rows)
        self.ids.take(Basis, len(basis_rows))
        total = ins.rows
        # Lists: 20 (two parents with children), a quarter of contacts on one.
        list_start = self.ids.take(List, LISTS)
        list_rows = []
        for j in range(LISTS):
            parent = None if j < 2 else list_start + (j % 2)
            name = ["Residents", "Partners"][j] if j < 2 else f"Ward panel {j - 1}"
            list_rows.append((list_start + j, self.database.pk, name, parent, ""))
        lists = self.gen.ins(List, "id database name parent description")
        lists.write(list_rows)
        total += lists.rows
        through = List.contacts.through
        members, k = [], self.ids.start(through)
        for i in live:
            on = rng.sample(range(LISTS), 2) if i in specials else (
                [rng.randrange(LISTS)] if rng.random() < 0.25 else []
            )  # fmt: skip
            for j in on:
                members.append((k, list_start + j, self.contact_first + i))
                k += 1
        ins = self.gen.ins(through, "id list contact")
        ins.write(members)
        self.ids.take(through, len(members))
        total += ins.rows
        through = Contact.areas.through
        areas, k = [], self.ids.start(through)
        for i in live:
            if rng.random() < 0.33 or i in specials:
                areas.append((k, self.contact_first + i, rng.choice(self.area_ids)))
                k += 1
        ins = self.gen.ins(through, "id contact area")
        ins.write(areas)
        self.ids.take(through, len(areas))
        return total + ins.rows

    # --- Access log, subject-access requests --------------------------------------------
    def access_log(self) -> int:
        from plantrack.accounts.models import User
        from plantrack.stakeholders.models import AccessLog, SubjectAccessRequest

        rng = self.rng
        today = self.today.toordinal()
        readers = list(
            User.objects.filter(memberships__organisation_id=1)
            .order_by("pk")
            .values_list("pk", flat=True)[:50]
        ) or [self.steward.pk]
        live = [i for i in range(CONTACTS) if self.group.get(i) != "anonymised"]
        rows, k = [], self.ids.start(AccessLog)
        hows = ["page"] * 8 + ["api", "export"]
        for _ in range(ACCESS_LOG_ROWS):
            i = rng.choice(live)
            rows.append(
                (k, self.database.pk, self.contact_first + i, rng.choice(readers),
                 rng.choice(hows), self.stamp(today - rng.randint(0, 700), rng.randint(0, 86399)))
            )  # fmt: skip
            k += 1
        for i in (self.subject, self.erase):
            for _ in range(10):
                rows.append(
                    (k, self.database.pk, self.contact_first + i, rng.choice(readers), "page",
                     self.stamp(today - rng.randint(0, 700), rng.randint(0, 86399)))
                )  # fmt: skip
                k += 1
        ins = self.gen.ins(AccessLog, "id database contact_id user how at")
        ins.write(rows)
        self.ids.take(AccessLog, len(rows))
        received = self.today - dt.timedelta(days=5)
        from plantrack.stakeholders.retention import add_months

        SubjectAccessRequest.objects.create(
            database=self.database,
            contact_id=self.contact_first + self.subject,
            received_on=received,
            due_on=add_months(received, 1),
            handled_by=self.steward,
        )
        return ins.rows + 1


def key_fields() -> list[str]:
    """The contact's key columns (duplicates.set_keys writes them)."""
    from plantrack.stakeholders.models import Contact

    return [f.name for f in Contact._meta.concrete_fields if f.name.endswith("_key")]


def contact_keys(name: str, phone: str) -> tuple:
    from plantrack.stakeholders import duplicates
    from plantrack.stakeholders.models import Contact

    probe = Contact(name=name, phone=phone)
    duplicates.set_keys(probe)
    return tuple(getattr(probe, f) for f in key_fields())


def _refresh_keys(found: dict) -> None:
    """Write the keys again if set_keys no longer gives what is stored (a key added to the app
    after the data was built): compared on the subject-access contact."""
    from django.db import connection, transaction

    from plantrack.stakeholders.models import Contact

    fields = key_fields()
    subject = Contact.objects.get(pk=found["stakeholder_subject_contact_id"])
    if tuple(getattr(subject, f) for f in fields) == contact_keys(subject.name, subject.phone):
        return
    t0 = time.perf_counter()
    databases = [found["stakeholder_database_id"], found["stakeholder_small_database_id"]]
    rows = (
        Contact.objects.filter(database_id__in=databases)
        .exclude(state=Contact.State.ANONYMISED)
        .values_list("pk", "name", "phone")
    )
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f)} = %s" for f in fields)
    sql = f"UPDATE {quote(Contact._meta.db_table)} SET {sets} WHERE {quote('id')} = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        batch = []
        for pk, name, phone in rows.iterator(chunk_size=5000):
            batch.append((*contact_keys(name, phone), pk))
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    print(f"Contacts' keys ({', '.join(fields)}) written again in {time.perf_counter() - t0:.1f} s")


def generate_first() -> list[str]:
    from bench import generate

    return generate.FIRST_NAMES + EXTRA_FIRST


# --- The in-process cases -------------------------------------------------------------------

SUBJECT_ACCESS_TARGET_S = 2.0
ERASURE_TARGET_S = 2.0
RETENTION_TARGET_S = 60.0
# The retention run is stopped (and rolled back) after this long, and its time projected from
# the share of the due contacts it had anonymised: at ~2 s a contact it would take 10 minutes.
RETENTION_LIMIT_S = 300.0
BATCH_CASES = ["stakeholders_subject_access", "stakeholders_erasure", "stakeholders_retention"]
RUNS = 5


def run(manifest: dict, names: list[str], *, profile: bool = False) -> dict:
    """Time the subject-access export (the JSON view, through the test client), an erasure and
    the nightly retention run, in-process; every write is rolled back (or, for the access-log
    rows the export writes, deleted) so that the data can be reused."""
    results = {}
    if "stakeholders_subject_access" in names:
        results["stakeholders_subject_access"] = _subject_access(manifest, profile)
    if "stakeholders_erasure" in names:
        results["stakeholders_erasure"] = _erasure(manifest, profile)
    if "stakeholders_retention" in names:
        results["stakeholders_retention"] = _retention(manifest, profile)
    return results


class _Queries:
    """Counts and times the queries run (Django's execute_wrapper): unlike
    CaptureQueriesContext it does not format each query's parameters into its SQL, which for
    an IN list of 46,000 ids costs more than running it."""

    def __init__(self):
        self.rows: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.rows.append((time.perf_counter() - t0, sql))

    def print_slowest(self, n: int = 8) -> None:
        total = sum(t for t, _ in self.rows)
        print(f"    {len(self.rows)} queries, {total:.2f} s in SQL; the slowest:")
        for t, sql in sorted(self.rows, key=lambda row: row[0], reverse=True)[:n]:
            print(f"    {t * 1000:8.1f} ms  {sql[:200]}")


def _timed(fn):
    """(value, seconds, queries) of one call."""
    from django.db import connection

    queries = _Queries()
    with connection.execute_wrapper(queries):
        t0 = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - t0
    return value, seconds, queries


def _summary(name: str, times: list[float], target: float, **extra) -> dict:
    import statistics

    result = {
        "seconds": round(statistics.median(times), 3),
        "max_seconds": round(max(times), 3),
        "runs": [round(t, 3) for t in times],
        "target_s": target,
        **extra,
    }
    print(
        f"  {name:<28} median {result['seconds']} s, max {result['max_seconds']} s "
        f"(runs {', '.join(map(str, result['runs']))})",
        flush=True,
    )
    return result


def _subject_access(manifest: dict, profile: bool) -> dict:
    from django.test import Client
    from django.urls import reverse

    from plantrack.accounts.models import User
    from plantrack.stakeholders.models import AccessLog

    steward = User.objects.get(username=manifest["stakeholder_steward_username"])
    contact_id = manifest["stakeholder_subject_contact_id"]
    path = reverse("stakeholders:subject_access_export", args=[contact_id, "json"])
    client = Client()
    client.force_login(steward, backend="django.contrib.auth.backends.ModelBackend")
    before = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    times, size, sections = [], 0, {}
    try:
        client.get(path)  # the first request fills per-process caches (the session, …)
        for _ in range(RUNS):
            response, seconds, queries = _timed(lambda: client.get(path))
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            times.append(seconds)
            size = len(response.content)
        data = json.loads(response.content)
        sections = {k: len(v) for k, v in data.items() if isinstance(v, list)}
    finally:
        AccessLog.objects.filter(pk__gt=before).delete()
    if profile:
        queries.print_slowest()
    return _summary(
        "stakeholders_subject_access",
        times,
        SUBJECT_ACCESS_TARGET_S,
        bytes=size,
        queries=len(queries.rows),
        sections=sections,
        description=f"GET {path} (the JSON export) as the data steward, {RUNS} runs",
    )


class _Rollback(Exception):
    pass


def _rolled_back(fn):
    """Run ``fn`` in a transaction rolled back afterwards; returns (value, seconds, queries)."""
    from django.db import transaction

    out = {}
    try:
        with transaction.atomic():
            out["value"], out["seconds"], out["queries"] = _timed(fn)
            raise _Rollback
    except _Rollback:
        pass
    return out["value"], out["seconds"], out["queries"]


def _erasure(manifest: dict, profile: bool) -> dict:
    from plantrack.accounts.models import User
    from plantrack.stakeholders import privacy
    from plantrack.stakeholders.models import Contact

    steward = User.objects.get(username=manifest["stakeholder_steward_username"])
    pk = manifest["stakeholder_erase_contact_id"]
    times = []
    for _ in range(RUNS):
        contact = Contact.objects.select_related("database").get(pk=pk)
        erasure, seconds, queries = _rolled_back(
            lambda contact=contact: privacy.contact_erase(actor=steward, contact=contact)
        )
        times.append(seconds)
    if not Contact.objects.filter(pk=pk).exists():
        raise RuntimeError("the erasure was not rolled back")
    if profile:
        queries.print_slowest()
    return _summary(
        "stakeholders_erasure",
        times,
        ERASURE_TARGET_S,
        queries=len(queries.rows),
        rows=erasure.rows,
        description=f"privacy.contact_erase of a contact with {SUBJECT_INTERACTIONS} "
        f"interactions, rolled back, {RUNS} runs",
    )


class _Stopped(Exception):
    pass


def _retention(manifest: dict, profile: bool) -> dict:
    """One nightly run over every database (rolled back). The anonymisations it makes are
    counted (privacy.contact_anonymise wrapped, nothing else changed); past RETENTION_LIMIT_S
    the run is stopped and its time projected from the share done."""
    from django.db.models import Q

    from plantrack.plans.selectors import today
    from plantrack.stakeholders import privacy
    from plantrack.stakeholders.models import Contact

    day = today()
    due = Contact.objects.filter(state=Contact.State.REVIEW, anonymise_on__lte=day).count()
    put_up = Contact.objects.filter(Q(state=Contact.State.ACTIVE, review_from__lte=day)).count()
    anonymise = privacy.contact_anonymise
    progress = {"done": 0, "t0": 0.0, "at_first": None}

    def counted(**kwargs):
        if progress["at_first"] is None:
            progress["at_first"] = time.perf_counter() - progress["t0"]
        if time.perf_counter() - progress["t0"] > RETENTION_LIMIT_S:
            raise _Stopped
        value = anonymise(**kwargs)
        progress["done"] += 1
        if progress["done"] % 50 == 0:
            seconds = time.perf_counter() - progress["t0"]
            print(f"    {progress['done']} of {due} anonymised, {seconds:.0f} s", flush=True)
        return value

    def nightly():
        progress["t0"] = time.perf_counter()
        return privacy.retention_run(on=day)

    privacy.contact_anonymise = counted
    stopped = False
    try:
        report, seconds, queries = _rolled_back(nightly)
    except _Stopped:
        stopped, report, queries = True, None, None
        seconds = time.perf_counter() - progress["t0"]
    finally:
        privacy.contact_anonymise = anonymise
    extra = {
        "put_up_for_review": report.put_up_for_review if report else put_up,
        "anonymised": report.anonymised if report else progress["done"],
        "due_for_anonymising": due,
        "put_up_seconds": round(progress["at_first"] or seconds, 2),
        "queries": len(queries.rows) if queries else None,
        "description": "privacy.retention_run over every database, rolled back, one run",
    }
    if stopped:
        done = max(1, progress["done"])
        per = (seconds - extra["put_up_seconds"]) / done
        extra["stopped_after_s"] = round(seconds, 1)
        extra["per_contact_s"] = round(per, 3)
        print(
            f"  stopped after {seconds:.0f} s with {progress['done']} of {due} anonymised "
            f"({per:.2f} s each): the whole run projected",
            flush=True,
        )
        seconds = extra["put_up_seconds"] + per * due
        extra["projected"] = True
    elif profile:
        queries.print_slowest()
    return _summary("stakeholders_retention", [seconds], RETENTION_TARGET_S, **extra)


def verdict(result: dict) -> str:
    over = result["max_seconds"] > result["target_s"]
    return f"FAIL: over {result['target_s']:g} s" if over else "pass"


def table(results: dict) -> str:
    lines = [f"{'case':<28} {'median s':>9} {'max s':>8} {'target':>7} {'queries':>8}  result"]
    lines.append("-" * len(lines[0]))
    for name, r in results.items():
        queries = "—" if r.get("queries") is None else r["queries"]
        lines.append(
            f"{name:<28} {r['seconds']:>9} {r['max_seconds']:>8} {r['target_s']:>6g}s "
            f"{queries:>8}  {verdict(r)}" + (" (projected)" if r.get("projected") else "")
        )
    return "\n".join(lines)


def markdown_table(results: dict) -> str:
    rows = [
        "| case | median s | max s | target | queries | detail | result |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for name, r in results.items():
        if name == "stakeholders_retention":
            detail = (
                f"{r['put_up_for_review']:,} put up for review ({r['put_up_seconds']} s), "
                f"{r['anonymised']} of {r.get('due_for_anonymising', r['anonymised'])} anonymised"
            )
            if r.get("projected"):
                detail += (
                    f"; stopped after {r['stopped_after_s']} s at {r['per_contact_s']} s a "
                    "contact, the whole run projected"
                )
        elif name == "stakeholders_erasure":
            rows_removed = sum(r["rows"].values())
            detail = f"{rows_removed:,} rows removed or redacted in {len(r['rows'])} tables"
        else:
            detail = f"{r['bytes']:,} bytes; " + ", ".join(
                f"{k} {v}" for k, v in r["sections"].items() if v
            )
        if len(r["runs"]) > 1:
            detail += f"; runs {', '.join(map(str, r['runs']))} s"
        queries = "—" if r.get("queries") is None else f"{r['queries']:,}"
        rows.append(
            f"| {name} | {r['seconds']} | {r['max_seconds']} | ≤ {r['target_s']:g} s | "
            f"{queries} | {detail} | {verdict(r)}{' (projected)' if r.get('projected') else ''} |"
        )
    return "\n".join(rows)
