"""History rows for a plan's page of changes: who placed it under which body, and the
decisions and sign-offs recorded about it or its things."""

from __future__ import annotations

from django.db.models import Q

from plantrack.core.history import Entry, entries_for
from plantrack.directory.models import Person
from plantrack.governance.models import Body, Decision, Oversight
from plantrack.plans.models import Section


def _names(pairs) -> callable:
    names = dict(pairs)
    return lambda pk: names.get(pk, "—")


def plan_governance_entries(plan_id: int) -> list[Entry]:
    """Oversight and decision history of one plan, from a bounded number of queries."""
    oversights = Oversight.history.filter(plan_id=plan_id)
    decisions = Decision.history.filter(subject_plan_id=plan_id)
    bodies = _names(
        Body.objects.filter(
            Q(pk__in=oversights.values("body_id")) | Q(pk__in=decisions.values("body_id"))
        ).values_list("pk", "name")
    )
    sections = _names(Section.objects.filter(plan_id=plan_id).values_list("pk", "title"))
    people = _names(
        (p.pk, p.display_name) for p in Person.objects.filter(pk__in=oversights.values("lead_id"))
    )
    kinds = dict(Decision.Kind.choices)

    def oversight_label(record) -> str:
        what = f"section “{sections(record.section_id)}”" if record.section_id else "the plan"
        return f"Oversight of {what} by {bodies(record.body_id)}"

    def decision_label(record) -> str:
        text = record.text if len(record.text) <= 60 else f"{record.text[:59]}…"
        return f"{kinds.get(record.kind, 'Decision')} of {bodies(record.body_id)}: “{text}”"

    return entries_for(
        oversights,
        oversight_label,
        {"body_id": bodies, "section_id": sections, "lead_id": people},
        verbs={"+": "set", "-": "removed"},
    ) + entries_for(
        decisions,
        decision_label,
        {"body_id": bodies, "section_id": sections},
        verbs={"+": "recorded"},
    )
