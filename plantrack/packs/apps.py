from __future__ import annotations

from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "plantrack.packs"
    verbose_name = "Reporting cycle and board packs"

    def ready(self) -> None:
        from plantrack.core import hooks
        from plantrack.packs.jobs import pack_task_abandon

        hooks.register(hooks.TASK_ABANDONED)(pack_task_abandon)
