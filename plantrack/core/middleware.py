from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequired
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.cache import patch_cache_control

# Paths that do not need a signed-in browser: the API answers 401 itself and the calendar
# feeds' secret token is the credential (calendar programs cannot sign in).
EXEMPT_PREFIXES = ("/api/", "/reminders/calendar/")

SIGNED_IN_AT = "plantrack_signed_in_at"
LAST_SEEN = "plantrack_last_seen"


class LoginRequiredMiddleware(BaseLoginRequired):
    """Every page needs a signed-in user, except the API, which answers 401 itself, and the
    calendar feeds, whose secret token is the credential (calendar programs cannot sign in)."""

    EXEMPT_PREFIXES = EXEMPT_PREFIXES

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(self.EXEMPT_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def session_start(sender, request, user, **kwargs) -> None:
    """Starts the session's clocks as it signs in (user_logged_in, connected in core.apps), so
    signing in again starts them afresh and the first page after it writes nothing more."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SIGNED_IN_AT] = session[LAST_SEEN] = int(time.time())


class SessionTimeoutMiddleware:
    """Signs a browser out after PLANTRACK_SESSION_IDLE_MINUTES without a request, and
    PLANTRACK_SESSION_MAX_HOURS after it signed in however busy it has been.

    The session records when it started and when it was last seen. Writing "last seen" on
    every request would write the session row on every request, so it is written only once
    it is a twelfth of the idle limit old (five minutes for an hour): a browser is signed out
    after between 55 and 60 minutes without a request. Token requests to the API and calendar
    programs carry no session and pass untouched; a signed-out browser is sent to sign in by
    LoginRequiredMiddleware, and an expired session on the API or a feed simply ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        idle = settings.PLANTRACK_SESSION_IDLE_MINUTES * 60
        lifetime = settings.PLANTRACK_SESSION_MAX_HOURS * 3600
        session = request.session
        now = int(time.time())
        signed_in_at = session.get(SIGNED_IN_AT)
        last_seen = session.get(LAST_SEEN)
        if signed_in_at is None or last_seen is None:
            # A session from before the limits: they start now.
            session[SIGNED_IN_AT] = signed_in_at or now
            session[LAST_SEEN] = now
        elif now - last_seen > idle or now - signed_in_at > lifetime:
            if now - last_seen > idle:
                why = f"after {settings.PLANTRACK_SESSION_IDLE_MINUTES} minutes without activity"
            else:
                why = f"{settings.PLANTRACK_SESSION_MAX_HOURS} hours after signing in"
            logout(request)
            if not request.path_info.startswith(EXEMPT_PREFIXES):
                messages.error(request, f"You were signed out {why}. Sign in again.")
        elif now - last_seen >= max(1, idle // 12):
            session[LAST_SEEN] = now


PRIVATE = ("private", "no-store")


class PrivateCacheMiddleware:
    """Tells browsers and proxies not to keep what a signed-in user (or an API token) was
    shown: `Cache-Control: private, no-store` on pages, downloads and API answers.

    A response that already says it is private or not to be stored keeps its own header (the
    calendar feeds say `private, max-age=…` and answer 304s to their ETag); one that says
    `public` is made private. Static files are answered by WhiteNoise before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # request.user is read after the view, which is where API token auth sets it.
        credentials = "HTTP_AUTHORIZATION" in request.META or (
            user is not None and user.is_authenticated
        )
        # A response setting cookies (a session just ended, a message left for the next page)
        # is this browser's alone, whatever the page says: a CDN must not hand it to others.
        if not credentials and not response.cookies:
            return response
        directives = {
            part.strip().split("=")[0].lower()
            for part in response.get("Cache-Control", "").split(",")
            if part.strip()
        }
        if not directives:
            response["Cache-Control"] = ", ".join(PRIVATE)
        elif "private" not in directives and "no-store" not in directives:
            patch_cache_control(response, private=True)
        return response


NUL_MESSAGE = "The address or a cookie holds a NUL character (%00), which PlanTrack cannot read."


class RejectNulMiddleware:
    """Answers a NUL in the address (path or query) with 400, or 422 on the API, whose
    operations document that answer for bad parameters.

    PostgreSQL refuses NUL in any string it is given, so a search or a feed token holding one
    answered 500 there; forms and API bodies clean their text (core/text.py), but query
    parameters and path segments reach the database as typed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        # Cookies too: Django turns the escape \000 in a quoted cookie value into a NUL, and
        # the session key goes to the database.
        cookies = request.META.get("HTTP_COOKIE", "")
        if (
            "\x00" in request.path
            or "%00" in query
            or "\x00" in query
            or "\\000" in cookies
            or "\x00" in cookies
        ):
            if request.path_info.startswith("/api/"):
                error = {"type": "value_error", "loc": ["query"], "msg": NUL_MESSAGE}
                return JsonResponse({"detail": [error]}, status=422)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
