"""The task worker takes up interrupted tasks (ops.worker), and a task's body outlasts a
database that goes away under it (core.outages)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

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


@pytest.mark.django_db
def test_a_task_without_arguments_given_up_on_does_not_stop_the_worker(world):
    """A task that takes no arguments (the reminder run) is no import's or pack's: the hooks
    leave it alone, rather than failing on it at every start of the worker for ever."""
    claims = [f"w{n}" for n in range(MAX_ATTEMPTS)]
    reminders = DBTaskResult.objects.create(
        status="RUNNING",
        task_path="plantrack.reminders.tasks.send_reminders",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=claims,
        started_at=timezone.now() - 2 * HOUR,
    )

    assert _recover() == (0, 1)

    reminders.refresh_from_db()
    assert reminders.status == "FAILED"


@pytest.fixture
def in_the_worker(monkeypatch):
    """A task body run by the task worker; the database answers again at once unless a test
    says otherwise."""
    outages.run_tasks_patiently()
    monkeypatch.setattr(outages, "wait_for_database", lambda timeout: True)
    monkeypatch.setattr(outages, "database_answers", lambda: False)
    yield
    outages._in_worker.clear()


def _lost(monkeypatch) -> None:
    monkeypatch.setattr(
        outages, "lost_the_database", lambda exc: isinstance(exc, outages.DATABASE_DOWN)
    )


def test_a_task_body_that_lost_the_database_runs_again_when_it_answers(in_the_worker, monkeypatch):
    _lost(monkeypatch)
    calls = []

    @outages.outlasts_database_restarts
    def body(value: int) -> int:
        calls.append(value)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return value * 2

    assert body(21) == 42
    assert calls == [21, 21]


def test_a_task_body_gives_up_when_the_database_stays_away(in_the_worker, monkeypatch):
    _lost(monkeypatch)
    monkeypatch.setattr(outages, "wait_for_database", lambda timeout: False)
    calls = []

    @outages.outlasts_database_restarts
    def body() -> None:
        calls.append(1)
        raise OperationalError("could not connect to server")

    with pytest.raises(OperationalError):
        body()
    assert len(calls) == 1


def test_a_task_body_retries_at_most_as_often_as_set(in_the_worker, monkeypatch, settings):
    _lost(monkeypatch)
    settings.PLANTRACK_TASK_DATABASE_RETRIES = 2
    calls = []

    @outages.outlasts_database_restarts
    def body() -> None:
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.raises(OperationalError):
        body()
    assert len(calls) == 3


def test_a_deadlock_on_a_live_connection_is_not_waited_out(in_the_worker, monkeypatch):
    monkeypatch.setattr(outages, "lost_the_database", lambda exc: False)
    calls = []

    @outages.outlasts_database_restarts
    def body() -> None:
        calls.append(1)
        raise OperationalError("deadlock detected")

    with pytest.raises(OperationalError):
        body()
    assert len(calls) == 1  # the job's own handling says why; nothing to wait for


@pytest.mark.django_db
@pytest.mark.parametrize("patiently", [True, False], ids=["worker", "inside a request"])
def test_a_task_that_cannot_finish_marks_its_job_failed_when_the_database_answers(
    world, monkeypatch, settings, patiently
):
    """Given up on (too many tries in the worker; at once under the immediate backend, inside
    a request, which must not wait minutes): the import says why rather than "saving"."""
    _lost(monkeypatch)
    settings.PLANTRACK_TASK_DATABASE_RETRIES = 1
    if patiently:
        outages.run_tasks_patiently()
    monkeypatch.setattr(outages, "wait_for_database", lambda timeout: True)
    monkeypatch.setattr(outages, "database_answers", lambda: True)
    monkeypatch.setattr(outages.connections["default"], "close", lambda: None)
    job = ImportJob.objects.create(
        user=world.manager, file_name="plan.xlsx", data=b"x", status=ImportJob.Status.SAVING
    )
    calls = []

    @outages.outlasts_database_restarts
    def save_import_job(job_pk: int) -> None:
        calls.append(job_pk)
        raise OperationalError("server closed the connection unexpectedly")

    try:
        with pytest.raises(OperationalError):
            save_import_job(job.pk)
    finally:
        outages._in_worker.clear()

    assert len(calls) == (2 if patiently else 1)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW
    assert job.error.startswith("Nothing was saved: The database stopped answering")


@pytest.mark.django_db
def test_lost_the_database_tells_a_lost_connection_from_a_failure_on_a_live_one():
    from django.db import connection

    connection.ensure_connection()
    assert not outages.lost_the_database(OperationalError("deadlock detected"))
    assert not outages.lost_the_database(ValueError("not the database"))
    live = connection.connection
    monkey = mock.patch.object(connection, "connection", None)
    with monkey:
        assert outages.lost_the_database(OperationalError("could not connect"))
    assert connection.connection is live
