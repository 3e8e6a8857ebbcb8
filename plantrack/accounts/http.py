"""The request types of the app's pages, for type annotations."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from plantrack.accounts.models import User


class PageRequest(HttpRequest):
    """Any request: ``django_htmx.middleware.HtmxMiddleware`` (settings.MIDDLEWARE) gives each
    one ``htmx``, which says whether htmx sent it. Only an annotation, as below."""

    htmx: HtmxDetails


class SignedInRequest(PageRequest):
    """A request that passed ``core.middleware.LoginRequiredMiddleware``: every page but the
    sign-in ones has a signed-in user. Only an annotation: Django still builds HttpRequest."""

    user: User
