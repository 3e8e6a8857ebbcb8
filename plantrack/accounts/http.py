"""The request type of a signed-in page, for type annotations."""

from __future__ import annotations

from django.http import HttpRequest

from plantrack.accounts.models import User


class SignedInRequest(HttpRequest):
    """A request that passed ``core.middleware.LoginRequiredMiddleware``: every page but the
    sign-in ones has a signed-in user. Only an annotation: Django still builds HttpRequest."""

    user: User
