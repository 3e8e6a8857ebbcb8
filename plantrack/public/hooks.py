"""What the public side adds to the pages of apps beneath it (see plantrack.core.hooks)."""

from __future__ import annotations

from django.template.loader import render_to_string

from plantrack.accounts.http import SignedInRequest
from plantrack.core import hooks
from plantrack.engagement.models import Activity
from plantrack.engagement.selectors import can_edit_activity
from plantrack.public.models import Event


@hooks.register(hooks.ACTIVITY_PAGE)
def activity_public_events(request: SignedInRequest, activity: Activity) -> str:
    """The activity's events on the public calendar, and for its editors a link to publish
    another (one query, two for an editor)."""
    events = list(Event.objects.filter(activity=activity).select_related("area")[:20])
    can_publish = can_edit_activity(request.user, activity)
    if not events and not can_publish:
        return ""
    return render_to_string(
        "public/_activity_events.html",
        {"events": events, "activity": activity, "can_publish": can_publish},
        request=request,
    )
