from __future__ import annotations

from ninja.security import HttpBearer, django_auth

from plantrack.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


# A personal token for scripts; the browser session (with CSRF) for the app's own pages.
API_AUTH = [TokenAuth(), django_auth]
