"""History rows for a plan's page of changes: who placed it under which body, and the
decisions and sign-offs recorded about it or its things."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q

from plantrack.budgets.models import BudgetLine
from plantrack.core import hooks
from plantrack.core.history import Entry, entries_for
from plantrack.directory.models import Person
from plantrack.governance.models import AgendaItem, Body, Decision, Meeting, Oversight
from plantrack.measures.models import Measure
from plantrack.plans.models import Action, Plan, Section


def _names(pairs: Iterable[tuple[Any, str]]) -> Callable[[Any], str]:
    names = dict(pairs)
    return lambda pk: names.get(pk, "—")


@hooks.register(hooks.PLAN_HISTORY)
def plan_governance_entries(plan_id: int) -> list[Entry]:
    """Oversight and decision history of one plan, from a bounded number of queries."""
    oversights = Oversight.history.filter(plan_id=plan_id)
    # The whole history of every decision that was ever about the plan, so that a correction
    # which moved one to or from another plan is compared with the version before it.
    decisions = Decision.history.filter(
        id__in=Decision.history.filter(subject_plan_id=plan_id).values("id")
    )
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
    # What a corrected decision pointed at before and after: one query for each kind of thing.
    about = {
        "plan_id": _names(
            Plan.objects.filter(pk__in=decisions.values("plan_id")).values_list("pk", "title")
        ),
        "section_id": _names(
            Section.objects.filter(pk__in=decisions.values("section_id")).values_list("pk", "title")
        ),
        "action_id": _names(
            (a.pk, str(a)) for a in Action.objects.filter(pk__in=decisions.values("action_id"))
        ),
        "measure_id": _names(
            Measure.objects.filter(pk__in=decisions.values("measure_id")).values_list("pk", "name")
        ),
        "budget_line_id": _names(
            BudgetLine.objects.filter(pk__in=decisions.values("budget_line_id")).values_list(
                "pk", "name"
            )
        ),
        "meeting_id": _names(
            (m.pk, str(m))
            for m in Meeting.objects.filter(pk__in=decisions.values("meeting_id")).select_related(
                "body"
            )
        ),
        "agenda_item_id": _names(
            AgendaItem.objects.filter(pk__in=decisions.values("agenda_item_id")).values_list(
                "pk", "title"
            )
        ),
    }

    def oversight_label(record: Any) -> str:
        what = f"section “{sections(record.section_id)}”" if record.section_id else "the plan"
        return f"Oversight of {what} by {bodies(record.body_id)}"

    def decision_label(record: Any) -> str:
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
        {**about, "body_id": bodies, "subject_plan_id": about["plan_id"]},
        verbs={"+": "recorded"},
    )
