"""The row of links between a plan's pages: {% plan_nav plan "summary" %}."""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()

TABS = [
    ("actions", "Actions", "plans:detail"),
    ("summary", "Summary", "reports:plan"),
    ("measures", "Measures", "measures:plan"),
    ("budget", "Budget", "budgets:plan"),
    ("benefits", "Benefits", "measures:benefits"),
    ("governance", "Governance", "governance:plan"),
    ("commentary", "Commentary", "packs:commentary"),
    ("public", "Public page", "public:manage"),
    ("history", "History", "plans:history"),
]


@register.inclusion_tag("plans/_plan_nav.html")
def plan_nav(plan, current: str) -> dict:
    return {
        "plan_tabs": [(tab, label, reverse(name, args=[plan.pk])) for tab, label, name in TABS],
        "plan_tab": current,
    }
