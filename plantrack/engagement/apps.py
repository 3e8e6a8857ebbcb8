from __future__ import annotations

from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "plantrack.engagement"
    verbose_name = "Community engagement"
