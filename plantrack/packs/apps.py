from __future__ import annotations

from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "plantrack.packs"
    verbose_name = "Reporting cycle and board packs"
