from __future__ import annotations

import datetime as dt

import pytest

from plantrack.core.tests.factories import World, build_world, make_measure


@pytest.fixture
def world(db) -> World:
    """A plan with the four personas: manager, action owner, read-only viewer, outsider."""
    return build_world()


@pytest.fixture
def measure(world, monkeypatch):
    """Volunteers on the owner's action: 0 on 1 Jan 2024, to reach 100 by 1 Jan 2025; judged
    as on 1 July 2024, within its course (a target date passed unmet is off track)."""
    monkeypatch.setattr("plantrack.measures.selectors.today", lambda: dt.date(2024, 7, 1))
    return make_measure(world)
