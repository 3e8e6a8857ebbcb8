"""Soak and load: a mixed workload on two app servers over PostgreSQL for several minutes.

.venv/bin/python -m bench --soak [SECONDS]          (180 s if no figure is given)
.venv/bin/python -m bench.soak [--duration 180] [--threads 6] [--warmup 30]

Starts bench/cluster.py's cluster (a PostgreSQL and a Redis of its own, two gunicorn app
servers of 2 sync workers each, one task worker, the demo loaded), signs in as the demo user
from each thread and, alternating between the two servers request by request, reads pages,
posts updates, imports a small plan end to end (upload, read by the task worker, preview,
confirm, saved by the worker) and prepares a board pack (built by the worker, its PDF
downloaded). Reports per request kind the count, errors and p50/p95 latency, and the resident
memory of every process at the start (after the warm-up), half-way and at the end. The
figures go under "soak" in bench/results.json; the logs are kept in bench/data/soak-logs/
when a request failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import socket
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.cluster import CSRF_INPUT, Answer, Client, Cluster, cluster, links, selected_option
from bench.generate import ROOT
from bench.run import CLOCK_TICKS, HOST, busy_cpu_seconds, wait_for_quiet

RESULTS = ROOT / "bench" / "results.json"
DOCS = ROOT / "docs" / "benchmarks.md"
DOCS_START, DOCS_END = "<!-- bench:soak:start -->", "<!-- bench:soak:end -->"
LOGS = ROOT / "bench" / "data" / "soak-logs"
USERNAME = PASSWORD = "demo"
# The file imported again and again: the smallest of the demo's seed plans (text taken from a
# real action plan), uploaded as a person would upload it.
IMPORT_SEED = ROOT / "plantrack" / "demo" / "seeds" / "003_c7fe91e708482392.txt"
NARRATIVE = "Soak test: partners met and agreed the next steps."
# The browser's progress pages poll once a second (hx-trigger "load delay:1s").
POLL_SECONDS = 1.0
# The longest an import or a pack may wait for the task worker before it counts as an error.
WORKER_WAIT_SECONDS = 120.0
# The reads and the update, weighted: what a thread does when no import or pack is due.
WEIGHTS = {
    "home": 10,
    "plan_list": 10,
    "plan_page": 20,
    "action_page": 20,
    "my_actions": 10,
    "portfolio": 5,
    "public_plan": 5,
    "update": 20,
}
KIND_ORDER = [
    *WEIGHTS,
    "update_form",
    "import_form",
    "import_upload",
    "import_poll",
    "import_preview",
    "import_confirm",
    "import_saved",
    "import_total",
    "pack_form",
    "pack_prepare",
    "pack_poll",
    "pack_page",
    "pack_pdf",
    "pack_total",
]
# End-to-end times: from the first request to the last, polling the worker in between.
FLOWS = {"import_total", "pack_total"}


# --- what was measured ----------------------------------------------------------------------


@dataclass
class Failure:
    at_s: float
    kind: str
    server: str
    path: str
    what: str


@dataclass
class Tally:
    """Every request's time and outcome, by kind; only those started after the warm-up."""

    started: float = 0.0
    measuring: bool = False
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    warmup_failures: list[Failure] = field(default_factory=list)

    def add(self, kind: str, ms: float | None, failure: Failure | None = None) -> None:
        """A request's time (None: a failure that was not a request, such as waiting too
        long for the worker) and its failure, if it failed."""
        with self.lock:
            if not self.measuring:
                if failure is not None:
                    self.warmup_failures.append(failure)
                return
            if ms is not None:
                self.times.setdefault(kind, []).append(ms)
            if failure is not None:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                self.failures.append(failure)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` of 1)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# --- a signed-in person on both servers -----------------------------------------------------


class Unexpected(Exception):
    """A request answered, but not as it should have (its status, or the page's content)."""


class Person:
    """One thread's session: a client per server sharing the cookie jar, so the session
    signed in on one server is used on both; each request goes to the other server than the
    one before."""

    def __init__(self, bases: list[str], tally: Tally, number: int) -> None:
        self.clients = [Client(base) for base in bases]
        for client in self.clients[1:]:
            client.jar = self.clients[0].jar
            client.opener = self.clients[0].opener
        self.names = [f"app{i + 1}" for i in range(len(bases))]
        self.turn = number % len(bases)
        self.tally = tally
        self.clients[self.turn].sign_in(USERNAME, PASSWORD)

    def call(
        self,
        kind: str,
        path: str,
        *,
        expect: int = 200,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        check: Callable[[Answer], str | None] | None = None,
    ) -> Answer:
        """One request, on the next server in turn, timed and recorded; raises Unexpected
        if it answered with another status or ``check`` found something wrong."""
        self.turn = (self.turn + 1) % len(self.clients)
        client, server = self.clients[self.turn], self.names[self.turn]
        if headers is not None and "Referer" in headers:
            headers = {**headers, "Referer": client.base + headers["Referer"]}
        started = time.monotonic()
        try:
            answer = client.request(path, data=data, headers=headers)
        except Exception as exc:  # a refused or dropped connection, a timeout
            ms = 1000 * (time.monotonic() - started)
            what = f"{type(exc).__name__}: {exc}"
            self.tally.add(kind, ms, self._failure(kind, server, path, what))
            raise Unexpected(what) from exc
        ms = 1000 * (time.monotonic() - started)
        problem = None
        if answer.status != expect:
            problem = f"{answer.status} (expected {expect})"
            if answer.status == 200:  # a form shown again: say why
                problem += " " + "; ".join(form_errors(answer.text))[:200]
            elif answer.status in (301, 302, 303):
                problem += f" to {answer.headers.get('Location')}"
        elif check is not None:
            problem = check(answer)
        self.tally.add(kind, ms, self._failure(kind, server, path, problem) if problem else None)
        if problem:
            raise Unexpected(f"{kind} {path} on {server}: {problem}")
        return answer

    def _failure(self, kind: str, server: str, path: str, what: str) -> Failure:
        return Failure(round(time.monotonic() - self.tally.started, 1), kind, server, path, what)

    def post(self, kind: str, path: str, fields: dict[str, str], *, csrf_from: Answer) -> Answer:
        token = csrf_token(csrf_from)
        body = urlencode({"csrfmiddlewaretoken": token, **fields})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": path}
        return self.call(kind, path, expect=302, data=body.encode(), headers=headers)

    def wait_for_worker(self, kind: str, path: str) -> None:
        """Poll the progress address as the page does, until it sends the browser on."""
        deadline = time.monotonic() + WORKER_WAIT_SECONDS
        while True:
            answer = self.call(kind, path)
            if "HX-Redirect" in answer.headers:
                return
            if time.monotonic() > deadline:
                what = f"the task worker had not finished after {WORKER_WAIT_SECONDS:.0f} s"
                self.tally.add(kind, None, self._failure(kind, "-", path, what))
                raise Unexpected(what)
            time.sleep(POLL_SECONDS)


def csrf_token(page: Answer) -> str:
    match = CSRF_INPUT.search(page.text)
    if not match:
        raise Unexpected("no form (CSRF token) on the page")
    return match[1]


def form_errors(page: str) -> list[str]:
    found = re.findall(r'class="govuk-error-message"[^>]*>(.*?)</', page, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in found]


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple:
    """A multipart/form-data body (the import form's enctype) and its Content-Type."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, (file_name, data, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{file_name}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- the workload ---------------------------------------------------------------------------


@dataclass
class Demo:
    """What the demo user can reach: found once, from the pages, before the run."""

    plans: list[str]
    actions: list[str]
    updatable: list[str]  # the actions whose page offers "Post an update"
    public_plans: list[str]
    pack_forms: list[str]


def explore(person: Person) -> Demo:
    plan_list = person.call("explore", "/plans/")
    plans = links(plan_list.text, r"/plans/\d+/")
    actions: list[str] = []
    for plan in plans:
        actions += links(person.call("explore", plan).text, r"/plans/actions/\d+/")
    updatable = [
        action
        for action in actions
        if f'href="{action}updates/new/"' in person.call("explore", action).text
    ]
    public = links(person.call("explore", "/public/").text, r"/public/plans/[\w-]+/")
    packs = links(person.call("explore", "/packs/").text, r"/packs/body/\d+/new/")
    if not (plans and updatable and public and packs):
        raise RuntimeError(
            f"the demo user sees {len(plans)} plans, may update {len(updatable)} actions, "
            f"sees {len(public)} published plans and may prepare packs for {len(packs)} "
            "bodies: not enough to run"
        )
    return Demo(plans, actions, updatable, public, packs)


class Schedule:
    """Imports and packs at a lower rate: each kind is due every so many seconds, and at most
    one of each runs at a time."""

    def __init__(self, every: dict[str, float]) -> None:
        self.every = {kind: seconds for kind, seconds in every.items() if seconds > 0}
        self.due = dict.fromkeys(self.every, 0.0)
        self.running: set[str] = set()
        self.lock = threading.Lock()

    def take(self) -> str | None:
        now = time.monotonic()
        with self.lock:
            for kind, due in self.due.items():
                if now >= due and kind not in self.running:
                    self.running.add(kind)
                    self.due[kind] = now + self.every[kind]
                    return kind
        return None

    def done(self, kind: str) -> None:
        with self.lock:
            self.running.discard(kind)


def do_read(person: Person, demo: Demo, kind: str, rng: random.Random) -> None:
    path = {
        "home": lambda: "/",
        "plan_list": lambda: "/plans/",
        "plan_page": lambda: rng.choice(demo.plans),
        "action_page": lambda: rng.choice(demo.actions),
        "my_actions": lambda: "/plans/mine/",
        "portfolio": lambda: "/reports/portfolio/",
        "public_plan": lambda: rng.choice(demo.public_plans),
    }[kind]()
    person.call(kind, path)


def do_update(person: Person, demo: Demo, rng: random.Random) -> None:
    path = rng.choice(demo.updatable) + "updates/new/"
    page = person.call("update_form", path)
    fields = {
        "date": input_value(page.text, "date"),  # today, as the form fills it in
        "rag": rng.choice(["green", "amber", "red"]),
        "status": "in_progress",
        "narrative": NARRATIVE,
    }
    person.post("update", path, fields, csrf_from=page)


def input_value(page: str, name: str) -> str:
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag:
            value = re.search(r'value="([^"]*)"', tag)
            return html.unescape(value[1]) if value else ""
    raise Unexpected(f"no {name} field on the form")


def do_import(person: Person, tally: Tally, seed: bytes) -> None:
    started = time.monotonic()
    page = person.call("import_form", "/imports/new/")
    organisation = selected_option(page.text, "owner_organisation")
    if organisation is None:
        raise Unexpected("the import form offers no organisation")
    body, content_type = multipart(
        {
            "csrfmiddlewaretoken": csrf_token(page),
            "owner_organisation": organisation,
            "plan_title": f"Soak import {uuid.uuid4().hex[:8]}",
            "into_plan": "",
            "text": "",
        },
        {"file": ("soak-plan.txt", seed, "text/plain")},
    )
    headers = {"Content-Type": content_type, "Referer": "/imports/new/"}
    answer = person.call("import_upload", "/imports/new/", expect=302, data=body, headers=headers)
    job = answer.headers["Location"]
    person.wait_for_worker("import_poll", job + "progress/")
    preview = person.call(
        "import_preview",
        job,
        check=lambda a: None if f"{job}confirm/" in a.text else "no preview to confirm",
    )
    person.post("import_confirm", job + "confirm/", {}, csrf_from=preview)
    person.wait_for_worker("import_poll", job + "progress/")
    person.call(
        "import_saved",
        job,
        check=lambda a: None if "imported</h1>" in a.text else "the import was not saved",
    )
    tally.add("import_total", 1000 * (time.monotonic() - started))


def do_pack(person: Person, tally: Tally, demo: Demo, rng: random.Random) -> None:
    started = time.monotonic()
    path = rng.choice(demo.pack_forms)
    page = person.call("pack_form", path)
    period = selected_option(page.text, "period")
    if period is None:
        raise Unexpected(f"{path} offers no period")
    pack = person.post("pack_prepare", path, {"period": period}, csrf_from=page)
    address = pack.headers["Location"]
    person.wait_for_worker("pack_poll", address + "progress/")
    person.call("pack_page", address)
    person.call(
        "pack_pdf",
        address + "download/pdf/",
        check=lambda a: None if a.body.startswith(b"%PDF") else "not a PDF",
    )
    tally.add("pack_total", 1000 * (time.monotonic() - started))


def work(
    person: Person,
    demo: Demo,
    tally: Tally,
    schedule: Schedule,
    stop: threading.Event,
    seed: bytes,
    number: int,
) -> None:
    rng = random.Random(number)
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    while not stop.is_set():
        flow = schedule.take()
        try:
            if flow == "import":
                do_import(person, tally, seed)
            elif flow == "pack":
                do_pack(person, tally, demo, rng)
            else:
                kind = rng.choices(kinds, weights)[0]
                if kind == "update":
                    do_update(person, demo, rng)
                else:
                    do_read(person, demo, kind, rng)
        except Unexpected:
            time.sleep(0.2)  # recorded already; carry on, as a person would
        except Exception as exc:  # a bug here, not the servers': recorded, and on
            tally.add("client", None, Failure(0.0, "client", "-", "-", repr(exc)))
            traceback.print_exc()
            time.sleep(0.2)
        finally:
            if flow:
                schedule.done(flow)


# --- the processes: memory and CPU ----------------------------------------------------------


def postgres_pids(c: Cluster) -> list[int]:
    """The postmaster (from postmaster.pid) and its children."""
    try:
        main = int((c.postgres.data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return []
    found = [main]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == main:
                found.append(int(entry.name))
    return found


def processes(c: Cluster) -> dict[int, tuple[str, str]]:
    """Every process of the cluster: pid → (group, name)."""
    found: dict[int, tuple[str, str]] = {}
    for server in c.servers:
        for pid in server.pids():
            role = "master" if pid == server.proc.pid else "worker"
            found[pid] = (server.name, f"{server.name} gunicorn {role}")
    for worker in c.workers:
        for pid in worker.pids():
            found[pid] = (worker.name, f"{worker.name} (manage.py worker)")
    for pid in postgres_pids(c):
        title = read_text(f"/proc/{pid}/cmdline").replace("\0", " ").strip()
        if title.startswith("postgres: "):
            role = title.removeprefix("postgres: ")
            # A backend's title is "user database host(port) state": one group for them all.
            role = "backend" if " plantrack " in f" {role} " else role
        else:
            role = "postmaster"
        found[pid] = ("postgres", f"postgres {role}")
    if c.redis.proc is not None and c.redis.proc.poll() is None:
        found[c.redis.proc.pid] = ("redis", "redis-server")
    return found


def read_text(path: str) -> str:
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def memory(c: Cluster) -> dict[str, dict]:
    """Each process's resident memory (VmRSS), its private part (RssAnon) and its shared memory
    (RssShmem: PostgreSQL's shared buffers it has touched), in kB, keyed by "pid:start time"
    so that a process that replaced another is told apart."""
    snapshot = {}
    for pid, (group, name) in processes(c).items():
        status, stat = read_text(f"/proc/{pid}/status"), read_text(f"/proc/{pid}/stat")
        rss = re.search(r"^VmRSS:\s+(\d+)", status, re.M)
        anon = re.search(r"^RssAnon:\s+(\d+)", status, re.M)
        shared = re.search(r"^RssShmem:\s+(\d+)", status, re.M)
        if not (rss and anon and shared and stat):
            continue  # exited meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()
        snapshot[f"{pid}:{fields[19]}"] = {
            "pid": pid,
            "group": group,
            "name": name,
            "rss_kb": int(rss[1]),
            "anon_kb": int(anon[1]),
            "shmem_kb": int(shared[1]),
        }
    return snapshot


def redis_figures(c: Cluster) -> dict[str, int]:
    """Redis's keys and the memory its data takes (INFO's used_memory), in kB: the cache
    keeps what it is given for its timeout (Django's 300 s), so it grows during a short run."""
    try:
        with socket.create_connection((HOST, c.redis.port), timeout=5) as conn:
            conn.sendall(b"DBSIZE\r\nINFO\r\n")
            data = b""
            while not complete_replies(data):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
    except OSError:
        return {}
    text = data.decode(errors="replace")
    keys, used = re.search(r"^:(\d+)", text, re.M), re.search(r"^used_memory:(\d+)", text, re.M)
    if not (keys and used):
        return {}
    expiring = re.search(r"^db0:keys=\d+,expires=(\d+)", text, re.M)
    return {
        "keys": int(keys[1]),
        "keys_without_expiry": int(keys[1]) - (int(expiring[1]) if expiring else 0),
        "used_kb": int(used[1]) // 1024,
    }


def complete_replies(data: bytes) -> bool:
    """DBSIZE's integer and INFO's bulk string ("$length", then that many bytes) are in."""
    match = re.match(rb":\d+\r\n\$(\d+)\r\n", data)
    return match is not None and len(data) >= match.end() + int(match[1]) + 2


def cluster_cpu_seconds(c: Cluster) -> float:
    """CPU used by the cluster's processes and the children they reaped (PostgreSQL backends,
    gunicorn workers that exited): a sum that does not lose an exited process's time."""
    ticks = 0
    for pid in processes(c):
        stat = read_text(f"/proc/{pid}/stat")
        if stat:
            fields = stat[stat.rindex(")") + 2 :].split()
            ticks += sum(int(value) for value in fields[11:15])
    return ticks / CLOCK_TICKS


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class CpuMark:
    at: float
    machine: float
    cluster: float
    own: float

    @classmethod
    def now(cls, c: Cluster) -> CpuMark:
        return cls(time.monotonic(), busy_cpu_seconds(), cluster_cpu_seconds(c), own_cpu_seconds())


def cpu_shares(start: CpuMark, end: CpuMark) -> dict[str, float]:
    """Percent of the machine's CPUs used by the cluster, the load generator (this process)
    and other processes, between two marks."""
    capacity = (end.at - start.at) * (os.cpu_count() or 1)
    cluster_s, own_s = end.cluster - start.cluster, end.own - start.own
    other = end.machine - start.machine - cluster_s - own_s
    return {
        "cluster_cpu_pct": round(100 * cluster_s / capacity, 1),
        "load_generator_cpu_pct": round(100 * own_s / capacity, 1),
        "other_cpu_pct": round(max(0.0, 100 * other / capacity), 1),
    }


def memory_rows(snapshots: list[dict[str, dict]]) -> list[dict]:
    """Start, middle and end of each process alive throughout (PostgreSQL's backends too, if
    their connection stayed open); those that came or went listed apart, the backends of the
    app's reconnections (Django's CONN_MAX_AGE) counted."""
    first, middle, last = snapshots[0], snapshots[len(snapshots) // 2], snapshots[-1]
    rows = []
    for key, entry in first.items():
        if key not in last:
            continue
        name = entry["name"] + (" (open throughout)" if entry["name"] == "postgres backend" else "")
        row = {"name": name, "pid": entry["pid"]}
        for label, snapshot in (("start", first), ("middle", middle), ("end", last)):
            seen = snapshot.get(key)
            for kind in ("rss", "anon", "shmem"):
                row[f"{label}_{kind}_kb"] = seen[f"{kind}_kb"] if seen else None
        # Every sample, to tell a process that settles from one that keeps growing (one
        # string, to keep results.json short).
        row["rss_mib_samples"] = " ".join(
            f"{snapshot[key]['rss_kb'] / 1024:.1f}" for snapshot in snapshots if key in snapshot
        )
        rows.append(row)
    for key, entry in first.items():
        if key not in last and entry["name"] != "postgres backend":
            rows.append({"name": entry["name"] + " (exited during the run)", "pid": entry["pid"]})
    for key, entry in last.items():
        if key not in first and entry["name"] != "postgres backend":
            rows.append(
                {"name": entry["name"] + " (started during the run)", "pid": entry["pid"]}
                | {f"end_{kind}_kb": entry[f"{kind}_kb"] for kind in ("rss", "anon", "shmem")}
            )
    kept = {key for key in first if key in last}
    backends = [
        sum(1 for key, e in snapshot.items() if e["name"] == "postgres backend" and key not in kept)
        for snapshot in (first, middle, last)
    ]
    rows.append(
        {
            "name": "postgres backends",
            "pid": None,
            "counts": backends,
        }
    )
    return rows


def tail_problems(c: Cluster, lines: int = 30) -> str:
    """The last error lines of each log (the app servers', the worker's, PostgreSQL's)."""
    pattern = re.compile(r'"level": "(ERROR|CRITICAL|WARNING)"|Traceback|ERROR|FATAL|TIMEOUT')
    out = []
    for log in sorted(c.root.glob("*.log")):
        found = [line for line in read_text(str(log)).splitlines() if pattern.search(line)]
        if found:
            out.append(f"--- {log.name}: {len(found)} lines, the last {min(lines, len(found))}")
            out += [line[:400] for line in found[-lines:]]
    return "\n".join(out)


def keep_logs(c: Cluster) -> Path:
    target = LOGS / dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    target.mkdir(parents=True, exist_ok=True)
    for log in c.root.glob("*.log"):
        shutil.copy(log, target / log.name)
    return target


# --- the run --------------------------------------------------------------------------------


def soak(
    *,
    duration: float = 180.0,
    threads: int = 6,
    warmup: float = 30.0,
    import_every: float = 20.0,
    pack_every: float = 30.0,
    sample_every: float = 10.0,
    quiet: bool = True,
) -> dict:
    seed = IMPORT_SEED.read_bytes()
    t0 = time.monotonic()
    print("Starting the cluster (PostgreSQL, Redis, 2 app servers, 1 task worker) …", flush=True)
    with cluster(servers=2, workers=1, demo=True) as c, logs_on_error(c):
        setup_s = round(time.monotonic() - t0, 1)
        bases = [server.base for server in c.servers]
        print(f"Up in {setup_s} s: {', '.join(bases)}", flush=True)
        background = wait_for_quiet(max_wait=60) if quiet else None
        tally = Tally(started=time.monotonic())
        people = [Person(bases, tally, number) for number in range(threads)]
        demo = explore(people[0])
        schedule = Schedule({"import": import_every, "pack": pack_every})
        stop = threading.Event()
        pool = [
            threading.Thread(
                target=work,
                args=(person, demo, tally, schedule, stop, seed, number),
                name=f"soak-{number}",
                daemon=True,
            )
            for number, person in enumerate(people)
        ]
        print(
            f"{threads} threads, {len(demo.plans)} plans, {len(demo.actions)} actions "
            f"({len(demo.updatable)} the demo user may update); "
            f"warm-up {warmup:.0f} s, then {duration:.0f} s measured",
            flush=True,
        )
        for thread in pool:
            thread.start()
        time.sleep(warmup)
        snapshots = [memory(c)]
        redis = {"start": redis_figures(c)}
        cpu_start = CpuMark.now(c)
        tally.started, tally.measuring = time.monotonic(), True
        end = tally.started + duration
        next_sample = tally.started + sample_every
        while time.monotonic() < end:
            time.sleep(max(0.0, min(end, next_sample) - time.monotonic()))
            if time.monotonic() >= next_sample:
                snapshots.append(memory(c))
                next_sample += sample_every
                done = sum(len(v) for v in tally.times.values())
                print(
                    f"  {time.monotonic() - tally.started:5.0f} s: {done} requests, "
                    f"{sum(tally.errors.values())} errors",
                    flush=True,
                )
        stop.set()
        for thread in pool:  # each finishes what it was doing (an import, a pack)
            thread.join(timeout=WORKER_WAIT_SECONDS + 60)
        tally.measuring = False
        elapsed = time.monotonic() - tally.started
        cpu = cpu_shares(cpu_start, CpuMark.now(c))
        snapshots.append(memory(c))
        redis["end"] = redis_figures(c)
        problems = tail_problems(c)
        kept = keep_logs(c) if tally.failures or tally.warmup_failures else None
        access = access_log_statuses(c)
    return {
        "kinds": kind_rows(tally, elapsed),
        "memory": memory_rows(snapshots),
        "redis": redis,
        "failures": [f.__dict__ for f in tally.failures[:50]],
        "warmup_failures": [f.__dict__ for f in tally.warmup_failures[:20]],
        "server_log_problems": problems.splitlines()[-20:],
        "logs_kept_in": str(kept.relative_to(ROOT)) if kept else None,
        "server_statuses": access,
        "run": {
            "date": dt.datetime.now(dt.UTC).date().isoformat(),
            "duration_s": round(elapsed, 1),
            "warmup_s": warmup,
            "threads": threads,
            "import_every_s": import_every,
            "pack_every_s": pack_every,
            "servers": 2,
            "gunicorn_workers_per_server": 2,
            "task_workers": 1,
            "setup_s": setup_s,
            "memory_samples": len(snapshots),
            "sample_every_s": sample_every,
            "background_busy_pct_before": background,
            **cpu,
            "cores": os.cpu_count(),
            "machine": platform.machine(),
            "python": platform.python_version(),
            "calibration_loop_s": calibrate(),
        },
    }


@contextmanager
def logs_on_error(c: Cluster) -> Iterator[None]:
    """If the run itself fails, the logs' errors printed and the logs kept before the cluster
    and its folder are removed."""
    try:
        yield
    except BaseException:
        print(tail_problems(c) or "(no errors in the cluster's logs)", file=sys.stderr)
        print(f"The cluster's logs are kept in {keep_logs(c)}", file=sys.stderr)
        raise


def calibrate() -> float:
    """The pure-Python loop bench/__main__.py times, for comparing runs on this machine."""
    from bench.__main__ import calibrate as loop

    return loop()


def access_log_statuses(c: Cluster) -> dict[str, dict[str, int]]:
    """The statuses the app servers logged (their access log lines), by server."""
    counts: dict[str, dict[str, int]] = {}
    for server in c.servers:
        mine: dict[str, int] = {}
        for line in read_text(str(server.log)).splitlines():
            if '"logger": "plantrack.access"' in line:
                try:
                    status = str(json.loads(line).get("status"))
                except ValueError:
                    continue
                mine[status] = mine.get(status, 0) + 1
        counts[server.name] = dict(sorted(mine.items()))
    return counts


def kind_rows(tally: Tally, elapsed: float) -> dict[str, dict]:
    rows = {}
    seen = set(tally.times) | set(tally.errors)
    for kind in KIND_ORDER + sorted(seen - set(KIND_ORDER)):
        if kind not in seen:
            continue
        times = tally.times.get(kind) or [0.0]
        rows[kind] = {
            "count": len(tally.times.get(kind, [])),
            "errors": tally.errors.get(kind, 0),
            "per_s": round(len(tally.times.get(kind, [])) / elapsed, 2),
            "p50_ms": round(percentile(times, 0.5), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1),
        }
    return rows


# --- tables ---------------------------------------------------------------------------------


def mib(kb: int | None) -> str:
    return "-" if kb is None else f"{kb / 1024:.1f}"


def growth(row: dict, key: str = "rss", since: str = "start") -> str:
    start, end = row.get(f"{since}_{key}_kb"), row.get(f"end_{key}_kb")
    if start is None or end is None:
        return "-"
    share = f" ({100 * (end - start) / start:+.0f}%)" if start else ""
    return f"{(end - start) / 1024:+.1f}{share}"


def grew(samples: str, share: float = 0.05) -> bool:
    values = [float(value) for value in samples.split()]
    return bool(values) and values[-1] > (1 + share) * values[0]


def span(row: dict, key: str) -> str:
    return f"{mib(row.get(f'start_{key}_kb'))} → {mib(row.get(f'end_{key}_kb'))}"


def requests_total(result: dict) -> tuple[int, int]:
    rows = [r for k, r in result["kinds"].items() if k not in FLOWS]
    return sum(r["count"] for r in rows), sum(r["errors"] for r in rows)


def table(result: dict) -> str:
    run = result["run"]
    count, errors = requests_total(result)
    lines = [
        f"Soak: {run['duration_s']:.0f} s after a {run['warmup_s']:.0f} s warm-up, "
        f"{run['threads']} threads, 2 app servers × 2 gunicorn workers, 1 task worker, "
        "PostgreSQL and Redis of their own",
        f"{count} requests ({count / run['duration_s']:.1f}/s), {errors} errors "
        f"({100 * errors / max(count, 1):.2f}%); CPU: cluster {run['cluster_cpu_pct']}%, "
        f"load generator {run['load_generator_cpu_pct']}%, other processes "
        f"{run['other_cpu_pct']}% of {run['cores']} cores",
        "",
        f"{'kind':<16}{'count':>7}{'errors':>7}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}",
    ]
    for kind, r in result["kinds"].items():
        lines.append(
            f"{kind:<16}{r['count']:>7}{r['errors']:>7}{r['per_s']:>8}{r['p50_ms']:>9}"
            f"{r['p95_ms']:>9}{r['max_ms']:>9}"
        )
    lines += [
        "",
        "Memory (MiB): resident (VmRSS) at the start, half-way and at the end, its growth "
        "over the run and over its second half; its private part (RssAnon) and its shared "
        "memory (RssShmem) at the start and end",
        f"{'process':<42}{'pid':>7}{'start':>8}{'middle':>8}{'end':>8}{'growth':>14}"
        f"{'2nd half':>14}{'private':>16}{'shared':>14}",
    ]
    for row in result["memory"]:
        if "counts" in row:
            lines.append(
                f"{row['name']} not open throughout (reconnections): "
                f"{' / '.join(map(str, row['counts']))} at the start / half-way / end"
            )
            continue
        lines.append(
            f"{row['name']:<42}{row['pid'] or '':>7}{mib(row.get('start_rss_kb')):>8}"
            f"{mib(row.get('middle_rss_kb')):>8}{mib(row.get('end_rss_kb')):>8}"
            f"{growth(row):>14}{growth(row, since='middle'):>14}"
            f"{span(row, 'anon'):>16}{span(row, 'shmem'):>14}"
        )
    growing = [row for row in result["memory"] if grew(row.get("rss_mib_samples", ""))]
    if growing:
        lines.append(
            f"Resident MiB every {result['run']['sample_every_s']:.0f} s (those that grew 5%+):"
        )
        lines += [f"  {row['name']}: {row['rss_mib_samples']}" for row in growing]
    redis = result.get("redis") or {}
    if redis.get("start") and redis.get("end"):
        a, b = redis["start"], redis["end"]
        lines.append(
            f"Redis's data: {a['keys']} keys, {mib(a['used_kb'])} MiB at the start; "
            f"{b['keys']} keys, {mib(b['used_kb'])} MiB at the end; "
            f"{b['keys_without_expiry']} keys without an expiry"
        )
    if result["failures"]:
        lines += ["", "First failures (seconds into the run, kind, server, path, what):"]
        lines += [
            f"  {f['at_s']:>6} {f['kind']} {f['server']} {f['path']}: {f['what']}"
            for f in result["failures"][:15]
        ]
    if result["warmup_failures"]:
        lines += ["", f"Failures during the warm-up: {len(result['warmup_failures'])}, the first:"]
        lines += [
            f"  {f['kind']} {f['server']} {f['path']}: {f['what']}"
            for f in result["warmup_failures"][:5]
        ]
    lines += ["", "Statuses in the servers' access logs (whole run, warm-up included):"]
    lines += [f"  {name}: {statuses}" for name, statuses in result["server_statuses"].items()]
    if result["server_log_problems"]:
        lines += ["", "Warnings and errors in the logs (the last ones):"]
        lines += ["  " + line for line in result["server_log_problems"][-40:]]
    if result["logs_kept_in"]:
        lines.append(f"\nThe cluster's logs are kept in {result['logs_kept_in']}")
    return "\n".join(lines)


def markdown_table(result: dict) -> str:
    run = result["run"]
    count, errors = requests_total(result)
    lines = [
        f"{run['date']}, {run['duration_s']:.0f} s after a {run['warmup_s']:.0f} s warm-up, "
        f"{run['threads']} threads; {count} requests ({count / run['duration_s']:.1f}/s), "
        f"{errors} errors ({100 * errors / max(count, 1):.2f}%). CPU: the cluster "
        f"{run['cluster_cpu_pct']}%, the load generator {run['load_generator_cpu_pct']}%, "
        f"other processes {run['other_cpu_pct']}% of {run['cores']} cores; calibration loop "
        f"{run['calibration_loop_s']} s.",
        "",
        "| kind | count | errors | p50 ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, r in result["kinds"].items():
        lines.append(
            f"| {kind} | {r['count']} | {r['errors']} | {r['p50_ms']} | {r['p95_ms']} | "
            f"{r['max_ms']} |"
        )
    lines += [
        "",
        "| process | resident MiB: start | half-way | end | growth | of which 2nd half "
        "| private MiB: start → end | shared MiB: start → end |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    notes = []
    for row in result["memory"]:
        if "counts" in row:
            start, middle, end = row["counts"]
            notes.append(
                "PostgreSQL backends not open throughout (Django reconnects after "
                f"`CONN_MAX_AGE`): {start}, {middle} and {end} at the start, half-way and the end."
            )
            continue
        lines.append(
            f"| {row['name']} | {mib(row.get('start_rss_kb'))} | {mib(row.get('middle_rss_kb'))} "
            f"| {mib(row.get('end_rss_kb'))} | {growth(row)} | {growth(row, since='middle')} | "
            f"{span(row, 'anon')} | {span(row, 'shmem')} |"
        )
    lines += ["", *notes] if notes else []
    redis = result.get("redis") or {}
    if redis.get("start") and redis.get("end"):
        a, b = redis["start"], redis["end"]
        lines += [
            "",
            f"Redis's data: {a['keys']} keys, {mib(a['used_kb'])} MiB at the start; "
            f"{b['keys']} keys, {mib(b['used_kb'])} MiB at the end; "
            f"{b['keys_without_expiry']} keys without an expiry.",
        ]
    return "\n".join(lines)


def save(result: dict, path: Path = RESULTS, update_docs: bool = False) -> None:
    """Under "soak" in results.json, the other figures kept as they were."""
    try:
        results = json.loads(path.read_text())
    except (OSError, ValueError):
        results = {}
    results["soak"] = result
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWrote {path}")
    if update_docs:
        text = DOCS.read_text()
        if DOCS_START in text and DOCS_END in text:
            head, rest = text.split(DOCS_START, 1)
            tail = rest.split(DOCS_END, 1)[1]
            DOCS.write_text(f"{head}{DOCS_START}\n{markdown_table(result)}\n{DOCS_END}{tail}")
            print(f"Updated {DOCS.relative_to(ROOT)}")
        else:
            print(f"{DOCS} has no {DOCS_START} … {DOCS_END} markers; not updated")


def run(
    duration: float = 180.0,
    *,
    results: Path | None = RESULTS,
    update_docs: bool = False,
    quiet: bool = True,
    **options,
) -> int:
    """Run, print, save; 2 if any request failed."""
    result = soak(duration=duration, quiet=quiet, **options)
    print()
    print(table(result))
    if results is not None:
        save(result, results, update_docs)
    return 2 if requests_total(result)[1] else 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--duration", type=float, default=180, help="seconds measured (180)")
    parser.add_argument("--threads", type=int, default=6, help="concurrent people (6)")
    parser.add_argument("--warmup", type=float, default=30, help="seconds before measuring (30)")
    parser.add_argument("--import-every", type=float, default=20, help="seconds (20; 0: none)")
    parser.add_argument("--pack-every", type=float, default=30, help="seconds (30; 0: none)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write results")
    parser.add_argument("--no-results", action="store_true", help="print only")
    parser.add_argument("--update-docs", action="store_true", help="rewrite docs/benchmarks.md")
    parser.add_argument(
        "--no-wait-quiet", action="store_true", help="start even if the CPUs are busy"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run(
        args.duration,
        results=None if args.no_results else args.results,
        update_docs=args.update_docs,
        quiet=not args.no_wait_quiet,
        threads=args.threads,
        warmup=args.warmup,
        import_every=args.import_every,
        pack_every=args.pack_every,
    )


if __name__ == "__main__":
    sys.exit(main())
