"""The benefits part of an evaluation: the movement, over the period, of the measures of the
plan actions the activities deliver (of plans the reader may see)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from plantrack.engagement.evaluation.periods import Period
from plantrack.engagement.evaluation.results import BenefitRow, Benefits, Movement
from plantrack.engagement.models import Activity, Register
from plantrack.measures import judgement as j
from plantrack.measures.models import Direction, Measure, Reading, Target
from plantrack.measures.selectors import measure_judgement
from plantrack.plans.models import Plan


def _start_value(measure: Measure, before: list[j.Point], during: list[j.Point]) -> j.Point | None:
    if before:
        return before[-1]
    if measure.baseline_value is not None:
        return j.Point(measure.baseline_date or during[0].date, measure.baseline_value)
    return during[0] if len(during) > 1 else None


def _movement(measure: Measure, start: j.Point | None, latest: j.Point | None, level: Any) -> str:
    if start is None or latest is None:
        return Movement.UNKNOWN
    change = latest.value - start.value
    if measure.direction == Direction.KEEP:
        if level is None:
            return Movement.SAME if change == 0 else Movement.UNKNOWN
        change = abs(start.value - level) - abs(latest.value - level)
    elif measure.direction == Direction.DECREASE:
        change = -change
    if change > 0:
        return Movement.BETTER
    return Movement.WORSE if change < 0 else Movement.SAME


def _benefit_row(
    measure: Measure, points: list[j.Point], period: Period, activities: list[str]
) -> BenefitRow:
    before = [p for p in points if p.date < period.start]
    during = [p for p in points if period.start <= p.date <= period.end]
    latest = during[-1] if during else None
    start = _start_value(measure, before, during) if during else (before[-1] if before else None)
    judgement = measure_judgement(measure, points)
    level = judgement.expected if measure.direction == Direction.KEEP else None
    return BenefitRow(
        measure=measure,
        start=start,
        latest=latest,
        movement=_movement(measure, start, latest, level),
        judgement=judgement,
        activities=activities,
    )


def benefits(register: Register, scope: Q, plans: QuerySet[Plan], period: Period) -> Benefits:
    """The measures of the plan actions (of ``plans``) that the activities in ``scope`` (a
    filter on the links to actions, through "activity__": counting.scope) deliver. A
    register's links to actions are few: the query starts from them."""
    links = list(
        Activity.actions.through.objects.filter(scope, action__plan__in=plans).values_list(
            "action_id", "activity_id", "activity__title"
        )
    )
    by_action: dict[int, list[str]] = defaultdict(list)
    for action_id, _, title in links:
        by_action[action_id].append(title)
    linked = len({activity_id for _, activity_id, _ in links})
    if not by_action:
        return Benefits([], linked)
    measures = list(
        Measure.objects.filter(action_id__in=list(by_action), plan__in=plans)
        .select_related("plan", "action")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("date", "id")))
        .order_by("plan__title", "name", "id")
    )
    points: dict[int, list[j.Point]] = defaultdict(list)
    for measure_id, day, value in (
        Reading.objects.filter(measure__in=[m.pk for m in measures], date__lte=period.end)
        .order_by("date", "created_at", "id")
        .values_list("measure_id", "date", "value")
    ):
        points[measure_id].append(j.Point(day, value))
    rows = [
        _benefit_row(
            m, points[m.pk], period, sorted(set(by_action[m.action_id or 0]), key=str.casefold)
        )
        for m in measures
    ]
    return Benefits(rows, linked)
