from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "plantrack.reports"
    verbose_name = "Summaries and reports"
