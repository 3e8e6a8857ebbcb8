"""An area's public events as an iCalendar feed (the icalendar library, as reminders use)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.urls import reverse
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from plantrack.directory.models import Area
from plantrack.public.models import Event

PRODID = "-//PlanTrack//Public events//EN"
REFRESH = "PT6H"


def area_ical(area: Area, events: QuerySet[Event], base_url: str, stamp: dt.datetime) -> bytes:
    calendar = Calendar()
    name = f"Public events in {area.name}"
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"public-event-{event.pk}@plantrack")
        entry.add("dtstamp", stamp)
        entry.add("created", event.published_at)
        entry.add("last-modified", event.updated_at)
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at or event.starts_at + dt.timedelta(hours=1))
        entry.add("summary", event.title)
        entry.add("location", f"{event.place}, {event.area.name}")
        entry.add("description", event.purpose)
        entry.add("url", base_url + reverse("public:event", args=[event.pk]))
        if event.cancelled_at is not None:
            entry.add("status", "CANCELLED")
        calendar.add_component(entry)
    return calendar.to_ical()
