"""ICS calendars for the secret feed URLs: deadlines, review dates, milestones and meetings.

Every event is an all-day event (DTSTART and DTEND as DATE values, DTEND the day after, as
Outlook and Google Calendar expect), marked transparent so it does not show the day as busy.
UIDs are stable ("action-12-due@plantrack"), so a moved deadline moves the event in the
subscriber's calendar instead of adding another one. A feed holds events from a year ago on.
A few queries per feed, whatever the number of events. A feed with no events has no components:
Outlook and Google Calendar accept that, though RFC 5545 (and icalendar's validate()) want one.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from icalendar import Calendar, Event

from plantrack.governance.models import Meeting, Oversight
from plantrack.plans.models import Action, ActionOwner, Milestone
from plantrack.plans.selectors import CLOSED, plans_visible_to, today
from plantrack.reminders.models import CalendarFeed

PRODID = "-//PlanTrack//Calendar feeds//EN"
UID_DOMAIN = "plantrack"
HISTORY_DAYS = 365
REFRESH = dt.timedelta(hours=1)


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
            .filter(Q(due_latest__gte=self.since) | Q(review_earliest__gte=self.since))
            .values_list("pk", "ref", "title", "due_latest", "review_earliest", "plan__title")
            .order_by("pk")
        )
        for pk, ref, title, due, review, plan_title in rows:
            url = self.action_url.format(pk) if self.action_url else None
            label = _label(ref, title)
            if due is not None and due >= self.since:
                self._event(f"action-{pk}-due", due, f"Due: {label}", url, plan_title)
            if review is not None and review >= self.since:
                self._event(f"action-{pk}-review", review, f"Review: {label}", url, plan_title)

    def add_milestones(self, actions: QuerySet[Action]) -> None:
        rows = (
            Milestone.objects.filter(
                action__in=actions.exclude(status__in=CLOSED),
                done=False,
                due_latest__gte=self.since,
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
            if self.meeting_url:
                url = self.meeting_url.format(pk)
            else:
                url = self.body_url.format(body_id) if self.body_url else None
            summary = f"{body_name}: {title}" if title else f"{body_name} meeting"
            self._event(f"meeting-{pk}", day, summary, url)
            if location:
                self.calendar.subcomponents[-1].add("location", location)

    def to_ical(self) -> bytes:
        return self.calendar.to_ical()


def _visible_actions(feed: CalendarFeed) -> QuerySet[Action]:
    # Rechecked on every fetch: an action moved to a plan the owner cannot see drops out.
    return Action.objects.filter(plan__in=plans_visible_to(feed.user))


def _user_feed(builder: FeedBuilder, feed: CalendarFeed) -> None:
    owned = ActionOwner.objects.filter(person__user=feed.user).values("action_id")
    actions = _visible_actions(feed).filter(pk__in=owned)
    builder.add_actions(actions)
    builder.add_milestones(actions)
    builder.add_meetings(
        Meeting.objects.filter(
            Q(body__memberships__person__user=feed.user) | Q(body__chair__user=feed.user)
        ).distinct()
    )


def _plan_feed(builder: FeedBuilder, feed: CalendarFeed) -> None:
    actions = Action.objects.filter(plan_id=feed.plan_id)
    builder.add_actions(actions)
    builder.add_milestones(actions)


def _body_feed(builder: FeedBuilder, feed: CalendarFeed) -> None:
    oversights = Oversight.objects.filter(body_id=feed.body_id)
    whole_plans = oversights.filter(section__isnull=True).values("plan_id")
    sections = oversights.filter(section__isnull=False).values("section_id")
    actions = _visible_actions(feed).filter(Q(plan_id__in=whole_plans) | Q(section_id__in=sections))
    builder.add_meetings(Meeting.objects.filter(body_id=feed.body_id))
    builder.add_actions(actions)
    builder.add_milestones(actions)


BUILDERS = {
    CalendarFeed.Scope.USER: _user_feed,
    CalendarFeed.Scope.PLAN: _plan_feed,
    CalendarFeed.Scope.BODY: _body_feed,
}


def feed_ical(feed: CalendarFeed, base_url: str, on: dt.date | None = None) -> bytes:
    """The ICS text of a feed whose access has been checked (selectors.feed_get_by_token)."""
    builder = FeedBuilder(feed, base_url, on)
    BUILDERS[feed.scope](builder, feed)
    return builder.to_ical()
