"""Writers racing in separate processes, as app servers do, on SQLite and on PostgreSQL
(whichever the suite runs on): simultaneous updates on one action all land, and of
simultaneous edits from one version exactly one wins, the others being told (issue 10).

Each test builds its own database (migrated from scratch), since the test database of the
suite is private to its transaction, or in memory for SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[2]
RACE = Path(__file__).with_name("race.py")
WRITERS = 6


def _run(env: dict, *args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, str(RACE), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> Iterator[str]:
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        yield f"sqlite:///{tmp_path_factory.mktemp('race') / 'race.sqlite3'}"
        return
    import psycopg

    db = settings.DATABASES["default"]
    name = f"plantrack_race_{uuid.uuid4().hex[:8]}"
    server = dict(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER"),
        password=db.get("PASSWORD") or None,
    )
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    auth = server["user"] + (f":{server['password']}" if server["password"] else "")
    try:
        yield f"postgres://{auth}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def race_env(database_url) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "plantrack.settings",
        "PLANTRACK_TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
    }
    env.pop("PLANTRACK_DB_POOL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        env=env,
        cwd=REPO,
        check=True,
        timeout=300,
    )
    world = json.loads(_run(env, "setup"))
    return {**env, "RACE_ACTION": str(world["action"]), "RACE_VERSION": world["version"]}


def _race(env: dict, *args: str) -> list[str]:
    start = time.time() + 4  # each contestant starts Django first, then waits for the gun
    contestants = [
        subprocess.Popen(
            [sys.executable, str(RACE), args[0], f"{start}", str(i), *args[1:]],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(WRITERS)
    ]
    results = []
    for process in contestants:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-3000:]
        results.append(out.strip())
    return results


def _query(env: dict, code: str) -> str:
    script = (
        "import os, sys; sys.path.insert(0, '.'); "
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'plantrack.settings'); "
        "import django; django.setup(); " + code
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def test_simultaneous_updates_on_one_action_all_land(race_env):
    assert _race(race_env, "post") == ["ok"] * WRITERS
    narratives = _query(
        race_env,
        "from plantrack.plans.models import Update; "
        "print(sorted(Update.objects.filter(action_id=int(os.environ['RACE_ACTION']))"
        ".values_list('narrative', flat=True)))",
    )
    assert narratives == str(sorted(f"Update {i}" for i in range(WRITERS)))


def test_of_simultaneous_edits_from_one_version_exactly_one_wins(race_env):
    version = _query(
        race_env,
        "from plantrack.plans.models import Action; "
        "from plantrack.core.concurrency import version_of; "
        "print(version_of(Action.objects.get(pk=int(os.environ['RACE_ACTION']))))",
    )
    results = _race(race_env, "edit", version)
    assert sorted(results) == ["conflict"] * (WRITERS - 1) + ["ok"]
    winner = results.index("ok")
    title = _query(
        race_env,
        "from plantrack.plans.models import Action; "
        "print(Action.objects.get(pk=int(os.environ['RACE_ACTION'])).title)",
    )
    assert title == f"Title {winner}"
