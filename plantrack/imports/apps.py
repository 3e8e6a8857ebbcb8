from __future__ import annotations

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "plantrack.imports"
    label = "imports"

    def ready(self) -> None:
        from plantrack.core import hooks
        from plantrack.imports.jobs import import_job_abandon

        hooks.register(hooks.TASK_ABANDONED)(import_job_abandon)
