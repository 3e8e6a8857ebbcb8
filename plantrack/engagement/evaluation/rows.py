"""The evaluation recounted from the activities in scope: one row per activity (with what the
rules need as a few flags in one number) and its links to places, methods and communities,
read once each; the area chosen and everything counted in Python. The way for a period that
is not made of whole quarters (a board pack's month), and the reference the tallies are tested
against (tests/test_tally.py). A force's year: ~700 ms of CPU (docs/benchmarks.md)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
    When,
)

from plantrack.directory.models import Area
from plantrack.engagement import quality as standards
from plantrack.engagement.evaluation import counting
from plantrack.engagement.evaluation.benefits import benefits
from plantrack.engagement.evaluation.periods import Period
from plantrack.engagement.evaluation.results import (
    AreaCount,
    Evaluation,
    Quality,
    Quantity,
    Scored,
    Spread,
)
from plantrack.engagement.evaluation.tally import (
    FACT_BITS,
    facts_expression,
    links_of,
    quality_facts,
)
from plantrack.engagement.models import Activity, Group, Output, Register
from plantrack.engagement.selectors import ActivityFilter
from plantrack.plans.models import Plan

CANCELLED = Activity.Status.CANCELLED


def cost_in_period(
    amount: Decimal | None,
    per: str,
    start: dt.date | None,
    end: dt.date | None,
    period: Period,
) -> Decimal:
    """An activity's cost falling in a period, to the penny (the rule in selectors)."""
    days, once = _cost_parts(amount, per, start, end, period)
    return counting.cost_total(days, once, period) if amount is not None else Decimal(0)


def _cost_parts(
    amount: Decimal | None, per: str, start: dt.date | None, end: dt.date | None, period: Period
) -> tuple[int, int]:
    """(pence × days run in the period for a cost per year, pence of a one-off cost)."""
    if amount is None:
        return 0, 0
    pence = int(amount * 100)
    if per == Activity.CostPeriod.YEAR:
        first = max(period.start, start) if start else period.start
        last = min(period.end, end) if end else period.end
        return pence * max((last - first).days + 1, 0), 0
    if start is None or period.start <= start <= period.end:
        return 0, pence
    return 0, 0


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
    places = links_of(Activity.areas.through, "area_id", scope)
    methods = links_of(Activity.methods.through, "method_id", scope)
    communities = links_of(Activity.communities.through, "community_id", scope)
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
    for values in (
        activities.order_by().values_list(*fields).annotate(facts=facts_expression(), title=title)
    ):
        pk = values[0]
        areas = places.get(pk, [])
        if inside is not None and inside.isdisjoint(areas):
            continue
        row = dict(zip((*fields, "facts", "title"), values, strict=True))
        row["areas"] = areas
        row["methods"] = methods.get(pk, [])
        row["communities"] = communities.get(pk, [])
        row["facts"] |= FACT_BITS["has_methods"] if row["methods"] else 0
        row["facts"] |= FACT_BITS["has_communities"] if row["communities"] else 0
        rows.append(row)
    return rows


def _has(row: dict[str, Any], name: str) -> bool:
    return bool(row["facts"] & FACT_BITS[name])


def _quantity(rows: list[dict[str, Any]], outputs: QuerySet[Output], period: Period) -> Quantity:
    totals = {
        row["kind"]: (int(row["total"]), int(row["records"]))
        for row in outputs.values("kind").annotate(total=Sum("count"), records=Count("pk"))
    }
    costed = [r for r in rows if r["status"] != CANCELLED and r["cost_amount"] is not None]
    days = once = 0
    for r in costed:
        d, o = _cost_parts(
            r["cost_amount"], r["cost_period"], r["start_earliest"], r["end_latest"], period
        )
        days, once = days + d, once + o
    return counting.quantity(
        Counter(r["status"] for r in rows),
        totals,
        counting.cost_total(days, once, period),
        len(costed),
    )


def _named(live: list[dict[str, Any]], key: str, written: str) -> tuple[Counter[int], int, int]:
    counts = Counter(pk for row in live for pk in row[key])
    words = sum(1 for r in live if not r[key] and _has(r, written))
    neither = sum(1 for r in live if not r[key] and not _has(r, written))
    return counts, words, neither


def _area_counts(
    register: Register, area: Area | None, live: list[dict[str, Any]]
) -> tuple[list[AreaCount], str, int, int]:
    """Activities in each place one level down (once each, however many of its places they
    cover); how many name no area at all; how many cover the chosen area (or, with none
    chosen, a force area) as a whole, in none of the places below it."""
    children, heading = counting.child_areas(register, area)
    depth = len(counting.segments(area.path)) if area is not None else 1
    # Each area's place one level down from the chosen one (None: it is not below it).
    below: dict[int, str | None] = {}
    for pk, path in Area.objects.values_list("pk", "path"):
        parts = counting.segments(path)
        inside = area is None or path.startswith(area.path)
        below[pk] = parts[depth] if inside and len(parts) > depth else None
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
        methods=counting.methods(*_named(live, "methods", "has_method_text")),
        levels=counting.levels(Counter(r["level"] for r in live)),
        communities=counting.communities(*_named(live, "communities", "has_communities_text")),
        areas=areas,
        areas_heading=heading,
        no_area=unnamed if area is None else 0,
        whole_area=whole,
    )


def _quality(live: list[dict[str, Any]]) -> Quality:
    return Quality.of(
        [
            Scored(
                row["id"],
                row["title"],
                row["level"],
                standards.score(quality_facts(row["level"], row["facts"])),
            )
            for row in live
            if row["status"] == Activity.Status.COMPLETED
        ]
    )


def evaluate(
    register: Register,
    *,
    period: Period,
    plans: QuerySet[Plan],
    area: Area | None = None,
    group: Group | None = None,
) -> Evaluation:
    rows = _scope_rows(register, period, area, group)
    live = [r for r in rows if r["status"] != CANCELLED]
    return Evaluation(
        register=register,
        period=period,
        area=area,
        group=group,
        quantity=_quantity(rows, outputs_in(register, period, area, group), period),
        spread=_spread(register, area, live),
        quality=_quality(live),
        benefits=benefits(
            register, counting.scope(register, period, area, group, "activity__"), plans, period
        ),
    )


def outputs_in(
    register: Register, period: Period, area: Area | None = None, group: Group | None = None
) -> QuerySet[Output]:
    """The outputs counted for an area, group and period (the rule in selectors)."""
    activities = ActivityFilter(group=group.pk if group else None).apply(
        Activity.objects.filter(register=register).exclude(status=CANCELLED)
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
