"""The profile page, sessions and passwords (docs/accounts.md)."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.accounts import selectors, services
from plantrack.accounts.models import User, UserSession
from plantrack.reminders.models import ReminderPreference

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"
AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


def _signed_in(user: User, **headers) -> Client:
    client = Client(headers=headers)
    client.force_login(user)
    return client


# --- The profile ----------------------------------------------------------------------------


def test_profile_shows_the_directory_entry_and_reminder_settings(client, world):
    client.force_login(world.owner)
    page = client.get(PROFILE).content.decode()
    assert "Your profile" in page
    assert "Insp. Owen Owner" in page and "Barnet Police" in page  # the linked person
    assert "Send me a reminder" in page and 'name="next" value="/accounts/profile/"' in page
    assert "Change your password" in page


def test_profile_says_when_no_person_is_linked(client, world):
    client.force_login(world.viewer)
    page = client.get(PROFILE).content.decode()
    assert "not linked to a person in the directory" in page
    assert "Invite someone" not in page  # the viewer manages no organisation


def test_profile_edit_saves_audits_and_tells_the_old_address(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=world.owner.pk).update(email="owen@example.org")
    client.force_login(world.owner)
    data = {"first_name": "Owain", "last_name": "Owner", "email": "owain@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PROFILE, data)
    assert response.status_code == 302 and response.url == PROFILE
    owner = User.objects.get(pk=world.owner.pk)
    assert (owner.first_name, owner.email) == ("Owain", "owain@example.org")
    record = owner.history.latest()
    assert record.history_user == owner and record.email == "owain@example.org"
    assert [m.to for m in mailoutbox] == [["owen@example.org"]]
    assert "was changed" in mailoutbox[0].subject


def test_profile_refuses_an_address_another_account_uses(client, world):
    User.objects.filter(pk=world.viewer.pk).update(email="taken@example.org")
    client.force_login(world.owner)
    before = world.owner.history.count()
    response = client.post(PROFILE, {"first_name": "X", "email": "Taken@example.org"})
    assert response.status_code == 200
    assert "Another account uses that email address." in response.content.decode()
    owner = User.objects.get(pk=world.owner.pk)
    assert (owner.first_name, owner.history.count()) == ("Owen", before)


def test_profile_needs_an_email_address(client, world):
    client.force_login(world.owner)
    response = client.post(PROFILE, {"first_name": "", "last_name": "", "email": ""})
    assert response.status_code == 200
    assert "Enter your email address." in response.content.decode()
    assert User.objects.get(pk=world.owner.pk).first_name == "Owen"


def test_profile_wrong_method_and_anonymous(client, world):
    response = client.get(PROFILE)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(world.viewer)
    assert client.put(PROFILE).status_code == 405
    assert client.get(reverse("accounts:sessions_end_others")).status_code == 405


def test_nobody_changes_someone_elses_profile(world):
    with pytest.raises(PermissionDenied):
        services.user_profile_update(actor=world.outsider, user=world.owner, first_name="Hacked")
    assert User.objects.get(pk=world.owner.pk).first_name == "Owen"


def test_signing_in_records_no_history(client, world):
    before = world.viewer.history.count()
    client.post(reverse("login"), {"username": "viewer", "password": "pw"})
    assert User.objects.get(pk=world.viewer.pk).last_login is not None
    assert world.viewer.history.count() == before


def test_reminder_settings_saved_from_the_profile_come_back_to_it(client, world):
    client.force_login(world.viewer)
    url = reverse("reminders:settings")
    data = {"frequency": "daily", "weekday": "2", "next": PROFILE}
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == PROFILE
    assert ReminderPreference.objects.get(user=world.viewer).frequency == "daily"
    # Never to another site.
    response = client.post(url, {**data, "next": "https://evil.example/"})
    assert response.url == url


# --- Sessions -------------------------------------------------------------------------------


def test_signing_in_records_the_session(world):
    client = Client(headers={"user-agent": AGENT}, REMOTE_ADDR="203.0.113.9")
    response = client.post(reverse("login"), {"username": "viewer", "password": "pw"})
    assert response.status_code == 302
    row = UserSession.objects.get(user=world.viewer)
    assert row.session_key == client.session.session_key
    assert (row.ip_address, row.browser) == ("203.0.113.9", "Chrome on Windows")
    page = client.get(PROFILE).content.decode()
    assert "Chrome on Windows" in page and "This browser" in page and "203.0.113.9" in page


def test_sign_out_of_all_other_sessions(world):
    here, phone, laptop = (_signed_in(world.viewer) for _ in range(3))
    other_user = _signed_in(world.owner)
    assert selectors.user_sessions_for(world.viewer).count() == 3
    response = here.post(reverse("accounts:sessions_end_others"))
    assert response.status_code == 302
    assert here.get(PROFILE).status_code == 200
    for client in (phone, laptop):
        assert "/accounts/login/" in client.get(PROFILE).url
    assert other_user.get(PROFILE).status_code == 200
    assert [s.session_key for s in selectors.user_sessions_for(world.viewer)] == [
        here.session.session_key
    ]
    response = here.post(reverse("accounts:sessions_end_others"), follow=True)
    assert "You were not signed in anywhere else." in response.content.decode()


def test_ended_and_expired_sessions_are_not_listed(world):
    kept, ended = _signed_in(world.viewer), _signed_in(world.viewer)
    Session.objects.filter(session_key=ended.session.session_key).delete()
    assert [s.session_key for s in selectors.user_sessions_for(world.viewer)] == [
        kept.session.session_key
    ]
    # The next sign-in forgets the rows of sessions that have ended.
    _signed_in(world.viewer)
    assert not UserSession.objects.filter(session_key=ended.session.session_key).exists()


def test_a_bad_address_is_kept_as_unknown(world):
    row = services.user_session_record(actor=world.viewer, session_key="x" * 32, ip_address="?")
    assert row.ip_address is None and row.browser == "An unknown browser"


def test_session_list_queries_do_not_grow_with_sessions(world):
    client = _signed_in(world.viewer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PROFILE).status_code == 200
        return len(queries)

    small = count()
    for _ in range(12):
        _signed_in(world.viewer)
    assert selectors.user_sessions_for(world.viewer).count() == 13
    assert count() == small


# --- Passwords ------------------------------------------------------------------------------


def test_password_change_keeps_this_browser_and_ends_the_others(world):
    here, elsewhere = _signed_in(world.viewer), _signed_in(world.viewer)
    url = reverse("accounts:password_change")
    assert "Change your password" in here.get(url).content.decode()
    data = {
        "old_password": "pw",
        "new_password1": "A much longer pass 42",
        "new_password2": "A much longer pass 42",
    }
    response = here.post(url, data)
    assert response.status_code == 302 and response.url == reverse("accounts:password_change_done")
    assert here.get(PROFILE).status_code == 200
    assert "/accounts/login/" in elsewhere.get(PROFILE).url
    assert [s.session_key for s in selectors.user_sessions_for(world.viewer)] == [
        here.session.session_key
    ]
    assert User.objects.get(pk=world.viewer.pk).check_password("A much longer pass 42")


def test_password_change_with_the_wrong_old_password_changes_nothing(client, world):
    client.force_login(world.viewer)
    data = {
        "old_password": "nope",
        "new_password1": "A long pass 42",
        "new_password2": "A long pass 42",
    }
    response = client.post(reverse("accounts:password_change"), data)
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert User.objects.get(pk=world.viewer.pk).check_password("pw")


def test_login_page_offers_a_password_reset(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Forgotten your password?" in page and reverse("accounts:password_reset") in page


def test_password_reset_by_email(client, world, mailoutbox):
    User.objects.filter(pk=world.viewer.pk).update(email="viewer@example.org")
    left_open = _signed_in(world.viewer)
    response = client.post(reverse("accounts:password_reset"), {"email": "viewer@example.org"})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert "Check your email" in client.get(response.url).content.decode()
    assert [m.to for m in mailoutbox] == [["viewer@example.org"]]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    response = client.get(link.group(1), follow=True)
    assert "Choose a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    data = {"new_password1": "A fresh long pass 42", "new_password2": "A fresh long pass 42"}
    response = client.post(form_url, data)
    assert response.url == reverse("accounts:password_reset_complete")
    assert User.objects.get(pk=world.viewer.pk).check_password("A fresh long pass 42")
    assert "/accounts/login/" in left_open.get(PROFILE).url
    assert not UserSession.objects.filter(user=world.viewer).exists()
    # The link works once.
    assert "This link does not work" in client.get(link.group(1), follow=True).content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, db, mailoutbox
):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.url == reverse("accounts:password_reset_done")
    assert mailoutbox == []


def test_user_activate_needs_a_good_password(world):
    user = services.user_create_inactive(actor=world.manager, email="new@example.org")
    assert not user.is_active and not user.has_usable_password()
    with pytest.raises(ValidationError):
        services.user_activate(actor=user, password="")
    with pytest.raises(ValidationError):
        services.user_activate(actor=user, password="123")
    user.refresh_from_db()
    assert not user.is_active
    services.user_activate(actor=user, password="A long new pass 42")
    user.refresh_from_db()
    assert user.is_active and user.check_password("A long new pass 42")


def test_password_reset_mails_are_throttled(client, world, mailoutbox, real_cache):
    User.objects.filter(pk=world.viewer.pk).update(email="viewer@example.org")
    url = reverse("accounts:password_reset")
    for _ in range(7):
        response = client.post(url, {"email": "viewer@example.org"})
        assert response.url == reverse("accounts:password_reset_done")  # the same answer
    assert len(mailoutbox) == 5
