"""Inviting someone by email into an organisation with a role (docs/accounts.md)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.core.tests.factories import make_org, make_user
from plantrack.directory import services
from plantrack.directory.models import Invitation, Membership

pytestmark = pytest.mark.django_db

NEW = "/directory/invitations/new/"
PASSWORD = "A long new pass 42"


@pytest.fixture
def admin(db):
    return make_user("root", is_superuser=True)


@pytest.fixture
def org_manager(world):
    """A manager of the force: invites into it and the units beneath it."""
    user = make_user("boss")
    Membership.objects.create(user=user, organisation=world.force, role="manager")
    return user


def _invite(actor, organisation, email="new.starter@example.org", role="member", **names):
    return services.invitation_create(
        actor=actor, email=email, organisation=organisation, role=role, **names
    )


def _accept_url(invitation) -> str:
    return reverse("directory:invitation_accept", args=[services.invitation_token(invitation)])


# --- The service ----------------------------------------------------------------------------


def test_a_site_admin_invites_a_new_address(
    world, admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(admin, world.force, first_name="Nia", last_name="New")
    user = invitation.user
    assert (user.username, user.email, user.get_full_name()) == (
        "new.starter@example.org",
        "new.starter@example.org",
        "Nia New",
    )
    assert not user.is_active and not user.has_usable_password()
    assert invitation.invited_by == admin and invitation.accepted_at is None
    assert invitation.expires_at - invitation.created_at >= dt.timedelta(days=13)
    assert not Membership.objects.filter(user=user).exists()  # not before accepting
    [mail] = mailoutbox
    assert mail.to == ["new.starter@example.org"] and "Barnet Police" in mail.subject
    link = re.search(r"https?://[^/\s]+(/directory/invitations/accept/\S+/)", mail.body)
    assert link, mail.body
    assert services.invitation_for_token(link.group(1).split("/")[-2]) == invitation


def test_an_organisation_manager_invites_into_it_and_its_units_only(world, org_manager):
    unit = make_org("Youth Team", parent=world.force)
    assert _invite(org_manager, unit, role="manager").organisation == unit
    with pytest.raises(PermissionDenied):
        _invite(org_manager, world.other_force, email="x@example.org")


@pytest.mark.parametrize("persona", ["manager", "owner", "viewer", "outsider"])
def test_members_and_plan_managers_do_not_invite(world, persona):
    with pytest.raises(PermissionDenied):
        _invite(getattr(world, persona), world.force)
    assert not Invitation.objects.exists()
    assert not User.objects.filter(email="new.starter@example.org").exists()


def test_bad_input_is_refused_and_changes_nothing(world, admin):
    with pytest.raises(ValidationError, match="Enter an email address"):
        _invite(admin, world.force, email="not an address")
    with pytest.raises(ValidationError, match="member or manager"):
        _invite(admin, world.force, role="owner")
    assert not Invitation.objects.exists() and not User.objects.filter(is_active=False).exists()


def test_an_existing_member_is_not_invited_again_unless_promoted(world, admin):
    world.outsider.email = "out@example.org"
    world.outsider.save()
    with pytest.raises(ValidationError, match="already a member"):
        _invite(admin, world.other_force, email="OUT@example.org")
    invitation = _invite(admin, world.other_force, email="out@example.org", role="manager")
    assert invitation.user == world.outsider


def test_accepting_sets_the_password_and_makes_the_membership(world, admin):
    invitation = _invite(admin, world.force, role="manager")
    services.invitation_accept(token=services.invitation_token(invitation), password=PASSWORD)
    invitation.refresh_from_db()
    user = invitation.user
    assert user.is_active and user.check_password(PASSWORD)
    assert invitation.accepted_at is not None
    assert Membership.objects.get(user=user, organisation=world.force).role == "manager"
    with pytest.raises(ValidationError, match="used already"):
        services.invitation_accept(token=services.invitation_token(invitation), password=PASSWORD)


def test_a_switched_off_account_is_not_switched_on_by_an_invitation(world, admin):
    world.outsider.email = "out@example.org"
    world.outsider.is_active = False
    world.outsider.save()
    with pytest.raises(ValidationError, match="switched off"):
        _invite(admin, world.force, email="out@example.org")


# --- The pages ------------------------------------------------------------------------------


def test_invite_page_for_an_organisation_manager(client, world, org_manager, mailoutbox):
    client.force_login(org_manager)
    page = client.get(NEW).content.decode()
    assert "Invite someone" in page and "Barnet Police" in page and "Other Force" not in page
    data = {"email": "joiner@example.org", "organisation": world.force.pk, "role": "member"}
    response = client.post(NEW, data, follow=True)
    assert "Invitation sent to joiner@example.org" in response.content.decode()
    assert "joiner@example.org" in response.content.decode()  # in the list of invitations
    # Another organisation is not offered, so the form refuses it.
    data = {**data, "email": "x@example.org", "organisation": world.other_force.pk}
    response = client.post(NEW, data)
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_invite_page_personas(client, world, admin):
    client.force_login(admin)
    assert client.get(NEW).status_code == 200
    assert client.delete(NEW).status_code == 405
    for persona in ("manager", "owner", "viewer", "outsider"):
        client.force_login(getattr(world, persona))
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, {"email": "a@example.org", "role": "member"}).status_code == 403
    client.logout()
    assert "/accounts/login/" in client.get(NEW).url
    assert not Invitation.objects.exists()


def test_the_profile_offers_inviting_to_an_organisation_manager(client, world, org_manager):
    client.force_login(org_manager)
    page = client.get("/accounts/profile/").content.decode()
    assert "Barnet Police</a> (manager)" in page and NEW in page


def test_accepting_through_the_link(client, world, admin, mailoutbox):
    invitation = _invite(admin, world.force)
    url = _accept_url(invitation)
    page = client.get(url).content.decode()
    assert "Join Barnet Police" in page and "new.starter@example.org" in page
    response = client.post(url, {"new_password1": PASSWORD, "new_password2": "different"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not User.objects.get(pk=invitation.user_id).is_active
    response = client.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("login")
    response = client.post(
        reverse("login"), {"username": "new.starter@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302 and client.get("/").status_code == 200
    # Used: a clear message, and nothing more happens.
    client.logout()
    response = client.get(url)
    assert response.status_code == 400 and "used already" in response.content.decode()


def test_an_existing_account_joins_without_a_new_password(client, world, admin):
    world.viewer.email = "viewer@example.org"
    world.viewer.save()
    invitation = _invite(admin, world.force, email="viewer@example.org")
    url = _accept_url(invitation)
    page = client.get(url).content.decode()
    assert "new_password1" not in page and "Join Barnet Police" in page
    assert client.post(url).status_code == 302
    assert Membership.objects.filter(user=world.viewer, organisation=world.force).exists()
    assert User.objects.get(pk=world.viewer.pk).check_password("pw")


def test_expired_and_bad_links_say_so(client, world, admin):
    invitation = _invite(admin, world.force)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = client.post(
        _accept_url(invitation), {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert not User.objects.get(pk=invitation.user_id).is_active
    token = services.invitation_token(invitation)
    response = client.get(reverse("directory:invitation_accept", args=[token[:-2] + "xx"]))
    assert response.status_code == 400 and "not valid" in response.content.decode()


def test_invitation_list_queries_do_not_grow(client, world, admin):
    client.force_login(admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(NEW).status_code == 200
        return len(queries)

    _invite(admin, world.force, email="first@example.org")
    small = count()
    for n in range(15):
        _invite(admin, make_org(), email=f"person{n}@example.org")
    page = client.get(NEW).content.decode()
    assert len(re.findall(r"@example\.org</td>", page)) == 16
    assert count() == small
