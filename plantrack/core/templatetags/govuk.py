"""Template helpers for GOV.UK markup, loaded as builtins in every template."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from plantrack.core.text import narrative_blocks

register = template.Library()

# One map from every RAG and status value to its tag colour.
TAG_COLOURS = {
    "red": "red",
    "amber": "orange",
    "green": "green",
    "blue": "blue",
    "not_started": "grey",
    "in_progress": "light-blue",
    "complete": "green",
    "ongoing": "turquoise",
    "cancelled": "grey",
    "draft": "grey",
    "active": "green",
    "closed": "grey",
    "archived": "grey",
    "manager": "purple",
    "contributor": "blue",
    "viewer": "grey",
    "planned": "grey",
    "running": "light-blue",
    "completed": "green",
    "consultation": "yellow",
    "published": "green",
    "retired": "grey",
}
TAG_LABELS = {
    "red": "Red",
    "amber": "Amber",
    "green": "Green",
    "blue": "Blue",
    "not_started": "Not started",
    "in_progress": "In progress",
    "complete": "Complete",
    "ongoing": "Ongoing / BAU",
    "cancelled": "Cancelled",
    "draft": "Draft",
    "active": "Active",
    "closed": "Closed",
    "archived": "Archived",
    "manager": "Manager",
    "contributor": "Contributor",
    "viewer": "Viewer",
    "planned": "Planned",
    "running": "Running",
    "completed": "Completed",
    "consultation": "In consultation",
    "published": "Published",
    "retired": "Retired",
}


RAG_VALUES = {"red", "amber", "green", "blue", ""}


@register.filter
def tag_class(value: str) -> str:
    value = value or ""
    if value in RAG_VALUES:
        return f"govuk-tag app-rag app-rag--{value or 'none'}"
    return f"govuk-tag app-status govuk-tag--{TAG_COLOURS.get(value, 'grey')}"


@register.filter
def tag_label(value: str) -> str:
    return TAG_LABELS.get(value or "", "Not rated")


@register.filter
def govuk_tag(value: str) -> str:
    """A RAG or status value as a coloured tag; an empty RAG reads 'Not rated'."""
    return format_html('<strong class="{}">{}</strong>', tag_class(value), tag_label(value))


@register.inclusion_tag("govuk/flags.html")
def action_flags(flags: dict) -> dict:
    return {"flags": flags}


@register.inclusion_tag("govuk/pagination.html", takes_context=True)
def pagination(context, page) -> dict:
    return {"page": page, "request": context["request"]}


@register.filter
def narrative(value: str, level: int = 3) -> SafeString:
    """A plan's or section's narrative as HTML (core.text.narrative_blocks): headings, bullet
    lists and paragraphs, everything escaped."""
    tag = f"h{min(max(int(level), 2), 6)}"
    out: list[str] = []
    for block in narrative_blocks(value):
        if block.heading:
            out.append(format_html('<{} class="govuk-heading-s">{}</{}>', tag, block.heading, tag))
        items: list[str] = []
        for line, bulleted in block.lines:
            if bulleted:
                items.append(format_html("<li>{}</li>", line))
                continue
            if items:
                out.append(_bullets(items))
                items = []
            out.append(format_html('<p class="govuk-body">{}</p>', line))
        if items:
            out.append(_bullets(items))
    return mark_safe("".join(out))  # every piece above is escaped by format_html


def _bullets(items: list[str]) -> str:
    return '<ul class="govuk-list govuk-list--bullet">' + "".join(items) + "</ul>"
