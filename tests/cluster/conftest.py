"""Several app servers, a task worker, and PostgreSQL and Redis restarted under them.

One production-shaped PlanTrack (bench/cluster.py) is started for the whole module: its own
PostgreSQL cluster and Redis on free ports (so they can be restarted without touching the
machine's), migrated and with the demo loaded, two gunicorn servers and a task worker. It takes
about a minute, so these tests run in the suite's PostgreSQL pass (DATABASE_URL=postgres://…,
as CI does) or when PLANTRACK_CLUSTER_TESTS=1; they fail, rather than skip, under CI when
PostgreSQL's or Redis's programs are missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bench.cluster import Client, Cluster, cluster, postgres_bin, redis_bin


def pytest_collection_modifyitems(config, items):
    wanted = (
        os.environ.get("DATABASE_URL", "").startswith("postgres")
        or os.environ.get("PLANTRACK_CLUSTER_TESTS") == "1"
    )
    if wanted:
        return
    skip = pytest.mark.skip(reason="runs in the PostgreSQL pass (or PLANTRACK_CLUSTER_TESTS=1)")
    for item in items:
        if "tests/cluster/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def running() -> Iterator[Cluster]:
    if postgres_bin() is None or redis_bin() is None:
        message = "PostgreSQL's initdb or redis-server is not installed"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with cluster(servers=2, workers=1) as built:
        yield built


@pytest.fixture
def demo(running: Cluster) -> Client:
    """The demo user, signed in through the first server (the cookie serves both)."""
    client = Client(running.servers[0].base)
    client.sign_in("demo", "demo")
    return client
