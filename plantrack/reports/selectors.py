"""Plan and section summaries: delivery, RAG over the last quarters, measures, budget and
benefits, as numbers. The summary page, the API and the board packs all read these.

Every part is a fixed number of queries whatever the size of the plan."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from plantrack.budgets.selectors import budget_summary, judge
from plantrack.core.finyears import fy_quarter, quarter_bounds, quarter_label
from plantrack.core.models import Rag
from plantrack.measures.selectors import (
    MeasureRow,
    benefit_totals,
    judgement_counts,
    measures_judged,
)
from plantrack.plans.models import Action, Plan, Section, Update
from plantrack.plans.selectors import CLOSED, action_counts, today

RAGS = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE]


@dataclass
class Summary:
    plan: Plan
    section: Section | None
    on: dt.date
    delivery: dict[str, Any]
    sections: list[dict[str, Any]]
    quarters: list[dict[str, Any]]
    measures: dict[str, Any]
    measure_rows: list[MeasureRow]
    budget: dict[str, Any]
    benefits: dict[str, Any] | None


def _unrated() -> Count:
    return Count("pk", filter=Q(rag="") & ~Q(status__in=CLOSED))


def _with_share(counts: dict[str, Any]) -> dict[str, Any]:
    total = counts["action_count"]
    counts["complete_share"] = round(100 * counts["complete_count"] / total) if total else 0
    return counts


def _delivery(actions: QuerySet[Action]) -> dict[str, Any]:
    return _with_share(actions.aggregate(**action_counts(), unrated_count=_unrated()))


def _by_section(plan: Plan) -> list[dict[str, Any]]:
    """Delivery counts per section, in the plan's order: two queries."""
    counts: dict[int | None, dict[str, Any]] = {}
    for row in (
        Action.objects.filter(plan=plan)
        .values("section_id")
        .annotate(**action_counts(), unrated_count=_unrated())
        .order_by()
    ):
        values: dict[str, Any] = dict(row)
        counts[values.pop("section_id")] = values
    rows: list[dict[str, Any]] = []
    for section in Section.objects.filter(plan=plan).order_by("position", "id"):
        if section.pk in counts:
            rows.append({"section": section, **_with_share(counts.pop(section.pk))})
    if None in counts:
        rows.append({"section": None, **_with_share(counts.pop(None))})
    return rows


def quarter_ends(on: dt.date, count: int = 4) -> list[tuple[str, dt.date]]:
    """The last ``count`` completed financial-year quarters before ``on``, oldest first."""
    year, quarter = fy_quarter(on)
    ends = []
    for _ in range(count):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        ends.append((quarter_label(year, quarter), quarter_bounds(year, quarter)[1]))
    return ends[::-1]


def rag_by_quarter(plan: Plan, on: dt.date, section: Section | None = None) -> list[dict[str, Any]]:
    """How many actions stood at each RAG at the end of each of the last four quarters (from
    their dated updates), then now. One query for the updates, one for the current RAG."""
    ends = quarter_ends(on)
    updates = Update.objects.filter(
        action__plan=plan, date__isnull=False, date__lte=ends[-1][1]
    ).exclude(rag="")
    actions = Action.objects.filter(plan=plan)
    if section is not None:
        updates = updates.filter(action__section=section)
        actions = actions.filter(section=section)
    history: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for action_id, day, rag in updates.order_by("action_id", "date", "id").values_list(
        "action_id", "date", "rag"
    ):
        if day is not None:  # the query keeps dated updates only
            history[action_id].append((day, rag))
    rows: list[dict[str, Any]] = []
    for label, end in ends:
        counts: dict[str, int] = dict.fromkeys(RAGS, 0)
        for dated in history.values():
            last = next((rag for day, rag in reversed(dated) if day <= end), None)
            if last in counts:
                counts[last] += 1
        rows.append({"label": label, "end": end, **counts})
    now: dict[str, int] = dict.fromkeys(RAGS, 0)
    for row in actions.exclude(rag="").values("rag").annotate(n=Count("pk")).order_by():
        now[row["rag"]] = row["n"]
    rows.append({"label": "Now", "end": on, **now})
    return rows


def _in_section(row: MeasureRow, section: Section) -> bool:
    measure = row.measure
    if measure.section_id is not None:
        return measure.section_id == section.pk
    return measure.action is not None and measure.action.section_id == section.pk


def _section_budget(budget: dict[str, Any], section: Section) -> dict[str, Any]:
    """The plan's budget summary cut down to one initiative."""
    entry = next((s for s in budget["sections"] if s["section_id"] == section.pk), None)
    years = entry["by_year"] if entry else []
    return {
        **budget,
        "by_year": [
            {**row, **judge(row["budget"], row["spend"], row["year"], budget["on"])}
            for row in years
        ],
        "total": {k: entry[k] for k in ("budget", "spend", "variance")}
        if entry
        else {"budget": Decimal(0), "spend": Decimal(0), "variance": Decimal(0)},
        "sections": [entry] if entry else [],
        "flags": [f for f in budget["flags"] if f.get("section_id") == section.pk],
    }


def plan_report(plan: Plan, section: Section | None = None, on: dt.date | None = None) -> Summary:
    """The summary of a plan (already fetched through plan_get_for_user), or of one section."""
    on = on or today()
    actions = Action.objects.filter(plan=plan)
    rows = measures_judged(plan)
    budget = budget_summary(plan, on)
    if section is not None:
        actions = actions.filter(section=section)
        rows = [row for row in rows if _in_section(row, section)]
        budget = _section_budget(budget, section)
    return Summary(
        plan=plan,
        section=section,
        on=on,
        delivery=_delivery(actions),
        sections=_by_section(plan) if section is None else [],
        quarters=rag_by_quarter(plan, on, section),
        measures=judgement_counts(rows),
        measure_rows=rows,
        budget=budget,
        benefits=benefit_totals(plan) if section is None else None,
    )
