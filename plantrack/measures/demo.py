"""The demo plans' measures: the targets written in the seeds' actions, confirmed as a plan
manager would confirm them on the suggestions page."""

from __future__ import annotations

from django.db import transaction

from plantrack.accounts.models import User
from plantrack.measures.models import Measure
from plantrack.measures.selectors import measure_suggestions_for_plan
from plantrack.measures.services import measure_create_from_suggestion
from plantrack.plans.models import Plan


@transaction.atomic
def load_demo_measures(*, actor: User, plan: Plan) -> list[Measure]:
    """Confirm every target phrase found in the plan's actions. Readings are left to the
    users: the seed documents give none."""
    return [
        measure_create_from_suggestion(
            actor=actor, action=row.action, suggestion_index=row.index, phrase=row.suggestion.phrase
        )
        for row in measure_suggestions_for_plan(plan)
    ]
