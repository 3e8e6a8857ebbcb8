from __future__ import annotations

import pytest

from plantrack.core.tests.factories import World, build_world


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    """A plan with the four personas: manager, action owner, read-only viewer, outsider."""
    return build_world()
