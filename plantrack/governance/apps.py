from __future__ import annotations

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "plantrack.governance"
    verbose_name = "Governance: boards, meetings, decisions and commentary"

    def ready(self) -> None:
        # Registers the oversight and decision entries of a plan's history and the bodies of the
        # portfolio (core/hooks.py); an import here because the app registry must be ready first.
        from plantrack.governance import history, hooks  # noqa: F401
