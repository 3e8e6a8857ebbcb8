"""{% may_follow_body body members oversights as can_follow %}: whether the signed-in user may
follow a body's calendar, by the reminders app's rule (selectors.may_follow_body)."""

from __future__ import annotations

from django import template

from plantrack.reminders.selectors import may_follow_body as _may_follow_body

register = template.Library()


@register.simple_tag(takes_context=True)
def may_follow_body(context, body, members, oversights) -> bool:
    return _may_follow_body(context["user"], body, members, oversights)
