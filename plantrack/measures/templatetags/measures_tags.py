"""Template helpers for measures: judgement tags and values in their unit."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from plantrack.measures.selectors import (
    format_value,
    measures_for_action,
    suggested_rag_from_rows,
)

register = template.Library()

JUDGEMENT_COLOURS = {
    "on_track": "green",
    "at_risk": "orange",
    "off_track": "red",
    "no_data": "grey",
}


@register.filter
def judgement_tag(judgement) -> str:
    status = getattr(judgement, "status", judgement)
    label = getattr(judgement, "label", str(status).replace("_", " ").capitalize())
    colour = JUDGEMENT_COLOURS.get(str(status), "grey")
    return format_html(
        '<strong class="govuk-tag app-status govuk-tag--{}">{}</strong>', colour, label
    )


@register.filter
def measure_value(value, measure_or_unit) -> str:
    unit = getattr(measure_or_unit, "unit", measure_or_unit) or "count"
    return format_value(value, unit)


@register.inclusion_tag("measures/_action_measures.html")
def action_measures(action) -> dict:
    """An action's measures, judged, with the RAG they suggest: {% action_measures action %}."""
    rows = measures_for_action(action)
    suggestion = suggested_rag_from_rows(rows) if action.plan.measures_suggest_rag else None
    return {"action": action, "rows": rows, "suggestion": suggestion}
