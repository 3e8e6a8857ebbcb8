"""Serve the app with gunicorn and measure each case with wrk over loopback."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.generate import DATA_DIR, ROOT

HOST = "127.0.0.1"
PAGE_TARGET_MS = 60.0
API_TARGET_MS = 30.0
SUMMARY_TARGET_MS = 80.0  # issue 4: a plan summary with 50 measures and 100 budget lines
# Issue 12: the engagement evaluation for a force and a whole financial year.
EVALUATION_TARGET_MS = 80.0  # with its body cached
EVALUATION_MISS_TARGET_MS = 400.0  # computed afresh on every request
# Issue 13: the heat map of 40 units × 50 items with no cache.
HEAT_MAP_COLD_TARGET_MS = 300.0
# Issue 15: "search results in under 100 ms at national scale".
SEARCH_TARGET_MS = 100.0
# Issue 15: a bulk change of 20 actions answers within a second.
BULK_TARGET_MS = 1000.0
# Issue 16: a published plan's public page and its Atom feed (cached under the plan's version).
PUBLIC_TARGET_MS = 30.0


@dataclass
class Case:
    name: str
    path: str
    who: str  # "owner", "manager", "steward", "token" or "anonymous" (no sign-in, GET only)
    method: str = "GET"
    form: dict[str, str | list[str]] | None = None  # a list: one field sent several times
    json: dict | None = None  # a JSON body (the API's writes, with the token)
    expect: int = 200
    target_p95_ms: float = PAGE_TARGET_MS
    description: str = ""
    # The same page over less data: its query count must be the same.
    small_path: str | None = None
    small_who: str | None = None
    # "default": the app's cache (per-process locmem); "none": served by a second gunicorn with
    # PLANTRACK_CACHE_URL=dummy://, so that every request computes every fragment afresh.
    cache: str = "default"
    # wrk's connections for this case, if not --connections: a miss is measured one at a time.
    connections: int | None = None
    result: dict = field(default_factory=dict)


# --- gunicorn -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base: str  # http://127.0.0.1:PORT
    pgid: int  # gunicorn's process group: the master and its workers


@contextmanager
def gunicorn(database_url: str, workers: int = 2, cache: str = "default"):
    """gunicorn in its own process group, stopped (the whole group) on the way out. With
    ``cache="none"`` its cache is Django's dummy backend: nothing is ever found cached."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PLANTRACK_ALLOWED_HOSTS": HOST,
        "DJANGO_SETTINGS_MODULE": "plantrack.settings",
    }
    env.pop("PLANTRACK_DEBUG", None)
    if cache == "none":
        env["PLANTRACK_CACHE_URL"] = "dummy://"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    log_path = DATA_DIR / ("gunicorn.log" if cache == "default" else f"gunicorn-{cache}.log")
    exe = Path(sys.executable).parent / "gunicorn"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [
                str(exe),
                "plantrack.wsgi",
                "-w",
                str(workers),
                "-b",
                f"{HOST}:{port}",
                "--graceful-timeout",
                "5",
                # gunicorn 25+ opens ~/.gunicorn/gunicorn.ctl, shared with any other gunicorn.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://{HOST}:{port}"
        try:
            _wait_until_up(base, proc, log_path)
            yield Server(base, proc.pid)
        finally:
            _stop(proc)


def _wait_until_up(base: str, proc: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited early; see {log_path}:\n{log_path.read_text()}")
        try:
            status, _, _ = fetch(base + "/accounts/login/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {log_path}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


# --- CPU accounting -------------------------------------------------------------------------
# The machine may be shared: CPU used by neither gunicorn nor wrk is reported, and a case
# waits (a little) for the machine to be quiet before it starts.

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_ticks(pgid: int) -> dict[tuple[int, int], tuple[str, int]]:
    """CPU ticks of gunicorn's processes ("server") and PostgreSQL's ("database"), keyed by
    (pid, start time) so that a process that replaced another is not mistaken for it."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                data = f.read()
        except OSError:
            continue
        name = data[data.index("(") + 1 : data.rindex(")")]
        fields = data[data.rindex(")") + 2 :].split()
        kind = "server" if int(fields[2]) == pgid else "database" if name == "postgres" else None
        if kind:
            found[(int(entry.name), int(fields[19]))] = (kind, int(fields[11]) + int(fields[12]))
    return found


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds used between two snapshots by each kind of process still alive at the end
    (a PostgreSQL backend that exited in between takes its last ticks with it)."""
    used = {"server": 0.0, "database": 0.0}
    for key, (kind, ticks) in after.items():
        used[kind] += (ticks - before.get(key, (kind, 0))[1]) / CLOCK_TICKS
    return used


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:9]]
    return (sum(values) - values[3] - values[4]) / CLOCK_TICKS  # minus idle and iowait


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def background_busy_pct(seconds: float = 1.0) -> float:
    start, t0 = busy_cpu_seconds(), time.monotonic()
    time.sleep(seconds)
    return 100 * (busy_cpu_seconds() - start) / ((time.monotonic() - t0) * (os.cpu_count() or 1))


def wait_for_quiet(limit_pct: float = 15.0, max_wait: float = 90.0) -> float:
    """Wait until other processes leave the CPUs mostly idle; returns the last busy %."""
    deadline = time.monotonic() + max_wait
    busy = background_busy_pct()
    while busy > limit_pct and time.monotonic() < deadline:
        busy = background_busy_pct(2.0)
    return round(busy, 1)


# --- HTTP helpers ---------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    opener=None,
) -> tuple[int, dict[str, str], str]:
    opener = opener or urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode(errors="replace")


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in(base: str, username: str, password: str) -> dict[str, str]:
    """Sign in through the login form (CSRF token and all); returns the cookies."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    status, _, html = fetch(base + "/accounts/login/", opener=opener)
    match = CSRF_INPUT.search(html)
    if status != 200 or not match:
        raise RuntimeError(f"login page answered {status} without a CSRF token")
    body = urlencode(
        {"csrfmiddlewaretoken": match[1], "username": username, "password": password, "next": "/"}
    ).encode()
    status, _, _ = fetch(
        base + "/accounts/login/",
        method="POST",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        opener=opener,
    )
    cookies = {c.name: c.value for c in jar}
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"signing in as {username} failed: HTTP {status}")
    return cookies


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def csrf_token_from(base: str, path: str, cookies: dict[str, str]) -> str:
    status, _, html = fetch(base + path, headers={"Cookie": cookie_header(cookies)})
    match = CSRF_INPUT.search(html)
    if status != 200 or not match:
        raise RuntimeError(f"{path} answered {status} without a CSRF token")
    return match[1]


# --- wrk ------------------------------------------------------------------------------------

LUA_DONE = r"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "p50_us": %.0f, ' ..
    '"p75_us": %.0f, "p90_us": %.0f, "p95_us": %.0f, "p99_us": %.0f, "max_us": %.0f, ' ..
    '"mean_us": %.1f, "connect": %.0f, "read": %.0f, "write": %.0f, "status": %.0f, ' ..
    '"timeout": %.0f}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(75), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status,
    e.timeout))
end
"""


def _lua_string(value: str) -> str:
    level = "=" * 3
    assert f"]{level}]" not in value
    return f"[{level}[{value}]{level}]"


def lua_script(method: str, headers: dict[str, str], body: str | None) -> str:
    lines = [f"wrk.method = {_lua_string(method)}"]
    for name, value in headers.items():
        lines.append(f"wrk.headers[ {_lua_string(name)} ] = {_lua_string(value)}")
    if body is not None:
        lines.append(f"wrk.body = {_lua_string(body)}")
    return "\n".join(lines) + "\n" + LUA_DONE


def run_wrk(url: str, script: str, *, duration: float, connections: int) -> dict:
    threads = max(1, min(2, connections))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
        lua = f.name
    try:
        cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s",
               "--timeout", "10s", "--latency", "-s", lua, url]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    finally:
        os.unlink(lua)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    stats = json.loads(line.removeprefix("BENCH_JSON "))
    stats["raw"] = proc.stdout
    return stats


# --- Cases ----------------------------------------------------------------------------------


def request_parts(case: Case, base: str, sessions: dict, token: str) -> tuple[dict, str | None]:
    """Headers and body for one request of the case."""
    if case.who == "anonymous":  # no cookie, no token: a public page
        if case.method != "GET":
            raise ValueError(f"{case.name}: an anonymous case is a GET (no CSRF token)")
        return {}, None
    if case.who == "token":
        headers = {"Authorization": f"Bearer {token}"}
        if case.json is not None:
            headers["Content-Type"] = "application/json"
            return headers, json.dumps(case.json)
        return headers, None
    cookies = sessions[case.who]
    headers = {"Cookie": cookie_header(cookies)}
    if case.method == "POST":
        csrf = csrf_token_from(base, case.path, cookies)
        body = urlencode({**(case.form or {}), "csrfmiddlewaretoken": csrf}, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return headers, body
    return headers, None


def check(base: str, case: Case, headers: dict, body: str | None) -> int:
    status, response_headers, _ = fetch(
        base + case.path,
        method=case.method,
        headers=headers,
        data=body.encode() if body is not None else None,
    )
    if status != case.expect:
        raise RuntimeError(
            f"{case.name}: {case.method} {case.path} answered {status}, expected {case.expect}"
        )
    if status == 302 and "/accounts/login/" in response_headers.get("Location", ""):
        raise RuntimeError(f"{case.name}: redirected to the login page")
    return status


def measure(
    server: Server,
    case: Case,
    sessions: dict,
    token: str,
    *,
    duration: float,
    connections: int,
    warmup: float,
    quiet: bool = True,
    verbose: bool = True,
) -> dict:
    base = server.base
    connections = case.connections or connections
    headers, body = request_parts(case, base, sessions, token)
    check(base, case, headers, body)
    script = lua_script(case.method, headers, body)
    url = base + case.path
    background = wait_for_quiet() if quiet else None
    if warmup > 0:
        run_wrk(url, script, duration=warmup, connections=connections)
    cpu = (process_ticks(server.pgid), children_cpu_seconds(), busy_cpu_seconds())
    t0 = time.monotonic()
    stats = run_wrk(url, script, duration=duration, connections=connections)
    elapsed = time.monotonic() - t0
    used = cpu_used(cpu[0], process_ticks(server.pgid))
    server_cpu, database_cpu = used["server"], used["database"]
    wrk_cpu = children_cpu_seconds() - cpu[1]
    foreign = busy_cpu_seconds() - cpu[2] - server_cpu - database_cpu - wrk_cpu
    capacity = elapsed * (os.cpu_count() or 1)
    # Once more after the run: a session that had expired would have turned into 302s.
    check(base, case, headers, body)
    errors = sum(stats[k] for k in ("connect", "read", "write", "status", "timeout"))
    seconds = stats["duration_us"] / 1e6
    result = {
        "rps": round(stats["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(stats["p50_us"] / 1000, 1),
        "p95_ms": round(stats["p95_us"] / 1000, 1),
        "p99_ms": round(stats["p99_us"] / 1000, 1),
        "requests": int(stats["requests"]),
        "errors": int(errors),
        "error_detail": {
            k: int(stats[k]) for k in ("connect", "read", "write", "status", "timeout")
        },
        # Robust to a busy machine: CPU the gunicorn workers spent per request.
        "server_cpu_ms": round(1000 * server_cpu / stats["requests"], 1)
        if stats["requests"]
        else None,
        "wrk_cpu_pct": round(100 * wrk_cpu / capacity, 1),
        # PostgreSQL's own processes (SQLite runs inside the workers, so 0 there).
        "db_cpu_ms": round(1000 * database_cpu / stats["requests"], 1)
        if stats["requests"]
        else None,
        # CPU used by other processes on the machine during the run (ideally ~0).
        "foreign_cpu_pct": round(max(0.0, 100 * foreign / capacity), 1),
        "background_busy_pct_before": background,
        "connections": connections,
    }
    if verbose:
        print(
            f"  {case.name:<18} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:7.1f} ms  "
            f"p95 {result['p95_ms']:7.1f} ms  errors {errors}  "
            f"server CPU {result['server_cpu_ms']} ms/req  "
            f"other processes {result['foreign_cpu_pct']}% CPU",
            flush=True,
        )
    return result
