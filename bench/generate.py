"""The national-scale benchmark dataset, written straight into its own database.

Rows are generated in Python from a fixed seed and inserted with ``executemany`` (SQLite) or
``COPY`` (PostgreSQL) inside one transaction, so the whole dataset takes about a minute rather
than the hours the services would need. The denormalised columns are filled exactly as the
services fill them (see ``plantrack.plans.services.update_post`` and ``set_fuzzy_date``):

* ``Action.rag`` / ``status`` come from the latest update, ``last_update_on`` is its date and
  ``update_due_on`` is that date plus the plan's update interval (or the creation date plus the
  interval when there is no update);
* every ``*_text`` date is parsed with ``plantrack.core.fuzzydates.parse``.

django-simple-history rows are not generated: the history side panels are therefore empty.

Django must be set up (``DATABASE_URL`` pointing at the bench database) before ``build`` runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from bench import engagement_data, public_data

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "data"
DEFAULT_SQLITE = DATA_DIR / "bench.sqlite3"

# Bump when the generated data changes shape, so an old dataset is not reused.
# 7: the engagement register (issue 12); 9: its small register; 10: the public pages (issue 16)
GENERATOR_VERSION = 10
SEED = 20_250_601

COUNTS = {
    "plans": 2_000,
    "actions": 100_000,
    "updates": 1_000_000,
    "people": 20_000,
    "organisations": 400,
    "users": 5_000,
    # The engagement register (issue 12, bench/engagement_data.py).
    "areas": 1 + engagement_data.BOROUGHS + engagement_data.WARDS,
    "activities": engagement_data.ACTIVITIES,
    # The public pages (issue 16, bench/public_data.py).
    "publications": public_data.PUBLICATIONS,
    "public_updates": public_data.BIG_PLAN_PUBLIC_UPDATES + public_data.SMALL_PLAN_PUBLIC_UPDATES,
    "events": public_data.EVENTS,
}
LINKED_PEOPLE = 5_000  # people 1..5000 are the users 1..5000
BIG_PLAN_ACTIONS = 250
OWNER_OPEN_ACTIONS = 50
OWNER_PLANS = 10  # the owner's 50 actions are spread over this many plans, big plan included
ACTION_PAGE_UPDATES = 20
# The big plan's summary (issue 4): measures with monthly readings, and budget lines.
SUMMARY_MEASURES = 50
SUMMARY_READINGS = 36
SUMMARY_BUDGET_LINES = 100
MAX_OTHER_PLAN_ACTIONS = 200

# Every benchmark user shares this password; its hash is computed once and reused.
PASSWORD = "plantrack-bench-2025"
OWNER_USERNAME = "bench-owner"
MANAGER_USERNAME = "bench-manager"


# --- Where the dataset lives ------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    url: str
    engine: str  # "sqlite" or "postgresql"
    name: str  # file path or database name
    manifest_path: Path

    @property
    def label(self) -> str:
        if self.engine == "sqlite":
            return f"sqlite:{self.name}"
        settings = _parse(self.url)
        return (
            f"postgresql://{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}/{self.name}"
        )


def _parse(url: str) -> dict:
    import dj_database_url

    return dj_database_url.parse(url)


def target_for(url: str | None) -> Target:
    if not url:
        return Target(
            f"sqlite:///{DEFAULT_SQLITE}",
            "sqlite",
            str(DEFAULT_SQLITE),
            DEFAULT_SQLITE.with_suffix(".manifest.json"),
        )
    settings = _parse(url)
    if settings["ENGINE"].endswith("sqlite3"):
        path = Path(settings["NAME"]).resolve()
        return Target(f"sqlite:///{path}", "sqlite", str(path), path.with_suffix(".manifest.json"))
    if "postgresql" in settings["ENGINE"]:
        name = settings["NAME"]
        return Target(url, "postgresql", name, DATA_DIR / f"postgresql-{name}.manifest.json")
    raise SystemExit(f"Unsupported database for the benchmark: {settings['ENGINE']}")


def _pg_admin_connection(target: Target):
    import psycopg

    s = _parse(target.url)
    return psycopg.connect(
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        user=s["USER"] or None,
        password=s["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def drop_database(target: Target) -> None:
    if target.engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(target.name + suffix).unlink(missing_ok=True)
    else:
        from psycopg import sql

        with _pg_admin_connection(target) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(target.name)
                )
            )
    target.manifest_path.unlink(missing_ok=True)


def ensure_database(target: Target) -> None:
    if target.engine == "sqlite":
        Path(target.name).parent.mkdir(parents=True, exist_ok=True)
        return
    from psycopg import sql

    with _pg_admin_connection(target) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [target.name]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.name)))


def migrate(target: Target) -> None:
    """``manage.py migrate`` in a subprocess, against the bench database."""
    env = {**os.environ, "DATABASE_URL": target.url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


# --- Manifest -----------------------------------------------------------------------------


def live_counts() -> dict[str, int]:
    from plantrack.accounts.models import User
    from plantrack.directory.models import Area, Organisation, Person
    from plantrack.engagement.models import Activity
    from plantrack.plans.models import Action, Plan, Update
    from plantrack.public.models import Event, Publication, PublicUpdate

    models = {
        "plans": Plan,
        "actions": Action,
        "updates": Update,
        "people": Person,
        "organisations": Organisation,
        "users": User,
        "areas": Area,
        "activities": Activity,
        "publications": Publication,
        "public_updates": PublicUpdate,
        "events": Event,
    }
    counts = {name: model.objects.count() for name, model in models.items()}
    # The national build writes organisations 1..400; the data sets added after it
    # (assessments_data's units, stakeholders_data's stakeholder organisations) come above them
    # and must not make the national dataset look changed (and so be rebuilt on every run).
    counts["organisations"] = Organisation.objects.filter(pk__lte=COUNTS["organisations"]).count()
    return counts


def load_manifest(target: Target) -> dict | None:
    try:
        manifest = json.loads(target.manifest_path.read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("generator_version") != GENERATOR_VERSION or manifest.get("counts") != COUNTS:
        return None
    return manifest


def reusable(target: Target) -> dict | None:
    """The manifest of an existing dataset whose counts still match, or None."""
    if target.engine == "sqlite" and not Path(target.name).exists():
        return None
    manifest = load_manifest(target)
    if manifest is None:
        return None
    try:
        counts = live_counts()
    except Exception:  # a missing table, an unreachable server: rebuild
        return None
    return manifest if counts == COUNTS else None


# --- Text pools ---------------------------------------------------------------------------

AREAS = [
    "Avon", "Bedford", "Cambridge", "Cheshire", "Cleveland", "Cumbria", "Derby", "Devon",
    "Dorset", "Durham", "Essex", "Gloucester", "Hampshire", "Hertford", "Humber", "Kent",
    "Lancashire", "Leicester", "Lincoln", "Merseyside", "Norfolk", "Northampton", "Northumbria",
    "Nottingham", "Sheffield", "Stafford", "Suffolk", "Surrey", "Sussex", "Thames Valley",
    "Warwick", "West Mercia", "Wiltshire", "York", "Bristol", "Bath", "Leeds", "Bradford",
    "Wakefield", "Kirklees", "Calderdale", "Rotherham", "Doncaster", "Barnsley", "Hull",
    "Sunderland", "Gateshead", "Newcastle", "Salford", "Bolton", "Wigan", "Oldham", "Rochdale",
    "Stockport", "Trafford", "Tameside", "Bury", "Coventry", "Wolverhampton", "Dudley",
]  # fmt: skip
TOP_KINDS = [
    ("police_force", "{} Police"),
    ("council", "{} City Council"),
    ("council", "{} County Council"),
    ("health", "{} NHS Foundation Trust"),
    ("probation", "{} Probation Service"),
    ("partnership", "{} Community Safety Partnership"),
    ("voluntary", "{} Community Trust"),
    ("government", "Office of the {} Police and Crime Commissioner"),
    ("education", "{} College"),
]
UNITS = [
    "Public Protection Unit", "Neighbourhood Policing Team", "Youth Offending Team",
    "Housing Services", "Community Safety Team", "Licensing", "Safeguarding Adults Board",
    "Children's Services", "Organised Crime Command", "Road Policing Unit",
    "Violence Reduction Unit",
    "Domestic Abuse Team", "Public Health", "Early Help", "Trading Standards", "Prevent Team",
    "Integrated Offender Management", "Victim Services", "Anti-social Behaviour Team",
    "Intelligence Unit",
]  # fmt: skip
FIRST_NAMES = [
    "Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Arthur", "Ivy", "Muhammad",
    "Freya", "Leo", "Lily", "Harry", "Florence", "Oscar", "Grace", "Archie", "Sophia", "Henry",
    "Evie", "Jack", "Poppy", "Theo", "Ella", "Charlie", "Willow", "Freddie", "Rosie", "Alfie",
    "Emily", "Thomas", "Daisy", "James", "Isabella", "William", "Sienna", "Joshua", "Ruby",
    "Jacob", "Priya", "Aaron", "Hannah", "Samuel", "Zara", "Daniel", "Chloe", "Lucas", "Amira",
    "Ethan", "Megan", "Adam", "Niamh", "Ryan", "Aisha", "Callum", "Holly", "Kieran", "Fatima",
    "Owen",
]  # fmt: skip
LAST_NAMES = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner",
    "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker",
    "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis", "Parker",
    "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson",
    "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Khan", "Begum", "Ali", "Hussain", "Ahmed",
]  # fmt: skip
RANKS = ["PC", "PS", "Insp", "Ch Insp", "Supt", "Ch Supt", "DC", "DS", "DI", "DCI"]
POSTS = [
    "Head of Community Safety", "Neighbourhood Inspector", "Partnership Manager",
    "Safeguarding Lead", "Youth Justice Manager", "Licensing Officer", "Analyst",
    "Violence Reduction Coordinator", "Domestic Abuse Coordinator", "Public Health Consultant",
    "Housing Options Manager", "ASB Caseworker", "Probation Officer", "Policy Officer",
    "Commissioning Manager", "Programme Manager", "Prevent Coordinator", "Victims' Champion",
    "Detective Lead, Exploitation", "Head of Service",
]  # fmt: skip
THEMES = [
    "Community Safety", "Serious Violence", "Violence Against Women and Girls", "Youth Justice",
    "Drugs and Alcohol", "Domestic Abuse", "Road Safety", "Anti-social Behaviour",
    "Reducing Reoffending", "Prevent", "Hate Crime", "Modern Slavery", "Child Exploitation",
    "Night-time Economy", "Knife Crime", "Rural Crime", "Fraud and Cyber Crime",
    "Neighbourhood Policing", "Victims and Witnesses", "Safeguarding Adults",
]  # fmt: skip
PLAN_KINDS = [
    ("strategy", "Strategy"),
    ("action_plan", "Action Plan"),
    ("delivery_plan", "Delivery Plan"),
    ("implementation_plan", "Implementation Plan"),
    ("workplan", "Workplan"),
]
SECTION_TITLES = [
    "Prevention and early intervention", "Enforcement and disruption", "Partnership working",
    "Supporting victims and witnesses", "Communications and engagement", "Data and evidence",
    "Workforce and training", "Governance and accountability", "Safer places",
    "Children and young people", "Reducing harm", "Offender management",
]  # fmt: skip
VERBS = [
    "Deliver", "Review", "Develop", "Commission", "Embed", "Publish", "Establish", "Evaluate",
    "Expand", "Roll out", "Refresh", "Pilot", "Map", "Agree", "Introduce", "Strengthen",
]  # fmt: skip
OBJECTS = [
    "a multi-agency hotspot patrol plan for the town centre",
    "the youth diversion scheme across all localities",
    "training on coercive control for frontline staff",
    "a joint tasking process for anti-social behaviour",
    "the information-sharing agreement between partners",
    "a serious violence needs assessment",
    "the domestic abuse perpetrator programme",
    "bystander intervention sessions in the night-time economy",
    "a communications campaign on knife crime",
    "the pathway for victims of modern slavery",
    "a data dashboard for the partnership board",
    "safe spaces for young people during school holidays",
    "the out-of-court disposals framework",
    "an audit of street lighting and CCTV coverage",
    "the referral route into substance misuse treatment",
    "a trauma-informed practice standard",
    "targeted patrols on the rail network",
    "the hate crime third-party reporting centres",
    "a problem-solving plan for each priority neighbourhood",
    "a review of licensing conditions for late-night venues",
]
NARRATIVE_SENTENCES = [
    "Partners met on schedule and agreed the next steps.",
    "The working group has drafted terms of reference for sign-off at the next board.",
    "Funding has been confirmed for the current financial year.",
    "Recruitment to the coordinator post is under way; interviews are booked.",
    "Delivery slipped by a month because of staff absence in the lead team.",
    "Data for the last quarter shows a fall in reported incidents in the priority area.",
    "A briefing went to the community safety partnership board, which noted progress.",
    "Training has been delivered to two cohorts with positive feedback.",
    "The evaluation partner has been appointed and the baseline is being collected.",
    "Awaiting legal advice on the information-sharing agreement before go-live.",
    "The pilot has been extended to a second locality following early results.",
    "Risks are being managed through the programme risk register.",
    "Engagement events were held in three wards; findings are being written up.",
    "No change since the last update; the action remains on track.",
    "Procurement documents are with the commissioning team for review.",
    "The lead has changed following a restructure; handover is complete.",
    "Police and council analysts have agreed a shared dataset and refresh cycle.",
    "A task and finish group will report back with recommendations next quarter.",
]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


def _due_texts(today: dt.date) -> list[str]:
    """Deadlines as people write them in plans, spread over the years around today."""
    texts = ["Ongoing", "BAU", "TBC", "Ongoing – reviewed annually", ""]
    for year in range(today.year - 2, today.year + 3):
        yy = year % 100
        texts += [f"{year}/{(yy + 1) % 100:02d}", f"Spring {year}", f"Autumn {year}"]
        for q in (1, 2, 3, 4):
            texts.append(f"Q{q} {year}/{(yy + 1) % 100:02d}")
        for m, month in enumerate(MONTHS, start=1):
            texts += [
                f"{month} {year}",
                f"{month[:3]} {yy:02d}",
                f"By end of {month} {year}",
                f"Commence {month[:3]} {yy:02d}",
                f"{28 if m == 2 else 30 if m in (4, 6, 9, 11) else 31}/{m:02d}/{year}",
            ]
        texts.append(f"Start Oct {yy:02d}, complete by Mar {(yy + 1) % 100:02d}")
    return texts


# --- Insertion ----------------------------------------------------------------------------


class Inserter:
    """Writes rows of ``fields`` into a model's table; other columns get their defaults."""

    def __init__(self, connection, model, fields: Sequence[str]):
        from django.utils import timezone

        self.connection = connection
        self.table = model._meta.db_table
        concrete = {f.name: f for f in model._meta.concrete_fields}
        columns = [concrete[name].column for name in fields]
        extra: list = []
        now = timezone.now()
        for name, f in concrete.items():
            if name in fields:
                continue
            if f.has_default():
                value = f.get_default()
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.null:
                value = None
            elif f.blank and f.get_internal_type() in ("CharField", "TextField", "EmailField"):
                value = ""
            else:
                raise RuntimeError(f"{model.__name__}.{name} needs a value in the generator")
            columns.append(f.column)
            extra.append(f.get_db_prep_save(value, connection))
        self.columns = columns
        self.extra = tuple(extra)
        self.rows = 0

    def write(self, rows: Iterable[tuple], chunk: int = 50_000) -> None:
        quote = self.connection.ops.quote_name
        cols = ", ".join(quote(c) for c in self.columns)
        extra = self.extra
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(self.table)} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + extra)
                        self.rows += 1
                return
            placeholders = ", ".join(["%s"] * len(self.columns))
            sql = f"INSERT INTO {quote(self.table)} ({cols}) VALUES ({placeholders})"
            batch: list[tuple] = []
            for row in rows:
                batch.append(row + extra)
                if len(batch) >= chunk:
                    cursor.executemany(sql, batch)
                    self.rows += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                self.rows += len(batch)


def _exact_split(rng: random.Random, total: int, n: int, low: int, high: int) -> list[int]:
    """n random integers in [low, high] that add up to exactly total."""
    if not low * n <= total <= high * n:
        raise ValueError("impossible split")
    values = [rng.randint(low, high) for _ in range(n)]
    diff = total - sum(values)
    while diff:
        i = rng.randrange(n)
        if diff > 0 and values[i] < high:
            step = min(diff, high - values[i], 5)
            values[i] += step
            diff -= step
        elif diff < 0 and values[i] > low:
            step = min(-diff, values[i] - low, 5)
            values[i] -= step
            diff += step
    return values


# --- The generator ------------------------------------------------------------------------


class Generator(engagement_data.EngagementSteps, public_data.PublicSteps):
    def __init__(self, connection, *, today: dt.date | None = None, verbose: bool = True):
        self.connection = connection
        self.rng = random.Random(SEED)
        self.today = today or timezone.localdate()
        self.verbose = verbose
        self.pg = connection.vendor == "postgresql"
        self.timings: dict[str, float] = {}
        self.special: dict = {}

    # Formatting: dates as ISO text work on both engines; datetimes are UTC.
    def dt_text(self, day: dt.date, seconds: int = 9 * 3600) -> str:
        h, rest = divmod(seconds, 3600)
        m, s = divmod(rest, 60)
        return f"{day.isoformat()} {h:02d}:{m:02d}:{s:02d}" + ("+00" if self.pg else "")

    def log(self, message: str) -> None:
        if self.verbose:
            print(f"  {message}", flush=True)

    def step(self, name: str, fn) -> None:
        t0 = time.perf_counter()
        rows = fn()
        self.timings[name] = round(time.perf_counter() - t0, 2)
        self.log(f"{name:<22} {rows:>9,} rows  {self.timings[name]:6.1f} s")

    def ins(self, model, fields: str | Sequence[str]) -> Inserter:
        """An inserter for ``fields`` of ``model`` (a list, or one space-separated string)."""
        return Inserter(
            self.connection, model, fields.split() if isinstance(fields, str) else fields
        )

    # ------------------------------------------------------------------------------------
    def run(self) -> dict:
        self.step("organisations", self.organisations)
        self.step("users", self.users)
        self.step("people", self.people)
        self.step("memberships", self.memberships)
        self.step("plans", self.plans)
        self.step("sections", self.sections)
        self.step("actions", self.actions)
        self.step("action owners", self.action_owners)
        self.step("action organisations", self.action_organisations)
        self.step("plan roles", self.plan_roles)
        self.step("updates", self.updates)
        self.step("api token", self.api_token)
        self.step("measures", self.measures)
        self.step("budget lines", self.budget_lines)
        self.step("governance", self.governance)
        self.engagement_steps()
        self.public_steps()
        return self.special

    def organisations(self) -> int:
        from plantrack.directory.models import Organisation

        rng = self.rng
        n_top = len(AREAS)
        n_units = COUNTS["organisations"] - n_top
        # Organisation 1 is a big force with many units: the benchmark users belong to it.
        parents = [1] * 24 + [rng.randint(2, n_top) for _ in range(n_units - 24)]
        parents.sort()
        rows, self.org_parent, self.org_name = [], {}, {}
        created = self.dt_text(self.today - dt.timedelta(days=1500))
        for i, area in enumerate(AREAS, start=1):
            kind, pattern = TOP_KINDS[0] if i == 1 else TOP_KINDS[(i - 1) % len(TOP_KINDS)]
            name = pattern.format(area)
            short = "".join(w[0] for w in name.split() if w[0].isupper())[:10]
            domain = area.lower().replace(" ", "")
            rows.append(
                (
                    i,
                    name,
                    short,
                    kind,
                    None,
                    f"info@{domain}.example",
                    f"https://{domain}.example",
                    created,
                    created,
                )
            )
            self.org_parent[i] = None
            self.org_name[i] = name
        unit_index: dict[int, int] = {}
        for j, parent in enumerate(parents, start=n_top + 1):
            k = unit_index.get(parent, 0)
            unit_index[parent] = k + 1
            unit = UNITS[k % len(UNITS)] + ("" if k < len(UNITS) else f" {k // len(UNITS) + 1}")
            rows.append((j, unit, "", "unit", parent, "", "", created, created))
            self.org_parent[j] = parent
            self.org_name[j] = unit
        self.top_of = {
            o: (o if p is None else p) for o, p in self.org_parent.items()
        }  # the tree is two levels deep
        ins = self.ins(
            Organisation, """id name short_name kind parent email website created_at updated_at"""
        )
        ins.write(rows)
        return ins.rows

    def users(self) -> int:
        from django.contrib.auth.hashers import make_password

        from plantrack.accounts.models import User

        rng = self.rng
        password_hash = make_password(PASSWORD)  # once: argon2 is deliberately slow
        joined = self.dt_text(self.today - dt.timedelta(days=1200))
        rows, self.user_name = [], {}
        for i in range(1, COUNTS["users"] + 1):
            if i == 1:
                first, last, username = "Olivia", "Owner", OWNER_USERNAME
            elif i == 2:
                first, last, username = "Marcus", "Manager", MANAGER_USERNAME
            else:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                username = f"{first}.{last}.{i}".lower()
            self.user_name[i] = f"{first} {last}"
            rows.append(
                (
                    i,
                    password_hash,
                    None,
                    False,
                    username,
                    first,
                    last,
                    f"{username}@example.org",
                    False,
                    True,
                    joined,
                )
            )
        ins = self.ins(
            User,
            """
                id password last_login is_superuser username first_name last_name email is_staff
                is_active date_joined
            """,
        )
        ins.write(rows)
        # Where each user works: the owner and the manager are in the big force, organisation 1.
        orgs = list(self.org_parent)
        self.user_org = {u: (1 if u <= 2 else rng.choice(orgs)) for u in range(1, len(rows) + 1)}
        return ins.rows

    def people(self) -> int:
        from plantrack.directory.models import Person

        rng = self.rng
        created = self.dt_text(self.today - dt.timedelta(days=1200))
        orgs = list(self.org_parent)
        rows, self.person_label, self.person_post, self.person_org = [], {}, {}, {}
        for i in range(1, COUNTS["people"] + 1):
            if i <= LINKED_PEOPLE:
                name, org, user = self.user_name[i], self.user_org[i], i
            else:
                org, user = rng.choice(orgs), None
                name = (
                    ""
                    if rng.random() < 0.04
                    else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                )
            police = self.org_name[self.top_of[org]].endswith("Police")
            rank = rng.choice(RANKS) if police and name and rng.random() < 0.7 else ""
            post = rng.choice(POSTS)
            staff = f"{rng.randint(1000, 99999)}" if police and rng.random() < 0.6 else ""
            email = f"person{i}@example.org" if name else ""
            rows.append(
                (
                    i,
                    name,
                    rank,
                    post,
                    post,
                    staff,
                    org,
                    email,
                    # Addresses their holders confirmed: mail goes only to those.
                    created if email else None,
                    "",
                    rng.random() < 0.05,
                    user,
                    created,
                    created,
                )
            )
            self.person_label[i] = f"{rank} {name}".strip() if name else post
            self.person_org[i] = org
            self.person_post[i] = post
        ins = self.ins(
            Person,
            """
                id name rank job_title post staff_number organisation email email_verified_at
                phone spoc user created_at updated_at
            """,
        )
        ins.write(rows)
        return ins.rows

    def memberships(self) -> int:
        from plantrack.directory.models import Membership

        created = self.dt_text(self.today - dt.timedelta(days=1200))
        ins = self.ins(Membership, ["id", "user", "organisation", "created_at"])
        ins.write((u, u, org, created) for u, org in self.user_org.items())
        return ins.rows

    def plans(self) -> int:
        from plantrack.core import fuzzydates
        from plantrack.plans.models import Plan

        rng = self.rng
        n = COUNTS["plans"]
        orgs = list(self.org_parent)
        # Plan 1 is the big plan; the others share the remaining actions.
        others = _exact_split(
            rng, COUNTS["actions"] - BIG_PLAN_ACTIONS, n - 1, 10, MAX_OTHER_PLAN_ACTIONS // 2
        )
        self.plan_actions = [BIG_PLAN_ACTIONS, *others]
        self.plan_created = {}
        self.plan_interval = {}
        self.plan_org = {}
        self.plan_status = {}
        self.plan_visibility = {}
        rows = []
        visibility = ["public"] * 15 + ["organisation"] * 65 + ["restricted"] * 20
        status = ["active"] * 75 + ["draft"] * 5 + ["closed"] * 15 + ["archived"] * 5
        for i in range(1, n + 1):
            area = AREAS[rng.randrange(len(AREAS))]
            theme = rng.choice(THEMES)
            kind, kind_label = rng.choice(PLAN_KINDS)
            start = rng.randint(self.today.year - 3, self.today.year)
            period = f"{start}/{(start + 1) % 100:02d} – {start + 2}/{(start + 3) % 100:02d}"
            parsed = fuzzydates.parse(period)
            years = f"{start}–{(start + 3) % 100:02d}"
            title = f"{area} {theme} {kind_label} {years} ({i})"
            if i == 1:
                org, vis, st, interval = 1, "organisation", "active", 30
                title = f"Northumbria Serious Violence Duty Delivery Plan {years}"
            else:
                org, vis, st = rng.choice(orgs), rng.choice(visibility), rng.choice(status)
                interval = rng.choice([30, 30, 30, 30, 30, 14, 28, 60, 90])
            created_day = self.today - dt.timedelta(days=1100 - i % 30)
            created = self.dt_text(created_day)
            self.plan_created[i] = created_day
            self.plan_interval[i] = interval
            self.plan_org[i] = org
            self.plan_status[i] = st
            self.plan_visibility[i] = vis
            rows.append(
                (
                    i,
                    title,
                    kind,
                    f"The {theme.lower()} {kind_label.lower()} for {area}.",
                    org,
                    period,
                    _iso(parsed.earliest),
                    _iso(parsed.latest),
                    parsed.kind.value,
                    st,
                    vis,
                    f"{area} Community Safety Partnership Board",
                    f"{title}.pdf",
                    interval,
                    created,
                    created,
                )
            )
        ins = self.ins(
            Plan,
            """
                id title kind summary owner_organisation period_text period_earliest period_latest
                period_kind status visibility reports_to source_document update_interval_days
                created_at updated_at
            """,
        )
        ins.write(rows)
        self.special["big_plan_id"] = 1
        return ins.rows

    def sections(self) -> int:
        from plantrack.plans.models import Section

        rng = self.rng
        rows, self.plan_sections = [], {}
        sid = 0
        for plan in range(1, len(self.plan_actions) + 1):
            titles = rng.sample(SECTION_TITLES, rng.randint(4, 8))
            ids = []
            for position, title in enumerate(titles, start=1):
                sid += 1
                ids.append(sid)
                rows.append((sid, plan, title, f"Actions on {title.lower()}.", position))
            self.plan_sections[plan] = ids
        ins = self.ins(Section, ["id", "plan", "title", "description", "position"])
        ins.write(rows)
        return ins.rows

    def _choose_special_actions(self) -> None:
        """The owner's 50 open actions: 5 in each of 10 active plans, the big plan first."""
        rng = self.rng
        candidates = [
            p
            for p in range(2, COUNTS["plans"] + 1)
            if self.plan_status[p] == "active" and self.plan_actions[p - 1] >= 20
        ]
        # One small plan among them gives the "same queries on a small plan" comparison.
        small = next(
            p
            for p in range(2, COUNTS["plans"] + 1)
            if self.plan_status[p] == "active" and self.plan_actions[p - 1] == 10
        )
        plans = [1, small, *rng.sample([p for p in candidates if p != small], OWNER_PLANS - 2)]
        per_plan = OWNER_OPEN_ACTIONS // OWNER_PLANS
        self.owner_plans = plans
        self.owner_actions: set[int] = set()
        first_action = [0]
        for n in self.plan_actions:
            first_action.append(first_action[-1] + n)
        self.first_action = first_action  # action ids of plan p: first_action[p-1]+1 ..
        by_plan = {}
        for p in plans:
            ids = range(first_action[p - 1] + 1, first_action[p] + 1)
            chosen = sorted(rng.sample(ids, per_plan))
            by_plan[p] = chosen
            self.owner_actions.update(chosen)
        big = by_plan[1]
        self.special.update(
            owner_plan_ids=plans,
            small_plan_id=small,
            action_page_id=big[0],  # exactly 20 updates
            action_small_id=big[1],  # exactly 2 updates
            post_action_id=big[2],  # updates are posted here
        )
        self.fixed_updates = {big[0]: ACTION_PAGE_UPDATES, big[1]: 2}

    def actions(self) -> int:
        from plantrack.core import fuzzydates
        from plantrack.plans.models import Action

        rng = self.rng
        self._choose_special_actions()
        due_parsed = {}
        for text in _due_texts(self.today):
            parsed = fuzzydates.parse(text, today=self.today)
            due_parsed[text] = (
                text,
                _iso(parsed.earliest),
                _iso(parsed.latest),
                parsed.kind.value if text.strip() else "",
            )
        due_choices = list(due_parsed.values())
        blank = ("", None, None, "")
        start_choices = [v for k, v in due_parsed.items() if k.startswith("Commence") or " " in k]
        n_actions = COUNTS["actions"]
        other_total = COUNTS["updates"] - sum(self.fixed_updates.values())
        others = _exact_split(rng, other_total, n_actions - len(self.fixed_updates), 0, 20)
        it = iter(others)
        self.update_counts = [0] * (n_actions + 1)
        for a in range(1, n_actions + 1):
            self.update_counts[a] = self.fixed_updates.get(a) or next(it)

        final_statuses = (
            ["in_progress"] * 62
            + ["complete"] * 18
            + ["ongoing"] * 12
            + ["not_started"] * 4
            + ["cancelled"] * 4
        )
        open_statuses = ["in_progress"] * 8 + ["ongoing"] * 2
        rag_weights = ["red"] * 15 + ["amber"] * 35 + ["green"] * 50
        titles = [f"{v} {o}" for v in VERBS for o in OBJECTS]
        self.action_plan = [0] * (n_actions + 1)
        self.action_updates_plan: list = [None] * (n_actions + 1)  # (dates, rags, statuses)
        self.action_created = [None] * (n_actions + 1)
        ins = self.ins(
            Action,
            """
                id plan section position ref title description strategy_refs owner_text status rag
                start_text start_earliest start_latest start_kind review_text review_earliest
                review_latest review_kind due_text due_earliest due_latest due_kind last_update_on
                update_due_on created_at updated_at
            """,
        )
        today = self.today

        def rows():
            aid = 0
            for plan, n in enumerate(self.plan_actions, start=1):
                sections = self.plan_sections[plan]
                cuts = sorted(rng.sample(range(1, n), len(sections) - 1))
                bounds = [0, *cuts, n]
                interval = dt.timedelta(days=self.plan_interval[plan])
                closed_plan = self.plan_status[plan] in ("closed", "archived")
                code = "".join(w[0] for w in AREAS[plan % len(AREAS)].split()) + f"{plan}"
                for s_index, section in enumerate(sections):
                    for k in range(bounds[s_index], bounds[s_index + 1]):
                        aid += 1
                        position = k + 1
                        created_day = self.plan_created[plan] + dt.timedelta(
                            days=rng.randint(0, 60)
                        )
                        count = self.update_counts[aid]
                        owned = aid in self.owner_actions
                        if count == 0:
                            status, rag, last = "not_started", "", None
                            plan_of_updates = None
                        else:
                            status = rng.choice(open_statuses if owned else final_statuses)
                            last_off = rng.randint(200, 700) if closed_plan else rng.randint(1, 120)
                            offs = sorted(
                                [last_off, *rng.sample(range(last_off + 1, 731), count - 1)],
                                reverse=True,
                            )
                            dates = [today - dt.timedelta(days=o) for o in offs]  # oldest first
                            rags = [rng.choice(rag_weights) for _ in range(count)]
                            statuses = ["in_progress"] * (count - 1) + [status]
                            if status == "complete":
                                rags[-1] = "blue"
                            rag, last = rags[-1], dates[-1]
                            plan_of_updates = (dates, rags, statuses)
                        self.action_plan[aid] = plan
                        self.action_updates_plan[aid] = plan_of_updates
                        self.action_created[aid] = created_day
                        due = rng.choice(due_choices) if rng.random() < 0.9 else blank
                        start = rng.choice(start_choices) if rng.random() < 0.4 else blank
                        review = rng.choice(due_choices) if rng.random() < 0.15 else blank
                        update_due = (last or created_day) + interval
                        last_seconds = rng.randint(8 * 3600, 18 * 3600)
                        yield (
                            aid,
                            plan,
                            section,
                            position,
                            f"{code}/{s_index + 1}.{position}",
                            rng.choice(titles),
                            rng.choice(NARRATIVE_SENTENCES) if rng.random() < 0.6 else "",
                            f"SV{rng.randint(1, 12)}" if rng.random() < 0.3 else "",
                            rng.choice(POSTS),
                            status,
                            rag,
                            *start,
                            *review,
                            *due,
                            _iso(last),
                            update_due.isoformat(),
                            self.dt_text(created_day),
                            self.dt_text(last or created_day, last_seconds),
                        )

        ins.write(rows())
        assert ins.rows == n_actions
        return ins.rows

    def action_owners(self) -> int:
        from plantrack.plans.models import ActionOwner

        rng = self.rng
        n_people = COUNTS["people"]
        self.action_owner_people: list = [None] * (COUNTS["actions"] + 1)

        def rows():
            oid = 0
            for aid in range(1, COUNTS["actions"] + 1):
                people = [1] if aid in self.owner_actions else []
                want = len(people) + (1 if rng.random() < 0.7 else 2)
                while len(people) < want:
                    p = rng.randint(3, n_people)  # person 1 owns only the 50; 2 is random below
                    if rng.random() < 0.0001:
                        p = 2
                    if p not in people:
                        people.append(p)
                self.action_owner_people[aid] = people
                for position, p in enumerate(people):
                    oid += 1
                    yield (oid, aid, p, position, self.person_post[p])

        ins = self.ins(ActionOwner, ["id", "action", "person", "position", "post"])
        ins.write(rows())
        return ins.rows

    def action_organisations(self) -> int:
        from plantrack.plans.models import ActionOrganisation

        rng = self.rng
        orgs = list(self.org_parent)

        def rows():
            rid = 0
            for aid in range(1, COUNTS["actions"] + 1):
                plan = self.action_plan[aid]
                lead = self.plan_org[plan] if rng.random() < 0.6 else rng.choice(orgs)
                chosen = [lead]
                for _ in range(rng.choice([0, 1, 1, 2])):
                    o = rng.choice(orgs)
                    if o not in chosen:
                        chosen.append(o)
                for position, org in enumerate(chosen):
                    rid += 1
                    role = "lead" if position == 0 else "supporting"
                    yield (rid, aid, org, role, 0 if position == 0 else position - 1)

        ins = self.ins(ActionOrganisation, ["id", "action", "organisation", "role", "position"])
        ins.write(rows())
        return ins.rows

    def plan_roles(self) -> int:
        """1–2 managers, a few contributors (users who own actions in it) and viewers."""
        from plantrack.plans.models import PlanRole

        rng = self.rng
        n_users = COUNTS["users"]
        owners_in_plan: dict[int, list[int]] = {}
        for aid in range(1, COUNTS["actions"] + 1):
            for p in self.action_owner_people[aid]:
                if p <= LINKED_PEOPLE and p != 1:
                    owners_in_plan.setdefault(self.action_plan[aid], []).append(p)
        rows = []
        rid = 0
        for plan in range(1, COUNTS["plans"] + 1):
            roles: dict[int, str] = {}
            if plan == 1:
                roles[2] = "manager"  # the bench manager
            if plan in self.owner_plans:
                roles[1] = "contributor"  # the bench owner
            for _ in range(rng.randint(1, 2) - (1 if plan == 1 else 0)):
                roles.setdefault(rng.randint(3, n_users), "manager")
            pool = sorted(set(owners_in_plan.get(plan, [])))
            for u in rng.sample(pool, min(len(pool), rng.randint(2, 5))):
                roles.setdefault(u, "contributor")
            for _ in range(rng.randint(1, 4)):
                roles.setdefault(rng.randint(3, n_users), "viewer")
            for user, role in roles.items():
                rid += 1
                rows.append((rid, plan, user, role))
        ins = self.ins(PlanRole, ["id", "plan", "user", "role"])
        ins.write(rows)
        return ins.rows

    def updates(self) -> int:
        from plantrack.plans.models import Update

        rng = self.rng
        narratives = [
            " ".join(rng.sample(NARRATIVE_SENTENCES, rng.randint(1, 3))) for _ in range(3000)
        ]
        day_text: dict[dt.date, str] = {}
        dt_text = self.dt_text

        def rows():
            uid = 0
            for aid in range(1, COUNTS["actions"] + 1):
                planned = self.action_updates_plan[aid]
                if planned is None:
                    continue
                dates, rags, statuses = planned
                person = self.action_owner_people[aid][0]
                if person <= LINKED_PEOPLE:
                    author, author_name = person, self.user_name[person]
                else:
                    author, author_name = None, self.person_label[person]
                for date, rag, status in zip(dates, rags, statuses, strict=True):
                    uid += 1
                    iso = day_text.get(date)
                    if iso is None:
                        iso = day_text[date] = date.isoformat()
                    yield (
                        uid,
                        aid,
                        iso,
                        rag,
                        status,
                        rng.choice(narratives),
                        author,
                        author_name,
                        dt_text(date, rng.randint(8 * 3600, 18 * 3600)),
                    )

        ins = self.ins(
            Update, """id action date rag status narrative author author_name created_at"""
        )
        ins.write(rows(), chunk=100_000)
        assert ins.rows == COUNTS["updates"], ins.rows
        return ins.rows

    def api_token(self) -> int:
        from plantrack.accounts.models import ApiToken

        secret = "pt_bench_" + hashlib.sha256(f"{SEED}".encode()).hexdigest()[:32]
        ins = self.ins(
            ApiToken, ["id", "user", "name", "prefix", "digest", "created_at", "last_used_at"]
        )
        created = self.dt_text(self.today - dt.timedelta(days=1))
        ins.write(
            [
                (
                    1,
                    1,
                    "benchmark",
                    secret[3 : 3 + ApiToken.PREFIX_LENGTH],
                    ApiToken.digest_for(secret),
                    created,
                    None,
                )
            ]
        )
        self.special["api_token"] = secret
        return ins.rows

    def _months_back(self, n: int) -> dt.date:
        month = self.today.year * 12 + self.today.month - 1 - n
        return dt.date(month // 12, month % 12 + 1, 1)

    def measures(self) -> int:
        """50 measures on the big plan's sections, each with a baseline three years ago, a
        target a year ahead and a reading every month since: on, behind and far behind."""
        from plantrack.measures.models import Measure, Reading, Target

        rng, sections = self.rng, self.plan_sections[1]
        start = self._months_back(SUMMARY_READINGS)
        target_day = self.today + dt.timedelta(days=365)
        span = (target_day - start).days
        measures, targets, readings = [], [], []
        for n in range(1, SUMMARY_MEASURES + 1):
            base, goal = rng.randint(10, 100), rng.randint(150, 400)
            measures.append(
                (
                    n,
                    1,
                    sections[n % len(sections)],
                    f"Measure {n}: people reached",
                    "count",
                    "increase",
                    Decimal(base),
                    start.isoformat(),
                    Decimal(10),
                )
            )
            targets.append((n, n, Decimal(goal), target_day.isoformat(), "within a year"))
            pace = rng.choice((1.05, 0.95, 0.7))  # ahead, a little behind, far behind
            for m in range(SUMMARY_READINGS, 0, -1):
                day = self._months_back(m - 1)
                share = (day - start).days / span
                value = round(base + (goal - base) * share * pace + rng.uniform(-3, 3))
                readings.append(
                    (
                        len(readings) + 1,
                        n,
                        Decimal(max(value, 0)),
                        day.isoformat(),
                        self.dt_text(day),
                    )
                )
        ins = self.ins(
            Measure,
            "id plan section name unit direction baseline_value baseline_date tolerance_percent",
        )
        ins.write(measures)
        self.ins(Target, "id measure value date date_text").write(targets)
        reading_ins = self.ins(Reading, "id measure value date created_at")
        reading_ins.write(readings)
        return ins.rows + len(targets) + reading_ins.rows

    def budget_lines(self) -> int:
        """100 budget lines on the big plan over three financial years, with spend so far."""
        from plantrack.budgets.models import BudgetAmount, BudgetLine, Spend
        from plantrack.core.finyears import fy_of

        rng, sections = self.rng, self.plan_sections[1]
        year = fy_of(self.today)
        lines, amounts, spend = [], [], []
        for n in range(1, SUMMARY_BUDGET_LINES + 1):
            category = "set_up" if n % 4 == 0 else "operating"
            lines.append((n, 1, sections[n % len(sections)], f"Budget line {n}", category, n))
            for y in (year - 1, year, year + 1):
                if category == "set_up" and y != year - 1:
                    continue
                amount = Decimal(rng.randint(5, 80) * 500)
                amounts.append((line_amount := len(amounts) + 1, n, y, amount))
                if y <= year:
                    used = rng.uniform(0.3, 1.1) if y < year else rng.uniform(0.1, 0.7)
                    spend.append(
                        (
                            line_amount,
                            n,
                            y,
                            Decimal(round(amount * Decimal(str(used)))),
                            self.today.isoformat(),
                            "Benchmark spend",
                        )
                    )
        ins = self.ins(BudgetLine, "id plan section name category order")
        ins.write(lines)
        self.ins(BudgetAmount, "id line financial_year amount").write(amounts)
        self.ins(Spend, "id line financial_year amount date_recorded note").write(spend)
        return ins.rows + len(amounts) + len(spend)

    def governance(self) -> int:
        """A partnership board overseeing the big plan (issue 5's board pack), with a meeting
        next month, and a steering group under it for the big plan's first section."""
        from plantrack.governance.models import Body, Meeting, Oversight

        self.ins(Body, "id name short_name kind cadence reports_to").write(
            [
                (1, "Bench Partnership Board", "BPB", "board", "quarterly", None),
                (2, "Bench Steering Group", "BSG", "steering_group", "monthly", 1),
            ]
        )
        self.ins(Oversight, "id body plan section lead_text").write(
            [(1, 1, 1, None, ""), (2, 2, 1, self.plan_sections[1][0], "")]
        )
        meeting = self.today + dt.timedelta(days=30)
        self.ins(Meeting, "id body date title").write(
            [(1, 1, meeting.isoformat(), "Quarterly performance")]
        )
        self.special["pack_body_name"] = "Bench Partnership Board"
        return 5


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _reset_sequences(connection) -> None:
    from django.apps import apps
    from django.core.management.color import no_style

    apps_generated = {"accounts", "directory", "plans", "measures", "budgets", "governance"}
    apps_generated |= {"engagement", "evidence", "public"}
    models = [m for m in apps.get_models() if m._meta.app_label in apps_generated]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def build(target: Target, *, verbose: bool = True) -> dict:
    """Fill the (freshly migrated, empty) bench database; returns and writes the manifest."""
    from django.db import connection, transaction

    t0 = time.perf_counter()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-400000")
            cursor.execute("PRAGMA temp_store=MEMORY")
    from plantrack.search import fts

    gen = Generator(connection, verbose=verbose)
    # The full-text indexes are built once after the bulk inserts (their triggers would
    # update them row by row: the updates alone took 238 s instead of ~30 s).
    fts.drop(connection)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        special = gen.run()
        if connection.vendor == "postgresql":
            _reset_sequences(connection)
    t_fts = time.perf_counter()
    fts.ensure(connection)
    gen.timings["fulltext_indexes"] = round(time.perf_counter() - t_fts, 1)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("PRAGMA synchronous=NORMAL")
        else:
            # Autovacuum would analyse the new tables within minutes anyway.
            cursor.execute("ANALYZE")
    seconds = round(time.perf_counter() - t0, 1)
    counts = live_counts()
    if counts != COUNTS:
        raise RuntimeError(f"generated counts {counts} differ from the spec {COUNTS}")
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "seed": SEED,
        "database": target.label,
        "engine": target.engine,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "generated_on": gen.today.isoformat(),
        "generation_seconds": seconds,
        "step_seconds": gen.timings,
        "counts": counts,
        "password": PASSWORD,
        "owner_username": OWNER_USERNAME,
        "manager_username": MANAGER_USERNAME,
        "history_rows": False,
        "sqlite_analyze": False,
        **special,
    }
    target.manifest_path.parent.mkdir(parents=True, exist_ok=True)
    target.manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest
