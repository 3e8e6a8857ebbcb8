from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running a deployment: backup and restore, health and readiness, logs. It knows no
    domain model: it works on the database's tables and the stored files as a whole."""

    name = "plantrack.ops"
    verbose_name = "Operations"
