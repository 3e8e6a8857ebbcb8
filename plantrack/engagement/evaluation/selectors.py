"""The evaluation of an engagement register: quantity, spread, quality and benefits for an
area, a business group and a period. For a financial year or quarter it is added up from the
tallies kept as activities change (tallied.py over tally.py: a few thousand cells whatever the
activities in scope); for any other period (a board pack's month) the activities in scope are
recounted (rows.py). Both give the same figures (tests/test_tally.py) by the same rules.

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
  counts in the period the activity starts in, or, for an undated activity, once in full. The
  total is rounded to the penny once.
* **Benefits**: the measures of the plan actions the activities deliver (of plans the reader
  may see): the value at the start of the period (the latest reading before it, else the
  baseline, else the first reading in it) against the latest reading in it, and the judgement
  on the readings up to the end of the period.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from plantrack.core.cache import cached
from plantrack.directory.models import Area
from plantrack.directory.selectors import areas_stamp
from plantrack.engagement.evaluation import rows, tallied, tally
from plantrack.engagement.evaluation.periods import Period
from plantrack.engagement.evaluation.results import Evaluation
from plantrack.engagement.models import Activity, Group, Register
from plantrack.plans.models import Plan


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
    span = tally.quarters(period)
    if span is None:
        return rows.evaluate(register, period=period, plans=plans, area=area, group=group)
    tally.ensure(register)
    return tallied.evaluate(register, period=period, span=span, plans=plans, area=area, group=group)


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
