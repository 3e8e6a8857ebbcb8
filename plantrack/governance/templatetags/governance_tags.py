"""Decisions where the things are: {% decisions_for action %} on an action's page,
{% plan_governance plan %} (who oversees it, the latest decisions) on a plan's page."""

from __future__ import annotations

from django import template
from django.urls import reverse

from plantrack.budgets.models import BudgetLine
from plantrack.governance import selectors
from plantrack.measures.models import Measure
from plantrack.plans.models import Action, Plan, Section

register = template.Library()

DECISIONS_SHOWN = 20
LATEST_ON_PLAN = 3


@register.inclusion_tag("governance/_decisions.html")
def decisions_for(subject, heading: str = "Decisions and sign-offs") -> dict:
    """The decisions about a plan (and everything in it), a section, an action, a measure or
    a budget line, newest first. One query."""
    decisions = list(selectors.decisions_for(subject)[:DECISIONS_SHOWN])
    return {
        "decisions": decisions,
        "heading": heading,
        "show_subject": isinstance(subject, Plan),
        # Pages built from this tag are cached for every reader of the plan: no links to
        # correct a decision here (those are on the body's, meeting's and governance pages).
        "kept": (),
    }


@register.inclusion_tag("governance/_plan_governance.html")
def plan_governance(plan: Plan) -> dict:
    """A short line for the plan page: the bodies overseeing it and its latest decisions."""
    oversights = [o for o in selectors.oversights_for_plan(plan) if o.section_id is None]
    return {
        "plan": plan,
        "oversights": oversights,
        "decisions": list(selectors.decisions_for_plan(plan)[:LATEST_ON_PLAN]),
    }


@register.filter
def subject_url(subject) -> str:
    """Where a decision's subject lives."""
    if isinstance(subject, Plan):
        return reverse("plans:detail", args=[subject.pk])
    if isinstance(subject, Section):
        return reverse("reports:section", args=[subject.pk])
    if isinstance(subject, Action):
        return reverse("plans:action", args=[subject.pk])
    if isinstance(subject, Measure):
        return reverse("measures:detail", args=[subject.pk])
    if isinstance(subject, BudgetLine):
        return reverse("budgets:plan", args=[subject.plan_id])
    return ""


@register.filter
def subject_label(subject) -> str:
    return selectors.subject_text(subject)
