from __future__ import annotations

from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "plantrack.reminders"
    verbose_name = "Reminders and calendars"

    def ready(self) -> None:
        # Registers the reminder settings shown on the profile page (core/hooks.py); an
        # import here because the app registry must be ready first.
        from plantrack.reminders import hooks  # noqa: F401
