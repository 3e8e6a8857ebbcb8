from __future__ import annotations

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "plantrack.governance"
    verbose_name = "Governance: boards, meetings, decisions and commentary"
