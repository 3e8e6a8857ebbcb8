"""Outlasting a database that stops answering for a while (a restart, a failover).

Web requests meanwhile answer 503 (ops.middleware). Background work is different: a task
that loses its connection half-way has done nothing (its transaction is rolled back), and
nobody is waiting on a page to try again, so the task waits for the database to answer and
runs once more. Every task of PlanTrack is guarded by its job's status (an import being saved,
a pack being prepared), so running it again after it did finish is a no-op.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

# What Django raises when the database cannot be reached or the connection has gone (a
# restart, a failover, a pool that waited in vain: psycopg's PoolTimeout is wrapped as one).
DATABASE_DOWN = (OperationalError, InterfaceError)


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
    """Wait until the database answers, at most ``timeout`` seconds; whether it does."""
    deadline = time.monotonic() + timeout
    while True:
        if database_answers():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def _inside_callers_transaction() -> bool:
    return connections[DEFAULT_DB_ALIAS].in_atomic_block


def outlasts_database_restarts[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """For a task's body: when the database goes away under it, wait for it to answer again
    (``PLANTRACK_TASK_DATABASE_WAIT`` seconds at most) and run the body again, up to
    ``PLANTRACK_TASK_DATABASE_RETRIES`` times; after that the error is raised, and the task
    worker marks the task failed (or, if it cannot, ``manage.py worker`` finds it interrupted
    when it starts again: ops.worker)."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        attempt = 0
        while True:
            try:
                return function(*args, **kwargs)
            except DATABASE_DOWN as exc:
                attempt += 1
                if _inside_callers_transaction():
                    raise  # run inside a caller's transaction (the immediate backend): theirs
                retries = settings.PLANTRACK_TASK_DATABASE_RETRIES
                logger.warning(
                    "%s lost the database (%s: %s); attempt %d of %d",
                    function.__qualname__,
                    type(exc).__name__,
                    (str(exc).strip().splitlines() or [""])[0][:200],
                    attempt,
                    retries + 1,
                )
                if attempt > retries:
                    raise
                connections[DEFAULT_DB_ALIAS].close()
                if not wait_for_database(settings.PLANTRACK_TASK_DATABASE_WAIT):
                    raise

    return run
