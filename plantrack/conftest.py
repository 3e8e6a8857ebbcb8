from __future__ import annotations

import pytest

from plantrack.core.tests.factories import World, build_world


@pytest.fixture
def world(db) -> World:
    """A plan with the four personas: manager, action owner, read-only viewer, outsider."""
    return build_world()
