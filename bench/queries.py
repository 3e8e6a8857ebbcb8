"""Queries per request, counted in-process with Django's test client against the bench database."""

from __future__ import annotations

import json
import time

from bench.run import Case


def _client(who: str, users: dict, token: str):
    from django.test import Client

    if who == "token":
        return Client(headers={"Authorization": f"Bearer {token}"})
    client = Client()
    if who == "anonymous":
        return client
    client.force_login(users[who], backend="django.contrib.auth.backends.ModelBackend")
    return client


def _request(client, case: Case, path: str):
    if case.json is not None:
        return client.generic(
            case.method, path, json.dumps(case.json), content_type="application/json"
        )
    if case.method == "POST":
        return client.post(path, data=case.form or {})
    return client.get(path)


def _capture(client, case: Case, path: str):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        response = _request(client, case, path)
        elapsed = time.perf_counter() - t0
    if response.status_code != case.expect:
        raise RuntimeError(
            f"{case.name}: in-process {case.method} {path} answered {response.status_code}, "
            f"expected {case.expect}"
        )
    return ctx.captured_queries, elapsed


def _cache_for(case: Case):
    """The cache the case is served with: a case measured without one (``cache="none"``) is
    counted without one too, so that its count is a miss's."""
    from contextlib import nullcontext

    from django.conf import settings
    from django.test.utils import override_settings

    if case.cache != "none":
        return nullcontext()
    dummy = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    return override_settings(CACHES={**settings.CACHES, "default": dummy})


def count(cases: list[Case], users: dict, token: str, *, profile: bool = False) -> None:
    """Fill case.result["queries"] (and "queries_small") from the second of two requests."""
    for case in cases:
        with _cache_for(case):
            _count(case, users, token, profile=profile)


def _count(case: Case, users: dict, token: str, *, profile: bool) -> None:
    client = _client(case.who, users, token)
    _capture(client, case, case.path)  # the first request fills per-process caches
    queries, elapsed = _capture(client, case, case.path)
    case.result["queries"] = len(queries)
    if case.small_path:
        small_client = _client(case.small_who or case.who, users, token)
        _capture(small_client, case, case.small_path)
        small, _ = _capture(small_client, case, case.small_path)
        case.result["queries_small"] = len(small)
    if profile:
        _print_profile(case, queries, elapsed)


def _print_profile(case: Case, queries: list[dict], elapsed: float) -> None:
    from django.db import connection

    sql_seconds = sum(float(q["time"]) for q in queries)
    print(f"\n=== {case.name}: {case.method} {case.path}")
    print(
        f"    {len(queries)} queries, {sql_seconds * 1000:.1f} ms in SQL, "
        f"{elapsed * 1000:.1f} ms in all (in-process, one request)"
    )
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)
    for q in queries:
        print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}")
    for q in slowest[:3]:
        if float(q["time"]) < 0.002 or not q["sql"].lstrip().upper().startswith("SELECT"):
            continue
        print(f"\n    -- {float(q['time']) * 1000:.1f} ms: {q['sql']}")
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        with connection.cursor() as cursor:
            cursor.execute(explain + q["sql"])
            for row in cursor.fetchall():
                print("       ", " | ".join(str(c) for c in row))
