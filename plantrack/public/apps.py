from __future__ import annotations

from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "plantrack.public"
    verbose_name = "Public pages"

    def ready(self) -> None:
        # Registers what the public side shows on an activity's page (core/hooks.py).
        from plantrack.public import hooks  # noqa: F401
