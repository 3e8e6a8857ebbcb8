"""A level of an answer as a tag: the words, with a colour that only repeats them."""

from __future__ import annotations

from functools import cache

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


@register.simple_tag
def heat_cells(heat, unit, row) -> str:
    """A heat map row's cells: each answer's tag linking to its page on the unit's return, and
    "≠ data" where the data disagrees. Built as one string with each level's tag made once:
    a 40 × 50 map is 2,000 cells, and a template filter per cell cost more than the rest of
    the page."""
    # Each cell links to the item's answer page (returns/<unit>/items/<item>/, beneath the
    # return's address): reverse() per cell was 20 ms more for 2,000 cells, measured.
    url = reverse("assessments:unit", args=[unit.pk])
    tags = _tags()
    cells = []
    for item, answer in zip(heat.items, row, strict=True):
        tag = tags[answer.level if answer is not None else None]
        link = f'<a class="app-heat-map__link" href="{url}items/{item.pk}/">{tag}</a>'
        flag = DISAGREES if heat.disagrees(unit, item) else ""
        cells.append(f'<td class="govuk-table__cell">{link}{flag}</td>')
    return mark_safe("".join(cells))  # every part escaped above (format_html, reverse, ids)


DISAGREES = (
    '<div class="govuk-body-s app-heat-map__disagrees"><span aria-hidden="true">≠ </span>data'
    '<span class="govuk-visually-hidden"> disagrees</span></div>'
)


@cache
def _tags() -> dict[str | None, str]:
    found: dict[str | None, str] = {
        level: str(level_tag(Answer(level=level))) for level in Answer.Level.values
    }
    found[None] = str(level_tag(None))
    return found


@register.filter
def disagreements_of(heat, unit) -> int:
    return heat.disagreements(unit)
