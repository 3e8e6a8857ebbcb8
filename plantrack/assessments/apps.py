from __future__ import annotations

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "plantrack.assessments"
    verbose_name = "Frameworks and self-assessment"

    def ready(self) -> None:
        # Registers the evidence answers take (plantrack/evidence/registry.py); an import here
        # because the app registry must be ready first.
        from plantrack.assessments import hooks  # noqa: F401
