from __future__ import annotations

from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "plantrack.engagement"
    verbose_name = "Community engagement"

    def ready(self) -> None:
        # Registers what engagement shows on action and organisation pages (core/hooks.py); an
        # import here because the app registry must be ready first.
        from plantrack.engagement import hooks  # noqa: F401
