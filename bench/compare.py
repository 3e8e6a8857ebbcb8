"""Same-run comparison of two checkouts' CPU per request, in-process, on the bench database.

    .venv/bin/python bench/compare.py /path/to/other/checkout [--rounds 2] [--requests 150]

Builds nothing: it needs the dataset `python -m bench` made (bench/data). For each round it
runs this checkout and the other one after the other, each in its own process, asking each
read-only case of the plan pages with Django's test client and printing the median CPU time
(``time.process_time``) a request. Unlike wrk's latencies this barely moves with the other
load on the machine, so two checkouts can be compared in one sitting (docs/benchmarks.md,
"How the existing cases moved")."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"


def measure(requests: int) -> dict[str, float]:
    import django

    django.setup()
    from django.test import Client

    from plantrack.accounts.models import User

    manifest = json.loads((DATA / "bench.manifest.json").read_text())
    owner, manager = Client(), Client()
    owner.force_login(User.objects.get(username=manifest["owner_username"]))
    manager.force_login(User.objects.get(username=manifest["manager_username"]))
    big = manifest["big_plan_id"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {manifest['api_token']}"}
    cases = {
        "plan_page": (owner, f"/plans/{big}/", {}),
        "my_actions": (owner, "/plans/mine/", {}),
        "home": (manager, "/", {}),
        "api_actions_list": (Client(), f"/api/v1/actions?plan={big}&limit=100", bearer),
        "action_page": (owner, f"/plans/actions/{manifest['action_page_id']}/", {}),
        "plan_summary": (owner, f"/reports/plan/{big}/", {}),
    }
    result = {}
    for name, (client, url, extra) in cases.items():
        assert client.get(url, **extra).status_code == 200, name
        times = []
        for _ in range(requests):
            start = time.process_time()
            client.get(url, **extra)
            times.append(time.process_time() - start)
        result[name] = round(statistics.median(times) * 1000, 2)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="the other checkout (e.g. a git worktree)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--requests", type=int, default=150)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.requests)))
        return 0
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{DATA / 'bench.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "plantrack.settings",
    }
    for _ in range(args.rounds):
        for label, tree in (("other", args.other.resolve()), ("this", ROOT)):
            command = [sys.executable, str(Path(__file__).resolve()), str(tree), "--child"]
            command += ["--requests", str(args.requests)]
            found = subprocess.run(
                command,
                cwd=tree,
                env={**env, "PYTHONPATH": str(tree)},
                check=True,
                capture_output=True,
                text=True,
            )
            print(label, found.stdout.strip().splitlines()[-1], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
