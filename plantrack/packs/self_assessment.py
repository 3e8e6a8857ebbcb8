"""A board pack's optional self-assessment section: the latest cycle of each framework that
concerns the organisations owning the plans the body oversees, as plain JSON for the snapshot
like the rest of the pack (assessments/report.py: ``cycle_summary``).

Which frameworks: those the plans' organisations keep (a force's board sees how its boroughs
do against the force's checklist), and those the plans' organisations answered as units (a
borough's board sees its borough's cycle, beside the other units'). A new version of a
framework continues the old one: only the latest cycle of the line counts. Of each, the latest
cycle opened by the pack's day that the person preparing the pack may read (they chose to put
it in front of the board), open or closed, with each return's stage.

What of it: figures only, since a pack is read by whoever sees its plans, who need not read
the cycle: each unit's score against the target, its mandatory items missing, how many of its
answers the data disagrees with and how they moved since its last cycle, and each item's
adoption across the units; the items' texts (a cycle's framework is published: everyone signed
in reads it). Never an answer's comment, reason or review, nor what the data found."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from plantrack.accounts.models import User
from plantrack.assessments.models import Cycle, Framework
from plantrack.assessments.report import cycle_summary
from plantrack.assessments.selectors import cycles_visible_to, heat_map
from plantrack.plans.models import Plan
from plantrack.plans.selectors import plans_visible_to


def pack_cycles(plan_ids: list[int], reader: User | None, on: dt.date) -> list[Cycle]:
    """The latest cycle (opened by ``on``, readable by ``reader``) of each line of frameworks
    that the plans' organisations keep or answered as units. Three queries."""
    if reader is None or not plan_ids:
        return []
    owners = Plan.objects.filter(pk__in=plan_ids).values("owner_organisation_id")
    found = list(
        cycles_visible_to(reader)
        .filter(
            Q(framework__organisation_id__in=owners)
            | Q(pk__in=Cycle.objects.filter(units__organisation_id__in=owners).values("pk")),
            opens_on__lte=on,
        )
        .select_related("framework__organisation")
        .order_by("-opens_on", "-pk")
    )
    if not found:
        return []
    # Each framework's first version: its line. Versions are made from the keeper's own.
    keepers = {cycle.framework.organisation_id for cycle in found}
    previous = dict(
        Framework.objects.filter(organisation_id__in=keepers).values_list("pk", "previous_id")
    )

    def line(framework_id: int) -> int:
        seen = {framework_id}
        while (earlier := previous.get(framework_id)) is not None and earlier not in seen:
            framework_id = earlier
            seen.add(earlier)
        return framework_id

    latest: dict[int, Cycle] = {}
    for cycle in found:  # latest first
        latest.setdefault(line(cycle.framework_id), cycle)
    return sorted(
        latest.values(),
        key=lambda c: (c.framework.organisation.name, c.framework.title, -c.pk),
    )


def self_assessment_section(
    plan_ids: list[int], reader: User | None, on: dt.date
) -> dict[str, Any]:
    """The section for a pack's plans; its cycles may be none. A fixed number of queries for
    each cycle, whatever its numbers of units and items."""
    cycles = pack_cycles(plan_ids, reader, on)
    if reader is None or not cycles:
        return {"cycles": []}
    readable = plans_visible_to(reader)
    return {"cycles": [cycle_summary(heat_map(cycle, plans=readable)) for cycle in cycles]}
