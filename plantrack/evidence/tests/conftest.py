from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from plantrack.plans import services as plans


@pytest.fixture
def update(world):
    """An update on the owner's action, written by the owner."""
    return plans.update_post(
        actor=world.owner, action=world.action, narrative="Policy drafted.", rag="green"
    )


@pytest.fixture
def manager_update(world):
    return plans.update_post(
        actor=world.manager, action=world.action, narrative="Reviewed.", rag="amber"
    )


def stored_files(path: str = "evidence") -> set[str]:
    """Every file under ``path`` in the default storage, walked through the storage API."""
    if not default_storage.exists(path):
        return set()
    folders, files = default_storage.listdir(path)
    found = {f"{path}/{name}" for name in files}
    for folder in folders:
        found |= stored_files(f"{path}/{folder}")
    return found
