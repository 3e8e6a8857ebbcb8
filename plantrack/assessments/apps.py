from __future__ import annotations

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "plantrack.assessments"
    verbose_name = "Frameworks and self-assessment"
