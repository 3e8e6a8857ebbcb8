"""Engagement follow-ups reach their owners: in the reminder digest and the user's calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from plantrack.core.tests.factories import make_person, make_user
from plantrack.directory.models import Person
from plantrack.engagement import services as engagement
from plantrack.engagement.models import Activity, FollowUp, Register
from plantrack.plans.models import Action, ActionOwner
from plantrack.plans.selectors import today
from plantrack.reminders import digest, services
from plantrack.reminders.models import CalendarFeed, PersonDigest
from plantrack.reminders.services import reminders_send

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 6, 2)
BASE = "https://plantrack.example"


@dataclass
class Registers:
    register: Register
    activity: Activity
    other_register: Register
    other_activity: Activity


@pytest.fixture
def registers(world) -> Registers:
    """Two registers of the world's force, one activity in each, kept by the manager."""
    register = engagement.register_create(
        actor=world.manager, organisation=world.force, title="Engagement activity register"
    )
    activity = engagement.activity_create(
        actor=world.manager, register=register, title="Deaf link scheme"
    )
    other = engagement.register_create(
        actor=world.manager, organisation=world.force, title="Youth engagement"
    )
    other_activity = engagement.activity_create(
        actor=world.manager, register=other, title="Schools forum"
    )
    return Registers(register, activity, other, other_activity)


def _follow_up(world, activity: Activity, title: str, due_on: dt.date, owner: Person) -> FollowUp:
    return engagement.follow_up_create(
        actor=world.manager, activity=activity, title=title, due_on=due_on, owner=owner
    )


@pytest.fixture
def fay(world) -> Person:
    """Someone without an account who owns no action, with a confirmed address."""
    return make_person(name="Fay Follow", email="fay@example.org", organisation=world.force)


def _without_address() -> int:
    """Owners left out for want of an address before any follow-up (the world's action owner,
    whose overdue action is mailed to nobody: the directory has no address for him)."""
    return reminders_send(on=MONDAY, dry_run=True).no_email


def _mail_to(address: str):
    found = [m for m in mail.outbox if m.to == [address]]
    assert len(found) == 1, [m.to for m in mail.outbox]
    return found[0]


# --- The digest -------------------------------------------------------------------------------


def test_someone_with_only_a_follow_up_gets_a_digest(world, registers, fay):
    follow_up = _follow_up(
        world, registers.activity, "Hold the follow-up meeting", MONDAY + dt.timedelta(days=3), fay
    )
    summary = reminders_send(on=MONDAY)
    message = _mail_to("fay@example.org")
    assert message.subject == "PlanTrack: 1 follow-up needs your attention"
    text = message.body
    assert "Hello Fay Follow," in text
    assert "1 follow-up you own needs your attention." in text
    register_url = f"{BASE}/engagement/registers/{registers.register.pk}/"
    activity_url = f"{BASE}/engagement/activities/{registers.activity.pk}/"
    assert f"Engagement activity register\n{register_url}\n" in text
    assert "  Follow-ups:\n" in text
    assert (
        f"  - Hold the follow-up meeting – Deaf link scheme (due 5 Jun 2025)\n    {activity_url}\n"
        in text
    )
    assert "Youth Strategy" not in text  # no actions of hers
    html, _ = message.alternatives[0]
    assert f'<a href="{register_url}"' in html and ">Engagement activity register</a>" in html
    assert f'<a href="{activity_url}"' in html and ">Hold the follow-up meeting</a>" in html
    assert "Deaf link scheme (due 5 Jun 2025)</li>" in html
    # Counted like any other item, and her last digest recorded (no account: PersonDigest).
    lines = [(line.name, line.email, line.items) for line in summary.lines]
    assert ("Fay Follow", "fay@example.org", 1) in lines
    assert PersonDigest.objects.get(person=fay).last_sent_on == MONDAY
    assert follow_up.pk


def test_actions_and_follow_ups_in_one_digest(world, registers):
    Person.objects.filter(pk=world.owner_person.pk).update(
        email="owen@example.org", email_verified_at=timezone.now()
    )
    # world.action is overdue (its update not due); an update is due on other_action.
    Action.objects.filter(pk=world.action.pk).update(update_due_on=dt.date(2099, 1, 1))
    ActionOwner.objects.create(action=world.other_action, person=world.owner_person)
    Action.objects.filter(pk=world.other_action.pk).update(update_due_on=MONDAY)
    _follow_up(world, registers.activity, "Write to the group", MONDAY, world.owner_person)
    summary = reminders_send(on=MONDAY)
    message = _mail_to("owen@example.org")
    assert message.subject == "PlanTrack: 2 actions and 1 follow-up need your attention"
    text = message.body
    assert "2 actions and 1 follow-up you own need your attention." in text
    # The plans first, then the registers.
    assert text.index("Youth Strategy") < text.index("Engagement activity register")
    assert "Write to the group – Deaf link scheme (due 2 Jun 2025)" in text  # due today
    assert summary.items == 3


def test_overdue_and_due_soon_by_register_and_later_ones_left_out(world, registers, fay):
    def add(activity, title, days):
        _follow_up(world, activity, title, MONDAY + dt.timedelta(days=days), fay)

    add(registers.activity, "Send the notes", 1)
    add(registers.activity, "Report back", -3)
    add(registers.activity, "In a week", 7)
    add(registers.activity, "Next month", 8)
    add(registers.other_activity, "Thank the school", -40)
    reminders_send(on=MONDAY)
    message = _mail_to("fay@example.org")
    assert message.subject == "PlanTrack: 4 follow-ups need your attention"
    text = message.body
    first = text[text.index("Engagement activity register") : text.index("Youth engagement")]
    lines = [line.strip() for line in first.splitlines() if line.strip().startswith("- ")]
    assert lines == [
        "- Report back – Deaf link scheme (overdue since 30 May 2025)",
        "- Send the notes – Deaf link scheme (due 3 Jun 2025)",
        "- In a week – Deaf link scheme (due 9 Jun 2025)",
    ]
    second = text[text.index("Youth engagement") :]
    assert "- Thank the school – Schools forum (overdue since 23 Apr 2025)" in second
    assert "Next month" not in text


def test_done_and_ownerless_follow_ups_are_left_out(world, registers, fay):
    before = _without_address()
    done = _follow_up(world, registers.activity, "Done already", MONDAY, fay)
    engagement.follow_up_update(actor=world.manager, follow_up=done, done=True)
    engagement.follow_up_create(
        actor=world.manager, activity=registers.activity, title="Nobody's", due_on=MONDAY
    )
    summary = reminders_send(on=MONDAY)
    assert "fay@example.org" not in [m.to[0] for m in mail.outbox]
    assert summary.no_email == before
    _follow_up(world, registers.activity, "Still open", MONDAY, fay)
    reminders_send(on=MONDAY)
    text = _mail_to("fay@example.org").body
    assert "Still open" in text and "Done already" not in text and "Nobody's" not in text


@pytest.mark.parametrize(
    "change",
    [
        {"email_verified_at": None},  # not confirmed by its holder
        {"organisation": None},  # an entry anyone who keeps the directory may write
        {"email": ""},
    ],
)
def test_no_digest_without_a_confirmed_address(world, registers, fay, change):
    Person.objects.filter(pk=fay.pk).update(**change)
    before = _without_address()
    _follow_up(world, registers.activity, "Hold the follow-up meeting", MONDAY, fay)
    summary = reminders_send(on=MONDAY)
    assert summary.no_email == before + 1 and summary.with_items == 0
    assert mail.outbox == []


def test_a_users_own_address_and_no_digest_once_disabled(world, registers):
    user = make_user("frank", email="frank@force.example")
    person = make_person(user, name="Frank Follow")  # no address in the directory
    before = _without_address()
    _follow_up(world, registers.activity, "Hold the follow-up meeting", MONDAY, person)
    reminders_send(on=MONDAY)
    assert "Hold the follow-up meeting" in _mail_to("frank@force.example").body
    user.is_active = False
    user.save()
    summary = reminders_send(on=MONDAY + dt.timedelta(days=7))
    assert summary.no_email == before and summary.with_items == 0


def _gather_queries() -> tuple[int, digest.Gathered]:
    with CaptureQueriesContext(connection) as queries:
        gathered = digest.gather(MONDAY)
    return len(queries.captured_queries), gathered


def _many_follow_ups(world, activity: Activity, n: int, prefix: str) -> None:
    people = Person.objects.bulk_create(
        Person(
            name=f"Owner {prefix}{i}",
            email=f"{prefix}{i}@example.org",
            email_verified_at=timezone.now(),
            organisation=world.force,
        )
        for i in range(n)
    )
    FollowUp.objects.bulk_create(
        FollowUp(activity=activity, title=f"F{i}", due_on=MONDAY, owner=people[i % n])
        for i in range(3 * n)
    )


def test_gather_query_count_does_not_grow_with_follow_ups(world, registers, fay):
    _follow_up(world, registers.activity, "One", MONDAY, fay)
    few, gathered = _gather_queries()
    assert sum(len(r.follow_ups) for r in gathered.recipients) == 1
    _many_follow_ups(world, registers.activity, 40, "a")
    _many_follow_ups(world, registers.other_activity, 20, "b")
    many, gathered = _gather_queries()
    assert sum(len(r.follow_ups) for r in gathered.recipients) == 1 + 180
    assert len(gathered.recipients) == 61
    assert many == few, (few, many)


def test_attention_wording():
    assert digest.attention(1, 0) == ("1 action", "needs")
    assert digest.attention(3, 0) == ("3 actions", "need")
    assert digest.attention(0, 1) == ("1 follow-up", "needs")
    assert digest.attention(0, 2) == ("2 follow-ups", "need")
    assert digest.attention(2, 1) == ("2 actions and 1 follow-up", "need")
    assert digest.attention(1, 1) == ("1 action and 1 follow-up", "need")


# --- The calendar -----------------------------------------------------------------------------


def _get(client, feed: CalendarFeed, **headers):
    return client.get(f"/reminders/calendar/{feed.token}.ics", headers=headers)


def _events(response) -> dict:
    assert response.status_code == 200, response.status_code
    return {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_user_feed_has_the_owners_open_follow_ups(client, world, registers, fay):
    on = today()
    later = on + dt.timedelta(days=40)
    follow_up = _follow_up(world, registers.activity, "Hold the meeting", later, world.owner_person)
    _follow_up(world, registers.activity, "Someone else's", on, fay)
    done = _follow_up(world, registers.activity, "Done", on, world.owner_person)
    engagement.follow_up_update(actor=world.manager, follow_up=done, done=True)
    feed = services.feed_create(actor=world.owner, scope="user")
    events = _events(_get(client, feed))
    follow_ups = {uid: e for uid, e in events.items() if uid.startswith("follow-up-")}
    assert list(follow_ups) == [f"follow-up-{follow_up.pk}@plantrack"]
    event = follow_ups[f"follow-up-{follow_up.pk}@plantrack"]
    assert str(event["SUMMARY"]) == "Follow-up: Hold the meeting"
    assert event.decoded("DTSTART") == on + dt.timedelta(days=40)
    assert event.decoded("DTEND") == on + dt.timedelta(days=41)
    assert event["DTSTART"].params.get("VALUE") == "DATE"
    url = f"http://testserver/engagement/activities/{registers.activity.pk}/"
    assert str(event["URL"]) == url
    assert str(event["DESCRIPTION"]) == (
        f"Activity: Deaf link scheme\nRegister: Engagement activity register\n{url}"
    )
    # A plan's feed has no follow-ups.
    plan_feed = services.feed_create(actor=world.owner, scope="plan", plan=world.plan)
    assert not any(uid.startswith("follow-up-") for uid in _events(_get(client, plan_feed)))


@pytest.mark.usefixtures("real_cache")
def test_user_feed_etag_changes_with_its_follow_ups(client, world, registers):
    on = today()
    follow_up = _follow_up(
        world, registers.activity, "Hold the meeting", on + dt.timedelta(days=5), world.owner_person
    )
    feed = services.feed_create(actor=world.owner, scope="user")
    first = _get(client, feed)
    assert f"follow-up-{follow_up.pk}@plantrack" in _events(first)
    etag = first["ETag"]
    assert _get(client, feed, if_none_match=etag).status_code == 304

    engagement.activity_update(
        actor=world.manager, activity=registers.activity, title="Deaf link scheme 2026"
    )
    renamed = _get(client, feed, if_none_match=etag)
    assert renamed.status_code == 200 and renamed["ETag"] != etag
    event = _events(renamed)[f"follow-up-{follow_up.pk}@plantrack"]
    assert "Activity: Deaf link scheme 2026" in str(event["DESCRIPTION"])
    etag = renamed["ETag"]

    engagement.register_update(
        actor=world.manager, register=registers.register, title="Community engagement"
    )
    moved = _get(client, feed, if_none_match=etag)
    assert moved.status_code == 200 and moved["ETag"] != etag
    event = _events(moved)[f"follow-up-{follow_up.pk}@plantrack"]
    assert "Register: Community engagement" in str(event["DESCRIPTION"])
    etag = moved["ETag"]

    engagement.follow_up_update(actor=world.manager, follow_up=follow_up, done=True)
    changed = _get(client, feed, if_none_match=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert not any(uid.startswith("follow-up-") for uid in _events(changed))
