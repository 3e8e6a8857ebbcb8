"""Rendered fragments cached under keys that change whenever their data changes.

Keys carry the version of what was rendered (a plan's ``version``, bumped by every service
that writes to it), the date (flags such as "overdue" depend on it) and the request's filters,
so an entry is never invalidated: it just stops being asked for. The version lives in the
database, so every app server agrees on it whatever cache each one has.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches

TIMEOUT = 6 * 3600


@once
def release() -> str:
    """What is running: a new release (new templates, new code) must not serve old fragments
    from a cache that outlives it, such as Redis. PLANTRACK_RELEASE names it; otherwise the
    code and templates are fingerprinted once at start-up."""
    if os.environ.get("PLANTRACK_RELEASE"):
        return os.environ["PLANTRACK_RELEASE"]
    package = Path(__file__).resolve().parent.parent
    stamps = sorted(
        f"{path.relative_to(package)}:{path.stat().st_mtime_ns}:{path.stat().st_size}"
        for pattern in ("**/*.py", "**/*.html")
        for path in package.glob(pattern)
    )
    return hashlib.blake2b("\n".join(stamps).encode(), digest_size=6).hexdigest()


def cached(parts: tuple, build: Callable[[], object], timeout: int = TIMEOUT):
    key_source = repr((release(), *parts)).encode()
    key = "plantrack:" + hashlib.blake2b(key_source, digest_size=16).hexdigest()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value


def query_key(query_dict) -> tuple:
    """A query string as a stable key part, whatever the order of its parameters."""
    return tuple(sorted((k, tuple(query_dict.getlist(k))) for k in query_dict if k != "page"))


# --- Progress of background tasks --------------------------------------------------------------
# A task runs in a worker process, often inside one transaction that other connections cannot
# see into, so it reports how far it has got through the "progress" cache (Redis, or files
# every process on the machine can read; see settings), which the progress pages poll.


def _progress_cache():
    return caches["progress"] if "progress" in settings.CACHES else cache


def progress_reporter(key: str) -> Callable[[int, int], None]:
    """``report(done, total)`` for a task: writes the percentage only when it changes."""
    last = [-1]

    def report(done: int, total: int) -> None:
        percent = min(100, done * 100 // max(total, 1))
        if percent != last[0]:
            last[0] = percent
            _progress_cache().set(key, percent, 3600)

    return report


def progress_of(key: str) -> int | None:
    return _progress_cache().get(key)


def progress_clear(key: str) -> None:
    _progress_cache().delete(key)
