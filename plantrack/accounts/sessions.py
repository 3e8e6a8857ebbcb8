"""Which browsers a user is signed in on: noted as they sign in (connected in apps.py)."""

from __future__ import annotations

from django.http import HttpRequest

from plantrack.accounts import services
from plantrack.accounts.models import User
from plantrack.core.proxies import client_ip


def record_session(request: HttpRequest, user: User) -> None:
    session = getattr(request, "session", None)
    if session is None or session.session_key is None:
        return
    services.user_session_record(
        actor=user,
        session_key=session.session_key,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ip_address=client_ip(request),
    )


def on_sign_in(sender, request, user, **kwargs) -> None:
    """The user_logged_in receiver: no logic here, the service does it."""
    if request is not None:
        record_session(request, user)
