from __future__ import annotations

from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "plantrack.reminders"
    verbose_name = "Reminders and calendars"
