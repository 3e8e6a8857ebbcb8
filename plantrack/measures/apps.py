from __future__ import annotations

from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "plantrack.measures"
    verbose_name = "Measures, targets and benefits"
