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
import hashlib
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)

from plantrack.core.finyears import fy_bounds, fy_of
from plantrack.directory.models import Area
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
# What the quality rule reads of a completed activity (quality.Facts).
FACTS = (
    "aim",
    "communities_text",
    "has_communities",
    "method_text",
    "has_methods",
    "level",
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


# --- Reads ----------------------------------------------------------------------------------


def _through_exists(model: Any, **filters: Any) -> Exists:
    return Exists(model.objects.filter(activity_id=OuterRef("pk"), **filters))


def _activity_flags() -> dict[str, Exists]:
    return {
        "has_methods": _through_exists(Activity.methods.through),
        "has_communities": _through_exists(Activity.communities.through),
    }


def _text_flags() -> dict[str, ExpressionWrapper[Any]]:
    """Whether methods and communities are written in words (the spread counts these)."""
    return {
        "has_method_text": ExpressionWrapper(~Q(method_text=""), output_field=BooleanField()),
        "has_communities_text": ExpressionWrapper(
            ~Q(communities_text=""), output_field=BooleanField()
        ),
    }


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
    through: Any, name: str, ids: QuerySet[Activity, Any], others: list[tuple[str, int]]
) -> list[tuple[str, int]]:
    """Activities per method (or community) chosen from the list, most first, then the
    ``others`` (those described only in words, those not at all) that there are."""
    rows = (
        through.objects.filter(activity_id__in=ids)
        .values(name)
        .annotate(n=Count("activity_id"))
        .order_by("-n", name)
    )
    found = [(row[name], int(row["n"])) for row in rows]
    return found + [(label, n) for label, n in others if n]


def _unlisted(rows: list[dict[str, Any]], chosen: str, written: str, empty: str) -> list[Any]:
    """How many activities have none chosen from the list but words, and neither."""
    words = sum(1 for r in rows if not r[chosen] and r[written])
    neither = sum(1 for r in rows if not r[chosen] and not r[written])
    return [(IN_WORDS, words), (empty, neither)]


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
    register: Register, area: Area | None, ids: QuerySet[Activity, Any]
) -> tuple[list[AreaCount], str, set[int], set[int]]:
    """Activities in each place one level down (once each, however many of its places they
    cover); which activities name an area at all; which cover the chosen area (or, with none
    chosen, a force area) as a whole, in none of the places below."""
    children, heading = _child_areas(register, area)
    depth = len(_segments(area.path)) if area is not None else 1
    covering: dict[str, set[int]] = defaultdict(set)
    named: set[int] = set()
    whole: set[int] = set()
    for activity_id, path in Activity.areas.through.objects.filter(activity_id__in=ids).values_list(
        "activity_id", "area__path"
    ):
        named.add(activity_id)
        parts = _segments(path)
        if len(parts) > depth:
            covering[parts[depth]].add(activity_id)
        else:
            whole.add(activity_id)
    counts = [AreaCount(child, len(covering[str(child.pk)])) for child in children]
    return counts, heading, named, whole - set().union(*covering.values())


def _spread(
    register: Register, area: Area | None, rows: list[dict[str, Any]], ids: QuerySet[Activity, Any]
) -> Spread:
    live = [r for r in rows if r["status"] != Activity.Status.CANCELLED]
    total = len(live)
    areas, heading, named, whole = _area_counts(register, area, ids)
    return Spread(
        methods=_named_counts(
            Activity.methods.through,
            "method__name",
            ids,
            _unlisted(live, "has_methods", "has_method_text", NOT_RECORDED),
        ),
        levels=_levels(live),
        communities=_named_counts(
            Activity.communities.through,
            "community__name",
            ids,
            _unlisted(live, "has_communities", "has_communities_text", NOT_DESCRIBED),
        ),
        areas=areas,
        areas_heading=heading,
        no_area=total - len(named) if area is None else 0,
        whole_area=len(whole),
    )


def _quality(ids: QuerySet[Activity, Any]) -> Quality:
    rows = (
        Activity.objects.filter(pk__in=ids, status=Activity.Status.COMPLETED)
        .values("id", "title", "level", "aim", "communities_text", "method_text")
        .annotate(
            **_activity_flags(),
            has_outputs=Exists(Output.objects.filter(activity_id=OuterRef("pk"))),
            has_outcomes=Exists(Outcome.objects.filter(activity_id=OuterRef("pk"))),
            has_updates=Exists(ActivityUpdate.objects.filter(activity_id=OuterRef("pk"))),
        )
        .order_by()
    )
    scored = []
    for raw in rows:
        row: dict[str, Any] = dict(raw)
        facts = standards.Facts(**{name: row[name] for name in FACTS})
        scored.append(Scored(row["id"], row["title"], row["level"], standards.score(facts)))
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
    flt = ActivityFilter(
        group=group.pk if group else None,
        area=area,
        period_start=period.start,
        period_end=period.end,
    )
    in_scope = flt.apply(Activity.objects.filter(register=register))
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in in_scope.values(
            "id", "status", "level", "cost_amount", "cost_period", "start_earliest", "end_latest"
        )
        .annotate(**_activity_flags(), **_text_flags())
        .order_by()
    ]
    ids = in_scope.exclude(status=Activity.Status.CANCELLED).values("pk")
    return Evaluation(
        register=register,
        period=period,
        area=area,
        group=group,
        quantity=_quantity(rows, outputs_in(register, period, area, group), period),
        spread=_spread(register, area, rows, ids),
        quality=_quality(ids),
        benefits=benefits(ids, plans, period),
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


def cache_key(
    register: Register,
    period: Period,
    area: Area | None,
    group: Group | None,
    plans: QuerySet[Plan],
) -> tuple[Any, ...]:
    """Everything the evaluation is computed from, for core.cache.cached (four queries):

    * the register's version, moved by every engagement service that writes to it or
      anything in it (activities, their links, outputs, outcomes, updates, groups);
    * the choices (period, area, group; nothing depends on the day once the period is
      chosen);
    * the plans whose measures the benefits may show (those of the activities' actions that
      the reader sees) with their versions, moved by every write to their actions, measures
      and readings: readers who see different plans get different entries;
    * the areas (how many, and the latest change): a place added, renamed or moved changes the
      places listed;
    * the names of the methods and communities (short lists kept by administrators, with no
      date of change to compare), as a digest.
    """
    linked = (
        plans.filter(actions__engagement_activities__register=register)
        .values_list("pk", "version")
        .distinct()
        .order_by("pk")
    )
    places = Area.objects.aggregate(n=Count("pk"), latest=Max("updated_at"))
    names = [
        list(model.objects.order_by("pk").values_list("pk", "name"))
        for model in (Method, Community)
    ]
    digest = hashlib.blake2b(repr(names).encode(), digest_size=8).hexdigest()
    return (
        "engagement-evaluation",
        register.pk,
        register.version,
        period.label,
        area.pk if area else None,
        group.pk if group else None,
        tuple(linked),
        places["n"],
        places["latest"].isoformat() if places["latest"] else None,
        digest,
    )
