"""Single sign-on with OpenID Connect (mozilla-django-oidc), for a force's or council's own
identity provider (Microsoft Entra ID, or any standard one): docs/deployment.md, "Single
sign-on".

The library does the protocol (the code flow with PKCE, the ID token's signature against the
provider's keys, the user-info call). This decides who the person is here:

- **Matched by email**: the claim named by ``PLANTRACK_OIDC_EMAIL_CLAIM`` (``email``; Entra ID
  often sends the address only as ``preferred_username``, which is read when ``email`` is
  absent and looks like an address), from the ID token and the user-info answer. An address
  the provider says is unverified is refused, and so is one outside ``PLANTRACK_OIDC_DOMAINS``
  when it is set. An existing account with that address (case aside) signs in; a deactivated
  one does not, and no new one is made for it; a site admin's is never signed in this way.
- **Created** otherwise (unless ``PLANTRACK_OIDC_CREATE_USERS`` is off), with the names the
  provider gives.
- **Placed in an organisation**: by a claim (``PLANTRACK_OIDC_ORGANISATION_CLAIM``, matched to
  an organisation's name or short name), else by the address's domain
  (``PLANTRACK_OIDC_DOMAINS``, JSON ``{"met.police.uk": "Metropolitan Police Service"}``).
  Placed once, as the account is made, as a member: managers are made in PlanTrack.
- The session is marked as signed in through the provider, whose own second factor stands
  (accounts/twofactor.py does not ask again).

It lives in the directory app because placing a person in an organisation is the directory's.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_logged_in
from django.db.models import Q, QuerySet
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from mozilla_django_oidc import views as oidc_views
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from plantrack.accounts.models import User
from plantrack.accounts.services import user_create
from plantrack.accounts.twofactor import SIGNED_IN_WITH
from plantrack.directory.models import Organisation
from plantrack.directory.services import membership_from_sign_in

security_log = logging.getLogger("plantrack.security")

BACKEND = "plantrack.directory.sso.SingleSignOnBackend"
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def email_of(claims: dict[str, Any]) -> str:
    email = claims.get(settings.PLANTRACK_OIDC_EMAIL_CLAIM) or ""
    if not email and _ADDRESS.fullmatch(str(claims.get("preferred_username") or "")):
        email = claims["preferred_username"]
    return str(email).strip().lower()


def organisation_for(claims: dict[str, Any]) -> Organisation | None:
    """The organisation the claims place the person in: by the named claim, else by domain."""
    claim = settings.PLANTRACK_OIDC_ORGANISATION_CLAIM
    value = str(claims.get(claim) or "").strip() if claim else ""
    if value:
        found = Organisation.objects.filter(
            Q(name__iexact=value) | Q(short_name__iexact=value)
        ).first()
        if found is not None:
            return found
    domain = email_of(claims).rpartition("@")[2]
    domains = {key.lower(): value for key, value in settings.PLANTRACK_OIDC_DOMAINS.items()}
    name = domains.get(domain)
    return Organisation.objects.filter(name__iexact=name).first() if name else None


class SingleSignOnBackend(OIDCAuthenticationBackend):
    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        """Only the provider's answer at the callback, with the PKCE verifier the library
        kept: never a password form that happens to carry a ``code`` in its address."""
        if request is None or request.path != reverse("oidc_authentication_callback"):
            return None
        if not kwargs.get("code_verifier"):
            return None
        return super().authenticate(request, **kwargs)

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """The user-info answer over the verified ID token's claims: Entra ID's user-info
        endpoint returns few claims (no ``preferred_username``, no organisation)."""
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if claims.get("email_verified") is False:
            security_log.warning("single sign-on refused: the provider has not verified the email")
            return False
        email = email_of(claims)
        domains = {key.lower() for key in settings.PLANTRACK_OIDC_DOMAINS}
        if domains and email.rpartition("@")[2] not in domains:
            security_log.warning(
                "single sign-on refused: %s is not a domain of this PlanTrack", email
            )
            return False
        return bool(email)

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        """The account with the address. Site admins are not signed in this way (they sign
        in with a password and a second factor): whoever controls the provider's directory
        could otherwise give themselves an admin's address. A deactivated account is found
        (and refused by the library), never replaced by a new one."""
        found = User.objects.filter(email__iexact=email_of(claims))
        if any(user.is_superuser for user in found):
            security_log.warning("single sign-on refused for a site admin's address")
            return User.objects.none()
        return found

    def create_user(self, claims: dict[str, Any]) -> User | None:
        email = email_of(claims)
        if (
            not settings.PLANTRACK_OIDC_CREATE_USERS
            or User.objects.filter(email__iexact=email).exists()
        ):
            security_log.info("single sign-on: no account is made for %s", email)
            return None
        user = user_create(
            actor=None,
            username=_free_username(email),
            email=email,
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
        )
        security_log.info("single sign-on created user %s", user.pk)
        # Placed once, as the account is made: a membership a manager later ends stays ended.
        organisation = organisation_for(claims)
        if organisation is not None:
            membership_from_sign_in(actor=user, organisation=organisation)
        return user

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        return user


def _free_username(email: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", email)[:140] or "user"
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@receiver(user_logged_in, dispatch_uid="plantrack.directory.sso.signed_in")
def _mark_session(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and getattr(user, "backend", "") == BACKEND:
        request.session[SIGNED_IN_WITH] = "oidc"


def _when_configured(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The library's view where single sign-on is set up; elsewhere the address is not there."""

    @wraps(view)
    def only_when_configured(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.PLANTRACK_SSO:
            raise Http404("Single sign-on is not set up here.")
        return view(request, *args, **kwargs)

    return login_not_required(only_when_configured)


# To the identity provider, and back from it (plantrack/urls.py).
authenticate_view = _when_configured(oidc_views.OIDCAuthenticationRequestView.as_view())
callback_view = _when_configured(oidc_views.OIDCAuthenticationCallbackView.as_view())
