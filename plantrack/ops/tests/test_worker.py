"""The task worker takes up interrupted tasks (ops.worker), and a task's body outlasts a
database that goes away under it (core.outages)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from plantrack.core import outages
from plantrack.governance.models import Body
from plantrack.imports.models import ImportJob
from plantrack.ops.worker import MAX_ATTEMPTS, interrupted_task_recover
from plantrack.packs.models import Pack

HOUR = timedelta(hours=1)


def _running(
    task_path: str, pk: int, worker_ids: list[str], started_ago: timedelta
) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="RUNNING",
        task_path=task_path,
        args_kwargs={"args": [pk], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=worker_ids,
        started_at=timezone.now() - started_ago,
    )


def _recover(*worker_ids: str) -> tuple[int, int]:
    return interrupted_task_recover(
        backend_name="default", worker_ids=list(worker_ids), lost_after=HOUR
    )


@pytest.mark.django_db
def test_a_task_its_worker_was_running_when_it_stopped_is_queued_again():
    mine = _running("plantrack.packs.tasks.build_pack", 1, ["host-1"], timedelta(seconds=5))
    theirs = _running("plantrack.packs.tasks.build_pack", 2, ["host-2"], timedelta(seconds=5))
    taken_up = _running(
        "plantrack.packs.tasks.build_pack", 3, ["host-1", "host-2"], timedelta(seconds=5)
    )

    assert _recover("host-1") == (1, 0)

    assert DBTaskResult.objects.get(pk=mine.pk).status == "READY"
    assert DBTaskResult.objects.get(pk=theirs.pk).status == "RUNNING"  # another worker's
    assert DBTaskResult.objects.get(pk=taken_up.pk).status == "RUNNING"  # taken up since


@pytest.mark.django_db
def test_a_task_running_for_longer_than_the_limit_is_queued_again_whoever_ran_it():
    lost = _running("plantrack.packs.tasks.build_pack", 1, ["gone"], HOUR + timedelta(minutes=1))
    recent = _running("plantrack.packs.tasks.build_pack", 2, ["alive"], timedelta(minutes=59))

    assert _recover() == (1, 0)

    assert DBTaskResult.objects.get(pk=lost.pk).status == "READY"
    assert DBTaskResult.objects.get(pk=recent.pk).status == "RUNNING"


@pytest.mark.django_db
def test_a_task_interrupted_again_and_again_fails_and_its_job_says_why(world):
    job = ImportJob.objects.create(
        user=world.manager, file_name="plan.xlsx", data=b"x", status=ImportJob.Status.SAVING
    )
    body = Body.objects.create(name="Board")
    pack = Pack.objects.create(
        body=body, period="2024/25-Q1", title="Pack", status=Pack.Status.PREPARING
    )
    claims = [f"w{n}" for n in range(MAX_ATTEMPTS)]
    saving = _running("plantrack.imports.tasks.save_import_job", job.pk, claims, 2 * HOUR)
    building = _running("plantrack.packs.tasks.build_pack", pack.pk, claims, 2 * HOUR)

    assert _recover() == (0, 2)

    for result in (saving, building):
        result.refresh_from_db()
        assert result.status == "FAILED"
        assert result.exception_class_path == "plantrack.ops.worker.TaskInterrupted"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW
    assert job.error.startswith("Nothing was saved: It was interrupted 3 times")
    pack.refresh_from_db()
    assert pack.status == Pack.Status.FAILED
    assert "interrupted 3 times" in pack.error


@pytest.fixture
def outside_a_transaction(monkeypatch):
    """A task body run by the worker, not inside a request's transaction; the database
    answers again at once unless a test says otherwise."""
    monkeypatch.setattr(outages, "_inside_callers_transaction", lambda: False)
    monkeypatch.setattr(outages, "wait_for_database", lambda timeout: True)


def test_a_task_body_that_lost_the_database_runs_again_when_it_answers(outside_a_transaction):
    calls = []

    @outages.outlasts_database_restarts
    def body(value: int) -> int:
        calls.append(value)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return value * 2

    assert body(21) == 42
    assert calls == [21, 21]


def test_a_task_body_gives_up_when_the_database_stays_away(
    outside_a_transaction, monkeypatch, settings
):
    settings.PLANTRACK_TASK_DATABASE_RETRIES = 3
    monkeypatch.setattr(outages, "wait_for_database", lambda timeout: False)

    @outages.outlasts_database_restarts
    def body() -> None:
        raise OperationalError("could not connect to server")

    with pytest.raises(OperationalError):
        body()


def test_a_task_body_retries_at_most_as_often_as_set(outside_a_transaction, settings):
    settings.PLANTRACK_TASK_DATABASE_RETRIES = 2
    calls = []

    @outages.outlasts_database_restarts
    def body() -> None:
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.raises(OperationalError):
        body()
    assert len(calls) == 3


@pytest.mark.django_db
def test_inside_a_request_the_error_is_the_callers():
    calls = []

    @outages.outlasts_database_restarts
    def body() -> None:
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.raises(OperationalError):
        body()  # the test's transaction stands for the request's
    assert len(calls) == 1
