"""python -m bench [--rebuild] [--duration 20] [--connections 8] [--database-url URL]

Builds (or reuses) the national-scale dataset, serves it with gunicorn (2 sync workers) and
measures six cases with wrk on loopback; then times importing a 10,000-action workbook
(bench/imports.py) in a fresh database of its own. Prints tables and writes bench/results.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

from bench import assessments_data, generate, stakeholders_data
from bench.generate import ROOT

RESULTS = ROOT / "bench" / "results.json"
DOCS = ROOT / "docs" / "benchmarks.md"
DOCS_START, DOCS_END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
CASE_ORDER = [
    "plan_page",
    "my_actions",
    "home",
    "api_actions_list",
    "action_page",
    "post_update",
    "bulk_update",
    "plan_summary",
    "portfolio_miss",
    "engagement_register",
    "engagement_api_list",
    "engagement_evaluation_cached",
    "engagement_evaluation_miss",
    "assessments_heat_map",
    "assessments_heat_map_cold",
    "assessments_return",
    "assessments_answer_form",
    "assessments_answer_save",
    "stakeholders_search",
    "stakeholders_search_email",
    "stakeholders_page",
    "search",
    "public_plan",
    "public_events",
    "public_feed",
]
ENGAGEMENT_CASES = {name for name in CASE_ORDER if name.startswith("engagement_")}
ASSESSMENT_CASES = {name for name in CASE_ORDER if name.startswith("assessments_")}
# Issue 14: the pages above, served; subject access, erasure and retention timed in-process
# (bench/stakeholders_data.py), their results under "stakeholders".
STAKEHOLDER_CASES = {name for name in CASE_ORDER if name.startswith("stakeholders_")}
STAKEHOLDER_BATCH = stakeholders_data.BATCH_CASES
DOCS_STAKEHOLDERS_START = "<!-- bench:stakeholders:start -->"
DOCS_STAKEHOLDERS_END = "<!-- bench:stakeholders:end -->"
DOCS_ASSESSMENTS_START = "<!-- bench:assessments:start -->"
DOCS_ASSESSMENTS_END = "<!-- bench:assessments:end -->"
DOCS_ENGAGEMENT_START = "<!-- bench:engagement:start -->"
DOCS_ENGAGEMENT_END = "<!-- bench:engagement:end -->"
# bench/imports.py and bench/register_import.py; results under "imports"
IMPORT_CASES = ["import_xlsx", "import_register_xlsx"]
DOCS_IMPORTS_START = "<!-- bench:imports:start -->"
DOCS_IMPORTS_END = "<!-- bench:imports:end -->"
DOCS_REGISTER_START = "<!-- bench:register-import:start -->"
DOCS_REGISTER_END = "<!-- bench:register-import:end -->"
DOCS_BATCH_START, DOCS_BATCH_END = "<!-- bench:batch:start -->", "<!-- bench:batch:end -->"
POST_NARRATIVE = "Benchmark update: partners met and agreed the next steps."
SEARCH_WORDS = "coordinator"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[2])
    parser.add_argument(
        "--rebuild", action="store_true", help="regenerate the dataset (and the import workbook)"
    )
    parser.add_argument("--duration", type=float, default=20, help="seconds per case (20)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (8)")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up seconds per case (3)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="bench database (default: SQLite at bench/data/bench.sqlite3); "
        "e.g. postgres://postgres@127.0.0.1:5432/plantrack_bench",
    )
    parser.add_argument(
        "--cases", help="comma-separated subset of: " + ", ".join(CASE_ORDER + IMPORT_CASES)
    )
    parser.add_argument("--generate-only", action="store_true", help="build the dataset and stop")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print each case's queries and query plans (import: its queries and a cProfile)",
    )
    parser.add_argument(
        "--no-load",
        action="store_true",
        help="count queries only, no wrk (and no import case unless named in --cases)",
    )
    parser.add_argument(
        "--no-wait-quiet",
        action="store_true",
        help="start each case at once, even if other processes keep the CPUs busy",
    )
    parser.add_argument(
        "--soak",
        type=float,
        nargs="?",
        const=180.0,
        metavar="SECONDS",
        help="instead of the cases: the soak (bench/soak.py), a mixed workload on two app "
        "servers over PostgreSQL for SECONDS (180)",
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write results")
    parser.add_argument(
        "--update-docs", action="store_true", help="rewrite the figures in docs/benchmarks.md"
    )
    return parser.parse_args(argv)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "plantrack.settings"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def dataset(target: generate.Target, rebuild: bool) -> dict:
    from django.db import connections

    if not rebuild:
        generate.ensure_database(target)
        generate.migrate(target)  # a no-op unless the app gained migrations
        manifest = generate.reusable(target)
        if manifest is not None:
            print(
                f"Reusing the dataset in {target.label} "
                f"(built {manifest['generated_at']} in {manifest['generation_seconds']} s)"
            )
            return {**manifest, "reused": True}
    print(f"Generating the dataset in {target.label} …", flush=True)
    t0 = time.perf_counter()
    connections.close_all()
    generate.drop_database(target)
    generate.ensure_database(target)
    generate.migrate(target)
    migrate_seconds = round(time.perf_counter() - t0, 1)
    manifest = generate.build(target)
    manifest["insert_seconds"] = manifest["generation_seconds"]
    manifest["migrate_seconds"] = migrate_seconds
    manifest["generation_seconds"] = round(time.perf_counter() - t0, 1)
    target.manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    print(
        f"Generated in {manifest['generation_seconds']} s "
        f"(migrate {migrate_seconds} s, insert {manifest['insert_seconds']} s)"
    )
    return {**manifest, "reused": False}


def count_tallies() -> None:
    """Build the engagement registers' evaluation tallies (evaluation/tally.py) if they are
    not current: the dataset is inserted beside the services, which would mark what changed.
    A no-op on a reused dataset whose tallies were built."""
    from plantrack.engagement.evaluation import tally
    from plantrack.engagement.models import Register

    t0 = time.perf_counter()
    for register in Register.objects.all():
        tally.ensure(register)
    print(f"Evaluation tallies current in {time.perf_counter() - t0:.1f} s", flush=True)


def build_cases(manifest: dict) -> list:
    from django.urls import NoReverseMatch, reverse

    from bench.run import (
        API_TARGET_MS,
        BULK_TARGET_MS,
        EVALUATION_MISS_TARGET_MS,
        SEARCH_TARGET_MS,
        SUMMARY_TARGET_MS,
        Case,
    )
    from plantrack.plans.selectors import today

    big, small_plan = manifest["big_plan_id"], manifest["small_plan_id"]
    my_path, dedicated = "/", False
    for name in ("plans:my_actions", "plans:mine", "my_actions", "accounts:my_actions"):
        try:
            my_path, dedicated = reverse(name), True
            break
        except NoReverseMatch:
            continue
    return [
        Case(
            "plan_page",
            f"/plans/{big}/",
            "owner",
            description=f"plan page of the {generate.BIG_PLAN_ACTIONS}-action plan, as contributor",
            small_path=f"/plans/{small_plan}/",
        ),
        Case(
            "my_actions",
            my_path,
            "owner",
            description=("my actions page" if dedicated else "home page's My actions")
            + f" of the owner of {generate.OWNER_OPEN_ACTIONS} open actions",
            small_path=my_path,
            small_who="manager",
        ),
        Case(
            "home",
            "/",
            "manager",
            description="home page of the big plan's manager (plans, counts, recent updates)",
            small_path="/",
            small_who="owner",
        ),
        Case(
            "api_actions_list",
            f"/api/v1/actions?plan={big}&limit=100",
            "token",
            target_p95_ms=API_TARGET_MS,
            description="GET /api/v1/actions, 100 actions of the big plan, bearer token",
            small_path=f"/api/v1/actions?plan={small_plan}&limit=100",
        ),
        Case(
            "action_page",
            f"/plans/actions/{manifest['action_page_id']}/",
            "owner",
            description=f"action page with {generate.ACTION_PAGE_UPDATES} updates",
            small_path=f"/plans/actions/{manifest['action_small_id']}/",
        ),
        Case(
            "post_update",
            f"/plans/actions/{manifest['post_action_id']}/updates/new/",
            "owner",
            method="POST",
            expect=302,
            form={
                "date": today().isoformat(),
                "rag": "amber",
                "status": "in_progress",
                "narrative": POST_NARRATIVE,
            },
            description="POST the update form (302 on success)",
        ),
        # Issue 15: many actions at once, one transaction, one history entry per action; the
        # time one manager waits for it, so one request at a time.
        Case(
            "bulk_update",
            f"/plans/{big}/bulk/",
            "manager",
            method="POST",
            expect=302,
            form={
                "actions": bulk_action_ids(manifest),
                "do": "post",
                "narrative": POST_NARRATIVE,
                "rag": "amber",
            },
            target_p95_ms=BULK_TARGET_MS,
            description=f"POST the same update to {BULK_ACTIONS} actions of the big plan (302), "
            "one request at a time",
            connections=1,
        ),
        Case(
            "plan_summary",
            f"/reports/plan/{big}/",
            "owner",
            target_p95_ms=SUMMARY_TARGET_MS,
            description=f"summary of the big plan: {generate.SUMMARY_MEASURES} measures of "
            f"{generate.SUMMARY_READINGS} readings, {generate.SUMMARY_BUDGET_LINES} budget lines",
            # Its queries are fixed by a test with 2 and 12 measures, actions and lines
            # (plantrack/reports/tests); the small plan here has none, so no prefetches run.
        ),
        # Issue 15: the portfolio of every plan the manager can see, by organisation, computed
        # afresh (its body is cached under the plans' versions; a miss is what a change costs).
        Case(
            "portfolio_miss",
            "/reports/portfolio/",
            "manager",
            target_p95_ms=EVALUATION_MISS_TARGET_MS,
            description="portfolio of every plan the manager sees, by organisation, no cache",
            small_path="/reports/portfolio/",
            small_who="owner",
            cache="none",
            connections=1,
        ),
        # Issue 15: search across everything for a word in a tenth of the million updates'
        # narratives, as a contributor who sees a fifth of the plans (docs/search.md); "results
        # in under 100 ms at national scale" is what one searcher waits: one request at a time.
        Case(
            "search",
            f"/search/?q={SEARCH_WORDS}",
            "owner",
            target_p95_ms=SEARCH_TARGET_MS,
            description=f"search for “{SEARCH_WORDS}”: counts and the first 3 of each kind, "
            "one request at a time",
            small_path=f"/search/?q={SEARCH_WORDS}",
            small_who="manager",
            connections=1,
        ),
        *engagement_cases(manifest),
        *public_cases(manifest),
        *assessment_cases(manifest),
        *(stakeholder_cases(manifest) if "stakeholder_database_id" in manifest else []),
    ]


# The actions a bulk update changes at once: a board's "all of section 3 reviewed".
BULK_ACTIONS = 20


def bulk_action_ids(manifest: dict) -> list[str]:
    """The big plan's last BULK_ACTIONS actions (not the one post_update posts to)."""
    from plantrack.plans.models import Action

    ids = (
        Action.objects.filter(plan_id=manifest["big_plan_id"])
        .exclude(pk=manifest["post_action_id"])
        .order_by("-id")
        .values_list("id", flat=True)[:BULK_ACTIONS]
    )
    return [str(pk) for pk in ids]


def public_cases(manifest: dict) -> list:
    """Issue 16: the public pages, with no sign-in: the big plan's page and its Atom feed
    (both cached under the plan's version, so the figures are a cache hit's) and the bench
    borough's coming events, 50 a page. Checked against a published 10-action plan and a
    borough with 20 coming events."""
    from django.urls import reverse

    from bench import public_data
    from bench.run import PUBLIC_TARGET_MS, Case

    slug, small_slug = manifest["public_plan_slug"], manifest["public_small_plan_slug"]
    borough, small = manifest["public_borough_id"], manifest["public_small_borough_id"]
    return [
        Case(
            "public_plan",
            reverse("public:plan", args=[slug]),
            "anonymous",
            target_p95_ms=PUBLIC_TARGET_MS,
            description=f"the big plan's public page ({generate.BIG_PLAN_ACTIONS} actions, "
            f"{public_data.BIG_PLAN_PUBLIC_UPDATES} published updates), no sign-in",
            small_path=reverse("public:plan", args=[small_slug]),
        ),
        Case(
            "public_events",
            reverse("public:area_events", args=[borough]),
            "anonymous",
            description=f"a borough's coming public events (of {public_data.BOROUGH_EVENTS:,} "
            "over a year), by ward, page 1 of 50, no sign-in",
            small_path=reverse("public:area_events", args=[small]),
        ),
        Case(
            "public_feed",
            reverse("public:plan_feed", args=[slug]),
            "anonymous",
            target_p95_ms=PUBLIC_TARGET_MS,
            description="the big plan's Atom feed of published updates, no sign-in",
            small_path=reverse("public:plan_feed", args=[small_slug]),
        ),
    ]


def stakeholder_cases(manifest: dict) -> list:
    """Issue 14: the contacts search (by a name's first letters, and by an address) and the
    page of a stakeholder with 200 interactions (its timeline 50 a page), as the data steward;
    each checked against a small database (30 contacts) or a stakeholder with 3 interactions."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from bench.run import Case

    database, small = manifest["stakeholder_database_id"], manifest["stakeholder_small_database_id"]
    contacts = reverse("stakeholders:contacts", args=[database])
    small_contacts = reverse("stakeholders:contacts", args=[small])
    prefix, email = manifest["stakeholder_search_prefix"], manifest["stakeholder_search_email"]
    page = reverse("stakeholders:stakeholder", args=[manifest["stakeholder_page_id"]])
    small_page = reverse("stakeholders:stakeholder", args=[manifest["stakeholder_small_page_id"]])
    size = f"{stakeholders_data.CONTACTS:,} contacts"
    return [
        Case(
            "stakeholders_search",
            f"{contacts}?{urlencode({'q': prefix})}",
            "steward",
            description=f"contacts matching “{prefix}” among {size}, page 1 of 50, "
            "as the data steward",
            small_path=f"{small_contacts}?{urlencode({'q': prefix})}",
        ),
        Case(
            "stakeholders_search_email",
            f"{contacts}?{urlencode({'q': email})}",
            "steward",
            description=f"contacts matching a whole email address among {size}, "
            "as the data steward",
            small_path=f"{small_contacts}?"
            + urlencode({"q": manifest["stakeholder_small_search_email"]}),
        ),
        Case(
            "stakeholders_page",
            page,
            "steward",
            description=f"a stakeholder with {stakeholders_data.PAGE_INTERACTIONS} interactions: "
            "roles, areas, page 1 of its timeline (50), as the data steward",
            small_path=small_page,
        ),
    ]


def assessment_cases(manifest: dict) -> list:
    """Issue 13: the heat map of the open cycle of 40 units × 50 items (of 3 frameworks × 8
    cycles), a unit's return as its assessor, and an answer saved through the API; each
    checked against a cycle of the same framework sent to 3 units."""
    from bench.run import HEAT_MAP_COLD_TARGET_MS, Case

    cycle, small = manifest["assessment_cycle_id"], manifest["assessment_small_cycle_id"]
    unit, small_unit = manifest["assessment_unit_id"], manifest["assessment_small_unit_id"]
    item = manifest["assessment_item_id"]
    answer = "/api/v1/assessments/returns/{}/answers/{}"
    form_page = "/assessments/returns/{}/items/" + f"{manifest['assessment_form_item_id']}/"
    size = f"{assessments_data.UNITS} units × {assessments_data.ITEMS} items"
    return [
        Case(
            "assessments_heat_map",
            f"/assessments/cycles/{cycle}/",
            "manager",
            description=f"the open cycle's page and heat map ({size}), as its keeper",
            small_path=f"/assessments/cycles/{small}/",
        ),
        Case(
            "assessments_heat_map_cold",
            f"/assessments/cycles/{cycle}/",
            "manager",
            target_p95_ms=HEAT_MAP_COLD_TARGET_MS,
            description=f"the same page ({size}) with no cache, one request at a time",
            small_path=f"/assessments/cycles/{small}/",
            cache="none",
            connections=1,
        ),
        Case(
            "assessments_return",
            f"/assessments/returns/{unit}/",
            "owner",
            description=f"a unit's return of {assessments_data.ITEMS} items, as its assessor "
            "(each item's answer, what the data says, last cycle's answer, evidence)",
            small_path=f"/assessments/returns/{small_unit}/",
        ),
        Case(
            "assessments_answer_form",
            form_page.format(unit),
            "owner",
            description="an item's answer page of that return, as its assessor (the form, "
            "what the data says of a recurring practice, last cycle's answer, the trail)",
            small_path=form_page.format(small_unit),
        ),
        Case(
            "assessments_answer_save",
            answer.format(unit, item),
            "token",
            method="PUT",
            json={"level": "partly", "comment": "Benchmark: slides drafted, not yet shown."},
            description="PUT an answer to an item of the return (the API, bearer token)",
            small_path=answer.format(small_unit, item),
        ),
    ]


def engagement_cases(manifest: dict) -> list:
    """Issue 12: the register page, the API list and the evaluation of the big register
    (46,000 activities), each checked against the small register (10 activities)."""
    from urllib.parse import urlencode

    from bench import engagement_data as e
    from bench.run import API_TARGET_MS, EVALUATION_MISS_TARGET_MS, EVALUATION_TARGET_MS, Case
    from plantrack.engagement.evaluation.periods import period_default
    from plantrack.plans.selectors import today

    year = period_default(today()).label

    big, small = manifest["big_register_id"], manifest["small_register_id"]
    borough, force = manifest["bench_borough_id"], manifest["force_area_id"]
    evaluation = urlencode({"area": force, "period": year})
    api = "/api/v1/engagement/activities?"
    return [
        Case(
            "engagement_register",
            f"/engagement/registers/{big}/?area={borough}",
            "manager",
            description=f"register page of the {e.BIG_REGISTER_ACTIVITIES:,}-activity register "
            "filtered to one borough, page 1 of 50, as its manager",
            small_path=f"/engagement/registers/{small}/?area={borough}",
        ),
        Case(
            "engagement_api_list",
            api + urlencode({"register_id": big, "area": borough, "limit": 100}),
            "token",
            target_p95_ms=API_TARGET_MS,
            description="GET /api/v1/engagement/activities, 100 of one borough's, bearer token",
            small_path=api + urlencode({"register_id": small, "area": borough, "limit": 100}),
        ),
        Case(
            "engagement_evaluation_cached",
            f"/engagement/registers/{big}/evaluate/?{evaluation}",
            "manager",
            target_p95_ms=EVALUATION_TARGET_MS,
            description=f"evaluation of the big register for the force area, {year}, "
            "the same URL repeated (its body cached)",
            small_path=f"/engagement/registers/{small}/evaluate/?{evaluation}",
        ),
        Case(
            "engagement_evaluation_miss",
            f"/engagement/registers/{big}/evaluate/?{evaluation}",
            "manager",
            target_p95_ms=EVALUATION_MISS_TARGET_MS,
            description=f"the same evaluation (force area, {year}) served with no cache: "
            "computed afresh on every request, one request at a time",
            small_path=f"/engagement/registers/{small}/evaluate/?{evaluation}",
            cache="none",
            # The time a reader waits for a miss: one at a time (a miss happens once per
            # change of the register and choice); 8 at once would time a queue of misses.
            connections=1,
        ),
    ]


class PostedUpdates:
    """Remembers the actions posted to (post_update's, bulk_update's) before the run and
    removes what the benchmark posted."""

    FIELDS = ("rag", "status", "last_update_on", "update_due_on", "updated_at")

    def __init__(self, action_id: int, others: list[int] = ()):
        from plantrack.plans.models import Action, Update

        self.action_id = action_id
        self.others = {
            row["id"]: {k: v for k, v in row.items() if k != "id"}
            for row in Action.objects.filter(pk__in=others).values("id", *self.FIELDS)
        }
        self.max_update_id = Update.objects.order_by("-id").values_list("id", flat=True).first()
        self.max_history_id = (
            Action.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
        )
        self.saved = Action.objects.filter(pk=action_id).values(*self.FIELDS).get()

    def posted(self) -> int:
        from plantrack.plans.models import Update

        return Update.objects.filter(action_id=self.action_id, id__gt=self.max_update_id).count()

    def restore(self) -> int:
        from django.db import transaction

        from plantrack.plans.models import Action, Update

        with transaction.atomic():
            deleted, _ = Update.objects.filter(id__gt=self.max_update_id).delete()
            Action.history.filter(history_id__gt=self.max_history_id).delete()
            Action.objects.filter(pk=self.action_id).update(**self.saved)
            for pk, saved in self.others.items():
                Action.objects.filter(pk=pk).update(**saved)
        return deleted


def calibrate() -> float:
    """The best of three timings of a fixed pure-Python loop, in seconds."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - t0)
    return round(best, 3)


def verdict(result: dict) -> tuple[bool, list[str]]:
    problems = []
    if result.get("p95_ms") is not None and result["p95_ms"] > result["target_p95_ms"]:
        problems.append(f"p95 over {result['target_p95_ms']:.0f} ms")
    if result.get("errors"):
        problems.append(f"{result['errors']} errors")
    if result.get("updates_created", 1e9) < result.get("requests", 0):
        problems.append(f"only {result['updates_created']} updates saved")
    small = result.get("queries_small")
    if small is not None and small != result["queries"]:
        problems.append(f"queries vary with data ({small} on less data)")
    return not problems, problems


NOISY_PCT = 10.0


def cpu_per_request(result: dict) -> float | None:
    if result.get("server_cpu_ms") is None:
        return None
    return round(result["server_cpu_ms"] + (result.get("db_cpu_ms") or 0), 1)


def noisy(result: dict) -> bool:
    return (result.get("foreign_cpu_pct") or 0) > NOISY_PCT


def table(cases: dict) -> str:
    header = (
        f"{'case':<18} {'rps':>8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} "
        f"{'cpu/req':>8} {'target':>8}  result"
    )
    lines = [header, "-" * len(header)]
    for name, r in cases.items():
        ok, problems = verdict(r)
        fmt = lambda v, spec: "—" if v is None else format(v, spec)  # noqa: E731
        lines.append(
            f"{name:<18} {fmt(r.get('rps'), '8.1f')} {fmt(r.get('p50_ms'), '8.1f')} "
            f"{fmt(r.get('p95_ms'), '8.1f')} {r['queries']:>8} "
            f"{fmt(cpu_per_request(r), '8.1f')} "
            f"{'≤' + format(r['target_p95_ms'], '.0f'):>8}  "
            + ("pass" if ok else "FAIL: " + "; ".join(problems))
            + (f" (other processes used {r['foreign_cpu_pct']}% CPU)" if noisy(r) else "")
        )
    return "\n".join(lines)


def markdown_table(results: dict, *, machine: bool = False) -> str:
    """The figures as a Markdown table; with ``machine``, also the calibration loop and the
    CPU other processes took during each case (for a machine that others share)."""
    d = results["dataset"]
    alone = [
        f"{name} {r['connections']}" for name, r in results["cases"].items()
        if r.get("connections") not in (None, d["connections"])
    ]  # fmt: skip
    lines = [
        f"Measured {d['date']} on {d['cores']} cores, {d['engine']}, "
        f"gunicorn {d['gunicorn_workers']} sync workers, wrk {d['connections']} connections "
        + (f"({', '.join(alone)}) " if alone else "")
        + f"× {d['duration_s']:.0f} s per case after a {d['warmup_s']:.0f} s warm-up"
        + (
            f"; calibration loop {d['calibration_loop_s']} s (0.38–0.48 s on a quiet machine)."
            if machine
            else "."
        ),
        "",
        "| case | req/s | p50 ms | p95 ms | queries | CPU ms/req | target p95 | result |"
        + (" other processes' CPU |" if machine else ""),
        "|---|---:|---:|---:|---:|---:|---:|---|" + ("---:|" if machine else ""),
    ]
    for name, r in results["cases"].items():
        ok, problems = verdict(r)
        lines.append(
            f"| {name} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['queries']} | "
            f"{cpu_per_request(r)} | ≤ {r['target_p95_ms']:.0f} ms | "
            f"{'pass' if ok else 'FAIL: ' + '; '.join(problems)} |"
            + (f" {r.get('foreign_cpu_pct')} % |" if machine else "")
        )
    return "\n".join(lines)


def _replace_block(text: str, start: str, end: str, body: str) -> str | None:
    if start not in text or end not in text:
        print(f"{DOCS} has no {start} … {end} markers; not updated")
        return None
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"


def update_docs(results: dict) -> None:
    from bench import imports, register_import

    text = DOCS.read_text()
    blocks = []
    plan_cases = {
        k: v
        for k, v in results.get("cases", {}).items()
        if k not in ENGAGEMENT_CASES | ASSESSMENT_CASES | STAKEHOLDER_CASES
    }
    if plan_cases:
        blocks.append((DOCS_START, DOCS_END, markdown_table({**results, "cases": plan_cases})))
    engagement = {k: v for k, v in results.get("cases", {}).items() if k in ENGAGEMENT_CASES}
    if engagement:
        body = markdown_table({**results, "cases": engagement}, machine=True)
        blocks.append((DOCS_ENGAGEMENT_START, DOCS_ENGAGEMENT_END, body))
    assessing = {k: v for k, v in results.get("cases", {}).items() if k in ASSESSMENT_CASES}
    if assessing:
        body = markdown_table({**results, "cases": assessing}, machine=True)
        blocks.append((DOCS_ASSESSMENTS_START, DOCS_ASSESSMENTS_END, body))
    stakeholders = {k: v for k, v in results.get("cases", {}).items() if k in STAKEHOLDER_CASES}
    if stakeholders or results.get("stakeholders"):
        blocks.append(
            (DOCS_STAKEHOLDERS_START, DOCS_STAKEHOLDERS_END, stakeholders_markdown(results))
        )
    plans = {k: v for k, v in results.get("imports", {}).items() if k == imports.CASE}
    if plans:
        blocks.append((DOCS_IMPORTS_START, DOCS_IMPORTS_END, imports.markdown_table(plans)))
    if register_import.CASE in results.get("imports", {}):
        body = register_import.markdown_table(results["imports"][register_import.CASE])
        blocks.append((DOCS_REGISTER_START, DOCS_REGISTER_END, body))
    if results.get("batch"):
        from bench import batch

        blocks.append((DOCS_BATCH_START, DOCS_BATCH_END, batch.markdown_table(results["batch"])))
    for start, end, body in blocks:
        text = _replace_block(text, start, end, body) or text
    DOCS.write_text(text)
    print(f"Updated {DOCS.relative_to(ROOT)}")


def stakeholders_markdown(results: dict) -> str:
    """The stakeholders section: the served pages, then the in-process cases."""
    parts = []
    served = {k: v for k, v in results.get("cases", {}).items() if k in STAKEHOLDER_CASES}
    if served:
        parts.append(markdown_table({**results, "cases": served}, machine=True))
    timed = results.get("stakeholders") or {}
    if timed:
        calibration = {r.get("calibration_loop_s") for r in timed.values()} - {None}
        parts.append(
            "In-process (the subject-access export through Django's test client, the others "
            "calling `privacy` directly; writes rolled back)"
            + (
                f", calibration loop {', '.join(map(str, sorted(calibration)))} s"
                if calibration
                else ""
            )
            + ":\n\n"
            + stakeholders_data.markdown_table(timed)
        )
    build = results.get("dataset", {}).get("stakeholders_build") or {}
    if build.get("generation_seconds"):
        parts.append(
            f"Stakeholder data generated in {build['generation_seconds']} s "
            f"({build.get('generated_at', '')[:10]}, {results['dataset'].get('engine', '')})."
        )
    return "\n\n".join(parts)


def keep_earlier(args: argparse.Namespace, results: dict, subset: bool) -> dict:
    """With --cases, the figures of the cases (imports, batch) not run this time are kept from
    the earlier results.json, each case with the date and calibration it was measured with.
    The soak's figures (python -m bench --soak), run on their own, are always kept."""
    try:
        earlier = json.loads(args.results.read_text())
    except (OSError, ValueError):
        return results
    if not subset:
        return (
            {**results, "soak": earlier["soak"]}
            if "soak" in earlier and "soak" not in results
            else results
        )
    dataset = earlier.get("dataset", {})
    cases = {}
    for name in CASE_ORDER:
        if name in results["cases"]:
            cases[name] = results["cases"][name]
        elif name in earlier.get("cases", {}):
            old = earlier["cases"][name]
            old.setdefault("date", dataset.get("date"))
            old.setdefault("calibration_loop_s", dataset.get("calibration_loop_s"))
            cases[name] = old
    merged = {**earlier, **results, "cases": cases}
    merged["imports"] = {**earlier.get("imports", {}), **results.get("imports", {})}
    merged["stakeholders"] = {**earlier.get("stakeholders", {}), **results.get("stakeholders", {})}
    return merged


def run_imports(args: argparse.Namespace, names: list[str]) -> dict:
    """The import cases (each in a subprocess with a database of its own)."""
    from bench import imports, register_import

    results = {}
    if imports.CASE in names:
        print("\nImport: parse (dry run) and save of a 10,000-action workbook", flush=True)
        results[imports.CASE] = imports.run(
            rebuild_xlsx=args.rebuild, profile=args.profile, quiet=not args.no_wait_quiet
        )
    if register_import.CASE in names:
        print("\nImport: parse of a 5,000-activity engagement register workbook", flush=True)
        results[register_import.CASE] = register_import.run(
            rebuild_xlsx=args.rebuild, quiet=not args.no_wait_quiet
        )
    return results


def print_imports(results_imports: dict) -> None:
    from bench import imports, register_import

    plans = {k: v for k, v in results_imports.items() if k == imports.CASE}
    if plans:
        print()
        print(imports.table(plans))
    if register_import.CASE in results_imports:
        print()
        print(register_import.table(results_imports[register_import.CASE]))


def imports_only(args: argparse.Namespace, names: list[str]) -> int:
    """--cases naming only import cases: no dataset, no server. The other figures in
    results.json are kept as they were."""
    results_imports = run_imports(args, names)
    print_imports(results_imports)
    try:
        results = json.loads(args.results.read_text())
    except (OSError, ValueError):
        results = {}
    results["imports"] = {**results.get("imports", {}), **results_imports}
    args.results.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWrote {args.results}")
    if args.update_docs:
        update_docs({"imports": results_imports})
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.soak is not None:
        from bench import soak

        return soak.run(
            args.soak,
            results=args.results,
            update_docs=args.update_docs,
            quiet=not args.no_wait_quiet,
        )
    wanted = {c.strip() for c in args.cases.split(",")} if args.cases else set()
    unknown = wanted - set(CASE_ORDER) - set(IMPORT_CASES) - set(STAKEHOLDER_BATCH) - {"batch"}
    if unknown:
        raise SystemExit(f"Unknown cases: {', '.join(sorted(unknown))}")
    import_names = [
        name
        for name in IMPORT_CASES
        if name in wanted or (not wanted and not args.no_load and not args.generate_only)
    ]
    if wanted and not wanted - set(IMPORT_CASES):
        return imports_only(args, import_names)
    target = generate.target_for(args.database_url)
    setup_django(target.url)
    manifest = dataset(target, args.rebuild)
    count_tallies()
    manifest.update(assessments_data.ensure(manifest))
    stakeholder_names = [
        name for name in STAKEHOLDER_BATCH if not wanted or name in wanted
    ]  # fmt: skip
    if not wanted or wanted & (STAKEHOLDER_CASES | set(STAKEHOLDER_BATCH)):
        manifest.update(stakeholders_data.ensure(manifest, target.manifest_path))
    if args.generate_only:
        return 0

    from django.conf import settings
    from django.db import connections

    from bench import queries, run
    from plantrack.accounts.models import User

    calibration = calibrate()
    print(f"Calibration: 10 million additions in pure Python took {calibration} s")
    cases = build_cases(manifest)
    if wanted:
        cases = [c for c in cases if c.name in wanted]
    users = {
        "owner": User.objects.get(username=manifest["owner_username"]),
        "manager": User.objects.get(username=manifest["manager_username"]),
    }
    if "stakeholder_steward_username" in manifest:
        users["steward"] = User.objects.get(username=manifest["stakeholder_steward_username"])
    token = manifest["api_token"]
    for case in cases:
        print(f"{case.name:<18} {case.method} {case.path} — {case.description}")

    bulk = next((c for c in cases if c.name == "bulk_update"), None)
    posted = PostedUpdates(
        manifest["post_action_id"],
        [int(pk) for pk in (bulk.form or {}).get("actions", [])] if bulk else [],
    )
    failure: BaseException | None = None
    try:
        print("\nCounting queries in-process …", flush=True)
        queries.count(cases, users, token, profile=args.profile)
        connections.close_all()  # gunicorn's workers open their own
        if not args.no_load:
            print(
                f"\nLoad: gunicorn {args.workers} sync workers, wrk {args.connections} "
                f"connections, {args.warmup:.0f} s warm-up + {args.duration:.0f} s per case",
                flush=True,
            )
            # The cases served with the app's cache, then those served with none (a second
            # gunicorn whose cache is Django's dummy backend: every request a miss).
            for cache in ("default", "none"):
                served = [c for c in cases if c.cache == cache]
                if not served:
                    continue
                with run.gunicorn(target.url, workers=args.workers, cache=cache) as server:
                    sessions = {
                        who: run.sign_in(server.base, user.username, manifest["password"])
                        for who, user in users.items()
                    }
                    for case in served:
                        case.result.update(
                            run.measure(
                                server,
                                case,
                                sessions,
                                token,
                                duration=args.duration,
                                connections=args.connections,
                                warmup=args.warmup,
                                quiet=not args.no_wait_quiet,
                            )
                        )
                        if target.engine != "postgresql":
                            case.result.pop("db_cpu_ms", None)  # an idle PostgreSQL elsewhere
    except BaseException as exc:  # report what was measured, then re-raise
        failure = exc
    finally:
        created = posted.posted()
        removed = posted.restore()
        post_case = next((c for c in cases if c.name == "post_update"), None)
        if post_case is not None and "requests" in post_case.result:
            post_case.result["updates_created"] = created
        if removed:
            print(f"Removed the {removed} updates posted by the benchmark")
    if failure is not None:
        raise failure
    results_batch = {}
    if not wanted or "batch" in wanted:
        from bench import batch

        print("\nBatch: a board pack and the reminder run, in-process", flush=True)
        results_batch = batch.run(manifest)
    results_stakeholders = {}
    if stakeholder_names and "stakeholder_database_id" in manifest:
        print("\nStakeholders: subject access, erasure, the retention run, in-process", flush=True)
        results_stakeholders = stakeholders_data.run(
            manifest, stakeholder_names, profile=args.profile
        )
        for entry in results_stakeholders.values():
            entry["date"] = dt.datetime.now(dt.UTC).date().isoformat()
            entry["calibration_loop_s"] = calibration
    results_imports = run_imports(args, import_names)

    results_cases = {}
    for case in cases:
        r = case.result
        entry = {
            "rps": r.get("rps"),
            "p50_ms": r.get("p50_ms"),
            "p95_ms": r.get("p95_ms"),
            "queries": r["queries"],
            "target_p95_ms": case.target_p95_ms,
            "errors": r.get("errors", 0),
        }
        for extra in (
            "queries_small", "p99_ms", "requests", "updates_created", "server_cpu_ms", "db_cpu_ms",
            "foreign_cpu_pct", "wrk_cpu_pct", "connections",
        ):  # fmt: skip
            if extra in r:
                entry[extra] = r[extra]
        entry["path"] = case.path
        entry["description"] = case.description
        entry["date"] = dt.datetime.now(dt.UTC).date().isoformat()
        entry["calibration_loop_s"] = calibration
        results_cases[case.name] = entry

    import django

    results = {
        "cases": results_cases,
        "dataset": {
            **manifest["counts"],
            "generation_seconds": manifest["generation_seconds"],
            "generated_at": manifest["generated_at"],
            "reused": manifest.get("reused", False),
            "engine": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "database": target.label,
            "history_rows": False,
            "big_plan_actions": generate.BIG_PLAN_ACTIONS,
            "owner_open_actions": generate.OWNER_OPEN_ACTIONS,
            "action_page_updates": generate.ACTION_PAGE_UPDATES,
            "cores": os.cpu_count(),
            "machine": platform.machine(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "gunicorn_workers": args.workers,
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "load_generator": "wrk" if not args.no_load else None,
            "date": dt.datetime.now(dt.UTC).date().isoformat(),
            # This machine's speed varies by up to ~1.7× from hour to hour: a fixed pure-Python
            # workload timed before the run makes runs comparable.
            "calibration_loop_s": calibration,
        },
    }
    if manifest.get("stakeholders_build"):
        results["dataset"]["stakeholders_build"] = manifest["stakeholders_build"]
    if results_stakeholders:
        results["stakeholders"] = results_stakeholders
    if results_imports:
        results["imports"] = results_imports
    if results_batch:
        results["batch"] = results_batch
    print()
    print(table(results_cases))
    print(
        "cpu/req: CPU ms per request in the gunicorn workers (plus PostgreSQL's processes, if "
        "used); unlike latency it barely moves when other processes share the machine"
    )
    if any(noisy(r) for r in results_cases.values()):
        print(
            f"NOTE: other processes used over {NOISY_PCT:.0f}% of the CPUs during some cases; "
            "their latencies are inflated."
        )
    if results_stakeholders:
        print()
        print(stakeholders_data.table(results_stakeholders))
    if results_imports:
        print_imports(results_imports)
    if results_batch:
        from bench import batch

        print()
        print(batch.table(results_batch))
    if args.no_load:
        print("\n(--no-load: queries only; results.json not written)")
        return 0
    args.results.write_text(json.dumps(keep_earlier(args, results, bool(wanted)), indent=2) + "\n")
    print(f"\nWrote {args.results}")
    if args.update_docs:
        update_docs(results)
    errors = [name for name, r in results_cases.items() if r.get("errors")]
    if errors:
        print(
            f"\nWARNING: errors during the run of {', '.join(errors)}: "
            "their figures are not trustworthy."
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
