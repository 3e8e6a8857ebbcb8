"""Every read of measures and benefits, scoped to the user who asks, with their judgements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from plantrack.accounts.models import User
from plantrack.core import charts
from plantrack.core.history import Entry, entries_for, merged
from plantrack.measures import judgement as j
from plantrack.measures.models import Benefit, DismissedSuggestion, Measure, Reading, Target, Unit
from plantrack.measures.phrases import (
    MeasureSuggestion,
    action_text,
    section_text,
    suggest_measures,
)
from plantrack.plans.models import Action, Plan, Section
from plantrack.plans.selectors import plans_visible_to, today

# --- Showing values -------------------------------------------------------------------------


def format_value(value: Decimal | None, unit: str = Unit.COUNT) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    if unit == Unit.CURRENCY:
        return f"£{value:,.2f}" if value != value.to_integral_value() else f"£{value:,.0f}"
    exponent = value.as_tuple().exponent  # not a number for NaN and infinity
    rounded = (
        value.quantize(Decimal("0.01")) if isinstance(exponent, int) and exponent < -2 else value
    )
    text = f"{rounded.normalize():,f}" if rounded != 0 else "0"
    return f"{text}%" if unit == Unit.PERCENT else text


# --- Reads ----------------------------------------------------------------------------------


def measures_visible_to(user: User) -> QuerySet[Measure]:
    return Measure.objects.filter(plan__in=plans_visible_to(user))


def _with_relations(qs: QuerySet[Measure]) -> QuerySet[Measure]:
    """Everything a list row or a judgement needs, in three queries whatever the rows."""
    return qs.select_related("plan", "action", "section", "owner").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("date", "id")),
        Prefetch("readings", queryset=Reading.objects.order_by("date", "created_at", "id")),
    )


def measure_get_for_user(user: User, pk: int) -> Measure:
    try:
        return _with_relations(measures_visible_to(user)).get(pk=pk)
    except Measure.DoesNotExist as exc:
        raise Http404("No such measure") from exc


def target_get_for_user(user: User, pk: int) -> Target:
    try:
        return Target.objects.select_related("measure__plan").get(
            pk=pk, measure__plan__in=plans_visible_to(user)
        )
    except Target.DoesNotExist as exc:
        raise Http404("No such target") from exc


def measure_readings(measure: Measure) -> QuerySet[Reading]:
    return Reading.objects.filter(measure=measure).order_by("-date", "-created_at", "-id")


@dataclass
class MeasureRow:
    """A measure with its judgement: what every list and summary shows."""

    measure: Measure
    judgement: j.Judgement
    # Readings as (date, value) points when they were read without model objects (summaries).
    points: list[j.Point] | None = None

    @property
    def latest(self) -> Reading | j.Point | None:
        if self.points is not None:
            return self.points[-1] if self.points else None
        readings = self.measure.readings.all()
        return readings[len(readings) - 1] if readings else None

    @property
    def next_target(self) -> Target | None:
        found = self.judgement.target
        targets = list(self.measure.targets.all())
        if found is not None:
            return next((t for t in targets if t.date == found.date), None)
        return targets[-1] if targets else None

    @property
    def rule(self) -> str:
        return measure_rule(self.measure)

    @property
    def suggested_rag(self) -> str | None:
        return self.judgement.suggested_rag

    def chart(self) -> str:
        return measure_chart_svg(self.measure, compact=True, judgement=self.judgement)


def _points(rows: Iterable[Target | Reading]) -> list[j.Point]:
    return [j.Point(r.date, r.value) for r in rows]


def measure_judgement(measure: Measure, readings: list[j.Point] | None = None) -> j.Judgement:
    """Uses the measure's prefetched targets and readings when it has them."""
    return j.judge(
        direction=measure.direction,
        baseline_value=measure.baseline_value,
        baseline_date=measure.baseline_date,
        targets=_points(measure.targets.all()),
        readings=_points(measure.readings.all()) if readings is None else readings,
        tolerance_percent=measure.tolerance_percent,
        fmt=lambda v: format_value(v, measure.unit),
        today=today(),
    )


def measure_rule(measure: Measure) -> str:
    return j.rule_text(measure.direction, measure.tolerance_percent)


def _rows(measures: Iterable[Measure]) -> list[MeasureRow]:
    return [MeasureRow(m, measure_judgement(m)) for m in measures]


def measures_for_plan(plan: Plan) -> list[MeasureRow]:
    """Every measure of a plan (already fetched through plan_get_for_user), judged."""
    return _rows(_with_relations(Measure.objects.filter(plan=plan)).order_by("name", "id"))


def measures_judged(plan: Plan) -> list[MeasureRow]:
    """Every measure of a plan, judged, for summaries: the readings are read as (date, value)
    pairs rather than objects, which is most of the cost with dozens of readings a measure.
    Three queries whatever the measures."""
    measures = (
        Measure.objects.filter(plan=plan)
        .select_related("action__section", "section", "owner")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("date", "id")))
        .order_by("name", "id")
    )
    points: dict[int, list[j.Point]] = defaultdict(list)
    readings = Reading.objects.filter(measure__plan=plan).order_by("date", "created_at", "id")
    for measure_id, day, value in readings.values_list("measure_id", "date", "value"):
        points[measure_id].append(j.Point(day, value))
    return [
        MeasureRow(m, measure_judgement(m, points[m.pk]), points=points[m.pk]) for m in measures
    ]


def measures_for_action(action: Action) -> list[MeasureRow]:
    return _rows(_with_relations(Measure.objects.filter(action=action)).order_by("name", "id"))


def measures_page(plan: Plan) -> QuerySet[Measure]:
    """A plan's measures with what judging them needs, for paging (API)."""
    return _with_relations(Measure.objects.filter(plan=plan)).order_by("name", "id")


def judgement_counts(rows: list[MeasureRow]) -> dict[str, int]:
    """How many of the rows are on track, at risk, off track and without data, and in all."""
    counts = {status.value: 0 for status in j.Status}
    for row in rows:
        counts[row.judgement.status.value] += 1
    counts["total"] = len(rows)
    return counts


def measures_summary(plan: Plan) -> dict[str, int]:
    """Counts per judgement, for the plan summary: three queries whatever the measures."""
    return judgement_counts(measures_judged(plan))


def suggested_rag_for_action(action: Action) -> tuple[str, str] | None:
    """The RAG the action's measures point to, with why; None when the plan does not ask for
    suggestions or no measure has been judged. A suggestion only: never written to the action.
    The worst judgement wins: one off-track measure makes the suggestion red."""
    if not action.plan.measures_suggest_rag:
        return None
    return suggested_rag_from_rows(measures_for_action(action))


def suggested_rag_from_rows(rows: list[MeasureRow]) -> tuple[str, str] | None:
    """suggested_rag_for_action for rows already loaded (the plan's setting not checked)."""
    judged = [r for r in rows if r.judgement.status != j.Status.NO_DATA]
    if not judged:
        return None
    worst = j.worst([r.judgement.status for r in judged])
    row = next(r for r in judged if r.judgement.status == worst)
    rag = j.STATUS_RAG[worst]
    reason = f"“{row.measure.name}” is {worst.label.lower()}. {row.judgement.reason}"
    return rag, reason


# --- Charts ---------------------------------------------------------------------------------


# (width, height) of the chart's viewBox: "full" for its own page, "half" for two side by side
# (a board pack's small multiples: fewer axis labels, and the key given once beside them),
# "compact" for a sparkline in a list.
CHART_SIZES = {"full": (640, 320), "half": (420, 220), "compact": (240, 80)}


def measure_chart_svg(
    measure: Measure,
    *,
    compact: bool = False,
    size: str = "full",
    judgement: j.Judgement | None = None,
) -> str:
    """The measure's readings against its trajectory and targets, as an SVG string. Give the
    ``judgement`` when it is already worked out (a list row has it). ``compact`` is the
    sparkline (``size="compact"``)."""
    size = "compact" if compact else size
    width, height = CHART_SIZES[size]
    targets = list(measure.targets.all())
    readings = list(measure.readings.all())
    verdict = judgement or measure_judgement(measure)
    start = j.start_point(measure.baseline_value, measure.baseline_date, _points(readings))
    path = j.trajectory(start, _points(targets)) if targets and start else []

    def fmt(v: charts.Number) -> str:
        return format_value(Decimal(str(v)), measure.unit)

    aim = "; ".join(f"{fmt(t.value)} by {t.date:%d %b %Y}" for t in targets) or "none set"
    latest = verdict.latest
    desc = (
        f"{len(readings)} readings"
        + (f", the latest {fmt(latest.value)} on {latest.date:%d %b %Y}" if latest else "")
        + f". Targets: {aim}. Judgement: {verdict.label}."
    )
    if measure.baseline_value is not None:
        desc = f"Baseline {fmt(measure.baseline_value)}. " + desc
    return charts.line_chart(
        [charts.Series("Readings", [(r.date, r.value) for r in readings], charts.BLUE)],
        title=f"{measure.name}: readings against trajectory",
        description=desc,
        trajectory=[(p.date, p.value) for p in path],
        targets=[(t.date, t.value) for t in targets],
        value_format=fmt,
        width=width,
        height=height,
        compact=size == "compact",
        ticks=3 if size == "half" else 5,
        legend=size == "full",
        chart_id=f"measure-{measure.pk}{'' if size == 'full' else '-' + size}",
        y_label=measure.unit_label,
    )


# --- Suggestions ----------------------------------------------------------------------------


@dataclass
class SuggestionRow:
    """A target phrase offered as a measure: from an action's text (action set) or from a
    section's description (section set, action None)."""

    action: Action | None
    index: int
    suggestion: MeasureSuggestion
    section: Section | None = None

    @property
    def key(self) -> str:
        """Unique on the page: for form field ids."""
        if self.action is not None:
            return f"a{self.action.pk}-{self.index}"
        if self.section is not None:
            return f"s{self.section.pk}-{self.index}"
        raise ValueError("A suggestion comes from an action or a section.")


def settled_key(
    action_id: int | None, section_id: int | None, phrase: str
) -> tuple[str, int | None, str]:
    """What a confirmed or dismissed suggestion is known by: its action's phrase, or, for a
    suggestion from a section's description, the section's."""
    return ("action", action_id, phrase) if action_id else ("section", section_id, phrase)


def measure_suggestions_for_plan(plan: Plan) -> list[SuggestionRow]:
    """Target phrases in the plan's actions and section descriptions not yet confirmed or
    dismissed, actions first (in plan order), then sections: three queries."""
    actions = list(
        Action.objects.filter(plan=plan)
        .only("id", "plan_id", "ref", "title", "description", "section_id", "due_latest")
        .order_by("position", "id")
    )
    sections = list(
        Section.objects.filter(plan=plan)
        .exclude(description="")
        .only("id", "plan_id", "title", "description")
        .order_by("position", "id")
    )
    # One query for both kinds of settled phrase. order_by() clears the default orderings,
    # which a compound statement may not have.
    confirmed = (
        Measure.objects.filter(plan=plan)
        .exclude(suggested_from="")
        .order_by()
        .values_list("action_id", "section_id", "suggested_from")
    )
    dismissed = (
        DismissedSuggestion.objects.filter(Q(action__plan=plan) | Q(section__plan=plan))
        .order_by()
        .values_list("action_id", "section_id", "phrase")
    )
    settled = {settled_key(*row) for row in confirmed.union(dismissed, all=True).order_by()}
    rows = []
    for action in actions:
        for index, suggestion in enumerate(suggest_measures(action_text(action))):
            if settled_key(action.pk, None, suggestion.phrase) not in settled:
                rows.append(SuggestionRow(action, index, suggestion))
    for section in sections:
        for index, suggestion in enumerate(suggest_measures(section_text(section))):
            if settled_key(None, section.pk, suggestion.phrase) not in settled:
                rows.append(SuggestionRow(None, index, suggestion, section=section))
    return rows


def section_in_plan(plan: Plan, pk: int) -> Section:
    """A section of a plan already fetched through plan_get_for_user, or 404."""
    try:
        return Section.objects.select_related("plan").get(plan=plan, pk=pk)
    except Section.DoesNotExist as exc:
        raise Http404("No such section") from exc


def action_in_plan(plan: Plan, pk: int) -> Action:
    """An action of a plan already fetched through plan_get_for_user, or 404."""
    try:
        return Action.objects.select_related("plan").get(plan=plan, pk=pk)
    except Action.DoesNotExist as exc:
        raise Http404("No such action") from exc


# --- Benefits -------------------------------------------------------------------------------


def benefits_for_plan(plan: Plan) -> QuerySet[Benefit]:
    return (
        Benefit.objects.filter(plan=plan)
        .select_related("section", "owner", "measure")
        .order_by("section__position", "section_id", "title", "id")
    )


def benefit_totals(plan: Plan) -> dict[str, Any]:
    """How many benefits, and the expected and realised totals of the financial ones: one
    query."""
    financial = Q(kind=Benefit.Kind.FINANCIAL)
    totals = Benefit.objects.filter(plan=plan).aggregate(
        count=Count("pk"),
        expected=Sum("expected_value", filter=financial),
        realised=Sum("realised_value", filter=financial),
    )
    return {k: v or (0 if k == "count" else Decimal(0)) for k, v in totals.items()}


def benefit_get_for_user(user: User, pk: int) -> Benefit:
    try:
        return Benefit.objects.select_related("plan", "section", "measure", "owner").get(
            pk=pk, plan__in=plans_visible_to(user)
        )
    except Benefit.DoesNotExist as exc:
        raise Http404("No such benefit") from exc


# --- History --------------------------------------------------------------------------------


def measure_history(measure: Measure) -> list[Entry]:
    """Changes to the measure, its targets and its readings, newest first."""
    return merged(
        entries_for(Measure.history.filter(id=measure.pk), lambda r: "Measure"),
        entries_for(
            Target.history.filter(measure_id=measure.pk),
            lambda r: f"Target {format_value(r.value, measure.unit)} by {r.date:%d/%m/%Y}",
        ),
        entries_for(
            Reading.history.filter(measure_id=measure.pk),
            lambda r: f"Reading {format_value(r.value, measure.unit)} on {r.date:%d/%m/%Y}",
        ),
    )
