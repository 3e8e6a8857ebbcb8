from __future__ import annotations

from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "plantrack.budgets"
    verbose_name = "Budgets, funding and spend"
