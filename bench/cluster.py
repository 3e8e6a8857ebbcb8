"""A production-shaped PlanTrack on this machine: its own PostgreSQL cluster and Redis (so
they can be restarted without touching anyone else's), N gunicorn app servers and M task
workers sharing one stored-files folder, and a small HTTP client that signs in and fills in
forms as a person would.

Used by the multi-server and fault tests (tests/cluster/) and the soak benchmark
(bench/soak.py). PostgreSQL's own programs (initdb, pg_ctl) are Debian's; as root they run as
the ``postgres`` user, as PostgreSQL requires.
"""

from __future__ import annotations

import glob
import html
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.generate import ROOT
from bench.run import HOST, free_port

SECRET_KEY = "plantrack-cluster-test-key-not-for-production"


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    return Path(found[-1]).parent if found else None


def _version_key(path: str) -> int:
    match = re.search(r"/postgresql/(\d+)/", path)
    return int(match[1]) if match else 0


def redis_bin() -> str | None:
    return shutil.which("redis-server")


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    """A PostgreSQL cluster of its own in ``root``, on a free port, trusting local users."""

    def __init__(self, root: Path) -> None:
        bindir = postgres_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL's initdb is not installed (Debian: postgresql)")
        self.bin = bindir
        self.root = root
        self.data = root / "pgdata"
        self.port = free_port()
        self.log = root / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/plantrack"

    def _pg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), *args]),
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
        )

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            os.chmod(self.root, 0o755)
        subprocess.run(
            _as_postgres(
                [
                    str(self.bin / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            capture_output=True,
            check=True,
            timeout=120,
        )
        self.start()
        subprocess.run(
            [
                "psql",
                "-h",
                HOST,
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-qc",
                "CREATE DATABASE plantrack",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses={HOST} -c fsync=off"
        self._pg("-w", "-t", "60", "-o", options, "-l", str(self.log), "start")

    def stop(self, mode: str = "fast") -> None:
        self._pg("-w", "-t", "60", "-m", mode, "stop", check=False)

    def psql(self, sql: str) -> str:
        done = subprocess.run(
            [
                "psql",
                "-h",
                HOST,
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                "plantrack",
                "-tAc",
                sql,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return done.stdout.strip()


class PrivateRedis:
    """A Redis of its own on a free port, keeping nothing on disk."""

    def __init__(self, root: Path) -> None:
        exe = redis_bin()
        if exe is None:
            raise RuntimeError("redis-server is not installed (Debian: redis-server)")
        self.exe = exe
        self.port = free_port()
        self.log = root / "redis.log"
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen(
                [
                    self.exe,
                    "--port",
                    str(self.port),
                    "--bind",
                    HOST,
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    # As in production (docs/deployment.md): a cache, bounded, least recently
                    # used keys evicted first.
                    "--maxmemory",
                    "256mb",
                    "--maxmemory-policy",
                    "allkeys-lru",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not answer; see {self.log}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@dataclass
class Process:
    """An app server (gunicorn: its master and workers) or a task worker, in its own process
    group so that stopping it stops all of it."""

    name: str
    proc: subprocess.Popen
    log: Path
    base: str = ""

    def pids(self) -> list[int]:
        """The group's processes (gunicorn's master and its workers)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) == self.proc.pid:
                        found.append(int(entry.name))
                except (ProcessLookupError, PermissionError):
                    continue
        return sorted(found)

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        except ProcessLookupError:
            pass


@dataclass
class Cluster:
    root: Path
    postgres: PrivatePostgres
    redis: PrivateRedis
    media: Path
    servers: list[Process] = field(default_factory=list)
    workers: list[Process] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PLANTRACK_", "DATABASE_URL", "PYTEST", "DJANGO_"))
        }
        env.update(
            DATABASE_URL=self.postgres.url,
            PLANTRACK_CACHE_URL=self.redis.url,
            PLANTRACK_MEDIA_ROOT=str(self.media),
            PLANTRACK_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
            PLANTRACK_SECRET_KEY=SECRET_KEY,
            PLANTRACK_ALLOWED_HOSTS=HOST,
            PLANTRACK_LOG_FORMAT="json",
            PLANTRACK_LOG_LEVEL="INFO",
            DJANGO_SETTINGS_MODULE="plantrack.settings",
        )
        return env

    def manage(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def _spawn(self, name: str, command: list[str]) -> Process:
        log = self.root / f"{name}.log"
        with open(log, "a") as out:
            proc = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return Process(name, proc, log)

    def start_server(self, name: str, workers: int = 2) -> Process:
        port = free_port()
        exe = str(Path(sys.executable).parent / "gunicorn")
        command = [exe, "plantrack.wsgi", "-w", str(workers), "-b", f"{HOST}:{port}"]
        command += ["--graceful-timeout", "5", "--timeout", "120", "--no-control-socket"]
        server = self._spawn(name, command)
        server.base = f"http://{HOST}:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if server.proc.poll() is not None:
                raise RuntimeError(f"{name} exited early:\n{server.log.read_text()[-3000:]}")
            try:
                if Client(server.base).get("/healthz").status == 200:
                    self.servers.append(server)
                    return server
            except OSError:
                pass
            time.sleep(0.25)
        server.stop()
        raise RuntimeError(f"{name} did not answer within 90 s; see {server.log}")

    def start_worker(self, name: str) -> Process:
        command = [sys.executable, "manage.py", "worker", "--worker-id", name]
        command += ["--no-startup-delay", "--interval", "0.2", "-v", "2"]
        worker = self._spawn(name, command)
        self.workers.append(worker)
        return worker

    def stop(self) -> None:
        for process in [*self.servers, *self.workers]:
            process.stop()
        self.redis.stop()
        self.postgres.stop()


@contextmanager
def cluster(*, servers: int = 2, workers: int = 1, demo: bool = True) -> Iterator[Cluster]:
    """PostgreSQL and Redis of their own, migrated (and the demo loaded), with ``servers``
    app servers and ``workers`` task workers; everything stopped and removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="plantrack-cluster-"))
    postgres = PrivatePostgres(root)
    redis = PrivateRedis(root)
    built = Cluster(root, postgres, redis, root / "media")
    try:
        postgres.init()
        redis.start()
        built.manage("migrate", "--noinput", "-v", "0")
        if demo:
            built.manage("load_demo")
        for number in range(1, servers + 1):
            built.start_server(f"app{number}")
        for number in range(1, workers + 1):
            built.start_worker(f"worker{number}")
        yield built
    finally:
        built.stop()
        shutil.rmtree(root, ignore_errors=True)


# --- a person's HTTP client ---------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    """Cookies kept, redirects not followed, forms posted with their CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )

    def request(
        self,
        path: str,
        *,
        data: bytes | None = None,
        headers: dict | None = None,
        timeout: float = 60,
    ) -> Answer:
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, dict(exc.headers), exc.read())

    def get(self, path: str, **kwargs) -> Answer:
        return self.request(path, **kwargs)

    def post(self, path: str, fields: dict[str, str], *, csrf_from: str | None = None) -> Answer:
        """Post ``fields`` to ``path`` with the CSRF token of the form on ``csrf_from`` (by
        default the page at ``path`` itself)."""
        page = self.get(csrf_from or path)
        match = CSRF_INPUT.search(page.text)
        if not match:
            return page  # no form to post (the sign-in page, an error): the caller sees why
        data = urlencode({"csrfmiddlewaretoken": match[1], **fields}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + path}
        return self.request(path, data=data, headers=headers)

    def sign_in(self, username: str, password: str) -> None:
        answer = self.post(
            "/accounts/login/", {"username": username, "password": password, "next": "/"}
        )
        if answer.status != 302:
            raise RuntimeError(f"signing in as {username} answered {answer.status}")


def links(page: str, pattern: str) -> list[str]:
    """The addresses on a page matching a regular expression (in order, without repeats)."""
    found = re.findall(r'href="(' + pattern + r')"', page)
    return list(dict.fromkeys(html.unescape(link) for link in found))


def selected_option(page: str, name: str) -> str | None:
    """The selected option's value of the <select> called ``name``."""
    select = re.search(
        r'<select[^>]*name="' + re.escape(name) + r'"[^>]*>(.*?)</select>', page, re.S
    )
    if not select:
        return None
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select[1])
    first = re.search(r'<option value="([^"]+)"', select[1])
    return (chosen or first)[1] if (chosen or first) else None


# --- what a person does -------------------------------------------------------------------


def first_actions(client: Client, count: int = 5) -> list[str]:
    """The addresses of the first actions, of the first plan in the list, that the client may
    post updates on (/plans/actions/<pk>/)."""
    for plan in links(client.get("/plans/").text, r"/plans/\d+/"):
        actions = links(client.get(plan).text, r"/plans/actions/\d+/")
        writable = [a for a in actions[: count * 2] if client.get(f"{a}updates/new/").status == 200]
        if writable:
            return writable[:count]
    raise RuntimeError("the client may post updates on no action")


def post_update(client: Client, action: str, narrative: str, *, base: str = "") -> Answer:
    """An update on the action at ``action`` (/plans/actions/<pk>/) through ``base``'s
    server; 302 when it was saved."""
    fields = {
        "date": time.strftime("%Y-%m-%d"),
        "rag": "amber",
        "status": "in_progress",
        "narrative": narrative,
    }
    return client.post(f"{base}{action}updates/new/", fields)


def prepare_pack(client: Client, *, base: str = "") -> str:
    """Prepare a pack for the first board the client can; the new pack's address."""
    new = links(client.get(f"{base}/packs/").text, r"/packs/body/\d+/new/")[0]
    period = selected_option(client.get(f"{base}{new}").text, "period") or ""
    answer = client.post(f"{base}{new}", {"period": period})
    location = answer.headers.get("Location", "")
    if answer.status != 302 or not re.fullmatch(r"/packs/\d+/", location):
        raise RuntimeError(f"preparing a pack answered {answer.status} {location}")
    return location
