from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequired


class LoginRequiredMiddleware(BaseLoginRequired):
    """Every page needs a signed-in user, except the API, which answers 401 itself, and the
    calendar feeds, whose secret token is the credential (calendar programs cannot sign in)."""

    EXEMPT_PREFIXES = ("/api/", "/reminders/calendar/")

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(self.EXEMPT_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
