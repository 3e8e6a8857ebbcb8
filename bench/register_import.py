"""The register import case (issue 12): a 5,000-activity engagement register parsed in ≤ 5 s.

    .venv/bin/python -m bench.register_import [--rebuild-xlsx]        # this case alone
    .venv/bin/python -m bench --cases import_register_xlsx             # the same, via the bench

The workbook is laid out as seed 002's Table 2 (the register reader's model): a caption row
"Table 2: …", then for each of 20 business groups the row "Business Group Engagement
Priorities: | | <group>", the header with the seven register columns (Priority/ Activity | Task
Owner | Cost | Link to B/OCU business plan | Communities Targeted/ Rationale | Engagement Aim |
Engagement Method Used) and its 250 activities, some cells wrapped over lines as typed in Excel,
costs written as registers write them ("£9,000 p.a.", "£2,500", "Officer time", none), an empty
row now and then. Built with openpyxl from a fixed seed into ``bench/data/`` (git-ignored) and
reused unless ``--rebuild``.

Parse only (``plantrack.imports.pipeline.parse_bytes`` on the file's bytes, the median of 3
runs), in a subprocess so that the figures are the parse's own: its peak memory is measured in
a fourth, untimed run under ``tracemalloc`` (Python allocations at their peak, above what was
allocated before), and the process's peak RSS is reported too. Parsing reads no database, so
the child runs against an empty in-memory SQLite database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.generate import DATA_DIR, ROOT
from plantrack.imports.engagement.columns import REGISTER_COLUMNS

CASE = "import_register_xlsx"
ACTIVITIES = 5_000
GROUPS = 20
SEED = 20_261_206
XLSX_VERSION = 1  # bump when the workbook changes shape
XLSX_PATH = DATA_DIR / f"register-bench-{ACTIVITIES}-v{XLSX_VERSION}.xlsx"
TARGET_PARSE_S = 5
PARSE_RUNS = 3
TITLE = (
    "Example of the variety of Avon Police Engagement Activity currently taking place across "
    "Operational Command Units (OCUs) and Boroughs (BOCUs)"
)
GROUP_LABEL = "Business Group Engagement Priorities:"
HEADER = REGISTER_COLUMNS
_UNITS = [
    "Serious Crime Directorate", "Diversity & Citizen Focus Directorate", "Territorial Policing",
    "Safer Neighbourhood Central Unit", "Youth Engagement Unit", "Roads and Transport Policing",
    "Specialist Operations", "Criminal Justice", "Public Order", "Corporate Communications",
]  # fmt: skip
_BOROUGHS = [
    "Barnet", "Brent", "Bromley", "Camden", "Croydon", "Ealing", "Enfield", "Greenwich",
    "Hackney", "Haringey",
]  # fmt: skip
_OWNERS = [
    "SCD8 Crime Reduction & Partnership Unit", "Central SN Unit TPHQ", "Each SN team",
    "Age Diversity Strand, Diversity Central Team", "MPS – Citizen Focus Team",
    "Borough Youth Engagement Officer", "Partnership Inspector", "Neighbourhood Sergeant",
]  # fmt: skip
_ACTIVITIES = [
    "Safer college week", "Street briefings / roll calls", "Key Individual Network survey",
    "Youth Advisory Group meetings", "Knife crime awareness assembly", "Ward panel meeting",
    "Community contact session", "Hate crime awareness event", "Open day at the station",
    "Faith leaders forum", "Summer fair stall", "Independent Advisory Group",
]  # fmt: skip
_COSTS = ["", "", "", "£9,000 p.a.", "£2,500", "£1,500", "£900", "Officer time", "£12,000 p.a."]
_LINKS = [
    "SN Gold Plan Activity no.85", "Borough business plan priority 2", "MPS Statutory Requirement",
    "Part of Age Diversity business plan 2006/7", "Prevention in compliance with NIM model",
]  # fmt: skip
_COMMUNITIES = [
    "Young people 14-25",
    "All who live, work, or study in London",
    "South Asian community identified as an area of increasing serious & organised crime",
    "Disproportionate amount of gun crime within the black community\nAge range of "
    "victim/perpetrators\nImpact of gun crime on young people",
    "Turkish / Kurdish communities Priority BOCU's",
    "Residents of the priority wards where anti-social behaviour is on the increase",
]
_AIMS = [
    "To identify issues at a very local level\nReach those who are 'hard to reach'\nAgree an "
    "action plan\nMeasure public satisfaction / fear of crime",
    "To give young people a voice in policing the capital and breaking down barriers",
    "To establish concerns and to measure progress over time.",
    "Build trust and confidence\nTackle problems together",
    "To understand the issues which effect Londoners and direct resources to where they state "
    "their preferences.",
]
_METHODS = [
    "Leaflet street and meet at pre-arranged time. Discuss and agree issues, the next steps to "
    "be made and a follow up meeting is held 6 to 8 weeks later.",
    "Powerpoint presentation with audio/visual aids\nDistribution of literature & merchandise"
    "\nQ&A Session",
    "SNT's interview Key Individuals across their ward utilising a survey prepared by the "
    "Central SNT Unit.",
    "Regular meetings and working groups",
    "An online facility (with paper an option) to gather all views efficiently.",
]


# --- The workbook ---------------------------------------------------------------------------


def _groups() -> list[str]:
    names = [f"{unit}" for unit in _UNITS]
    names += [f"{borough} Borough Based Initiatives" for borough in _BOROUGHS]
    return names[:GROUPS]


def rows(rng: random.Random) -> list[list[str]]:
    """Every row of the sheet, as seed 002 lays out its register."""
    out: list[list[str]] = [[f"Table 2: {TITLE}"], []]
    per_group = ACTIVITIES // GROUPS
    for group in _groups():
        out.append([GROUP_LABEL, "", group])
        out.append(list(HEADER))
        for n in range(1, per_group + 1):
            borough = rng.choice(_BOROUGHS)
            out.append(
                [
                    f"{borough} {rng.choice(_ACTIVITIES)} ({n})",
                    rng.choice(_OWNERS),
                    rng.choice(_COSTS),
                    rng.choice(_LINKS) if rng.random() < 0.7 else "",
                    rng.choice(_COMMUNITIES),
                    rng.choice(_AIMS),
                    rng.choice(_METHODS),
                ]
            )
            if rng.random() < 0.05:
                out.append([])
    return out


def build_xlsx(path: Path = XLSX_PATH) -> Path:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    from bench.imports import _repack

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Table 2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for row in rows(random.Random(SEED)):
        sheet.append(row)
        if row and row[0] in (HEADER[0], GROUP_LABEL):
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        elif any("\n" in c for c in row):
            for cell in sheet[sheet.max_row]:
                cell.alignment = wrap
    book.properties.created = dt.datetime(2026, 12, 1)  # noqa: DTZ001
    out = io.BytesIO()
    book.save(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_repack(out.getvalue()))
    return path


def ensure_xlsx(rebuild: bool = False) -> tuple[Path, float | None]:
    if XLSX_PATH.exists() and not rebuild:
        return XLSX_PATH, None
    t0 = time.perf_counter()
    build_xlsx(XLSX_PATH)
    return XLSX_PATH, round(time.perf_counter() - t0, 1)


# --- The measurement (parent side) ----------------------------------------------------------


def run(*, rebuild_xlsx: bool = False, quiet: bool = True, verbose: bool = True) -> dict:
    from bench.run import wait_for_quiet

    path, built_s = ensure_xlsx(rebuild_xlsx)
    if verbose:
        how = f"built in {built_s} s" if built_s is not None else "reused"
        print(
            f"{CASE:<20} {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:.1f} MB, {how}); "
            f"parsing ×{PARSE_RUNS}, then once more for memory …",
            flush=True,
        )
    background = wait_for_quiet() if quiet else None
    env = {
        **os.environ,
        "DATABASE_URL": "sqlite://:memory:",
        "DJANGO_SETTINGS_MODULE": "plantrack.settings",
    }
    env.pop("PLANTRACK_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "bench.register_import", "--child", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("REGISTER_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"the register import benchmark failed:\n{proc.stdout}\n{proc.stderr}")
    if verbose:
        for out in proc.stdout.splitlines():
            if not out.startswith("REGISTER_JSON "):
                print(out)
    result = json.loads(line.removeprefix("REGISTER_JSON "))
    result["background_busy_pct_before"] = background
    result["xlsx"] = str(path.relative_to(ROOT))
    result["xlsx_bytes"] = path.stat().st_size
    return result


def verdict(result: dict) -> tuple[bool, list[str]]:
    problems = []
    if result["parse_s"] > result["target_parse_s"]:
        problems.append(f"parse over {result['target_parse_s']} s")
    if result["parsed"]["activities"] != result["activities"]:
        problems.append(f"{result['parsed']['activities']:,} activities read")
    if result["parsed"]["groups"] != GROUPS:
        problems.append(f"{result['parsed']['groups']} groups read")
    if not result["parsed"]["title"]:
        problems.append("title not read")
    return not problems, problems


def table(result: dict) -> str:
    ok, problems = verdict(result)
    header = (
        f"{'import case':<20} {'activities':>10} {'parse s':>8} {'target':>7} "
        f"{'cpu s':>6} {'peak MB':>8} {'max RSS MB':>10}  result"
    )
    return "\n".join(
        [
            header,
            "-" * len(header),
            f"{CASE:<20} {result['parsed']['activities']:>10,} {result['parse_s']:>8.2f} "
            f"{'≤' + str(result['target_parse_s']):>7} {result['parse_cpu_s']:>6.2f} "
            f"{result['peak_mb']:>8.1f} "
            f"{result['max_rss_mb']:>10.1f}  " + ("pass" if ok else "FAIL: " + "; ".join(problems)),
        ]
    )


def markdown_table(result: dict) -> str:
    ok, problems = verdict(result)
    p = result["parsed"]
    return "\n".join(
        [
            "| case | activities | groups | parse s | target | CPU s | peak memory (Python) | "
            "max RSS | result |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|",
            f"| {CASE} | {p['activities']:,} | {p['groups']} | {result['parse_s']} | "
            f"≤ {result['target_parse_s']} s | {result['parse_cpu_s']} | "
            f"{result['peak_mb']:.0f} MB | "
            f"{result['max_rss_mb']:.0f} MB | "
            f"{'pass' if ok else 'FAIL: ' + '; '.join(problems)} |",
            "",
            f"Measured {result['date']} on {result['cores']} cores: a "
            f"{result['xlsx_bytes'] / 1e6:.1f} MB workbook; parse is the median of "
            f"{PARSE_RUNS} `parse_bytes` runs ({', '.join(str(t) for t in result['parse_runs_s'])}"
            f" s), peak memory a fourth run under tracemalloc; {p['warnings']} warnings.",
        ]
    )


# --- The measurement (child side) -----------------------------------------------------------


def child(path: Path) -> dict:
    import tracemalloc

    import django

    django.setup()
    from plantrack.imports.pipeline import parse_bytes

    data = path.read_bytes()
    times, cpu = [], []
    for _ in range(PARSE_RUNS):
        t0, c0 = time.perf_counter(), time.process_time()
        parsed = parse_bytes(path.name, data)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    (register,) = parsed.engagement
    read = {
        "activities": len(register.activities),
        "groups": len(register.groups),
        "title": register.title == TITLE,
        "warnings": len(parsed.warnings),
    }
    del parsed, register
    tracemalloc.start()
    parse_bytes(path.name, data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "parse_s": round(statistics.median(times), 2),
        "parse_runs_s": [round(t, 2) for t in times],
        # CPU seconds of the same runs: unlike the wall time, barely moved by other processes.
        "parse_cpu_s": round(statistics.median(cpu), 2),
        "target_parse_s": TARGET_PARSE_S,
        "activities": ACTIVITIES,
        "parsed": read,
        "peak_mb": round(peak / 1e6, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "cores": os.cpu_count(),
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.register_import", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rebuild-xlsx", action="store_true", help="rebuild the workbook")
    parser.add_argument(
        "--no-wait-quiet", action="store_true", help="start at once, even on a busy machine"
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        print("REGISTER_JSON " + json.dumps(child(args.child)), flush=True)
        return 0
    result = run(rebuild_xlsx=args.rebuild_xlsx, quiet=not args.no_wait_quiet)
    print()
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
