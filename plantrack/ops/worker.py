"""The task worker (`manage.py worker`): django-tasks-db's db_worker, made to outlast the
database and to pick up work that a stopped worker left "running".

django-tasks-db's worker ends with a traceback when the database stops answering between
tasks, and a task cut short by a restart, a killed process or a lost machine stays RUNNING
for ever, its import or pack with it. This worker:

- waits for the database to answer again and goes on (core.outages.wait_for_database);
- when it starts, and each time the database is back, takes up what was interrupted: the
  tasks this worker was running (when it was started with a ``--worker-id`` of its own, the
  ones its previous run was running), and any task running for longer than
  ``PLANTRACK_TASK_LOST_AFTER_MINUTES``; that last also every five minutes meanwhile. Each
  is queued again (every task is guarded by its job's status, so running one again is safe)
  or, once it has been tried ``MAX_ATTEMPTS`` times, marked failed, and its job with it, with
  the reason (core.hooks.TASK_ABANDONED);
- stops waiting for the database when it is asked to stop (a task it was running is then
  taken up by its next start).
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from plantrack.core import hooks
from plantrack.core.outages import DATABASE_DOWN, stopping, wait_for_database

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# How long the worker waits for the database in one go before saying so again in the log.
WAIT_STEP_SECONDS = 30
# How often the worker looks for tasks running for longer than the limit.
SWEEP_SECONDS = 300


class TaskInterrupted(Exception):
    """Stored as a task's failure when it was cut short too many times to try again."""


def interrupted_task_recover(
    *, backend_name: str, worker_ids: list[str], lost_after: timedelta
) -> tuple[int, int]:
    """Queue again, or fail, the tasks left running by these workers (whose runs ended) or
    running for longer than ``lost_after``. Returns (queued again, failed)."""
    cutoff = timezone.now() - lost_after
    requeued = failed = 0
    with transaction.atomic():
        # Few tasks run at once: their last worker is checked here (SQLite cannot look into
        # a JSON list).
        results = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            backend_name=backend_name, status="RUNNING"
        )
        for result in results:
            left = bool(result.worker_ids) and result.worker_ids[-1] in worker_ids
            lost = result.started_at is None or result.started_at < cutoff
            if not (left or lost):
                continue
            attempts = len(result.worker_ids)
            if attempts < MAX_ATTEMPTS:
                logger.warning(
                    "Task %s (%s) was interrupted (attempt %d of %d): queued again",
                    result.id,
                    result.task_path,
                    attempts,
                    MAX_ATTEMPTS,
                )
                result.status = "READY"
                result.save(update_fields=["status"])
                requeued += 1
                continue
            reason = (
                f"It was interrupted {attempts} times (the task worker or the database "
                "stopped while it ran) and was not tried again."
            )
            logger.error("Task %s (%s) failed: %s", result.id, result.task_path, reason)
            result.set_failed(TaskInterrupted(reason))
            try:
                with transaction.atomic():
                    hooks.collect(
                        hooks.TASK_ABANDONED,
                        result.task_path,
                        result.args_kwargs.get("args", []),
                        result.args_kwargs.get("kwargs", {}),
                        reason,
                    )
            except DATABASE_DOWN:
                raise
            except Exception:  # one task's odd arguments must not stop the worker for good
                logger.exception("Marking the job of task %s failed went wrong", result.id)
            failed += 1
    return requeued, failed


class OutlastingWorker(Worker):
    """db_worker's loop, run again whenever the database comes back; lost tasks looked for
    every few minutes meanwhile."""

    def __init__(self, *, own_id: bool, **kwargs) -> None:
        super().__init__(**kwargs)
        # With an id of its own, a worker that starts again was the one running what it ran.
        self.previous_ids = [self.worker_id] if own_id else []

    def recover(self, worker_ids: list[str]) -> None:
        requeued, failed = interrupted_task_recover(
            backend_name=self.backend_name,
            worker_ids=worker_ids,
            lost_after=timedelta(minutes=settings.PLANTRACK_TASK_LOST_AFTER_MINUTES),
        )
        if requeued or failed:
            logger.warning("Interrupted tasks: %d queued again, %d failed", requeued, failed)

    def shutdown(self, signum, frame) -> None:
        stopping.set()  # a task waiting for the database stops waiting
        super().shutdown(signum, frame)

    def sweep(self) -> None:
        """Every SWEEP_SECONDS, in a thread of its own (and its own connection): the tasks
        running for longer than the limit, whatever worker had them (a machine that stopped
        and never came back)."""
        while not stopping.wait(SWEEP_SECONDS):
            try:
                self.recover([])
            except Exception:
                logger.exception("Looking for lost tasks failed; trying again later")
            finally:
                connections.close_all()

    def run(self) -> None:
        threading.Thread(target=self.sweep, name="lost-task-sweep", daemon=True).start()
        while self.running:
            try:
                self.recover(self.previous_ids)
                # From here on, whatever this worker leaves running is its own doing.
                self.previous_ids = [self.worker_id]
                super().run()
                return
            except DATABASE_DOWN as exc:
                logger.error(
                    "The database stopped answering (%s: %s); waiting for it",
                    type(exc).__name__,
                    (str(exc).strip().splitlines() or [""])[0][:200],
                )
                connections.close_all()
                while self.running and not wait_for_database(WAIT_STEP_SECONDS):
                    logger.error("The database still does not answer; waiting")
                if self.running:
                    logger.warning("The database answers again; the worker goes on")
