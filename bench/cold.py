"""Single-request times of the page cases, in-process, against the bench dataset.

.venv/bin/python bench/cold.py dummy://   # every fragment rendered afresh (a cache miss)
.venv/bin/python bench/cold.py ""         # with the memory cache, after one warm-up request
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'bench' / 'data' / 'bench.sqlite3'}"
os.environ["PLANTRACK_ALLOWED_HOSTS"] = "testserver"
os.environ["PLANTRACK_CACHE_URL"] = sys.argv[1]
os.environ["DJANGO_SETTINGS_MODULE"] = "plantrack.settings"
import django  # noqa: E402

django.setup()
from django.test import Client  # noqa: E402

from plantrack.accounts.models import User  # noqa: E402

m = json.loads((ROOT / "bench" / "data" / "bench.manifest.json").read_text())
cases = {
    "plan_page": (f"/plans/{m['big_plan_id']}/", "bench-owner"),
    "my_actions": ("/plans/mine/", "bench-owner"),
    "home": ("/", "bench-manager"),
    "action_page": (f"/plans/actions/{m['action_page_id']}/", "bench-owner"),
    "plan_summary": (f"/reports/plan/{m['big_plan_id']}/", "bench-owner"),
}
for name, (url, u) in cases.items():
    c = Client()
    c.force_login(User.objects.get(username=u))
    c.get(url)
    ts = []
    for _ in range(7):
        t = time.perf_counter()
        r = c.get(url)
        ts.append((time.perf_counter() - t) * 1000)
    print(f"{name:12} {statistics.median(ts):6.1f} ms  ({r.status_code})")
