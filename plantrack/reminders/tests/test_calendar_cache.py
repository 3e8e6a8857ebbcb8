"""The calendar feeds' cache: every change shows, access is checked before it, and a calendar
program sending the ETag back gets a 304."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from plantrack.core import changes
from plantrack.governance import services as governance
from plantrack.governance.models import Body, Meeting
from plantrack.plans import services as plans
from plantrack.plans.models import Action, ActionOwner, Milestone
from plantrack.plans.selectors import today
from plantrack.reminders import calendars, services
from plantrack.reminders.models import CalendarFeed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _real_cache(real_cache):
    """The test settings use a dummy cache; these tests are about a real one."""


@pytest.fixture
def board(board, admin) -> Body:
    """The conftest's board, with one meeting."""
    governance.meeting_create(
        actor=admin, body=board, date=today() + dt.timedelta(days=7), title="Quarterly review"
    )
    return board


def _get(client, feed: CalendarFeed, **headers):
    return client.get(f"/reminders/calendar/{feed.token}.ics", headers=headers)


def _summaries(response) -> set[str]:
    assert response.status_code == 200, response.status_code
    return {str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


def _name(response) -> str:
    return str(Calendar.from_ical(response.content)["X-WR-CALNAME"])


def _due_soon(world, action: Action) -> None:
    plans.action_update(actor=world.manager, action=action, due_text="December 2099")


def test_cached_plan_feed_follows_every_change_to_the_plan(client, world):
    _due_soon(world, world.other_action)
    feed = services.feed_create(actor=world.viewer, scope="plan", plan=world.plan)
    assert "Due: YC/INT/2 Track PYOs" in _summaries(_get(client, feed))

    # A write behind the services' back does not bump the version: the cache answers.
    Action.objects.filter(pk=world.other_action.pk).update(title="Sneaked in")
    assert "Due: YC/INT/2 Track PYOs" in _summaries(_get(client, feed))

    plans.action_update(actor=world.manager, action=world.other_action, title="Track YOTs")
    assert "Due: YC/INT/2 Track YOTs" in _summaries(_get(client, feed))

    plans.milestone_create(
        actor=world.manager, action=world.other_action, title="Draft", due_text="December 2099"
    )
    assert "Milestone: Draft (YC/INT/2)" in _summaries(_get(client, feed))

    plans.update_post(
        actor=world.manager, action=world.other_action, narrative="Done", status="complete"
    )
    assert not any("YC/INT/2" in s for s in _summaries(_get(client, feed)))

    plans.plan_update(actor=world.manager, plan=world.plan, title="Youth Strategy 2")
    assert _name(_get(client, feed)) == "PlanTrack: Youth Strategy 2"


def test_cached_body_feed_follows_meetings_oversight_and_its_name(client, world, admin, board):
    _due_soon(world, world.other_action)
    feed = services.feed_create(actor=world.viewer, scope="body", body=board)
    assert _summaries(_get(client, feed)) == {
        "Youth Board: Quarterly review",
        "Due: YC/INT/2 Track PYOs",
        # Due March 2004 and still open: in the feed whatever its age (issue 15).
        "Overdue: YC/INT/1 Create a policy",
    }
    meeting = Meeting.objects.get()
    governance.meeting_update(actor=admin, meeting=meeting, title="Annual review")
    assert "Youth Board: Annual review" in _summaries(_get(client, feed))

    governance.meeting_create(actor=admin, body=board, date=today(), title="Extra")
    assert "Youth Board: Extra" in _summaries(_get(client, feed))

    meeting._history_user = admin
    meeting.delete()
    assert "Youth Board: Annual review" not in _summaries(_get(client, feed))

    governance.body_update(actor=admin, body=board, name="Youth Partnership Board")
    response = _get(client, feed)
    assert _name(response) == "PlanTrack: Youth Partnership Board"
    assert "Youth Partnership Board: Extra" in _summaries(response)

    # The plan placed under a section only: the other section's actions drop out.
    other = plans.section_create(actor=world.manager, plan=world.plan, title="Diversion")
    governance.oversight_remove(actor=world.manager, oversight=board.oversights.get())
    governance.oversight_set(actor=world.manager, body=board, plan=world.plan, section=other)
    assert not any(s.startswith(("Due:", "Overdue:")) for s in _summaries(_get(client, feed)))


def test_cached_user_feed_follows_ownership_membership_and_access(client, world, admin, board):
    _due_soon(world, world.action)
    _due_soon(world, world.other_action)
    feed = services.feed_create(actor=world.owner, scope="user")
    assert _summaries(_get(client, feed)) == {
        "Due: YC/INT/1 Create a policy",
        "Youth Board: Quarterly review",
    }
    plans.action_update(actor=world.manager, action=world.other_action, owners=[world.owner_person])
    assert "Due: YC/INT/2 Track PYOs" in _summaries(_get(client, feed))

    governance.body_member_remove(actor=admin, body=board, person=world.owner_person)
    assert not any(s.startswith("Youth Board") for s in _summaries(_get(client, feed)))

    # Losing the plan bumps nothing, yet its actions leave the cached feed.
    plans.plan_role_remove(actor=world.manager, plan=world.plan, user=world.owner)
    assert _summaries(_get(client, feed)) == set()


def test_reset_token_old_url_404_new_url_works_with_a_warm_cache(client, world):
    feed = services.feed_create(actor=world.owner, scope="user")
    old = CalendarFeed(token=feed.token)
    first = _get(client, feed)
    assert first.status_code == 200
    services.feed_reset(actor=world.owner, feed=feed)
    assert _get(client, old).status_code == 404
    assert _get(client, old, if_none_match=first["ETag"]).status_code == 404
    fresh = _get(client, feed)
    assert fresh.status_code == 200 and fresh.content.startswith(b"BEGIN:VCALENDAR")
    assert fresh["ETag"] != first["ETag"]
    services.feed_delete(actor=world.owner, feed=feed)
    assert _get(client, feed).status_code == 404


def test_etag_gives_304_until_the_plan_changes(client, world):
    feed = services.feed_create(actor=world.viewer, scope="plan", plan=world.plan)
    first = _get(client, feed)
    etag = first["ETag"]
    assert etag.startswith('W/"') and feed.token not in etag
    assert first["Cache-Control"] == f"private, max-age={int(calendars.REFRESH.total_seconds())}"
    assert calendars.MAX_AGE == 3600

    again = _get(client, feed, if_none_match=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Cache-Control"] == first["Cache-Control"]
    assert (
        client.head(
            f"/reminders/calendar/{feed.token}.ics", headers={"if-none-match": etag}
        ).status_code
        == 304
    )
    assert _get(client, feed, if_none_match='W/"something-else"').status_code == 200

    plans.action_update(actor=world.manager, action=world.action, title="Changed")
    changed = _get(client, feed, if_none_match=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_new_day_is_a_new_entry(client, world, monkeypatch):
    """Flags and the one-year window depend on the day: yesterday's bytes are not served."""
    feed = services.feed_create(actor=world.viewer, scope="plan", plan=world.plan)
    first = _get(client, feed)
    monkeypatch.setattr("plantrack.reminders.views.today", lambda: today() + dt.timedelta(days=1))
    assert _get(client, feed)["ETag"] != first["ETag"]


def test_lost_access_is_404_even_when_cached(client, world, admin, board):
    plan_feed = services.feed_create(actor=world.viewer, scope="plan", plan=world.plan)
    body_feed = services.feed_create(actor=world.viewer, scope="body", body=board)
    user_feed = services.feed_create(actor=world.owner, scope="user")
    for feed in (plan_feed, body_feed, user_feed):
        assert _get(client, feed).status_code == 200
    etags = {f.pk: _get(client, f)["ETag"] for f in (plan_feed, body_feed)}

    # The viewer sees the body only through the plan it oversees.
    plans.plan_role_remove(actor=world.manager, plan=world.plan, user=world.viewer)
    for feed in (plan_feed, body_feed):
        assert _get(client, feed).status_code == 404
        assert _get(client, feed, if_none_match=etags[feed.pk]).status_code == 404

    world.owner.is_active = False
    world.owner.save()
    assert _get(client, user_feed).status_code == 404


def _owned_actions(world, count: int) -> None:
    on = today()
    actions = Action.objects.bulk_create(
        Action(plan=world.plan, title=f"A{i}", position=50 + i, due_latest=on) for i in range(count)
    )
    ActionOwner.objects.bulk_create(
        ActionOwner(action=a, person=world.owner_person) for a in actions
    )
    Milestone.objects.bulk_create(Milestone(action=a, title="m", due_latest=on) for a in actions)
    changes.plans_changed([world.plan.pk])


# A cached hit: the feed with its owner, plan and body (1); the access check, for plan and body
# feeds (1); the key's marks: nothing for a plan feed (its version came with the feed), the
# plans' versions and the bodies' meeting marks for user and body feeds (1 + 1), and the
# user's follow-ups and self-assessment returns for a user feed (1 + 1).
CACHED_HIT_QUERIES = {"plan": 2, "user": 5, "body": 4}


@pytest.mark.parametrize("scope", ["plan", "user", "body"])
def test_cached_hit_query_count_is_small_and_constant(client, world, admin, board, scope):
    actor = world.owner
    feed = services.feed_create(
        actor=actor,
        scope=scope,
        plan=world.plan if scope == "plan" else None,
        body=board if scope == "body" else None,
    )
    counts = []
    for size in (3, 300):
        _owned_actions(world, size)
        assert _get(client, feed).status_code == 200  # builds and caches
        with CaptureQueriesContext(connection) as hit:
            response = _get(client, feed)
        assert response.status_code == 200 and b"VEVENT" in response.content
        with CaptureQueriesContext(connection) as not_modified:
            assert _get(client, feed, if_none_match=response["ETag"]).status_code == 304
        counts.append((len(hit.captured_queries), len(not_modified.captured_queries)))
    expected = CACHED_HIT_QUERIES[scope]
    assert counts == [(expected, expected), (expected, expected)]
