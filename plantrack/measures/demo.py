"""The demo plans' measures: the targets written in the seeds' actions and in their sections'
descriptions (the narrative under each initiative's heading), confirmed as a plan manager
would confirm them on the suggestions page."""

from __future__ import annotations

from django.db import transaction

from plantrack.accounts.models import User
from plantrack.measures.models import Measure
from plantrack.measures.selectors import measure_suggestions_for_plan
from plantrack.measures.services import (
    measure_create_from_section_suggestion,
    measure_create_from_suggestion,
)
from plantrack.plans.models import Plan


@transaction.atomic
def load_demo_measures(*, actor: User, plan: Plan) -> list[Measure]:
    """Confirm every target phrase found in the plan's actions and section descriptions.
    Readings are left to the users: the seed documents give none."""
    measures = []
    for row in measure_suggestions_for_plan(plan):
        if row.action is not None:
            measure = measure_create_from_suggestion(
                actor=actor,
                action=row.action,
                suggestion_index=row.index,
                phrase=row.suggestion.phrase,
            )
        elif row.section is not None:
            measure = measure_create_from_section_suggestion(
                actor=actor,
                section=row.section,
                suggestion_index=row.index,
                phrase=row.suggestion.phrase,
            )
        else:  # every suggestion comes from an action or a section (SuggestionRow)
            continue
        measures.append(measure)
    return measures
