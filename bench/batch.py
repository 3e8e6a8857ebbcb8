"""The batch cases of issue 5, in-process against the bench dataset:

- ``pack_pdf``: the PDF board pack of the Bench Partnership Board, which oversees the big plan
  (250 actions, 50 measures of 36 readings, 100 budget lines): ≤ 5 s (median of 3).
- ``reminders``: the reminder run over the whole national dataset, building every digest's
  bytes as the SMTP backend would and then rolling back: ≤ 60 s, one digest per owner.
"""

from __future__ import annotations

import statistics
import time

PACK_TARGET_S = 5.0
REMINDERS_TARGET_S = 60.0


def run(manifest: dict) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plantrack.governance.models import Body
    from plantrack.packs.bench import build_pack_bytes
    from plantrack.reminders.bench import reminders_bench

    results = {}
    body = Body.objects.get(name=manifest["pack_body_name"])
    times, size = [], 0
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            pdf = build_pack_bytes(body, fmt="pdf")
            times.append(time.perf_counter() - t0)
        size = len(pdf)
    results["pack_pdf"] = {
        "seconds": round(statistics.median(times), 2),
        "runs": [round(t, 2) for t in times],
        "bytes": size,
        "queries": len(queries),
        "target_s": PACK_TARGET_S,
        "description": "PDF board pack of a body overseeing the 250-action plan",
    }
    print(f"  pack_pdf     {results['pack_pdf']['runs']} s, {size:,} bytes", flush=True)
    reminders = reminders_bench()
    results["reminders"] = {
        "seconds": round(reminders["seconds"], 1),
        "digests": reminders["digests"],
        "one_per_owner": reminders["one_per_owner"],
        "queries": reminders["queries"],
        "target_s": REMINDERS_TARGET_S,
        "description": "reminder digests over the national dataset (built, not sent)",
    }
    print(
        f"  reminders    {results['reminders']['seconds']} s, {reminders['digests']:,} digests",
        flush=True,
    )
    return results


def verdict(name: str, result: dict) -> str:
    problems = []
    if result["seconds"] > result["target_s"]:
        problems.append(f"over {result['target_s']:.0f} s")
    if name == "reminders" and not result["one_per_owner"]:
        problems.append("not one digest per owner")
    return "FAIL: " + "; ".join(problems) if problems else "pass"


def table(results: dict) -> str:
    lines = [f"{'case':<12} {'seconds':>8} {'target':>7}  detail", "-" * 72]
    for name, r in results.items():
        detail = (
            f"{r['bytes']:,} bytes, {r['queries']} queries"
            if name == "pack_pdf"
            else f"{r['digests']:,} digests, {r['queries']} queries"
        )
        lines.append(
            f"{name:<12} {r['seconds']:>8} {r['target_s']:>6.0f}s  {detail}  {verdict(name, r)}"
        )
    return "\n".join(lines)


def markdown_table(results: dict) -> str:
    rows = ["| case | seconds | target | detail | result |", "|---|---:|---:|---|---|"]
    for name, r in results.items():
        detail = (
            f"{r['bytes']:,} bytes, {r['queries']} queries "
            f"(runs {', '.join(map(str, r['runs']))} s)"
            if name == "pack_pdf"
            else f"{r['digests']:,} digests, one per owner: {r['one_per_owner']}, "
            f"{r['queries']} queries"
        )
        rows.append(
            f"| {name} | {r['seconds']} | ≤ {r['target_s']:.0f} s | {detail} | {verdict(name, r)} |"
        )
    return "\n".join(rows)
