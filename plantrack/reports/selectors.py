"""Plan and section summaries: delivery, RAG over the last quarters, measures, budget and
benefits, as numbers. The summary page, the API and the board packs all read these.

Every part is a fixed number of queries whatever the size of the plan."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower, Trim

from plantrack.accounts.models import User
from plantrack.budgets.selectors import budget_summary, judge
from plantrack.core import hooks
from plantrack.core.finyears import fy_quarter, quarter_bounds, quarter_label
from plantrack.core.models import Rag
from plantrack.measures.selectors import (
    MeasureRow,
    benefit_totals,
    judgement_counts,
    measures_judged,
)
from plantrack.plans.models import Action, ActionOrganisation, ActionOwner, Plan, Section, Update
from plantrack.plans.selectors import (
    CLOSED,
    ActionFilters,
    action_counts,
    apply_action_filters,
    plans_visible_to,
    today,
)

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


# --- Portfolio: every plan the user can see, grouped by organisation, body or theme ----------

GROUPINGS = {
    "organisation": "Organisation",
    "body": "Governance body",
    "theme": "Theme",
}
# The RAG mix: red, amber, green and "not rated" count open actions, blue every action rated
# blue (complete), as on a plan's summary (plans.selectors.action_counts).
MIX = [
    ("red", "Red"),
    ("amber", "Amber"),
    ("green", "Green"),
    ("blue", "Blue (complete)"),
    ("none", "Not rated"),
]
TREND_QUARTERS = 6
NO_GROUP = ""
COUNT_FIELDS = (
    "action_count",
    "red_count",
    "amber_count",
    "green_count",
    "blue_count",
    "unrated_count",
    "overdue_count",
    "update_due_count",
)
Pair = tuple[int, int | None]  # (plan id, section id): every action is in exactly one


@dataclass
class PortfolioGroup:
    key: str  # the list filter's value: an organisation or body id, a theme; "" for none
    label: str
    plan_ids: set[int]
    counts: dict[str, int]
    trend: list[dict[str, int]]  # per quarter, oldest first: actions at each RAG

    @property
    def plan_count(self) -> int:
        return len(self.plan_ids)

    @property
    def mix(self) -> list[tuple[str, str, int]]:
        return [(rag, label, self.counts[_mix_field(rag)]) for rag, label in MIX]

    @property
    def mix_total(self) -> int:
        return sum(n for _, _, n in self.mix)


@dataclass
class Portfolio:
    by: str
    on: dt.date
    quarters: list[tuple[str, dt.date]]
    groups: list[PortfolioGroup]
    total: PortfolioGroup


def _mix_field(rag: str) -> str:
    return "unrated_count" if rag == "none" else f"{rag}_count"


def theme_key() -> Lower:
    """A section title as a theme: "Diversion" and " diversion" are one theme."""
    return Lower(Trim("section__title"))


def rag_at(end: dt.date) -> Subquery:
    """The RAG of an action's latest dated, rated update on or before ``end`` (None if none):
    the index on (action, date) answers it for each action."""
    updates = (
        Update.objects.filter(action=OuterRef("pk"), date__isnull=False, date__lte=end)
        .exclude(rag="")
        .order_by("-date", "-id")
    )
    return Subquery(updates.values("rag")[:1])


def _empty_trend(count: int) -> list[dict[str, int]]:
    return [dict.fromkeys(RAGS, 0) for _ in range(count)]


def oversight_rows(plans: QuerySet[Plan]) -> list[tuple[int, str, int, int | None]]:
    """Which bodies oversee which of these plans or sections (governance registers it)."""
    rows: list[tuple[int, str, int, int | None]] = []
    for found in hooks.collect(hooks.PLAN_OVERSIGHT, plans):
        rows.extend(found)
    return rows


def _pair_counts(
    actions: QuerySet[Action],
) -> tuple[dict[Pair, dict[str, int]], dict[Pair, tuple[str, str]]]:
    """Counts per (plan, section), and each section's theme: one aggregate query."""
    counts: dict[Pair, dict[str, int]] = {}
    themes: dict[Pair, tuple[str, str]] = {}
    for row in (
        actions.annotate(theme=theme_key())
        .values("plan_id", "section_id", "theme", "section__title")
        .annotate(**action_counts(), unrated_count=_unrated())
        .order_by()
    ):
        values: dict[str, Any] = dict(row)
        pair = (values["plan_id"], values["section_id"])
        counts[pair] = {name: values[name] for name in COUNT_FIELDS}
        if pair[1] is not None:
            themes[pair] = (values["theme"], values["section__title"].strip())
    return counts, themes


def _pair_trend(
    actions: QuerySet[Action], ends: list[tuple[str, dt.date]]
) -> dict[Pair, list[dict[str, int]]]:
    """Actions at each RAG at each quarter end per (plan, section): one query, one pass over
    the actions, the RAG at each end read from the index of updates."""
    trend: dict[Pair, list[dict[str, int]]] = defaultdict(lambda: _empty_trend(len(ends)))
    columns = {f"q{i}": rag_at(end) for i, (_, end) in enumerate(ends)}
    rows = actions.annotate(**columns).values("plan_id", "section_id", *columns)
    for row in rows.annotate(n=Count("pk")).order_by():
        quarters = trend[(row["plan_id"], row["section_id"])]
        for i, at_end in enumerate(quarters):
            if row[f"q{i}"] in at_end:
                at_end[row[f"q{i}"]] += row["n"]
    return trend


class _Grouper:
    """Collects, per group key, its label, its (plan, section) pairs and its plans."""

    def __init__(self) -> None:
        self.members: dict[str, tuple[str, set[Pair], set[int]]] = {}

    def add(self, key: str, label: str, pairs: set[Pair], plan_ids: set[int]) -> None:
        entry = self.members.setdefault(key, (label, set(), set()))
        entry[1].update(pairs)
        entry[2].update(plan_ids)


def _group_members(
    by: str,
    plans: QuerySet[Plan],
    plan_rows: list[tuple[int, int, str]],
    counts: dict[Pair, dict[str, int]],
    themes: dict[Pair, tuple[str, str]],
) -> dict[str, tuple[str, set[Pair], set[int]]]:
    grouper = _Grouper()
    by_plan: dict[int, set[Pair]] = defaultdict(set)
    for pair in counts:
        by_plan[pair[0]].add(pair)
    if by == "body":
        overseen: set[Pair] = set()
        visible = {pk for pk, _, _ in plan_rows}
        for body_id, name, plan_id, section_id in oversight_rows(plans):
            if plan_id in visible:
                pairs = {p for p in by_plan[plan_id] if section_id in (None, p[1])}
                grouper.add(str(body_id), name, pairs, {plan_id} if section_id is None else set())
                overseen |= pairs
        grouper.add(NO_GROUP, "No governance body", set(counts) - overseen, set())
    elif by == "theme":
        for pair in counts:
            key, title = themes.get(pair, (NO_GROUP, "No section"))
            grouper.add(key, title, {pair}, set())
    else:
        for pk, org_id, org_name in plan_rows:
            grouper.add(str(org_id), org_name, by_plan[pk], {pk})
    return grouper.members


def _summed(
    key: str,
    label: str,
    pairs: set[Pair],
    plan_ids: set[int],
    counts: dict[Pair, dict[str, int]],
    trend: dict[Pair, list[dict[str, int]]],
    quarters: int,
) -> PortfolioGroup:
    total = dict.fromkeys(COUNT_FIELDS, 0)
    at_ends = _empty_trend(quarters)
    for pair in pairs:
        for name in COUNT_FIELDS:
            total[name] += counts[pair][name]
        for i, at_end in enumerate(trend.get(pair, [])):
            for rag in RAGS:
                at_ends[i][rag] += at_end[rag]
    return PortfolioGroup(key, label, plan_ids | {p for p, _ in pairs}, total, at_ends)


def portfolio(user: User, by: str = "organisation", on: dt.date | None = None) -> Portfolio:
    """The plans the user can see, grouped, with their counts and RAG trend: four queries
    whatever the number of plans and actions (plans, counts by plan and section, RAG at each
    quarter end by plan and section, oversight). Counts add up per (plan, section), so every
    grouping is a sum of those rows; a body overseeing a plan and one of its sections counts
    each action once, and an action under two bodies counts under both."""
    on = on or today()
    ends = quarter_ends(on, TREND_QUARTERS)
    plans = plans_visible_to(user)
    plan_rows = list(plans.values_list("pk", "owner_organisation_id", "owner_organisation__name"))
    actions = Action.objects.filter(plan__in=plans.values("pk"))
    counts, themes = _pair_counts(actions)
    trend = _pair_trend(actions, ends)
    members = _group_members(by, plans, plan_rows, counts, themes)
    groups = [
        _summed(key, label, pairs, ids, counts, trend, len(ends))
        for key, (label, pairs, ids) in members.items()
    ]
    groups = [g for g in groups if g.plan_count or g.counts["action_count"]]
    groups.sort(key=lambda g: (g.key == NO_GROUP, g.label.casefold(), g.key))
    all_plans = {pk for pk, _, _ in plan_rows}
    total = _summed("", "All plans", set(counts), all_plans, counts, trend, len(ends))
    return Portfolio(by=by, on=on, quarters=ends, groups=groups, total=total)


@dataclass
class PortfolioFilters:
    """The portfolio's filtered list: a group (organisation, body or theme) and the plan
    page's filters (rag, status, overdue, update due...), plus "open actions only" and "RAG as
    at a quarter end", so that every number of the portfolio has its list."""

    actions: ActionFilters = field(default_factory=ActionFilters)
    organisation: int | None = None
    body: str = ""  # a body's id, or "none": actions no body oversees
    theme: str | None = None  # a theme_key() value
    no_section: bool = False
    open_only: bool = False
    asof: dt.date | None = None


def _body_scope(plans: QuerySet[Plan], body: str) -> Q:
    whole: set[int] = set()
    sections: set[int] = set()
    for body_id, _, plan_id, section_id in oversight_rows(plans):
        if body == "none" or str(body_id) == body:
            if section_id is None:
                whole.add(plan_id)
            else:
                sections.add(section_id)
    scope = Q(plan_id__in=whole) | Q(section_id__in=sections)
    return ~scope if body == "none" else scope


def portfolio_actions(user: User, filters: PortfolioFilters) -> QuerySet[Action]:
    """The actions of the plans the user can see that a portfolio number counts, with their
    plan, section and owners, in plan order."""
    plans = plans_visible_to(user)
    actions = Action.objects.filter(plan__in=plans.values("pk"))
    if filters.organisation is not None:
        actions = actions.filter(plan__owner_organisation_id=filters.organisation)
    if filters.body:
        actions = actions.filter(_body_scope(plans, filters.body))
    if filters.theme is not None:
        actions = actions.annotate(theme=theme_key()).filter(theme=filters.theme)
    if filters.no_section:
        actions = actions.filter(section__isnull=True)
    if filters.open_only:
        actions = actions.exclude(status__in=CLOSED)
    action_filters = filters.actions
    if filters.asof is not None and action_filters.rag:
        # As at a quarter end: the RAG of the latest dated update then, not the current one.
        at_end = [rag for rag in action_filters.rag if rag != "none"]
        actions = actions.annotate(rag_then=rag_at(filters.asof)).filter(rag_then__in=at_end)
        action_filters = replace(action_filters, rag=[])
    actions = apply_action_filters(actions, action_filters)
    if action_filters.sort in ("", "position"):
        actions = actions.order_by("plan__title", "plan_id", "section__position", "position", "id")
    return actions.select_related("plan", "section").prefetch_related(
        Prefetch("ownerships", queryset=ActionOwner.objects.select_related("person")),
        Prefetch("agencies", queryset=ActionOrganisation.objects.select_related("organisation")),
    )
