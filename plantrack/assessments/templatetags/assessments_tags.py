"""A level of an answer as a tag: the words, with a colour that only repeats them."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from plantrack.assessments.models import Answer

register = template.Library()

LEVEL_COLOURS: dict[str, str] = {
    Answer.Level.NOT_IN_PLACE: "red",
    Answer.Level.PLANNED: "orange",
    Answer.Level.PARTLY: "yellow",
    Answer.Level.IN_PLACE: "green",
    Answer.Level.EMBEDDED: "turquoise",
    Answer.Level.NOT_APPLICABLE: "grey",
}


@register.filter
def level_tag(answer: Answer | None) -> str:
    if answer is None:
        return format_html('<span class="app-secondary">{}</span>', "Not answered")
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        LEVEL_COLOURS.get(answer.level, "grey"),
        answer.get_level_display(),
    )


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.filter
def disagrees(check, answer) -> bool:
    """Whether the data's word on an item contradicts the unit's answer (checks.Check)."""
    return check.disagrees_with(answer)
