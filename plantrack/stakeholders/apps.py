from __future__ import annotations

from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    name = "plantrack.stakeholders"
    verbose_name = "Stakeholders"

    def ready(self) -> None:
        # Registers what the stakeholder database shows on organisation pages (core/hooks.py);
        # an import here because the app registry must be ready first.
        from plantrack.stakeholders import hooks  # noqa: F401
