from __future__ import annotations

import pytest

from plantrack.core.tests.factories import World, build_world, make_measure


@pytest.fixture
def world(db) -> World:
    """A plan with the four personas: manager, action owner, read-only viewer, outsider."""
    return build_world()


@pytest.fixture
def measure(world):
    """Volunteers on the owner's action: 0 on 1 Jan 2024, to reach 100 by 1 Jan 2025."""
    return make_measure(world)
