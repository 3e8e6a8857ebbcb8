"""The evaluation of an engagement register: quantity, spread, quality and benefits for an
area, a business group and a period. A fixed number of queries whatever the size of the
register (counts from ``values().annotate()``, flags from ``Exists``); the cost, roll-ups and
scores are worked out in Python from one row per activity.

The rules, as the page states them:

* **In the period**: an activity running at some time in it (``ActivityFilter``: begun by its
  end, not ended before its start; undated activities run throughout). Cancelled activities
  are left out (their number is given).
* **Area**: an activity counts for an area if it covers that area or a place in it, once
  however many of its wards it covers: a ward's activity counts once for its borough and once
  for the force. With no area chosen, every activity of the register counts, with or without
  an area.
* **Outputs** count if dated in the period, or undated and of an activity in the period. An
  output recorded for an area counts for that area and the areas above it; one without an
  area counts wherever its activity counts (once).
* **Cost in the period**: a cost per year is prorated by the days of the period the activity
  runs (the whole period if undated) over the days of that financial year; a one-off cost
  counts in the period the activity starts in, or, for an undated activity, once in full.
* **Benefits**: the measures of the plan actions the activities deliver (of plans the reader
  may see): the value at the start of the period (the latest reading before it, else the
  baseline, else the first reading in it) against the latest reading in it, and the judgement
  on the readings up to the end of the period.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan

from plantrack.core.cache import cached
from plantrack.core.finyears import fy_bounds, fy_of
from plantrack.directory.models import Area
from plantrack.directory.selectors import areas_stamp
from plantrack.engagement import quality as standards
from plantrack.engagement.evaluation.benefits import benefits
from plantrack.engagement.evaluation.periods import Period
from plantrack.engagement.evaluation.results import (
    PENNY,
    AreaCount,
    Evaluation,
    Quality,
    Quantity,
    Scored,
    Spread,
)
from plantrack.engagement.models import (
    Activity,
    ActivityUpdate,
    Community,
    Group,
    Method,
    Outcome,
    Output,
    Register,
)
from plantrack.engagement.selectors import ActivityFilter
from plantrack.plans.models import Plan

NOT_DESCRIBED = "Not described"
NOT_RECORDED = "Not recorded"
IN_WORDS = "Described in words only"
# What the quality rule reads of a completed activity (quality.Facts), besides its level.
FACTS = (
    "has_aim",
    "has_communities_text",
    "has_communities",
    "has_method_text",
    "has_methods",
    "has_outputs",
    "has_outcomes",
    "has_updates",
)
STATUSES = (Activity.Status.PLANNED, Activity.Status.RUNNING, Activity.Status.COMPLETED)


# --- Cost -----------------------------------------------------------------------------------


def cost_in_period(
    amount: Decimal | None,
    per: str,
    start: dt.date | None,
    end: dt.date | None,
    period: Period,
) -> Decimal:
    """An activity's cost falling in a period (the rule in the module's docstring)."""
    if amount is None:
        return Decimal(0)
    if per == Activity.CostPeriod.YEAR:
        first = max(period.start, start) if start else period.start
        last = min(period.end, end) if end else period.end
        days = (last - first).days + 1
        if days <= 0:
            return Decimal(0)
        year_first, year_last = fy_bounds(fy_of(period.start))
        year_days = (year_last - year_first).days + 1
        return (amount * days / year_days).quantize(PENNY)
    if start is None or period.start <= start <= period.end:
        return amount
    return Decimal(0)


# --- Reads ---------------------------------------------------------------------------------
# The evaluation reads the register's activities in the period once (one row each, with what
# the rule needs as a few flags in one number) and their links to places, methods and
# communities once each, for the whole register, then selects the area and counts in Python.
# Selecting the area in SQL made every query test each activity's places again: for a force,
# every link of every place in it, 90 ms a query on the benchmark's register; the links of a
# whole register are read in 30-50 ms (docs/benchmarks.md).

# Bits of an activity's "facts" number: what the quality rule and the spread read of it.
FACT_BITS = {
    "has_aim": 1,
    "has_communities_text": 2,
    "has_method_text": 4,
    "has_outputs": 8,
    "has_outcomes": 16,
    "has_updates": 32,
}


def _facts() -> Any:
    """The FACT_BITS of an activity as one integer (booleans cost a conversion each). The aim,
    outputs, outcomes and updates matter only to the quality of completed activities: they
    are looked up for those only."""
    done = Q(status=Activity.Status.COMPLETED)
    tests: dict[str, Any] = {
        "has_aim": done & Q(GreaterThan(Length(Trim("aim")), 0)),
        "has_communities_text": Q(GreaterThan(Length(Trim("communities_text")), 0)),
        "has_method_text": Q(GreaterThan(Length(Trim("method_text")), 0)),
        **{
            name: done & Q(Exists(model.objects.filter(activity_id=OuterRef("pk"))))
            for name, model in (
                ("has_outputs", Output),
                ("has_outcomes", Outcome),
                ("has_updates", ActivityUpdate),
            )
        },
    }
    total: Any = Value(0)
    for name, test in tests.items():
        total = total + Case(When(test, then=Value(FACT_BITS[name])), default=Value(0))
    return ExpressionWrapper(total, output_field=IntegerField())


def _links(through: Any, column: str, scope: Q) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for activity_id, value in (
        through.objects.filter(scope).order_by().values_list("activity_id", column)
    ):
        found[activity_id].append(value)
    return found


def _scope_rows(
    register: Register, period: Period, area: Area | None, group: Group | None
) -> list[dict[str, Any]]:
    """One row per activity of the register (or group) running in the period and, if an area
    is chosen, covering it or a place in it; with the ids of its places, methods and
    communities, and its FACT_BITS (``facts``)."""
    flt = ActivityFilter(period_start=period.start, period_end=period.end)
    scope = Q(activity__register=register) & flt.in_period("activity__")
    if group is not None:
        scope &= Q(activity__group=group)
    places = _links(Activity.areas.through, "area_id", scope)
    methods = _links(Activity.methods.through, "method_id", scope)
    communities = _links(Activity.communities.through, "community_id", scope)
    inside = (
        set(Area.objects.filter(path__startswith=area.path).values_list("pk", flat=True))
        if area is not None
        else None
    )
    fields = ("id", "status", "level", "cost_amount", "cost_period", "start_earliest", "end_latest")
    # The quality list names completed activities only: no other title is read.
    title = Case(
        When(status=Activity.Status.COMPLETED, then=F("title")),
        default=Value(""),
        output_field=TextField(),
    )
    activities = Activity.objects.filter(register=register).filter(flt.in_period())
    if group is not None:
        activities = activities.filter(group=group)
    rows = []
    for values in activities.order_by().values_list(*fields).annotate(facts=_facts(), title=title):
        pk = values[0]
        areas = places.get(pk, [])
        if inside is not None and inside.isdisjoint(areas):
            continue
        row = dict(zip((*fields, "facts", "title"), values, strict=True))
        row["areas"] = areas
        row["methods"] = methods.get(pk, [])
        row["communities"] = communities.get(pk, [])
        rows.append(row)
    return rows


def _has(row: dict[str, Any], name: str) -> bool:
    """A FACT_BITS flag of a row, or whether it has methods or communities from the lists."""
    if name in FACT_BITS:
        return bool(row["facts"] & FACT_BITS[name])
    return bool(row[name.removeprefix("has_")])


def _quantity(rows: list[dict[str, Any]], outputs: QuerySet[Output], period: Period) -> Quantity:
    live = [r for r in rows if r["status"] != Activity.Status.CANCELLED]
    by_status = Counter(r["status"] for r in live)
    totals = {
        row["kind"]: row
        for row in outputs.values("kind").annotate(total=Sum("count"), records=Count("pk"))
    }
    labels = dict(Output.Kind.choices)
    listed = [
        {
            "kind": kind,
            "label": labels[kind],
            "total": int(totals[kind]["total"]),
            "records": int(totals[kind]["records"]),
        }
        for kind in Output.Kind.values
        if kind in totals
    ]

    def total(kind: str) -> int:
        return int(totals[kind]["total"]) if kind in totals else 0

    costed = [r for r in live if r["cost_amount"] is not None]
    cost = sum(
        (
            cost_in_period(
                r["cost_amount"], r["cost_period"], r["start_earliest"], r["end_latest"], period
            )
            for r in costed
        ),
        Decimal(0),
    )
    return Quantity(
        activities=len(live),
        by_status={status: by_status[status] for status in STATUSES},
        cancelled=len(rows) - len(live),
        outputs=listed,
        sessions=total(Output.Kind.SESSIONS),
        people_reached=total(Output.Kind.PEOPLE_REACHED),
        volunteers=total(Output.Kind.VOLUNTEERS),
        cost=cost,
        costed=len(costed),
        uncosted=len(live) - len(costed),
    )


def _named_counts(
    model: Any, live: list[dict[str, Any]], key: str, written: str, empty: str
) -> list[tuple[str, int]]:
    """Activities per method (or community) chosen from the list, most first, then those
    described only in words and those not at all, where there are any."""
    counts = Counter(pk for row in live for pk in row[key])
    names = dict(model.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    found = sorted(((names[pk], n) for pk, n in counts.items()), key=lambda c: (-c[1], c[0]))
    words = sum(1 for r in live if not r[key] and _has(r, written))
    neither = sum(1 for r in live if not r[key] and not _has(r, written))
    return found + [(label, n) for label, n in ((IN_WORDS, words), (empty, neither)) if n]


def _levels(rows: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    counts = Counter(r["level"] for r in rows)
    levels = [(value, str(label), counts[value]) for value, label in Activity.Level.choices]
    if counts[""]:
        levels.append(("", NOT_RECORDED, counts[""]))
    return levels


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _child_areas(register: Register, area: Area | None) -> tuple[list[Area], str]:
    """The places one level below the chosen area; with none chosen, the boroughs of the
    force areas the register works in (those its activities name, and those its
    organisation keeps)."""
    if area is not None:
        if area.level == Area.Level.WARD:
            return [], ""
        children = list(Area.objects.filter(parent=area).order_by("name", "pk"))
        heading = "Wards" if area.level == Area.Level.BOROUGH else "Boroughs"
        return children, heading
    paths = (
        Activity.areas.through.objects.filter(activity__register=register)
        .values_list("area__path", flat=True)
        .distinct()
    )
    tops = {int(_segments(p)[0]) for p in paths if _segments(p)}
    children = list(
        Area.objects.filter(
            Q(parent_id__in=tops)
            | Q(parent__parent__isnull=True, parent__organisation_id=register.organisation_id)
        )
        .select_related("parent")
        .order_by("parent__name", "name", "pk")
    )
    return children, "Boroughs"


def _area_counts(
    register: Register, area: Area | None, live: list[dict[str, Any]]
) -> tuple[list[AreaCount], str, int, int]:
    """Activities in each place one level down (once each, however many of its places they
    cover); how many name no area at all; how many cover the chosen area (or, with none
    chosen, a force area) as a whole, in none of the places below."""
    children, heading = _child_areas(register, area)
    depth = len(_segments(area.path)) if area is not None else 1
    # Each area's place one level down from the chosen one (None: it is not below it).
    below: dict[int, str | None] = {}
    for pk, path in Area.objects.values_list("pk", "path"):
        parts = _segments(path)
        below[pk] = parts[depth] if len(parts) > depth else None
    covering: Counter[str] = Counter()
    unnamed = whole = 0
    for row in live:
        places = {place for pk in row["areas"] if (place := below[pk]) is not None}
        covering.update(places)
        unnamed += not row["areas"]
        whole += bool(row["areas"]) and not places
    counts = [AreaCount(child, covering[str(child.pk)]) for child in children]
    return counts, heading, unnamed, whole


def _spread(register: Register, area: Area | None, live: list[dict[str, Any]]) -> Spread:
    areas, heading, unnamed, whole = _area_counts(register, area, live)
    return Spread(
        methods=_named_counts(Method, live, "methods", "has_method_text", NOT_RECORDED),
        levels=_levels(live),
        communities=_named_counts(
            Community, live, "communities", "has_communities_text", NOT_DESCRIBED
        ),
        areas=areas,
        areas_heading=heading,
        no_area=unnamed if area is None else 0,
        whole_area=whole,
    )


def _quality(live: list[dict[str, Any]]) -> Quality:
    scored = []
    for row in live:
        if row["status"] == Activity.Status.COMPLETED:
            flags = {name: _has(row, name) for name in FACTS}
            facts = standards.Facts(level=row["level"], **flags)
            result = standards.score(facts)
            scored.append(Scored(row["id"], row["title"], row["level"], result))
    scored.sort(key=lambda s: (s.result.score, s.title.casefold(), s.id))
    return Quality(scored, standards.distribution(s.result.score for s in scored))


# --- The evaluation -------------------------------------------------------------------------


def evaluate(
    register: Register,
    *,
    period: Period,
    plans: QuerySet[Plan],
    area: Area | None = None,
    group: Group | None = None,
) -> Evaluation:
    """The evaluation of a register (already fetched through register_get_for_user) for an
    area, group and period; benefits only from the measures of ``plans`` (those the reader
    may see)."""
    rows = _scope_rows(register, period, area, group)
    live = [r for r in rows if r["status"] != Activity.Status.CANCELLED]
    return Evaluation(
        register=register,
        period=period,
        area=area,
        group=group,
        quantity=_quantity(rows, outputs_in(register, period, area, group), period),
        spread=_spread(register, area, live),
        quality=_quality(live),
        benefits=benefits(register, {r["id"] for r in live}, plans, period),
    )


def outputs_in(
    register: Register, period: Period, area: Area | None = None, group: Group | None = None
) -> QuerySet[Output]:
    """The outputs counted for an area, group and period (the rule in the docstring)."""
    activities = ActivityFilter(group=group.pk if group else None).apply(
        Activity.objects.filter(register=register).exclude(status=Activity.Status.CANCELLED)
    )
    in_period = ActivityFilter(period_start=period.start, period_end=period.end).apply(
        Activity.objects.filter(register=register)
    )
    outputs = Output.objects.filter(activity__in=activities.values("pk")).filter(
        Q(date__gte=period.start, date__lte=period.end)
        | Q(date__isnull=True, activity__in=in_period.values("pk"))
    )
    if area is not None:
        covered = Exists(
            Activity.areas.through.objects.filter(
                activity_id=OuterRef("activity_id"), area__path__startswith=area.path
            )
        )
        outputs = outputs.filter(
            Q(area__path__startswith=area.path) | (Q(area__isnull=True) & covered)
        )
    return outputs.order_by()


# --- Caching --------------------------------------------------------------------------------


def _linked_plans(register: Register) -> list[int]:
    """The plans of the actions the register's activities are linked to, kept in the cache
    under the register's version (the links move it). Read afresh, it scans every activity of
    the register: 6-10 ms on the benchmark's. An action deleted since leaves its plan in the
    list, which only adds that plan's version to the key."""

    def read() -> list[int]:
        links = Activity.actions.through.objects.filter(activity__register=register)
        return sorted(set(links.values_list("action__plan_id", flat=True)))

    found: list[int] = cached(("engagement-linked-plans", register.pk, register.version), read)
    return found


def cache_key(
    register: Register,
    period: Period,
    area: Area | None,
    group: Group | None,
    plans: QuerySet[Plan],
) -> tuple[Any, ...]:
    """Everything the evaluation is computed from, for core.cache.cached (two queries):

    * the register's version, moved by every engagement service that writes to it or
      anything in it (activities, their links, outputs, outcomes, updates, groups), and by
      the administrators' changes to the lists of methods and communities (names shown);
    * the choices (period, area, group; nothing depends on the day once the period is
      chosen);
    * the plans whose measures the benefits may show (those of the activities' actions that
      the reader sees) with their versions, moved by every write to their actions, measures
      and readings: readers who see different plans get different entries;
    * the areas (how many, and the latest change): a place added, renamed or moved changes the
      places listed.
    """
    linked = (
        plans.filter(pk__in=_linked_plans(register)).values_list("pk", "version").order_by("pk")
    )
    return (
        "engagement-evaluation",
        register.pk,
        register.version,
        period.label,
        area.pk if area else None,
        group.pk if group else None,
        tuple(linked),
        *areas_stamp(),
    )
