"""Rendered fragments cached under keys that change whenever their data changes.

Keys carry the version of what was rendered (a plan's ``version``, bumped by every service
that writes to it), the date (flags such as "overdue" depend on it) and the request's filters,
so an entry is never invalidated: it just stops being asked for. The version lives in the
database, so every app server agrees on it whatever cache each one has.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache

TIMEOUT = 6 * 3600


def cached(parts: tuple, build: Callable[[], object], timeout: int = TIMEOUT):
    key = "plantrack:" + hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value


def query_key(query_dict) -> tuple:
    """A query string as a stable key part, whatever the order of its parameters."""
    return tuple(sorted((k, tuple(query_dict.getlist(k))) for k in query_dict if k != "page"))
