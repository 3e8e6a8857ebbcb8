"""What governance adds to the pages of apps beside or beneath it (see plantrack.core.hooks)."""

from __future__ import annotations

from django.db.models import QuerySet

from plantrack.core import hooks
from plantrack.governance.models import Oversight
from plantrack.plans.models import Plan


@hooks.register(hooks.PLAN_OVERSIGHT)
def plan_oversight(plans: QuerySet[Plan]) -> list[tuple[int, str, int, int | None]]:
    """(body id, body name, plan id, section id or None) for every oversight of these plans:
    one query, the plans given as a subquery."""
    rows = Oversight.objects.filter(plan__in=plans.values("pk")).order_by("body__name", "pk")
    return list(rows.values_list("body_id", "body__name", "plan_id", "section_id"))
