"""Request ids and an access line per request; a clean 503 while the database does not answer.

Request ids: django-log-request-id keeps the id in a thread-local, which does not follow a
request into async code, and takes any incoming header as it is; django-guid must be an
installed app and accepts only UUIDs by default. A context variable and a few lines here do
what is needed: keep a sane incoming X-Request-ID (a proxy's or a load balancer's), make one
otherwise, send it back, and put it on every log line (ops.log.RequestIdFilter).
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.functional import LazyObject, empty
from django.utils.log import log_response
from django.views import defaults

from plantrack.core.outages import DATABASE_DOWN
from plantrack.ops.log import request_id

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("plantrack.access")

REQUEST_ID_HEADER = "X-Request-ID"
# Printable ASCII without spaces, at most 100 characters: what proxies send (UUIDs, hex, AWS's
# "Root=1-..."); anything else (a log-line injection, a novel) is replaced by an id of ours.
SANE_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,100}")

UNAVAILABLE = "PlanTrack is briefly unavailable; try again in a minute."
RETRY_AFTER_SECONDS = 30


class RequestIdMiddleware:
    """Gives each request an id (X-Request-ID, kept from the request if sane), sends it back
    on the response, has every log line written meanwhile carry it, and writes an access line
    (logger plantrack.access, INFO): method, path, status, duration, user id, request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = rid
            path = _logged_path(request)
            if response.status_code >= 400:
                # Django logs a 4xx or 5xx answer ("Not Found: /x") after the last middleware
                # has returned, so after the request id was reset: logged here instead, while
                # it is set, Django's own line is skipped (it skips a response logged once).
                log_response(
                    "%s: %s", response.reason_phrase, path, response=response, request=request
                )
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            access_logger.info(
                "%s %s %s %sms",
                request.method,
                path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": _user_id(request),
                },
            )
        finally:
            request_id.reset(token)
        return response


def _logged_path(request: HttpRequest) -> str:
    """The path, without the query string and with a secret token in it (a calendar feed's,
    a password reset's) left out: the token is the credential, and logs travel further."""
    match = request.resolver_match
    if match is None:  # failed before its view was found (a middleware's database error)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
    token = match.kwargs.get("token") if match is not None else None
    path = request.path.replace(str(token), "[token]") if token else request.path
    # A line break or other control character in the address cannot forge a log line.
    return path.encode("unicode_escape").decode("ascii")


def _user_id(request: HttpRequest) -> int | None:
    # Only a user already loaded: asking request.user here would read the session and the user
    # for a request that never needed them (a probe), or that failed because it could not.
    user = request.__dict__.get("user")
    if isinstance(user, LazyObject):
        user = None if user._wrapped is empty else user._wrapped
    if user is None or not user.is_authenticated:
        return None
    return user.pk


class DatabaseUnavailableMiddleware:
    """A database that does not answer gets a 503 with Retry-After, not the 500 page.

    Django turns an exception into a response at the layer it was raised in (each middleware
    is wrapped by convert_exception_to_response), so no middleware sees, by wrapping
    get_response, what a middleware inside it raised: it sees a finished 500. Two hooks
    cover both places a database error is raised:
    - raised by the view: process_exception, here;
    - raised by a middleware (sessions, the signed-in user, the session timeout): Django calls
      the 500 handler with the exception being handled, and plantrack.urls.handler500 is
      server_error below.
    The broken connection is not closed here (inside a request it may be in a transaction):
    Django closes a connection that had errors and is no longer usable at the end of every
    request (close_old_connections on request_finished), and the next request opens a new one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_DOWN):
            return unavailable(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: a 503 if what failed was the database, else Django's 500 page.
    (Django calls it while handling the exception, under WSGI in the same thread.)"""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        return unavailable(request, error)
    return defaults.server_error(request)


def unavailable(request: HttpRequest, error: BaseException) -> HttpResponse:
    """503 with Retry-After: the API's JSON or a page rendered without the request, so without
    anything (the signed-in user, the messages) that would need the database."""
    reason = (str(error).strip().splitlines() or [""])[0][:200]
    logger.error(
        "Database unavailable: %s %s: %s: %s",
        request.method,
        _logged_path(request),
        type(error).__name__,
        reason,
    )
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": UNAVAILABLE}, status=503)
    else:
        page = render_to_string("ops/unavailable.html", {"message": UNAVAILABLE})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged once, above, without the traceback: Django's request logger skips a response
    # marked so (it would log the 503 again, from the 500 handler with the whole traceback).
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
