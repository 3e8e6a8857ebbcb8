"""While Redis does not answer, PlanTrack keeps serving without its cache (django-redis with
IGNORE_EXCEPTIONS, as settings.py configures a redis:// PLANTRACK_CACHE_URL); /healthz says
Redis is down. With Redis up (this machine's, on 6379) the same configuration caches."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from plantrack.settings import redis_cache

pytestmark = pytest.mark.django_db


def _redis(location: str) -> dict:
    """The caches as settings.py makes them for PLANTRACK_CACHE_URL=redis://…"""
    return {
        "default": redis_cache(location),
        "progress": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }


@pytest.mark.parametrize("page", ["/", "/plans/", "/m/"])
def test_pages_are_served_without_redis(client, world, settings, page):
    settings.CACHES = _redis("redis://127.0.0.1:1/0")  # nothing listens there
    client.force_login(world.manager)
    assert client.get(page).status_code == 200
    assert client.get(f"/plans/{world.plan.pk}/").status_code == 200


def test_healthz_names_redis_when_it_does_not_answer(client, settings):
    settings.CACHES = _redis("redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"].startswith("Redis did not answer")


def test_with_redis_up_the_same_configuration_caches(client, settings):
    settings.CACHES = _redis("redis://127.0.0.1:6379/15")
    try:
        caches["default"].set("plantrack:test", "kept", 10)
    except Exception:  # pragma: no cover - a machine without Redis
        pytest.skip("no Redis on 127.0.0.1:6379")
    assert caches["default"].get("plantrack:test") == "kept"
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}
