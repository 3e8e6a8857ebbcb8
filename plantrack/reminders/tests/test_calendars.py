from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from plantrack.governance.models import Body, BodyMember, Meeting, Oversight
from plantrack.plans import services as plan_services
from plantrack.plans.models import Action, ActionOwner, Milestone
from plantrack.plans.selectors import today
from plantrack.reminders import services
from plantrack.reminders.models import CalendarFeed

pytestmark = pytest.mark.django_db


@pytest.fixture
def dated(world):
    """Future deadlines, a review date, a milestone, and a meeting of a body the owner sits on."""
    on = today()
    Action.objects.filter(pk=world.action.pk).update(
        due_latest=on + dt.timedelta(days=10), review_earliest=on + dt.timedelta(days=5)
    )
    Action.objects.filter(pk=world.other_action.pk).update(due_latest=on + dt.timedelta(days=20))
    Milestone.objects.create(
        action=world.action, title="Draft agreed", due_latest=on + dt.timedelta(days=3)
    )
    Milestone.objects.create(
        action=world.action, title="Done already", due_latest=on + dt.timedelta(days=4), done=True
    )
    body = Body.objects.create(name="Youth Board", short_name="YB")
    BodyMember.objects.create(body=body, person=world.owner_person)
    Oversight.objects.create(body=body, plan=world.plan)
    Meeting.objects.create(
        body=body, date=on + dt.timedelta(days=7), title="Quarterly review", location="HQ"
    )
    return body


def _get(client, feed: CalendarFeed):
    return client.get(f"/reminders/calendar/{feed.token}.ics")


def _parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    calendar.validate()
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).startswith("-//PlanTrack//")
    events = calendar.walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)), "UIDs must be unique"
    for event in events:
        assert "DTSTAMP" in event
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        # All-day events: DATE values, not date-times, ending the next day.
        assert type(start) is dt.date and type(end) is dt.date
        assert end == start + dt.timedelta(days=1)
        assert event["DTSTART"].params.get("VALUE") == "DATE"
    return calendar


def _summaries(calendar: Calendar) -> dict[str, str]:
    return {str(e["UID"]): str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}


def test_user_feed_has_owned_deadlines_reviews_milestones_and_meetings(client, world, dated):
    feed = services.feed_create(actor=world.owner, scope="user")
    calendar = _parse(_get(client, feed))  # no sign-in: the token is the credential
    assert str(calendar["X-WR-CALNAME"]) == "PlanTrack: my actions"
    events = _summaries(calendar)
    meeting = Meeting.objects.get()
    milestone = Milestone.objects.get(done=False)
    assert events == {
        f"action-{world.action.pk}-due@plantrack": "Due: YC/INT/1 Create a policy",
        f"action-{world.action.pk}-review@plantrack": "Review: YC/INT/1 Create a policy",
        f"milestone-{milestone.pk}@plantrack": "Milestone: Draft agreed (YC/INT/1)",
        f"meeting-{meeting.pk}@plantrack": "Youth Board: Quarterly review",
    }
    due = next(e for e in calendar.walk("VEVENT") if str(e["UID"]).endswith("-due@plantrack"))
    assert str(due["URL"]) == f"http://testserver/plans/actions/{world.action.pk}/"
    assert due.decoded("DTSTART") == today() + dt.timedelta(days=10)


def test_closed_actions_drop_out(client, world, dated):
    feed = services.feed_create(actor=world.owner, scope="user")
    Action.objects.filter(pk=world.action.pk).update(status=Action.Status.COMPLETE)
    events = _summaries(_parse(_get(client, feed)))
    assert not any(uid.startswith("action-") or uid.startswith("milestone-") for uid in events)


def test_plan_feed_and_lost_access(client, world, dated):
    feed = services.feed_create(actor=world.viewer, scope="plan", plan=world.plan)
    events = _summaries(_parse(_get(client, feed)))
    assert f"action-{world.other_action.pk}-due@plantrack" in events
    assert len([u for u in events if u.startswith("milestone-")]) == 1
    assert not any(u.startswith("meeting-") for u in events)
    plan_services.plan_role_remove(actor=world.manager, plan=world.plan, user=world.viewer)
    assert _get(client, feed).status_code == 404


def test_body_feed_has_meetings_and_overseen_deadlines(client, world, dated):
    feed = services.feed_create(actor=world.viewer, scope="body", body=dated)
    calendar = _parse(_get(client, feed))
    assert str(calendar["X-WR-CALNAME"]) == "PlanTrack: Youth Board"
    events = _summaries(calendar)
    assert f"meeting-{Meeting.objects.get().pk}@plantrack" in events
    assert f"action-{world.other_action.pk}-due@plantrack" in events


def test_reset_token_makes_the_old_url_404(client, world, dated):
    feed = services.feed_create(actor=world.owner, scope="user")
    old = CalendarFeed(token=feed.token)
    services.feed_reset(actor=world.owner, feed=feed)
    assert _get(client, old).status_code == 404
    assert _get(client, feed).status_code == 200


def test_unknown_token_disabled_owner_and_wrong_method(client, world, dated):
    assert client.get("/reminders/calendar/nope.ics").status_code == 404
    feed = services.feed_create(actor=world.owner, scope="user")
    assert client.post(f"/reminders/calendar/{feed.token}.ics").status_code == 405
    world.owner.is_active = False
    world.owner.save()
    assert _get(client, feed).status_code == 404


def test_feed_query_count_does_not_grow_with_events(client, world, dated):
    feed = services.feed_create(actor=world.owner, scope="user")
    with CaptureQueriesContext(connection) as few:
        _get(client, feed)
    on = today()
    actions = Action.objects.bulk_create(
        Action(plan=world.plan, title=f"A{i}", position=50 + i, due_latest=on) for i in range(30)
    )
    ActionOwner.objects.bulk_create(
        ActionOwner(action=a, person=world.owner_person) for a in actions
    )
    Milestone.objects.bulk_create(Milestone(action=a, title="m", due_latest=on) for a in actions)
    with CaptureQueriesContext(connection) as many:
        calendar = _parse(_get(client, feed))
    assert len(calendar.walk("VEVENT")) > 60
    assert len(many.captured_queries) == len(few.captured_queries)


def test_feeds_of_others_cannot_be_created(world, dated):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.feed_create(actor=world.outsider, scope="plan", plan=world.plan)
    with pytest.raises(PermissionDenied):
        services.feed_create(actor=world.outsider, scope="body", body=dated)
    feed = services.feed_create(actor=world.owner, scope="user")
    with pytest.raises(PermissionDenied):
        services.feed_reset(actor=world.viewer, feed=feed)


def test_creating_twice_returns_the_same_feed(world):
    first = services.feed_create(actor=world.owner, scope="user")
    assert services.feed_create(actor=world.owner, scope="user").pk == first.pk
    assert len(first.token) >= 43


def test_open_items_are_in_the_feed_whatever_their_age(client, world):
    """Issue 15, defect 14: feeds held only the last 365 days, so every demo calendar (seeds
    from 2003, 2013 and 2022) was empty. An open action still owed shows, marked overdue
    (closed ones drop out: test_closed_actions_drop_out)."""
    feed = services.feed_create(actor=world.owner, scope="user")
    events = _summaries(_parse(_get(client, feed)))
    assert events[f"action-{world.action.pk}-due@plantrack"] == "Overdue: YC/INT/1 Create a policy"
