"""/healthz and /readyz: what a load balancer and an orchestrator ask each app server.

/healthz: the process answers, and so do the database (SELECT 1) and the cache (a short-lived
key written and read back). /readyz: the database answers and every migration this code has
is applied, so the server may take traffic (after a deploy, before `migrate` has run, it may
not). Both answer 200 or 503 with JSON naming what failed, with a short reason and never a
traceback (the detail goes to the log); anyone may ask, nothing is cached, no session or
cookie is made, and they cost one or two queries.
"""

from __future__ import annotations

import logging
import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe
from django_redis import get_redis_connection
from django_redis.cache import RedisCache as DjangoRedisCache

logger = logging.getLogger(__name__)

OK = "ok"
# The probe's key lives long enough to be read back, and not to be cleared by anybody.
PROBE_SECONDS = 10


@login_not_required
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return _answer({"database": _database(), "cache": _cache()})


@login_not_required
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    try:
        unapplied = _unapplied_migrations()
    except DatabaseError as error:
        return _answer({"database": _failed("database", "did not answer", error)})
    migrations = OK if not unapplied else f"{unapplied} not applied"
    if unapplied:
        logger.warning("Not ready: %s migrations not applied", unapplied)
    return _answer({"database": OK, "migrations": migrations})


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return _failed("database", "did not answer", error)
    return OK


def _cache() -> str:
    cache = caches["default"]
    if isinstance(cache, DummyCache):
        # PLANTRACK_CACHE_URL=dummy:// chose to keep nothing: there is nothing to reach.
        return OK
    key = f"plantrack:healthz:{uuid.uuid4().hex}"
    name = "Redis" if "redis" in type(cache).__module__.lower() else "the cache"
    try:
        if isinstance(cache, DjangoRedisCache):
            # Its reads and writes ignore a Redis that does not answer (settings.py): asked
            # directly, it says so.
            get_redis_connection("default").ping()
        cache.set(key, key, timeout=PROBE_SECONDS)
        kept = cache.get(key)
    except Exception as error:  # whatever the backend's client raises (redis.ConnectionError...)
        return _failed("cache", f"{name} did not answer", error)
    if kept != key:
        return _failed("cache", f"{name} did not keep a value", None)
    return OK


def _unapplied_migrations() -> int:
    # Reads django_migrations (and whether it exists): two queries. The migration files are
    # read from disk each time, which costs milliseconds, not queries.
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _failed(what: str, reason: str, error: BaseException | None) -> str:
    """The short reason shown (the endpoints are public: no host names, no messages), and
    the error's own first line logged."""
    shown = f"{reason} ({type(error).__name__})" if error is not None else reason
    detail = (str(error).strip().splitlines() or [""])[0][:200] if error is not None else ""
    logger.warning("Health check: %s: %s %s", what, shown, detail)
    return shown


def _answer(checks: dict[str, str]) -> JsonResponse:
    healthy = all(value == OK for value in checks.values())
    response = JsonResponse(
        {"status": OK if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    if not healthy:
        # Logged once, above, with the reason; not again as a bare "Service Unavailable".
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response
