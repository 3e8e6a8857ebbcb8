"""Outlasting a database that stops answering for a while (a restart, a failover).

Web requests meanwhile answer 503 (ops.middleware). Background work is different: a task
that loses its connection half-way has done nothing (its transaction is rolled back), and
nobody is waiting on a page to try again, so, in the task worker, the task waits for the
database to answer and runs once more. Every task of PlanTrack is guarded by its job's status
(an import being saved, a pack being prepared), so running it again after it did finish is a
no-op. A task that cannot finish says so on its job (core.hooks.TASK_ABANDONED), never left
"working".
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

from plantrack.core import hooks

logger = logging.getLogger(__name__)

# What Django raises when the database cannot be reached or the connection has gone (a
# restart, a failover, a pool that waited in vain: psycopg's PoolTimeout is wrapped as one),
# but also for a deadlock or a lock timeout on a live connection: lost_the_database tells.
DATABASE_DOWN = (OperationalError, InterfaceError)

# Set by the task worker (ops.worker): tasks wait for the database only there. Run by the
# immediate backend, inside a request, a task must not hold the request for minutes.
_in_worker = threading.Event()
# Set when the worker is asked to stop: a task stops waiting for the database.
stopping = threading.Event()


def run_tasks_patiently() -> None:
    """This process is a task worker: a task that loses the database waits for it."""
    _in_worker.set()


def lost_the_database(error: BaseException, alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether ``error`` means the connection to the database was lost or never made (so the
    work can be tried again once it answers), rather than a failure on a live connection."""
    if not isinstance(error, DATABASE_DOWN):
        return False
    raw = connections[alias].connection
    # None: connecting failed, or Django closed the connection it found broken. psycopg marks
    # a connection the server ended (a shutdown, a restart) closed.
    return raw is None or bool(getattr(raw, "closed", False))


def database_answers(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database answers a query now; a broken connection is closed, so the next
    try connects afresh."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DATABASE_DOWN:
        connection.close()
        return False


def wait_for_database(timeout: float, *, interval: float = 1.0) -> bool:
    """Wait until the database answers, at most ``timeout`` seconds (less if the worker is
    asked to stop); whether it does."""
    deadline = time.monotonic() + timeout
    while True:
        if database_answers():
            return True
        if time.monotonic() >= deadline or stopping.wait(interval):
            return False


def outlasts_database_restarts[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """For a task's body. In the task worker, when the database goes away under it: wait
    for it to answer again (``PLANTRACK_TASK_DATABASE_WAIT`` seconds at most) and run the
    body again, up to ``PLANTRACK_TASK_DATABASE_RETRIES`` times. When it cannot finish (too
    many tries, or outside the worker) and the database answers, its job is marked failed with
    the reason (core.hooks.TASK_ABANDONED) before the error is raised; when the database does
    not answer, the task stays "running" and ``manage.py worker`` takes it up when it next
    starts (ops.worker)."""
    task_path = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        attempt = 0
        while True:
            try:
                return function(*args, **kwargs)
            except DATABASE_DOWN as exc:
                if not lost_the_database(exc):
                    raise  # a deadlock, a lock timeout: the job's own handling said why
                attempt += 1
                retries = settings.PLANTRACK_TASK_DATABASE_RETRIES if _in_worker.is_set() else 0
                logger.warning(
                    "%s lost the database (%s: %s); attempt %d of %d",
                    task_path,
                    type(exc).__name__,
                    (str(exc).strip().splitlines() or [""])[0][:200],
                    attempt,
                    retries + 1,
                )
                connections[DEFAULT_DB_ALIAS].close()
                if attempt <= retries and wait_for_database(settings.PLANTRACK_TASK_DATABASE_WAIT):
                    continue
                if database_answers():
                    reason = (
                        f"The database stopped answering while it ran, {attempt} "
                        f"time{'s' if attempt > 1 else ''}; try again."
                    )
                    hooks.collect(hooks.TASK_ABANDONED, task_path, list(args), kwargs, reason)
                raise

    return run
