"""What the directory adds to the pages of apps beneath it (see plantrack.core.hooks)."""

from __future__ import annotations

from django.template.loader import render_to_string

from plantrack.accounts.http import SignedInRequest
from plantrack.core import hooks
from plantrack.directory import selectors


@hooks.register(hooks.PROFILE_PAGE)
def profile_entry(request: SignedInRequest) -> str:
    """The user's directory entry and organisations, on their profile."""
    user = request.user
    return render_to_string(
        "directory/_profile.html",
        {
            "person": selectors.person_for_user(user),
            "memberships": selectors.memberships_of(user),
            "can_invite": selectors.can_invite(user),
        },
        request=request,
    )
