"""What the reminders app adds to the pages of apps beneath it (see plantrack.core.hooks)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from plantrack.accounts.http import SignedInRequest
from plantrack.core import hooks
from plantrack.reminders import selectors
from plantrack.reminders.forms import PreferenceForm


@hooks.register(hooks.PROFILE_PAGE)
def profile_reminders(request: SignedInRequest) -> str:
    """The reminder settings on the profile: the form posts to the reminders page (its own
    view and service), which comes back to the profile."""
    pref = selectors.preference_for(request.user)
    form = PreferenceForm(initial={"frequency": pref.frequency, "weekday": pref.weekday})
    return render_to_string(
        "reminders/_profile.html",
        {"form": form, "pref": pref, "next": reverse("accounts:profile")},
        request=request,
    )
