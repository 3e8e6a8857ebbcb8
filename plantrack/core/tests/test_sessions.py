"""Browser sessions end after an idle spell and after a working day, without a write per request."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.core.middleware import LAST_SEEN, SIGNED_IN_AT

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.PLANTRACK_SESSION_IDLE_MINUTES = 60
    settings.PLANTRACK_SESSION_MAX_HOURS = 12


def _stamp(client, *, signed_in_ago: int, last_seen_ago: int) -> None:
    now = int(time.time())
    session = client.session
    session[SIGNED_IN_AT] = now - signed_in_ago
    session[LAST_SEEN] = now - last_seen_ago
    session.save()


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_session_idle_longer_than_the_limit_is_signed_out(client, world, limits):
    client.force_login(world.viewer)
    _stamp(client, signed_in_ago=2 * 3600, last_seen_ago=61 * 60)
    response = client.get(reverse("plans:detail", args=[world.plan.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
    assert not _signed_in(client)
    page = client.get(response.url)
    assert "signed out after 60 minutes without activity" in page.content.decode()
    # Signed out for good: the next request is not let in either.
    assert client.get(reverse("home")).status_code == 302


def test_an_active_session_is_not_signed_out(client, world, limits):
    client.force_login(world.viewer)
    _stamp(client, signed_in_ago=11 * 3600, last_seen_ago=59 * 60)
    assert client.get(reverse("home")).status_code == 200
    assert _signed_in(client)
    # Being seen restarts the idle clock.
    assert time.time() - client.session[LAST_SEEN] < 5


def test_a_session_is_signed_out_after_its_lifetime_however_active(client, world, limits):
    client.force_login(world.viewer)
    _stamp(client, signed_in_ago=12 * 3600 + 60, last_seen_ago=10)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert not _signed_in(client)
    assert "12 hours after signing in" in client.get(response.url).content.decode()


def test_the_limits_come_from_the_settings(client, world, settings):
    settings.PLANTRACK_SESSION_IDLE_MINUTES = 15
    client.force_login(world.viewer)
    _stamp(client, signed_in_ago=3600, last_seen_ago=16 * 60)
    assert client.get(reverse("home")).status_code == 302


def test_the_session_is_written_only_every_few_minutes(client, world, limits):
    client.force_login(world.viewer)
    client.get(reverse("home"))
    first = client.session[LAST_SEEN]
    key = client.session.session_key
    _stamp(client, signed_in_ago=600, last_seen_ago=60)
    seen = client.session[LAST_SEEN]
    response = client.get(reverse("home"))
    # Seen a minute ago: nothing to write, so no cookie set and the stored time unchanged.
    assert "sessionid" not in response.cookies
    assert client.session[LAST_SEEN] == seen
    _stamp(client, signed_in_ago=600, last_seen_ago=6 * 60)
    response = client.get(reverse("home"))
    assert "sessionid" in response.cookies
    assert client.session[LAST_SEEN] >= first
    assert client.session.session_key == key


def test_signing_in_starts_the_clocks_and_the_first_page_writes_nothing(client, world, limits):
    client.post(reverse("login"), {"username": "viewer", "password": "pw"})
    now = time.time()
    assert now - client.session[SIGNED_IN_AT] < 5
    assert now - client.session[LAST_SEEN] < 5
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


def test_signing_in_again_starts_the_clocks_afresh(client, world, limits):
    client.force_login(world.viewer)
    _stamp(client, signed_in_ago=11 * 3600, last_seen_ago=60)
    client.force_login(world.viewer)
    assert time.time() - client.session[SIGNED_IN_AT] < 5


def test_a_session_from_before_the_limits_gets_its_clocks_on_its_next_request(
    client, world, limits
):
    client.force_login(world.viewer)
    session = client.session
    del session[SIGNED_IN_AT], session[LAST_SEEN]
    session.save()
    assert client.get(reverse("home")).status_code == 200
    assert time.time() - client.session[SIGNED_IN_AT] < 5


def test_the_cookie_and_the_stored_session_expire_with_the_idle_limit():
    from django.conf import settings

    # Not two weeks: a session nobody uses dies in the database and the browser within the hour.
    assert settings.PLANTRACK_SESSION_IDLE_MINUTES == 60
    assert settings.SESSION_COOKIE_AGE == 60 * 60


def test_an_idle_session_on_the_api_answers_401_and_a_token_is_untouched(client, world, limits):
    from plantrack.accounts.services import api_token_create

    client.force_login(world.viewer)
    _stamp(client, signed_in_ago=2 * 3600, last_seen_ago=2 * 3600)
    url = f"/api/v1/plans/{world.plan.pk}"
    assert client.get(url).status_code == 401
    assert not _signed_in(client)
    _, secret = api_token_create(actor=world.viewer, name="script")
    response = Client().get(url, headers={"authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    # No session is made for a token.
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


def test_an_idle_session_does_not_stop_a_calendar_feed(client, world, limits):
    from plantrack.reminders import services

    feed = services.feed_create(actor=world.viewer, scope="plan", plan=world.plan)
    client.force_login(world.viewer)
    _stamp(client, signed_in_ago=2 * 3600, last_seen_ago=2 * 3600)
    response = client.get(reverse("reminders:feed_ics", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
