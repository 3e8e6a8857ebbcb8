"""Faults under load: PostgreSQL restarted, Redis restarted, a task worker killed mid-task.

A bounded load (a few hundred requests from four threads, through both app servers: pages read
and updates written) runs while the fault happens. What must hold: no 500 page and no
traceback, only a clean 503 with Retry-After while the database is away; the servers recover by
themselves; every write that was acknowledged is in the database; a background task cut short
is run again or failed with a reason, never left running."""

from __future__ import annotations

import itertools
import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field

from bench.cluster import Answer, Client, Cluster, first_actions, post_update, prepare_pack

UNAVAILABLE = "PlanTrack is briefly unavailable; try again in a minute."


@dataclass
class Outcome:
    kind: str
    started: float
    status: int
    answer: Answer | None = None
    error: str = ""
    narrative: str = ""


@dataclass
class Load:
    """Four threads reading and writing through both servers until stopped (or 600 requests),
    each pausing half a second after a refusal."""

    running: Cluster
    client: Client
    actions: list[str]
    outcomes: list[Outcome] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    limit: int = 600

    def __post_init__(self) -> None:
        self.counter = itertools.count()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.work, args=(n,)) for n in range(4)]

    def work(self, number: int) -> None:
        for step in itertools.count():
            if self.stop.is_set() or next(self.counter) >= self.limit:
                return
            base = self.running.servers[(number + step) % 2].base
            action = self.actions[(number + step) % len(self.actions)]
            started = time.monotonic()
            outcome = Outcome("read", started, 0)
            try:
                if step % 3 == 2:
                    outcome.kind, outcome.narrative = "write", f"Load {uuid.uuid4().hex}"
                    outcome.answer = post_update(self.client, action, outcome.narrative, base=base)
                else:
                    outcome.answer = self.client.get(f"{base}{action}", timeout=30)
                outcome.status = outcome.answer.status
            except OSError as exc:
                outcome.error = f"{type(exc).__name__}: {exc}"
            with self.lock:
                self.outcomes.append(outcome)
            # As a person (or a client that reads Retry-After) would, wait a little longer
            # after a refusal: answered at once, 503s would use up the load's bound.
            time.sleep(0.5 if outcome.status == 503 or outcome.error else 0.03)

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)


def _task_states(running: Cluster) -> dict[str, int]:
    rows = running.postgres.psql(
        "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
    )
    return {status: int(count) for status, count in (row.split("|") for row in rows.splitlines())}


def _pack_status(running: Cluster, pack: str) -> str:
    pack_id = pack.strip("/").rsplit("/", 1)[1]
    return running.postgres.psql(f"SELECT status FROM packs_pack WHERE id = {pack_id}")


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout:.0f} s")


def _pack_task_status(running: Cluster, pack: str) -> str:
    pack_id = pack.strip("/").rsplit("/", 1)[1]
    return running.postgres.psql(
        "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path LIKE "
        f"'%.build_pack' AND args_kwargs->'args'->>0 = '{pack_id}'"
    )


def _pack_running_task(running: Cluster, client: Client) -> str:
    """Prepare a pack and return once its task is running in the worker (or done)."""
    pack = prepare_pack(client, base=running.servers[0].base)
    _wait_for(
        lambda: _pack_task_status(running, pack) in ("RUNNING", "SUCCESSFUL", "FAILED"),
        60,
        "the worker did not take up the pack",
    )
    return pack


def _assert_clean(outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        assert not outcome.error, outcome.error
        assert outcome.status in (200, 302, 503), (outcome.kind, outcome.status)
        assert outcome.answer is not None and "Traceback" not in outcome.answer.text
        if outcome.status == 503:
            assert outcome.answer.headers.get("Retry-After") == "30"
            assert UNAVAILABLE in outcome.answer.text


def _assert_acknowledged_writes_kept(running: Cluster, outcomes: list[Outcome]) -> int:
    acknowledged = [o.narrative for o in outcomes if o.kind == "write" and o.status == 302]
    assert acknowledged
    quoted = ",".join(f"'{narrative}'" for narrative in acknowledged)
    kept = running.postgres.psql(f"SELECT count(*) FROM plans_update WHERE narrative IN ({quoted})")
    assert int(kept) == len(acknowledged)
    return len(acknowledged)


def test_a_postgresql_restart_under_load(running: Cluster, demo: Client):
    actions = first_actions(demo, 6)

    with Load(running, demo, actions) as load:
        time.sleep(1.5)
        pack = _pack_running_task(running, demo)  # building takes a second or two
        down = time.monotonic()
        running.postgres.stop("fast")  # every connection is cut, the building task's too
        time.sleep(4)
        running.postgres.start()
        up = time.monotonic()
        time.sleep(8)

    outcomes = load.outcomes
    assert 150 <= len(outcomes) <= 600
    _assert_clean(outcomes)
    during = [o for o in outcomes if down <= o.started <= up - 0.5]
    assert any(o.status == 503 for o in during)  # the outage was seen, and answered cleanly
    after = [o for o in outcomes if o.started >= up + 3]
    assert len(after) >= 20, f"{len(outcomes)} requests, {len(after)} from 3 s after the restart"
    assert all(o.status in (200, 302) for o in after)  # recovered by themselves
    assert _assert_acknowledged_writes_kept(running, outcomes) > 10
    # The pack's task was cut short, waited for the database and ran again; the worker
    # outlived the outage and goes on with the next.
    _wait_for(lambda: _pack_status(running, pack) == "draft", 120, "the pack was not built")
    assert _pack_task_status(running, pack) == "SUCCESSFUL"
    assert "lost the database" in running.workers[0].log.read_text()
    assert running.workers[0].proc.poll() is None
    later = prepare_pack(demo, base=running.servers[1].base)
    _wait_for(lambda: _pack_status(running, later) == "draft", 120, "the next pack was not built")
    assert _task_states(running).get("RUNNING", 0) == 0


def test_a_redis_restart_under_load(running: Cluster, demo: Client):
    actions = first_actions(demo, 6)
    server = running.servers[0].base

    with Load(running, demo, actions) as load:
        time.sleep(1.5)
        running.redis.stop()
        time.sleep(1)
        health = Client(server).get("/healthz")
        time.sleep(2)
        running.redis.start()
        up = time.monotonic()
        time.sleep(3)

    outcomes = load.outcomes
    assert all(o.status in (200, 302) and not o.error for o in outcomes)  # served throughout
    assert health.status == 503 and "Redis" in health.text
    assert _assert_acknowledged_writes_kept(running, outcomes) > 5
    _wait_for(lambda: Client(server).get("/healthz").status == 200, 15, "healthz was not ok again")
    assert any(o.started > up for o in outcomes)


def test_a_task_whose_worker_was_killed_is_run_again_when_it_starts(running: Cluster, demo: Client):
    for _attempt in range(3):
        pack = _pack_running_task(running, demo)
        worker = running.workers.pop()
        os.killpg(worker.proc.pid, signal.SIGKILL)
        worker.proc.wait(timeout=10)
        if _pack_task_status(running, pack) == "RUNNING":
            break  # killed mid-task
        running.start_worker(worker.name)  # it finished first: try again
    else:
        raise AssertionError("the pack was built before the worker could be killed, 3 times")
    time.sleep(2)
    assert _pack_task_status(running, pack) == "RUNNING"  # left so by the dead worker

    running.start_worker(worker.name)  # the same --worker-id, as its supervisor would

    _wait_for(lambda: _pack_status(running, pack) == "draft", 120, "the pack was not built")
    assert _pack_task_status(running, pack) == "SUCCESSFUL"
    assert _task_states(running).get("RUNNING", 0) == 0
    assert "queued again" in running.workers[-1].log.read_text()
