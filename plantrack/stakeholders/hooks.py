"""What the stakeholder database adds to the pages of apps beneath it (plantrack.core.hooks)."""

from __future__ import annotations

from django.template.loader import render_to_string

from plantrack.accounts.http import SignedInRequest
from plantrack.accounts.models import User
from plantrack.core import hooks
from plantrack.directory.models import Organisation
from plantrack.engagement.models import Activity
from plantrack.plans.selectors import today
from plantrack.stakeholders.models import DatabaseRole
from plantrack.stakeholders.selectors import (
    attendance_at,
    contact_overdue,
    stakeholders_of_organisation,
)


@hooks.register(hooks.ORGANISATION_PAGE)
def organisation_stakeholder(request: SignedInRequest, organisation: Organisation) -> str:
    """Where the organisation is a stakeholder: the last contact, and whether the expected
    contact frequency is met, in each database the reader can see."""
    links = list(stakeholders_of_organisation(request.user, organisation))
    if not links:
        return ""
    day = today()
    rows = [(link, contact_overdue(link, day)) for link in links]
    return render_to_string(
        "stakeholders/_organisation_stakeholder.html", {"rows": rows}, request=request
    )


@hooks.register(hooks.ACTIVITY_PAGE)
def activity_attendance(request: SignedInRequest, activity: Activity) -> str:
    """Who attended: the interactions logged at the activity, in the databases the reader can
    see (names only; contact details stay on the contacts' pages)."""
    interactions = list(attendance_at(request.user, activity))
    return render_to_string(
        "stakeholders/_activity_attendance.html",
        {"interactions": interactions, "activity": activity},
        request=request,
    )


@hooks.register(hooks.PRIVILEGED)
def is_data_steward(user: User) -> bool:
    """A data steward reaches other people's personal data (erasure, subject access): they
    sign in with a second factor (accounts/twofactor.py)."""
    return DatabaseRole.objects.filter(user=user, role=DatabaseRole.Role.DATA_STEWARD).exists()
