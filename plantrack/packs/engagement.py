"""A board pack's optional engagement section: the evaluation of the engagement registers of
the organisations owning the plans the body oversees (engagement/evaluation/), for the pack's
period, as plain JSON for the snapshot like the rest of the pack.

Whose registers: those of the plans' owning organisations that the person preparing the pack
may read (they chose to put them in front of the board). What of them: totals only, never an
activity's title or its text, since a pack is read by whoever sees its plans, who need not
read the register: quantity, spread (by method, IAP2 level, community, and the areas with no
activity), the quality scores' distribution with the rule, and the measures of the pack's own
plans that the activities deliver, with their movement over the period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from plantrack.accounts.models import User
from plantrack.engagement import quality
from plantrack.engagement.evaluation.charts import evaluation_charts
from plantrack.engagement.evaluation.periods import Period
from plantrack.engagement.evaluation.results import BenefitRow, Evaluation
from plantrack.engagement.evaluation.selectors import evaluate
from plantrack.engagement.models import Register
from plantrack.engagement.selectors import registers_visible_to
from plantrack.plans.models import Plan


def pack_registers(plan_ids: list[int], reader: User | None) -> QuerySet[Register]:
    """The registers of the organisations owning the plans, among those ``reader`` may read."""
    if reader is None or not plan_ids:
        return Register.objects.none()
    owners = Plan.objects.filter(pk__in=plan_ids).values("owner_organisation_id")
    return (
        registers_visible_to(reader)
        .filter(organisation_id__in=owners)
        .select_related("organisation")
        .order_by("organisation__name", "title", "pk")
    )


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _pairs(rows: list[tuple[str, int]]) -> list[list[Any]]:
    return [[name, int(n)] for name, n in rows]


def _benefit(row: BenefitRow) -> dict[str, Any]:
    measure = row.measure
    return {
        "name": measure.name,
        "plan": measure.plan.title,
        "action_ref": measure.action.ref if measure.action is not None else "",
        "start": row.fmt(row.start.value) if row.start else "",
        "start_date": row.start.date.isoformat() if row.start else None,
        "latest": row.fmt(row.latest.value) if row.latest else "",
        "latest_date": row.latest.date.isoformat() if row.latest else None,
        "change": row.change_text,
        "movement": row.movement_label,
        "judgement": row.judgement.status.value,
        "judgement_label": row.judgement.label,
    }


def register_section(ev: Evaluation) -> dict[str, Any]:
    q, spread, scores, benefits = ev.quantity, ev.spread, ev.quality, ev.benefits
    charts = evaluation_charts(ev, prefix=f"pack-engagement-{ev.register.pk}")
    return {
        "id": ev.register.pk,
        "title": ev.register.title,
        "organisation": ev.register.organisation.name,
        "quantity": {
            "activities": q.activities,
            **{status: int(n) for status, n in q.by_status.items()},
            "cancelled": q.cancelled,
            "sessions": q.sessions,
            "people_reached": q.people_reached,
            "volunteers": q.volunteers,
            "cost": _money(q.cost),
            "cost_per_person": _money(q.cost_per_person),
            "uncosted": q.uncosted,
        },
        "outputs": [[row["label"], row["total"]] for row in q.outputs],
        "methods": _pairs(spread.methods),
        "levels": _pairs(spread.level_counts),
        "communities": _pairs(spread.communities),
        "areas_heading": spread.areas_heading,
        "areas": _pairs(spread.area_counts),
        "areas_without": [str(area) for area in spread.areas_without],
        "no_area": spread.no_area,
        "quality": {
            "count": scores.count,
            "average": str(scores.average) if scores.average is not None else None,
            "distribution": [[str(k), int(n)] for k, n in scores.distribution.items()],
            "lacking": _pairs(scores.lacking),
        },
        "benefits": {
            "linked_activities": benefits.linked_activities,
            "by_movement": _pairs(benefits.movement_counts),
            "measures": [_benefit(row) for row in benefits.rows],
        },
        "charts": charts,
    }


def engagement_section(
    plan_ids: list[int], period: str, start: dt.date, end: dt.date, reader: User | None
) -> dict[str, Any]:
    """The section for a pack's plans and period; its registers may be none."""
    registers = list(pack_registers(plan_ids, reader))
    plans = Plan.objects.filter(pk__in=plan_ids)
    span = Period(period, start, end)
    return {
        "rule": quality.RULE,
        "standards": [[s.name, s.meaning] for s in quality.STANDARDS],
        "registers": [
            register_section(evaluate(register, period=span, plans=plans)) for register in registers
        ],
    }
