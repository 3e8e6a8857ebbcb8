from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _keep_indexes(sender, using: str = "default", **kwargs) -> None:
    """After every migrate: a migration of plans that rebuilt a table on SQLite dropped its
    triggers with it (fts.py). Puts back what is missing; a no-op otherwise."""
    from django.db import connections

    from plantrack.search import fts  # imports the plans models: only once they are loaded

    fts.ensure(connections[using])


class SearchConfig(AppConfig):
    name = "plantrack.search"
    verbose_name = "Search"

    def ready(self) -> None:
        post_migrate.connect(_keep_indexes, sender=self, dispatch_uid="plantrack.search.fts")
