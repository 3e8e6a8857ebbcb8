"""Money as people read it in a budget: £25,150 or £1,234.50, overspends with a minus sign."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from plantrack.budgets.models import Category
from plantrack.core.finyears import fy_label

register = template.Library()


@register.filter
def money(value) -> str:
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    sign = "−" if amount < 0 else ""
    amount = abs(amount)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{sign}£{text}"


FUNDING_COLOURS = {
    "drafted": "grey",
    "submitted": "blue",
    "decision_pending": "yellow",
    "approved": "green",
    "declined": "red",
    "withdrawn": "grey",
}


@register.simple_tag
def funding_tag(funding) -> str:
    colour = FUNDING_COLOURS.get(funding.status, "grey")
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, funding.get_status_display()
    )


@register.simple_tag
def spend_flags(cell) -> str:
    """Tags for a budget cell judged by the selectors: over budget, ahead of profile."""
    if cell.get("over"):
        return mark_safe('<strong class="govuk-tag govuk-tag--red">Over budget</strong>')
    if cell.get("ahead_of_profile"):
        return mark_safe('<strong class="govuk-tag govuk-tag--orange">Ahead of profile</strong>')
    return ""


@register.filter
def fy(year) -> str:
    """2013 → 2013/14."""
    try:
        return fy_label(int(year))
    except (TypeError, ValueError):
        return ""


@register.filter
def amount_for(amounts: dict, year):
    return amounts.get(year)


@register.filter
def category(value: str) -> str:
    return dict(Category.choices).get(value, value)
