"""/healthz and /readyz, and the 503 a page gets while the database does not answer."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import load_backend
from django.test import Client, override_settings

from plantrack.core.tests.factories import make_user
from plantrack.ops.middleware import UNAVAILABLE

pytestmark = pytest.mark.django_db

# Redis on a port nobody listens on, refusing at once (and told not to wait long if not).
DEAD_REDIS = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
}


class Database:
    """Switches the default connection between the test database and one to PostgreSQL on
    a port nobody listens on: while it is down every query raises OperationalError, as when
    the database is stopped or restarting, on SQLite and PostgreSQL runs alike."""

    def __init__(self):
        dead_settings = connections.configure_settings(
            {
                "default": {
                    "ENGINE": "django.db.backends.postgresql",
                    "NAME": "plantrack",
                    "USER": "plantrack",
                    "HOST": "127.0.0.1",
                    "PORT": "1",
                    "OPTIONS": {"connect_timeout": 2},
                }
            }
        )["default"]
        self.dead = load_backend(dead_settings["ENGINE"]).DatabaseWrapper(dead_settings)
        self.live = connections["default"]

    def down(self) -> None:
        connections["default"] = self.dead

    def up(self) -> None:
        connections["default"] = self.live


@pytest.fixture
def database():
    database = Database()
    try:
        yield database
    finally:
        database.up()
        database.dead.close()


def _assert_private_probe(response) -> None:
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert response["Content-Type"] == "application/json"


def test_healthz_ok_in_one_query(client, real_cache, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    _assert_private_probe(response)


def test_readyz_ok_in_two_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}
    _assert_private_probe(response)


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_probes_answer_head_and_refuse_other_methods(client, url):
    head = client.head(url)
    assert head.status_code == 200
    assert head["Cache-Control"] == "no-store"
    for method in (client.post, client.put, client.delete):
        assert method(url).status_code == 405


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_signed_in_probe_makes_no_cookie_and_is_not_cached(client, url):
    client.force_login(make_user("prober"))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_healthz_database_down_is_503_naming_it(client, real_cache, database):
    database.down()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "did not answer (OperationalError)"
    assert body["cache"] == "ok"
    assert "Traceback" not in response.content.decode()
    _assert_private_probe(response)


def test_healthz_database_cursor_failing_is_503(client):
    with mock.patch(
        "plantrack.ops.health.connection.cursor", side_effect=OperationalError("server closed")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "did not answer (OperationalError)"


@override_settings(CACHES={"default": DEAD_REDIS})
def test_healthz_redis_down_is_503_naming_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body == {
        "status": "unavailable",
        "database": "ok",
        "cache": "Redis did not answer (ConnectionError)",
    }
    _assert_private_probe(response)


def test_healthz_cache_losing_values_is_503(client, real_cache):
    with mock.patch("django.core.cache.backends.locmem.LocMemCache.get", return_value=None):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "the cache did not keep a value"


def test_healthz_with_no_cache_chosen_is_ok(client):
    # The tests' settings keep no cache (PLANTRACK_CACHE_URL=dummy://): nothing to reach.
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_readyz_unapplied_migration_is_503(client):
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=[("m", False)]):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "migrations": "1 not applied",
    }
    _assert_private_probe(response)


def test_readyz_database_down_is_503(client, database):
    database.down()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "did not answer (OperationalError)",
    }


# --- Pages while the database does not answer ----------------------------------------------


def _assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert UNAVAILABLE in content
    assert "Traceback" not in content
    assert "OperationalError" not in content
    assert "problem with the service" not in content  # not the 500 page


def _errors(caplog) -> list:
    return [r for r in caplog.records if r.levelname == "ERROR"]


def test_view_raising_operational_error_is_503_page(client, caplog):
    client.force_login(make_user("reader"))
    with mock.patch(
        "plantrack.plans.selectors.plan_versions_page", side_effect=OperationalError("gone away")
    ):
        response = client.get("/")
    _assert_unavailable_page(response)
    assert response["Content-Type"].startswith("text/html")
    # Logged once, as an error, with the reason and no traceback.
    (error,) = _errors(caplog)
    assert error.getMessage() == "Database unavailable: GET /: OperationalError: gone away"
    assert error.exc_info is None


def test_api_raising_interface_error_is_503_json(client, caplog):
    client.force_login(make_user("reader"))
    with mock.patch(
        "plantrack.plans.selectors.plans_with_counts",
        side_effect=InterfaceError("connection already closed"),
    ):
        response = client.get("/api/v1/plans")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"detail": UNAVAILABLE}
    assert len(_errors(caplog)) == 1


def test_session_backend_raising_is_503_not_500(caplog):
    """Raised by SessionMiddleware's session, read by a middleware before any view: Django
    answers it through the 500 handler, which makes it the 503."""
    client = Client(raise_request_exception=False)
    client.force_login(make_user("reader"))
    with mock.patch(
        "django.contrib.sessions.backends.cached_db.SessionStore.load",
        side_effect=OperationalError("could not connect to server"),
    ):
        response = client.get("/plans/")
    _assert_unavailable_page(response)
    (error,) = _errors(caplog)
    assert error.name == "plantrack.ops.middleware"
    assert error.exc_info is None


def test_database_down_is_503_and_the_next_request_after_it_is_served(database, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("reader"))
    database.down()
    _assert_unavailable_page(client.get("/plans/"))
    api = client.get("/api/v1/plans")
    assert api.status_code == 503
    assert api.json() == {"detail": UNAVAILABLE}
    assert len(_errors(caplog)) == 2
    # The database answers again: the next request is served, nothing to restart.
    database.up()
    assert client.get("/plans/").status_code == 200
