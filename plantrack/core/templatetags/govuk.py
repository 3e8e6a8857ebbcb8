"""Template helpers for GOV.UK markup, loaded as builtins in every template."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

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
