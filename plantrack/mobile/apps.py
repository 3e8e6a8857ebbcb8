from __future__ import annotations

from django.apps import AppConfig


class MobileConfig(AppConfig):
    name = "plantrack.mobile"
    verbose_name = "On the move (the phone app)"
