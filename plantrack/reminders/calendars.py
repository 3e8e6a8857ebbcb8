"""ICS calendars for the secret feed URLs: deadlines, review dates, milestones, meetings, and
(in a user's own feed) the due days of their open engagement follow-ups and of the
self-assessment returns they answer for.

Every event is an all-day event (DTSTART and DTEND as DATE values, DTEND the day after, as
Outlook and Google Calendar expect), marked transparent so it does not show the day as busy.
UIDs are stable ("action-12-due@plantrack"), so a moved deadline moves the event in the
subscriber's calendar instead of adding another one. A feed holds every open item whatever its
age (an action due in 2022 and still open is still owed: its deadline shows, marked overdue),
and meetings from a year ago on.
A few queries per feed, whatever the number of events. A feed with no events has no components:
Outlook and Google Calendar accept that, though RFC 5545 (and icalendar's validate()) want one.

Calendar programs poll every feed, so the bytes are cached (core/cache.py) under a key holding
everything the events show (``feed_cache_parts``): the versions of the plans they come from
(bumped by every write to a plan's actions, milestones and titles), for meetings the newest
history row and the number of meetings of each body (Meeting has no version or updated_at;
every create, edit and delete of a meeting writes a history row) and the body's updated_at
(its name), for a user's follow-ups their number, ids and newest updated_at with the newest
updated_at of their activities and registers (whose titles the events show), for their open
returns the same of the returns and their cycles, the day, the
site's address, and the feed's own id, token and reset time. The key is asked for after the
access check, and it doubles as the response's ETag.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from icalendar import Calendar, Event

from plantrack.assessments.models import OPEN_RETURNS, Cycle, Unit
from plantrack.core.cache import cached, release
from plantrack.directory.models import Person
from plantrack.engagement.models import FollowUp
from plantrack.governance.models import Body, BodyMember, Meeting, Oversight
from plantrack.plans.models import Action, ActionOwner, Milestone, Plan
from plantrack.plans.selectors import CLOSED, plans_visible_to, today
from plantrack.reminders.models import CalendarFeed
from plantrack.reminders.selectors import feed_body_id, feed_plan_id

PRODID = "-//PlanTrack//Calendar feeds//EN"
UID_DOMAIN = "plantrack"
HISTORY_DAYS = 365
REFRESH = dt.timedelta(hours=1)
# What the HTTP response tells the calendar program, in step with REFRESH-INTERVAL.
MAX_AGE = int(REFRESH.total_seconds())


def _pattern(base: str, name: str) -> str | None:
    """An absolute URL with "{}" for the id, or None while the page does not exist yet."""
    try:
        return base + reverse(name, args=[987654321]).replace("987654321", "{}")
    except NoReverseMatch:
        return None


def _label(ref: str, title: str) -> str:
    title = " ".join(title.split())
    if len(title) > 120:
        title = title[:119] + "…"
    return f"{ref} {title}".strip()


class FeedBuilder:
    def __init__(self, feed: CalendarFeed, base_url: str, on: dt.date | None = None) -> None:
        self.feed = feed
        self.on = on or today()
        self.since = self.on - dt.timedelta(days=HISTORY_DAYS)
        self.stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
        self.action_url = _pattern(base_url, "plans:action")
        self.meeting_url = _pattern(base_url, "governance:meeting")
        self.body_url = _pattern(base_url, "governance:body")
        self.activity_url = _pattern(base_url, "engagement:activity")
        self.return_url = _pattern(base_url, "assessments:unit")
        self.calendar = Calendar()
        self.calendar.add("prodid", PRODID)
        self.calendar.add("version", "2.0")
        self.calendar.add("calscale", "GREGORIAN")
        self.calendar.add("method", "PUBLISH")
        self.calendar.add("x-wr-calname", feed.name)
        self.calendar.add("name", feed.name)
        # How often to fetch it again: REFRESH-INTERVAL (RFC 7986) and Outlook's own property.
        self.calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        self.calendar.add("x-published-ttl", REFRESH)

    # --- Events ---

    def _event(
        self, uid: str, day: dt.date, summary: str, url: str | None, description: str = ""
    ) -> None:
        event = Event()
        event.add("uid", f"{uid}@{UID_DOMAIN}")
        event.add("dtstamp", self.stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", summary)
        event.add("transp", "TRANSPARENT")
        if description:
            event.add("description", description)
        if url:
            event.add("url", url)
        self.calendar.add_component(event)

    def add_actions(self, actions: QuerySet[Action]) -> None:
        """Deadlines and review dates of the open actions."""
        rows = (
            actions.exclude(status__in=CLOSED)
            .filter(Q(due_latest__isnull=False) | Q(review_earliest__isnull=False))
            .values_list("pk", "ref", "title", "due_latest", "review_earliest", "plan__title")
            .order_by("pk")
        )
        for pk, ref, title, due, review, plan_title in rows:
            url = self.action_url.format(pk) if self.action_url else None
            label = _label(ref, title)
            if due is not None:
                said = "Overdue" if due < self.on else "Due"
                self._event(f"action-{pk}-due", due, f"{said}: {label}", url, plan_title)
            if review is not None:
                self._event(f"action-{pk}-review", review, f"Review: {label}", url, plan_title)

    def add_milestones(self, actions: QuerySet[Action]) -> None:
        rows = (
            Milestone.objects.filter(
                action__in=actions.exclude(status__in=CLOSED),
                done=False,
                due_latest__isnull=False,
            )
            .values_list("pk", "title", "due_latest", "action_id", "action__ref")
            .order_by("pk")
        )
        for pk, title, due, action_id, ref in rows:
            url = self.action_url.format(action_id) if self.action_url else None
            summary = f"Milestone: {_label('', title)}" + (f" ({ref})" if ref else "")
            self._event(f"milestone-{pk}", due, summary, url)

    def add_meetings(self, meetings: QuerySet[Meeting]) -> None:
        rows = (
            meetings.filter(date__gte=self.since)
            .values_list("pk", "date", "title", "location", "body_id", "body__name")
            .order_by("date", "pk")
        )
        for pk, day, title, location, body_id, body_name in rows:
            url: str | None
            if self.meeting_url:
                url = self.meeting_url.format(pk)
            else:
                url = self.body_url.format(body_id) if self.body_url else None
            summary = f"{body_name}: {title}" if title else f"{body_name} meeting"
            self._event(f"meeting-{pk}", day, summary, url)
            if location:
                self.calendar.subcomponents[-1].add("location", location)

    def add_follow_ups(self, follow_ups: QuerySet[FollowUp]) -> None:
        """Open engagement follow-ups on their due day, linking to their activity."""
        rows = (
            follow_ups.filter(done=False, due_on__isnull=False)
            .values_list(
                "pk",
                "title",
                "due_on",
                "activity_id",
                "activity__title",
                "activity__register__title",
            )
            .order_by("pk")
        )
        for pk, title, due, activity_id, activity_title, register_title in rows:
            url = self.activity_url.format(activity_id) if self.activity_url else None
            description = f"Activity: {_label('', activity_title)}\nRegister: {register_title}"
            if url:
                description += f"\n{url}"
            summary = f"Follow-up: {_label('', title)}"
            self._event(f"follow-up-{pk}", due, summary, url, description)

    def add_returns(self, units: QuerySet[Unit]) -> None:
        """Self-assessment returns still to submit, on their cycle's due day."""
        rows = (
            units.filter(cycle__due_on__isnull=False)
            .values_list("pk", "organisation__name", "cycle__title", "cycle__due_on")
            .order_by("pk")
        )
        for pk, unit_name, cycle_title, due in rows:
            url = self.return_url.format(pk) if self.return_url else None
            summary = f"Return due: {unit_name}, {_label('', cycle_title)}"
            self._event(f"return-{pk}", due, summary, url, url or "")

    def to_ical(self) -> bytes:
        return self.calendar.to_ical()


# --- What each kind of feed holds. The builders and the cache keys read the same querysets. ---


def _visible_actions(feed: CalendarFeed) -> QuerySet[Action]:
    # Rechecked on every fetch: an action moved to a plan the owner cannot see drops out.
    return Action.objects.filter(plan__in=plans_visible_to(feed.user))


def _user_actions(feed: CalendarFeed) -> QuerySet[Action]:
    owned = ActionOwner.objects.filter(person__user=feed.user).values("action_id")
    return _visible_actions(feed).filter(pk__in=owned)


def _user_bodies(feed: CalendarFeed) -> QuerySet[Body]:
    """The bodies the user sits on or chairs (two indexed subqueries, no join to scan)."""
    sits_on = BodyMember.objects.filter(person__user=feed.user).values("body_id")
    chairs = Person.objects.filter(user=feed.user).values("pk")
    return Body.objects.filter(Q(pk__in=sits_on) | Q(chair__in=chairs))


def _user_follow_ups(feed: CalendarFeed) -> QuerySet[FollowUp]:
    """The open follow-ups the user owns (as any of their directory entries). Like the digest,
    every register's: a follow-up's owner is told of it whoever may read the register."""
    return FollowUp.objects.filter(owner__user=feed.user, done=False)


def _user_returns(feed: CalendarFeed) -> QuerySet[Unit]:
    """The returns the user answers for that are still theirs to submit, in open cycles."""
    return Unit.objects.filter(
        assessors=feed.user,
        cycle__status=Cycle.Status.OPEN,
        status__in=OPEN_RETURNS,
    )


def _body_actions(feed: CalendarFeed) -> QuerySet[Action]:
    oversights = Oversight.objects.filter(body_id=feed_body_id(feed))
    whole_plans = oversights.filter(section__isnull=True).values("plan_id")
    sections = oversights.filter(section__isnull=False).values("section_id")
    return _visible_actions(feed).filter(Q(plan_id__in=whole_plans) | Q(section_id__in=sections))


def _user_feed(builder: FeedBuilder, feed: CalendarFeed) -> None:
    actions = _user_actions(feed)
    builder.add_actions(actions)
    builder.add_milestones(actions)
    builder.add_meetings(Meeting.objects.filter(body__in=_user_bodies(feed)))
    builder.add_follow_ups(_user_follow_ups(feed))
    builder.add_returns(_user_returns(feed))


def _plan_feed(builder: FeedBuilder, feed: CalendarFeed) -> None:
    actions = Action.objects.filter(plan_id=feed_plan_id(feed))
    builder.add_actions(actions)
    builder.add_milestones(actions)


def _body_feed(builder: FeedBuilder, feed: CalendarFeed) -> None:
    builder.add_meetings(Meeting.objects.filter(body_id=feed_body_id(feed)))
    actions = _body_actions(feed)
    builder.add_actions(actions)
    builder.add_milestones(actions)


BUILDERS: dict[str, Callable[[FeedBuilder, CalendarFeed], None]] = {
    CalendarFeed.Scope.USER: _user_feed,
    CalendarFeed.Scope.PLAN: _plan_feed,
    CalendarFeed.Scope.BODY: _body_feed,
}


def feed_ical(feed: CalendarFeed, base_url: str, on: dt.date | None = None) -> bytes:
    """The ICS text of a feed whose access has been checked (selectors.feed_get_by_token)."""
    builder = FeedBuilder(feed, base_url, on)
    BUILDERS[feed.scope](builder, feed)
    return builder.to_ical()


# --- Cache keys -------------------------------------------------------------------------------


def _plan_marks(plans: QuerySet[Plan]) -> tuple:
    """(id, version) of each plan, in one query. A list rather than a sum of versions: a plan
    leaving the set and another joining it must change the key, whatever their versions."""
    return tuple(plans.order_by("pk").values_list("pk", "version"))


def _body_marks(bodies: QuerySet[Body]) -> tuple:
    """(id, updated_at, meetings, last meeting history id) of each body, in one query."""

    def per_body(model, aggregate):
        rows = model.objects.filter(body_id=OuterRef("pk")).order_by().values("body_id")
        return Subquery(rows.annotate(value=aggregate).values("value"))

    return tuple(
        bodies.annotate(
            meeting_count=per_body(Meeting, Count("pk")),
            changed=per_body(Meeting.history.model, Max("history_id")),
        )
        .order_by("pk")
        .values_list("pk", "updated_at", "meeting_count", "changed")
    )


def _follow_up_marks(follow_ups: QuerySet[FollowUp]) -> tuple:
    """The open follow-ups' number and ids (one done, deleted or given to someone else leaves),
    and the newest updated_at of them, their activities and registers (an edit, or a title the
    events show), in one query."""
    # Named apart from the model's fields: an alias "activity" would hide the relation.
    found = follow_ups.aggregate(
        mark_count=Count("pk"),
        mark_ids=Sum("pk"),
        mark_changed=Max("updated_at"),
        mark_activity=Max("activity__updated_at"),
        mark_register=Max("activity__register__updated_at"),
    )
    return tuple(
        found[key]
        for key in ("mark_count", "mark_ids", "mark_changed", "mark_activity", "mark_register")
    )


def _user_marks(feed: CalendarFeed) -> tuple:
    # Only the plans the user owns actions in: a change to any other visible plan (every public
    # plan in the country) leaves this feed as it was. Ownership changes bump the plan too.
    owned = ActionOwner.objects.filter(person__user=feed.user).values("action__plan_id")
    plans = plans_visible_to(feed.user).filter(pk__in=owned)
    return (
        _plan_marks(plans),
        _body_marks(_user_bodies(feed)),
        _follow_up_marks(_user_follow_ups(feed)),
        _return_marks(_user_returns(feed)),
    )


def _return_marks(units: QuerySet[Unit]) -> tuple:
    """The open returns' number and ids, and the newest change to them or their cycles (the
    due date and title the events show), in one query."""
    found = units.aggregate(
        mark_count=Count("pk"),
        mark_ids=Sum("pk"),
        mark_changed=Max("updated_at"),
        mark_cycle=Max("cycle__updated_at"),
    )
    return tuple(found[key] for key in ("mark_count", "mark_ids", "mark_changed", "mark_cycle"))


def _plan_feed_marks(feed: CalendarFeed) -> tuple:
    if feed.plan is None:
        raise ValueError(f"Calendar feed {feed.pk} is not a plan's")
    return (feed.plan.version,)  # read with the feed itself: no query


def _body_feed_marks(feed: CalendarFeed) -> tuple:
    overseen = Oversight.objects.filter(body_id=feed_body_id(feed)).values("plan_id")
    plans = plans_visible_to(feed.user).filter(pk__in=overseen)
    return (_plan_marks(plans), _body_marks(Body.objects.filter(pk=feed_body_id(feed))))


MARKS: dict[str, Callable[[CalendarFeed], tuple[Any, ...]]] = {
    CalendarFeed.Scope.USER: _user_marks,
    CalendarFeed.Scope.PLAN: _plan_feed_marks,
    CalendarFeed.Scope.BODY: _body_feed_marks,
}


def feed_cache_parts(feed: CalendarFeed, base_url: str, on: dt.date) -> tuple:
    """Everything the feed's bytes depend on (see the module's docstring). Call it only after
    the access check: the cache never decides who may read a feed."""
    return (
        "calendar-feed",
        feed.pk,
        feed.token,
        feed.reset_at,
        feed.scope,
        feed.plan_id,
        feed.body_id,
        base_url,
        on,
        MARKS[feed.scope](feed),
    )


def feed_etag(parts: tuple) -> str:
    """A weak ETag for the parts: a rebuilt feed differs from the cached one in DTSTAMP only.
    Hashed, so it never shows the token."""
    digest = hashlib.blake2b(repr((release(), *parts)).encode(), digest_size=16).hexdigest()
    return f'W/"{digest}"'


def feed_ical_cached(feed: CalendarFeed, base_url: str, parts: tuple, on: dt.date) -> bytes:
    """The feed's bytes, kept compressed in the cache: a plan's feed of a few hundred actions
    is some 200 KB of text, about a tenth of that compressed, and a per-process memory cache
    holds thousands of entries."""
    return zlib.decompress(cached(parts, lambda: zlib.compress(feed_ical(feed, base_url, on))))
