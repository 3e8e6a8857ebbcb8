"""What engagement adds to the pages of apps beneath it (see plantrack.core.hooks)."""

from __future__ import annotations

from django.template.loader import render_to_string

from plantrack.accounts.http import SignedInRequest
from plantrack.core import hooks
from plantrack.directory.models import Organisation
from plantrack.engagement.selectors import activities_delivering, registers_for_list
from plantrack.plans.models import Action


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
    registers = list(registers_for_list(request.user).filter(organisation=organisation))
    if not registers:
        return ""
    return render_to_string(
        "engagement/_organisation_registers.html", {"registers": registers}, request=request
    )
