"""What both ways of evaluating share (rows.py recounts activities, tallied.py adds up the
tallies): the cost in a period from exact pence-days, the lists of methods, levels and
communities from their counts, the places one level down, the activities in scope as SQL."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q

from plantrack.core.finyears import fy_bounds, fy_of
from plantrack.directory.models import Area
from plantrack.engagement.evaluation.periods import Period
from plantrack.engagement.evaluation.results import PENNY, Quantity
from plantrack.engagement.models import Activity, Community, Group, Method, Output, Register
from plantrack.engagement.selectors import ActivityFilter

NOT_DESCRIBED = "Not described"
NOT_RECORDED = "Not recorded"
IN_WORDS = "Described in words only"
STATUSES = (Activity.Status.PLANNED, Activity.Status.RUNNING, Activity.Status.COMPLETED)


def year_days(period: Period) -> int:
    first, last = fy_bounds(fy_of(period.start))
    return (last - first).days + 1


def cost_total(pence_days: int, pence_once: int, period: Period) -> Decimal:
    """The cost in a period: costs per year as pence × days run in the period (summed
    exactly) over the days of the financial year, plus one-off costs, rounded once."""
    pence = Decimal(pence_days) / year_days(period) + pence_once
    return (pence / 100).quantize(PENNY)


def scope(
    register: Register,
    period: Period,
    area: Area | None,
    group: Group | None,
    prefix: str = "",
) -> Q:
    """The activities in scope that are not cancelled, as a filter on Activity (or, through
    ``prefix``, on what links to one). Meant for few rows (an activity's links to actions,
    the lowest scoring): the area is tested on each row's own places."""
    outer = f"{prefix}pk" if not prefix else prefix.removesuffix("__")
    found = Q(**{f"{prefix}register": register}) & ActivityFilter(
        period_start=period.start, period_end=period.end
    ).in_period(prefix)
    if group is not None:
        found &= Q(**{f"{prefix}group": group})
    if area is not None:
        found &= Q(
            Exists(
                Activity.areas.through.objects.filter(
                    activity_id=OuterRef(outer), area__path__startswith=area.path
                )
            )
        )
    return found & ~Q(**{f"{prefix}status": Activity.Status.CANCELLED})


def quantity(
    by_status: Counter[str],
    outputs: dict[str, tuple[int, int]],
    cost: Decimal,
    costed: int,
) -> Quantity:
    """``by_status`` counts every activity in scope (cancelled too); ``outputs`` is (total,
    records) by kind."""
    live = sum(n for status, n in by_status.items() if status != Activity.Status.CANCELLED)
    labels = dict(Output.Kind.choices)
    listed = [
        {"kind": kind, "label": labels[kind], "total": total, "records": records}
        for kind in Output.Kind.values
        for total, records in [outputs.get(kind, (0, 0))]
        if records
    ]

    def total(kind: str) -> int:
        return outputs.get(kind, (0, 0))[0]

    return Quantity(
        activities=live,
        by_status={status: by_status[status] for status in STATUSES},
        cancelled=by_status[Activity.Status.CANCELLED],
        outputs=listed,
        sessions=total(Output.Kind.SESSIONS),
        people_reached=total(Output.Kind.PEOPLE_REACHED),
        volunteers=total(Output.Kind.VOLUNTEERS),
        cost=cost,
        costed=costed,
        uncosted=live - costed,
    )


def named_counts(
    model: Any, counts: Counter[int], words: int, neither: int, empty: str
) -> list[tuple[str, int]]:
    """Activities per method (or community) chosen from the list, most first, then those
    described only in words and those not at all, where there are any. Entries no longer
    in the list are left out."""
    names = dict(model.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    found = sorted(
        ((names[pk], n) for pk, n in counts.items() if pk in names and n),
        key=lambda c: (-c[1], c[0]),
    )
    return found + [(label, n) for label, n in ((IN_WORDS, words), (empty, neither)) if n]


def methods(counts: Counter[int], words: int, neither: int) -> list[tuple[str, int]]:
    return named_counts(Method, counts, words, neither, NOT_RECORDED)


def communities(counts: Counter[int], words: int, neither: int) -> list[tuple[str, int]]:
    return named_counts(Community, counts, words, neither, NOT_DESCRIBED)


def levels(counts: Counter[str]) -> list[tuple[str, str, int]]:
    found = [(value, str(label), counts[value]) for value, label in Activity.Level.choices]
    if counts[""]:
        found.append(("", NOT_RECORDED, counts[""]))
    return found


def segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def child_areas(register: Register, area: Area | None) -> tuple[list[Area], str]:
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
    tops = {int(segments(p)[0]) for p in paths if segments(p)}
    children = list(
        Area.objects.filter(
            Q(parent_id__in=tops)
            | Q(parent__parent__isnull=True, parent__organisation_id=register.organisation_id)
        )
        .select_related("parent")
        .order_by("parent__name", "name", "pk")
    )
    return children, "Boroughs"
