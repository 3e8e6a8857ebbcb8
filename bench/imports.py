"""The import case: a 10,000-action workbook parsed (a dry run) and saved into an empty database.

    .venv/bin/python -m bench.imports [--rebuild-xlsx] [--profile]      # this case alone
    .venv/bin/python -m bench --cases import_xlsx                        # the same, via the bench

The workbook is built with openpyxl from a fixed seed and kept in ``bench/data/`` (git-ignored):
five sheets, one per theme (each becomes a section), of 2,000 actions each, under a title row
and the header "Ref | Action | Lead and Supporting Agencies | Lead Officer | Review date |
Deadline | RAG | Progress". Owners are drawn from ~300 people ("DCI Jane Smith (47113)"), so the
save matches most of them rather than creating one per action; agencies from 60 organisations.

Each run gets a fresh SQLite database of its own (``bench/data/import-bench.sqlite3``, deleted
and migrated with ``manage.py migrate``), holding one organisation and a superuser. The
measurement runs in a subprocess, so that Django is configured against that database whatever
the calling process uses:

1. parse: ``parse_bytes`` on the file's bytes, the median of 3 runs;
2. save: ``import_parsed`` once, into the empty database, counting its queries with
   ``CaptureQueriesContext`` (its log limit lifted: Django keeps only 9,000 queries by default).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.generate import AREAS, DATA_DIR, ROOT

ACTIONS = 10_000
THEMES = [  # sheet names: at most 31 characters
    "Prevention and Early Help",
    "Protecting Vulnerable People",
    "Pursuing Offenders",
    "Safer Neighbourhoods",
    "Victims and Witnesses",
]
PEOPLE = 300
ORGANISATIONS = 60
SEED = 20_251_122
# Bump when the workbook changes shape, so that an old file is not reused.
XLSX_VERSION = 1
XLSX_PATH = DATA_DIR / f"import-bench-{ACTIONS}-v{XLSX_VERSION}.xlsx"
DB_PATH = DATA_DIR / "import-bench.sqlite3"
PLAN_TITLE = "Community Safety Partnership Action Plan 2024-2026"
HOME_ORGANISATION = "Avon Police"  # the owner organisation; also one of the 60 agencies

TARGET_PARSE_S = 5
TARGET_SAVE_S = 20
PARSE_RUNS = 3
CASE = "import_xlsx"

HEADER = [
    "Ref",
    "Action",
    "Lead and Supporting Agencies",
    "Lead Officer",
    "Review date",
    "Deadline",
    "RAG",
    "Progress",
]

# --- The workbook ---------------------------------------------------------------------------

_RANKS = ["PC", "PS", "Insp", "Ch Insp", "Supt", "Ch Supt", "DS", "DI", "DCI", "Det Supt"]
_FIRST = [
    "Jane", "Tom", "Amy", "Raj", "Fiona", "Gareth", "Helen", "Imran", "Karen", "Liam", "Maria",
    "Neil", "Olu", "Priya", "Sean", "Tara", "Uma", "Victor", "Wendy", "Yusuf", "Zoe", "Ben",
    "Chloe", "Dan", "Ella", "Femi", "Grace", "Harry", "Isla", "Jack",
]  # fmt: skip
_LAST = [
    "Smith", "Okafor", "Lee", "Patel", "Jones", "Evans", "Hughes", "Khan", "Walsh", "Murphy",
    "Garcia", "Brown", "Adeyemi", "Shah", "Kelly", "Reid", "Nair", "Novak", "Clarke", "Ali",
    "Wright", "Taylor", "Davies", "Wilson", "Thomas", "Roberts", "Walker", "Green", "Hall",
    "Wood", "Turner", "Cooper", "Hill", "Ward", "Morris", "Moore", "Baker", "Harris", "King",
    "Price",
]  # fmt: skip
_POSTS = [
    "Community Safety Manager", "Head of Youth Justice", "Domestic Abuse Coordinator",
    "Partnership Analyst", "Safeguarding Lead", "Licensing Manager",
]  # fmt: skip
_ORG_KINDS = [
    "{} Police", "{} City Council", "{} County Council", "{} NHS Foundation Trust",
    "{} Probation Service", "{} Fire and Rescue Service", "{} Youth Offending Service",
    "{} Victim Support", "{} Housing Association", "{} Community Safety Partnership",
]  # fmt: skip
_VERBS = [
    "Deliver", "Develop", "Review", "Embed", "Introduce", "Extend", "Commission", "Publish",
    "Train", "Establish", "Evaluate", "Coordinate", "Map", "Refresh", "Roll out",
]  # fmt: skip
_OBJECTS = [
    "a multi-agency problem-solving approach", "targeted patrols in hotspot areas",
    "training for frontline staff", "the referral pathway for young people at risk",
    "a joint tasking process", "the domestic abuse perpetrator programme",
    "information sharing agreements", "the knife crime education package",
    "the anti-social behaviour case review", "a victim satisfaction survey",
    "the county lines safeguarding protocol", "the night-time economy plan",
    "an early help offer for families", "the serious violence needs assessment",
    "the hate crime reporting centres", "the neighbourhood watch network",
]  # fmt: skip
_PURPOSES = [
    "to reduce repeat victimisation", "so that partners share one picture of risk",
    "with schools and youth services", "across every neighbourhood team",
    "in line with the Serious Violence Duty", "to improve the time taken to respond",
    "and report progress to the partnership board", "focusing on under-25s",
    "with the voluntary sector", "to close gaps identified by the last inspection",
]  # fmt: skip
_REVIEWS = ["Quarterly", "Monthly", "March 2025", "June 2025", "Q3 2024/25", "Q1 2025/26", "TBC"]
_DEADLINES = [
    "March 2024", "Q3 2024/25", "Ongoing", "Commence Nov 25", "31/03/2026", "End of 2025",
    "June 2025", "Q1 2025/26", "By April 2026", "BAU", "2025/26", "Sept 2025", "TBC",
]  # fmt: skip
_RAG_LETTERS = ["R", "A", "A", "G", "G", "G", "B"]
_RAG_FILLS = {"R": "FF0000", "A": "FFC000", "G": "00B050", "B": "0070C0"}
_PROGRESS = [
    "Meeting held with partners and terms of reference agreed.",
    "Draft circulated for comment; feedback due at the next board.",
    "Funding confirmed for the first year.",
    "Training delivered to 40 officers; a second cohort is booked.",
    "Delayed by staff vacancies; recruitment under way.",
    "Pilot evaluated and the findings shared with the board.",
    "Data sharing agreement signed by all partners.",
    "Task and finish group set up and meeting monthly.",
    "Awaiting sign-off from the executive group.",
    "Complete: the new process is in place across the county.",
]  # fmt: skip


def _people(rng: random.Random) -> list[str]:
    """~300 owners as plans write them: mostly "Rank Name (staff number)", some posts."""
    owners, seen = [], set()
    staff_numbers = rng.sample(range(10_000, 99_999), PEOPLE)
    while len(owners) < PEOPLE - len(_POSTS):
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        if name in seen:
            continue
        seen.add(name)
        number = staff_numbers[len(owners)]
        owners.append(f"{rng.choice(_RANKS)} {name} ({number})")
    return owners + list(_POSTS)


def _organisations() -> list[str]:
    names = []
    for n in range(ORGANISATIONS):
        area = AREAS[(n * 7) % len(AREAS)]
        names.append(_ORG_KINDS[n % len(_ORG_KINDS)].format(area))
    assert len(set(names)) == ORGANISATIONS and HOME_ORGANISATION in names
    return names


def _update_date(rng: random.Random) -> dt.date:
    return dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 640))  # to early Oct 2025


def _progress(rng: random.Random) -> str:
    dates = sorted(_update_date(rng) for _ in range(rng.choice((1, 1, 2))))
    return "\n".join(f"{d:%d/%m/%y} \u2013 {rng.choice(_PROGRESS)}" for d in dates)


def build_xlsx(path: Path = XLSX_PATH) -> Path:
    """Write the workbook (deterministic content from SEED) and return its path."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    rng = random.Random(SEED)
    people, organisations = _people(rng), _organisations()
    fills = {letter: PatternFill("solid", fgColor=rgb) for letter, rgb in _RAG_FILLS.items()}
    bold = Font(bold=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    per_sheet = ACTIONS // len(THEMES)
    for number, theme in enumerate(THEMES, start=1):
        sheet = book.create_sheet(theme)
        sheet.append([PLAN_TITLE])
        sheet.append([])
        sheet.append(HEADER)
        for cell in sheet[3]:
            cell.font = bold
        for n in range(1, per_sheet + 1):
            agencies = rng.sample(organisations, rng.choice((1, 1, 2, 2, 3)))
            owner = rng.choice(people)
            if rng.random() < 0.15:
                owner = f"{owner} / {rng.choice(people)}"
            letter = rng.choice(_RAG_LETTERS)
            fill_only = rng.random() < 0.03  # the RAG given as a colour, no letter
            sheet.append(
                [
                    f"TH{number}/{n}",
                    f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_PURPOSES)}.",
                    rng.choice((", ", "; ")).join(agencies),
                    owner,
                    rng.choice(_REVIEWS),
                    rng.choice(_DEADLINES),
                    "" if fill_only else letter,
                    _progress(rng),
                ]
            )
            row = sheet.max_row
            if fill_only or rng.random() < 0.5:
                sheet.cell(row=row, column=7).fill = fills[letter]
    # openpyxl writes document times as naive UTC; a fixed one keeps the file the same.
    book.properties.created = dt.datetime(2025, 11, 1)  # noqa: DTZ001
    out = io.BytesIO()
    book.save(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_repack(out.getvalue()))
    return path


def _repack(data: bytes) -> bytes:
    """The same package with fixed timestamps (zip entries and dcterms:modified, which
    openpyxl sets to the time of saving), so that every build gives the same bytes."""
    import re
    import zipfile

    fixed = b"2025-11-01T00:00:00Z"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + fixed, body)
            member = zipfile.ZipInfo(info.filename, date_time=(2025, 11, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, body)
    return out.getvalue()


def ensure_xlsx(rebuild: bool = False) -> tuple[Path, float | None]:
    """The workbook, built unless it exists; and the seconds building took (None if reused)."""
    if XLSX_PATH.exists() and not rebuild:
        return XLSX_PATH, None
    t0 = time.perf_counter()
    build_xlsx(XLSX_PATH)
    return XLSX_PATH, round(time.perf_counter() - t0, 1)


# --- The measurement (parent side) ----------------------------------------------------------


def fresh_database() -> str:
    """Delete bench/data/import-bench.sqlite3 and migrate a new one; returns its URL."""
    from bench import generate

    target = generate.target_for(f"sqlite:///{DB_PATH}")
    generate.drop_database(target)
    generate.ensure_database(target)
    generate.migrate(target)
    return target.url


def run(
    *,
    rebuild_xlsx: bool = False,
    profile: bool = False,
    quiet: bool = True,
    verbose: bool = True,
) -> dict:
    """Build (or reuse) the workbook, migrate a fresh database and measure in a subprocess.
    With ``quiet``, first wait (up to 90 s) for other processes to leave the CPUs idle."""
    from bench.run import wait_for_quiet

    path, built_s = ensure_xlsx(rebuild_xlsx)
    if verbose:
        how = f"built in {built_s} s" if built_s is not None else "reused"
        print(
            f"{CASE:<18} {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:.1f} MB, {how})",
            flush=True,
        )
    t0 = time.perf_counter()
    url = fresh_database()
    migrate_s = round(time.perf_counter() - t0, 1)
    if verbose:
        print(f"{'':<18} fresh database {DB_PATH.relative_to(ROOT)}, migrated in {migrate_s} s")
        print(f"{'':<18} parsing ×{PARSE_RUNS}, then saving once …", flush=True)
    background = wait_for_quiet() if quiet else None
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "plantrack.settings"}
    env.pop("PLANTRACK_DEBUG", None)
    cmd = [sys.executable, "-m", "bench.imports", "--child", str(path)]
    if profile:
        cmd.append("--profile")
    line = None
    with subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        for out in proc.stdout:  # the child's progress as it comes; the result line last
            if out.startswith("IMPORT_JSON "):
                line = out
            elif verbose:
                print(out, end="", flush=True)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"the import benchmark failed (exit status {proc.returncode})")
    result = json.loads(line.removeprefix("IMPORT_JSON "))
    result["migrate_s"] = migrate_s
    # CPU busy % of the machine just before the run (other processes; ideally ~0).
    result["background_busy_pct_before"] = background
    result["xlsx"] = str(path.relative_to(ROOT))
    result["xlsx_bytes"] = path.stat().st_size
    return result


def verdict(result: dict) -> tuple[bool, list[str]]:
    problems = []
    if result["parse_s"] > result["target_parse_s"]:
        problems.append(f"parse over {result['target_parse_s']} s")
    if result["save_s"] > result["target_save_s"]:
        problems.append(f"save over {result['target_save_s']} s")
    created = result.get("created", {})
    if created.get("actions") is not None and created["actions"] != result["actions"]:
        problems.append(f"{created['actions']} actions saved")
    return not problems, problems


def table(imports: dict) -> str:
    header = (
        f"{'import case':<18} {'parse s':>8} {'target':>7} {'save s':>8} {'target':>7} "
        f"{'queries':>9} {'q/action':>9}  result"
    )
    lines = [header, "-" * len(header)]
    for name, r in imports.items():
        ok, problems = verdict(r)
        lines.append(
            f"{name:<18} {r['parse_s']:>8.2f} {'≤' + str(r['target_parse_s']):>7} "
            f"{r['save_s']:>8.2f} {'≤' + str(r['target_save_s']):>7} {r['queries']:>9} "
            f"{r['queries'] / r['actions']:>9.1f}  "
            + ("pass" if ok else "FAIL: " + "; ".join(problems))
        )
    return "\n".join(lines)


def markdown_table(imports: dict) -> str:
    lines = [
        "| case | actions | parse s | target | save s | target | queries | queries/action "
        "| created | result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for name, r in imports.items():
        ok, problems = verdict(r)
        c = r.get("created", {})
        created = (
            f"{c.get('plans')} plan, {c.get('sections')} sections, {c.get('actions'):,} actions, "
            f"{c.get('updates'):,} updates, {c.get('people')} people, "
            f"{c.get('organisations')} organisations"
        )
        lines.append(
            f"| {name} | {r['actions']:,} | {r['parse_s']} | ≤ {r['target_parse_s']} s | "
            f"{r['save_s']} | ≤ {r['target_save_s']} s | {r['queries']:,} | "
            f"{r['queries'] / r['actions']:.1f} | {created} | "
            f"{'pass' if ok else 'FAIL: ' + '; '.join(problems)} |"
        )
    r = next(iter(imports.values()))
    lines += [
        "",
        f"Measured {r['date']} on {r['cores']} cores, SQLite, a fresh database per run; parse is "
        f"the median of {PARSE_RUNS} `parse_bytes` runs, save one `import_parsed` run.",
    ]
    return "\n".join(lines)


# --- The measurement (child side: Django configured against the fresh database) -------------


def _counts() -> dict[str, int]:
    from plantrack.directory.models import Organisation, Person
    from plantrack.plans.models import (
        Action,
        ActionOrganisation,
        ActionOwner,
        Plan,
        Section,
        Update,
    )

    models = {
        "plans": Plan,
        "sections": Section,
        "actions": Action,
        "updates": Update,
        "people": Person,
        "organisations": Organisation,
        "action_owners": ActionOwner,
        "action_organisations": ActionOrganisation,
    }
    return {name: model.objects.count() for name, model in models.items()}


def _kind(sql: str) -> str:
    word = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "?"
    return word if word in {"SELECT", "INSERT", "UPDATE", "DELETE"} else "OTHER"


def _table(sql: str) -> str:
    import re

    m = re.search(r'(?:FROM|INTO|UPDATE)\s+"([^"]+)"', sql)
    return m[1] if m else "?"


def child(path: Path, profile: bool) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plantrack.accounts.models import User
    from plantrack.directory.models import Organisation
    from plantrack.imports.pipeline import parse_bytes
    from plantrack.imports.saving import import_parsed

    data = path.read_bytes()
    parse_times = []
    for _ in range(PARSE_RUNS):
        t0 = time.perf_counter()
        parsed = parse_bytes(path.name, data)
        parse_times.append(time.perf_counter() - t0)
    parsed_actions = sum(plan.action_count for plan in parsed.plans)
    parsed_updates = sum(
        len(a.updates) for plan in parsed.plans for s in plan.sections for a in s.actions
    )
    print(
        f"{'':<18} parsed: {len(parsed.plans)} plan(s), "
        f"{sum(len(p.sections) for p in parsed.plans)} sections, {parsed_actions} actions, "
        f"{parsed_updates} updates, {len(parsed.warnings)} warnings; "
        f"runs {', '.join(f'{t:.2f}' for t in parse_times)} s",
        flush=True,
    )

    home = Organisation.objects.create(name=HOME_ORGANISATION, kind=Organisation.Kind.POLICE_FORCE)
    actor = User.objects.create_superuser("import-bench", "import-bench@example.org", "x")
    before = _counts()

    # CaptureQueriesContext keeps at most connection.queries_limit (9,000) queries: lift it.
    from collections import deque

    connection.ensure_connection()
    connection.queries_limit = 10_000_000
    connection.queries_log = deque(maxlen=connection.queries_limit)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    cpu0 = time.process_time()
    with CaptureQueriesContext(connection) as captured:
        t0 = time.perf_counter()
        if profiler:
            profiler.enable()
        plans = import_parsed(
            actor=actor, parsed=parsed, owner_organisation=home, source_document=path.name
        )
        if profiler:
            profiler.disable()
        save_s = time.perf_counter() - t0
    save_cpu_s = time.process_time() - cpu0
    after = _counts()
    created = {k: after[k] - before[k] for k in after}

    by_kind: dict[str, int] = {}
    by_table: dict[str, int] = {}
    sql_s = 0.0
    for q in captured.captured_queries:
        by_kind[_kind(q["sql"])] = by_kind.get(_kind(q["sql"]), 0) + 1
        key = f"{_kind(q['sql'])} {_table(q['sql'])}"
        by_table[key] = by_table.get(key, 0) + 1
        sql_s += float(q["time"])
    result = {
        "parse_s": round(statistics.median(parse_times), 2),
        "save_s": round(save_s, 2),
        "actions": ACTIONS,
        "queries": len(captured),
        "target_parse_s": TARGET_PARSE_S,
        "target_save_s": TARGET_SAVE_S,
        "parse_runs_s": [round(t, 2) for t in parse_times],
        "parsed": {
            "plans": len(parsed.plans),
            "actions": parsed_actions,
            "updates": parsed_updates,
            "warnings": len(parsed.warnings),
        },
        "save_cpu_s": round(save_cpu_s, 2),
        # Time inside the database driver, as Django's debug cursor measures it.
        "save_sql_s": round(sql_s, 2),
        "queries_per_action": round(len(captured) / max(1, created["actions"]), 1),
        "queries_by_kind": dict(sorted(by_kind.items())),
        "created": created,
        "plans_saved": len(plans),
        "cores": os.cpu_count(),
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
    }
    if profile:
        import pstats

        print("\nQueries by statement and table:")
        for key, n in sorted(by_table.items(), key=lambda kv: -kv[1]):
            print(f"  {n:>8}  {n / max(1, created['actions']):6.2f}/action  {key}")
        print("\ncProfile of the save (cumulative):")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        print(out.getvalue())
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.imports", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rebuild-xlsx", action="store_true", help="rebuild the workbook")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the save; count its queries by table"
    )
    parser.add_argument(
        "--no-wait-quiet", action="store_true", help="start at once, even on a busy machine"
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        result = child(args.child, args.profile)
        print("IMPORT_JSON " + json.dumps(result), flush=True)
        return 0
    result = run(rebuild_xlsx=args.rebuild_xlsx, profile=args.profile, quiet=not args.no_wait_quiet)
    print()
    print(table({CASE: result}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
