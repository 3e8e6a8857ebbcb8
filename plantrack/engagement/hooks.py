"""What engagement adds to the pages of apps beneath it (see plantrack.core.hooks), and the
evidence its activities and outcomes take (plantrack.evidence.registry)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from plantrack.accounts.http import SignedInRequest
from plantrack.accounts.models import User
from plantrack.core import hooks
from plantrack.directory.models import Area, Organisation
from plantrack.directory.selectors import can_edit_organisation
from plantrack.engagement.models import Activity, Outcome
from plantrack.engagement.selectors import (
    activities_delivering,
    activities_visible_to,
    can_edit_activity,
    communities_served,
    in_area,
    registers_for_list,
)
from plantrack.evidence import registry
from plantrack.plans.models import Action

AREA_PAGE_LIMIT = 100


@hooks.register(hooks.ACTION_PAGE)
def action_activities(request: SignedInRequest, action: Action) -> str:
    """The engagement activities delivering an action: its delivery evidence."""
    activities = list(activities_delivering(request.user, action)[:100])
    if not activities:
        return ""
    return render_to_string(
        "engagement/_action_activities.html", {"activities": activities}, request=request
    )


@hooks.register(hooks.ORGANISATION_PAGE)
def organisation_registers(request: SignedInRequest, organisation: Organisation) -> str:
    """Its engagement registers, and the communities it serves (group descriptors)."""
    context = {
        "organisation": organisation,
        "registers": list(registers_for_list(request.user).filter(organisation=organisation)),
        "communities": list(communities_served(organisation)),
        "can_edit": can_edit_organisation(request.user, organisation),
    }
    return render_to_string("engagement/_organisation_registers.html", context, request=request)


# --- Evidence on activities and their outcomes (plantrack/evidence/registry.py) -------------


def _may_read(user: User, activity: Activity) -> bool:
    return user.is_authenticated and activities_visible_to(user).filter(pk=activity.pk).exists()


def _may_attach(user: User, activity: Activity) -> bool:
    return user.is_authenticated and can_edit_activity(user, activity)


registry.register(
    Activity,
    can_read=_may_read,
    can_attach=_may_attach,
    url=lambda activity: reverse("engagement:activity", args=[activity.pk]),
    describe=lambda activity: f"the activity “{activity.title[:80]}”",
)
registry.register(
    Outcome,
    can_read=lambda user, outcome: _may_read(user, outcome.activity),
    can_attach=lambda user, outcome: _may_attach(user, outcome.activity),
    url=lambda outcome: reverse("engagement:activity", args=[outcome.activity_id]),
    describe=lambda outcome: f"“you said, we did” of “{outcome.activity.title[:60]}”",
    queryset=lambda: Outcome.objects.select_related("activity"),
)


@hooks.register(hooks.AREA_PAGE)
def area_activities(request: SignedInRequest, area: Area) -> str:
    """The activities covering a place or somewhere inside it, among the registers one reads."""
    activities = list(
        activities_visible_to(request.user)
        .filter(in_area(area))
        .select_related("register")
        .order_by("register__title", "title")[: AREA_PAGE_LIMIT + 1]
    )
    if not activities:
        return ""
    registers = {a.register for a in activities}
    return render_to_string(
        "engagement/_area_activities.html",
        {
            "area": area,
            "activities": activities[:AREA_PAGE_LIMIT],
            "more": len(activities) > AREA_PAGE_LIMIT,
            "registers": sorted(registers, key=lambda r: r.title),
        },
        request=request,
    )
