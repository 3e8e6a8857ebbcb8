"""The evaluation added up from the tallies (tally.py) for a period of whole quarters: the
cells of the chosen place (or the whole register) whose spans meet the period, one query;
the places one level down summed in SQL, one query; the lowest-scoring completed activities
by name, one query. What an evaluation reads no longer grows with the activities in scope."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery, Sum

from plantrack.directory.models import Area
from plantrack.engagement import quality as standards
from plantrack.engagement.evaluation import counting, tally
from plantrack.engagement.evaluation.benefits import benefits
from plantrack.engagement.evaluation.periods import Period
from plantrack.engagement.evaluation.results import AreaCount, Evaluation, Quality, Scored, Spread
from plantrack.engagement.models import Activity, Group, Output, Register, TallyCell, TallyEntry
from plantrack.plans.models import Plan


def _cells(register: Register, span: tuple[int, int], group: Group | None) -> QuerySet[TallyCell]:
    first, last = span
    cells = TallyCell.objects.filter(
        register=register, first_quarter__lte=last, last_quarter__gte=first
    )
    return cells.filter(group=group.pk) if group is not None else cells


def _add_up(
    register: Register, period: Period, span: tuple[int, int], node: int, group: Group | None
) -> tuple[Counter[str], int, int]:
    """Every count of the node's cells meeting the period, with the cost's pence-days and
    one-off pence."""
    first, _ = span
    total: Counter[str] = Counter()
    days = once = 0
    cells = _cells(register, span, group).filter(node=node).order_by()
    for start, end, counts in cells.values_list("first_quarter", "last_quarter", "counts"):
        total.update(counts)
        if "cy" in counts:
            days += counts["cy"] * tally.span_days(period, start, end)
            days -= counts.get("cys", 0) if start >= first else 0
            days -= counts.get("cye", 0) if end <= span[1] else 0
        if "c1" in counts and (start == tally.LOW or start >= first):
            once += counts["c1"]
    return total, days, once


def _by_prefix(total: Counter[str], prefix: str) -> Counter[str]:
    return Counter({key[len(prefix) :]: n for key, n in total.items() if key.startswith(prefix)})


def _named(total: Counter[str], prefix: str) -> tuple[Counter[int], int, int]:
    found = _by_prefix(total, f"{prefix}:")
    words, neither = found.pop("words", 0), found.pop("none", 0)
    return Counter({int(pk): n for pk, n in found.items()}), words, neither


def _areas(
    register: Register, area: Area | None, span: tuple[int, int], group: Group | None
) -> tuple[list[AreaCount], str]:
    children, heading = counting.child_areas(register, area)
    counts = dict(
        _cells(register, span, group)
        .filter(node__in=[child.pk for child in children])
        .order_by()
        .values("node")
        .annotate(n=Sum("live"))
        .values_list("node", "n")
    )
    return [AreaCount(child, counts.get(child.pk, 0)) for child in children], heading


def _quality(total: Counter[str], scope: Any, register: Register) -> Quality:
    """Counts by the quality's facts give the distribution and what is lacking; the lowest
    scoring are read by name: those scoring at most the LISTED-th lowest score."""
    combos = []
    for key, n in _by_prefix(total, "q:").items():
        level, _, bits = key.rpartition(":")
        combos.append((standards.score(tally.quality_facts(level, int(bits))), n))
    combos.sort(key=lambda combo: combo[0].score)
    count = sum(n for _, n in combos)
    distribution = standards.distribution([])
    lacking: Counter[str] = Counter()
    for result, n in combos:
        distribution[result.score] += n
        lacking.update(dict.fromkeys(result.lacking, n))
    # Read even when nothing is scored (threshold 0 finds nothing): the page's queries stay
    # the same whatever the data, which the query-count tests and the benchmark check.
    seen, threshold = 0, combos[-1][0].score if combos else 0
    for result, n in combos:
        seen += n
        if seen >= Quality.LISTED:
            threshold = result.score
            break
    return Quality(
        lowest=_lowest(register, scope, threshold),
        count=count,
        total=sum(result.score * n for result, n in combos),
        distribution=distribution,
        lacking_counts=lacking,
    )


def _lowest(register: Register, scope: Any, threshold: int) -> list[Scored]:
    entries = TallyEntry.objects.filter(register=register, score__lte=threshold)
    facts = TallyEntry.objects.filter(register=register, activity_id=OuterRef("pk"))
    rows = (
        Activity.objects.filter(scope, status=Activity.Status.COMPLETED)
        .filter(pk__in=entries.values("activity_id"))
        .annotate(facts=Subquery(facts.values("facts")[:1]))
        .order_by()
        .values_list("id", "title", "level", "facts")
    )
    scored = [
        Scored(pk, title, level, standards.score(tally.quality_facts(level, found["fl"])))
        for pk, title, level, found in rows
    ]
    scored.sort(key=lambda s: (s.result.score, s.title.casefold(), s.id))
    return scored[: Quality.LISTED]


def evaluate(
    register: Register,
    *,
    period: Period,
    span: tuple[int, int],
    plans: QuerySet[Plan],
    area: Area | None = None,
    group: Group | None = None,
) -> Evaluation:
    """The evaluation from the tallies, which the caller has made current (tally.ensure)."""
    node = area.pk if area is not None else tally.ALL
    total, days, once = _add_up(register, period, span, node, group)
    outputs: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for kind in Output.Kind.values:
        if total[f"o:{kind}"]:
            outputs[kind] = (total[f"ot:{kind}"], total[f"o:{kind}"])
    quantity = counting.quantity(
        _by_prefix(total, "s:"),
        outputs,
        counting.cost_total(days, once, period),
        total["costed"],
    )
    areas, heading = _areas(register, area, span, group)
    spread = Spread(
        methods=counting.methods(*_named(total, "m")),
        levels=counting.levels(_by_prefix(total, "l:")),
        communities=counting.communities(*_named(total, "c")),
        areas=areas,
        areas_heading=heading,
        no_area=total["nowhere"] if area is None else 0,
        whole_area=total["whole"],
    )
    scope = counting.scope(register, period, area, group)
    return Evaluation(
        register=register,
        period=period,
        area=area,
        group=group,
        quantity=quantity,
        spread=spread,
        quality=_quality(total, scope, register),
        benefits=benefits(
            register, counting.scope(register, period, area, group, "activity__"), plans, period
        ),
    )
