from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.accounts.services import api_token_create
from plantrack.governance.models import Body, Oversight
from plantrack.plans.services import plan_create
from plantrack.reminders import services
from plantrack.reminders.models import CalendarFeed, ReminderPreference

pytestmark = pytest.mark.django_db

URL = "/reminders/"


def test_settings_page_shows_defaults_and_feeds(client, world):
    feed = services.feed_create(actor=world.owner, scope="user")
    client.force_login(world.owner)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reminders and calendars" in html
    assert 'value="weekly" checked' in html
    assert f"http://testserver/reminders/calendar/{feed.token}.ics" in html
    assert "Create my calendar" not in html  # already has one
    assert "Youth Strategy" in html  # a plan they can add


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_save_preference(client, world):
    client.force_login(world.viewer)
    response = client.post(URL, {"frequency": "weekly", "weekday": "4"})
    assert response.status_code == 302
    pref = ReminderPreference.objects.get(user=world.viewer)
    assert (pref.frequency, pref.weekday) == ("weekly", 4)


def test_bad_preference_is_refused(client, world):
    client.force_login(world.owner)
    response = client.post(URL, {"frequency": "hourly", "weekday": "9"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not ReminderPreference.objects.exists()


def test_wrong_methods(client, world):
    client.force_login(world.owner)
    feed = services.feed_create(actor=world.owner, scope="user")
    assert client.put(URL).status_code == 405
    assert client.get("/reminders/calendars/new/").status_code == 405
    assert client.get(f"/reminders/calendars/{feed.pk}/reset/").status_code == 405
    assert client.get(f"/reminders/calendars/{feed.pk}/delete/").status_code == 405


def test_create_user_plan_and_body_feeds(client, world):
    body = Body.objects.create(name="Youth Board")
    Oversight.objects.create(body=body, plan=world.plan)
    client.force_login(world.viewer)  # read-only on the plan: may still follow it
    assert client.post("/reminders/calendars/new/", {"scope": "user"}).status_code == 302
    data = {"scope": "plan", "plan": world.plan.pk}
    assert client.post("/reminders/calendars/new/", data).status_code == 302
    data = {"scope": "body", "body": body.pk}
    assert client.post("/reminders/calendars/new/", data).status_code == 302
    scopes = sorted(CalendarFeed.objects.filter(user=world.viewer).values_list("scope", flat=True))
    assert scopes == ["body", "plan", "user"]


def test_outsider_cannot_follow_a_plan_or_body_they_cannot_see(client, world):
    body = Body.objects.create(name="Youth Board")
    Oversight.objects.create(body=body, plan=world.plan)
    client.force_login(world.outsider)
    data = {"scope": "plan", "plan": world.plan.pk}
    assert client.post("/reminders/calendars/new/", data).status_code == 404
    data = {"scope": "body", "body": body.pk}
    assert client.post("/reminders/calendars/new/", data).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_missing_plan_is_a_one_line_error(client, world):
    client.force_login(world.owner)
    response = client.post("/reminders/calendars/new/", {"scope": "plan"}, follow=True)
    assert "Choose a plan." in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_reset_and_delete_only_your_own(client, world):
    feed = services.feed_create(actor=world.owner, scope="user")
    old = feed.token
    for other in (world.outsider, world.viewer):
        client.force_login(other)
        assert client.post(f"/reminders/calendars/{feed.pk}/reset/").status_code == 404
        assert client.post(f"/reminders/calendars/{feed.pk}/delete/").status_code == 404
    feed.refresh_from_db()
    assert feed.token == old
    client.force_login(world.owner)
    assert client.post(f"/reminders/calendars/{feed.pk}/reset/").status_code == 302
    feed.refresh_from_db()
    assert feed.token != old and feed.reset_at is not None
    assert client.get(f"/reminders/calendar/{old}.ics").status_code == 404
    assert client.post(f"/reminders/calendars/{feed.pk}/delete/").status_code == 302
    assert not CalendarFeed.objects.exists()


def test_page_says_when_a_plan_feed_lost_access(client, world):
    feed = services.feed_create(actor=world.viewer, scope="plan", plan=world.plan)
    from plantrack.plans.services import plan_role_remove

    plan_role_remove(actor=world.manager, plan=world.plan, user=world.viewer)
    client.force_login(world.viewer)
    html = client.get(URL).content.decode()
    assert "You can no longer see this plan" in html
    assert feed.token not in html


def test_settings_page_query_count_does_not_grow_with_feeds(client, world):
    client.force_login(world.manager)
    services.feed_create(actor=world.manager, scope="plan", plan=world.plan)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for i in range(5):
        plan = plan_create(actor=world.manager, title=f"P{i}", owner_organisation=world.force)
        services.feed_create(actor=world.manager, scope="plan", plan=plan)
        Body.objects.create(name=f"Body {i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- API ----------------------------------------------------------------------------------


def _auth(user) -> dict:
    _, secret = api_token_create(actor=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def test_api_get_and_put_preference(client, world):
    headers = _auth(world.owner)
    data = client.get("/api/v1/reminders/preference", headers=headers).json()
    assert data == {"frequency": "weekly", "weekday": 0, "last_sent_on": None}
    response = client.put(
        "/api/v1/reminders/preference",
        data={"frequency": "daily"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200 and response.json()["frequency"] == "daily"
    assert ReminderPreference.objects.get(user=world.owner).frequency == "daily"


def test_api_refuses_bad_values_and_anonymous(client, world):
    headers = _auth(world.owner)
    for payload in ({"frequency": "hourly"}, {"frequency": "weekly", "weekday": 9}):
        response = client.put(
            "/api/v1/reminders/preference",
            data=payload,
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 422
    assert not ReminderPreference.objects.exists()
    assert client.get("/api/v1/reminders/preference").status_code == 401
