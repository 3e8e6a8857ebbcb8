from __future__ import annotations

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plantrack.plans"
    label = "plans"

    def ready(self) -> None:
        # Registers what plans shows on the directory's pages (core/hooks.py) and the rules
        # for evidence on updates (evidence/registry.py); an import here because the app
        # registry must be ready first.
        from plantrack.plans import hooks  # noqa: F401
