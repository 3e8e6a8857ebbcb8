"""The community charter (seed 003) on the public pages (issue 16), decided as its manager
would decide: the plan published, some of its imported updates approved for the public (as
written, or reworded without names, collar numbers and internal shorthand), some kept
internal, one action withheld, and the rest left waiting on the approvals page. No "you said,
we did" is approved: the demo's engagement register is seed 002's, and none of its completed
activities is linked to the charter or its actions, so the charter's page has none to show.

And the public events calendar: engagement vans, street briefings, ward panels and a board
meeting in public in wards of two of the demo's boroughs, dated from the day of the load."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.directory.models import Area, Organisation
from plantrack.engagement.models import Activity
from plantrack.governance.demo import BOARD
from plantrack.governance.models import Meeting
from plantrack.plans.models import Plan, Update
from plantrack.public import services
from plantrack.public.models import Event, Publication
from plantrack.public.selectors import NOTICE_DAYS

CHARTER_SLUG = "community-charter"
CHARTER_INTRODUCTION = (
    "How West Mercia Police is delivering its Local Policing Community Charter: responding "
    "to communities, prevention, vulnerability, relationships, partnerships, and being "
    "visible and accessible.\n\n"
    "Each action shows its progress updates once they are approved for publication."
)
# By action ref: the update's public text, or None to publish it as written.
APPROVED: dict[str, str | None] = {
    "1": "The engagement calendar is being reformatted so that more about each event can be "
    "recorded.",
    "12": "Problem-solving training is under way: 500 neighbourhood officers have been trained, "
    "and training for other teams has begun.",
    "13": None,
    "22": None,
    "32": "13 police stations now have doorbells installed.",
    "33": "Social media training is planned for the third quarter of 2022/23, finishing in the "
    "fourth quarter.",
}
# By action ref: why the update is not for the public.
KEPT_INTERNAL = {
    "15": "Depends on funding not yet agreed; publish once the budget is set.",
    "28": "Supervision ratios by team are internal staffing detail.",
}
WITHHELD_ACTION = ("24", "Abstraction planning with the duties team is operationally sensitive.")


def _update(plan: Plan, ref: str) -> Update:
    return Update.objects.select_related("action__plan").get(action__plan=plan, action__ref=ref)


@transaction.atomic
def load_demo_publication(*, actor: User, plan: Plan) -> Publication | None:
    """Publish the charter and decide on some of its updates; a plan already published (or
    withdrawn) by an earlier load, or by a user since, is left as it is."""
    if Publication.objects.filter(plan=plan).exists():
        return None
    publication = services.plan_publish(
        actor=actor, plan=plan, slug=CHARTER_SLUG, introduction=CHARTER_INTRODUCTION
    )
    for ref, text in APPROVED.items():
        update = _update(plan, ref)
        services.update_publish(actor=actor, update=update, text=text or update.narrative)
    for ref, reason in KEPT_INTERNAL.items():
        services.update_keep_internal(actor=actor, update=_update(plan, ref), reason=reason)
    ref, reason = WITHHELD_ACTION
    services.action_withhold(actor=actor, action=plan.actions.get(ref=ref), reason=reason)
    return publication


# --- Public events --------------------------------------------------------------------------

# The two boroughs of the demo's areas (engagement/demo.py) with events, and whose they are.
EVENT_BOROUGHS = {"SX": "Barnet", "WW": "Wandsworth"}
MON, TUE, WED, THU, SAT = 0, 1, 2, 3, 5
STREET_BRIEFINGS = "Community Engagement Street briefings"
VAN_PURPOSE = (
    "The police engagement van in the ward, with your Safer Neighbourhoods team: report a crime "
    "or anti-social behaviour, get advice on keeping your home, bike and car safe, and tell the "
    "team what to tackle next."
)
BRIEFING_PURPOSE = (
    "Homes nearby get a leaflet a few days before. Meet your Safer Neighbourhoods team on the "
    "street, tell them what worries you about the area, and agree what they work on until the "
    "next briefing."
)
PANEL_PURPOSE = (
    "Residents, local businesses and the Safer Neighbourhoods team look back at the last three "
    "months and set the ward's policing priorities for the next. Everyone who lives or works "
    "in the ward is welcome."
)


@dataclass(frozen=True)
class DemoEvent:
    borough: str  # its code
    ward: str
    # On the first ``weekday`` at least ``days`` after the load: under 14 days is short notice.
    days: int
    weekday: int
    times: tuple[dt.time, dt.time]
    title: str
    place: str
    purpose: str
    activity: str = ""  # the start of the engagement activity's title it belongs to
    cancelled: str = ""  # why it is cancelled


def _hours(start: str, end: str) -> tuple[dt.time, dt.time]:
    return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


DEMO_EVENTS = [
    DemoEvent(
        borough="SX",
        ward="Burnt Oak",
        days=2,
        weekday=WED,
        times=_hours("18:00", "19:00"),
        title="Street briefing: Burnt Oak",
        place="Watling Avenue, outside Burnt Oak station",
        purpose=BRIEFING_PURPOSE,
        activity=STREET_BRIEFINGS,
    ),
    DemoEvent(
        borough="SX",
        ward="Colindale",
        days=3,
        weekday=SAT,
        times=_hours("11:00", "15:00"),
        title="Engagement van: Colindale",
        place="Grahame Park Way, by the library",
        purpose=VAN_PURPOSE,
    ),
    DemoEvent(
        borough="WW",
        ward="Balham",
        days=4,
        weekday=SAT,
        times=_hours("10:00", "14:00"),
        title="Engagement van: Balham",
        place="Balham High Road, outside the station",
        purpose=VAN_PURPOSE,
        cancelled="The van is needed elsewhere that day. A new date will be published here, "
        "and the team will be at the Balham ward panel to hear from residents.",
    ),
    DemoEvent(
        borough="WW",
        ward="Tooting",
        days=5,
        weekday=THU,
        times=_hours("17:30", "18:30"),
        title="Street briefing: Tooting Broadway",
        place="Tooting Broadway, by the station entrance",
        purpose=BRIEFING_PURPOSE,
        activity=STREET_BRIEFINGS,
    ),
    DemoEvent(
        borough="SX",
        ward="West Hendon",
        days=15,
        weekday=THU,
        times=_hours("19:00", "20:30"),
        title="West Hendon ward panel",
        place="West Hendon Community Centre, Marsh Drive",
        purpose=PANEL_PURPOSE,
    ),
    DemoEvent(
        borough="WW",
        ward="Balham",
        days=17,
        weekday=WED,
        times=_hours("19:00", "20:30"),
        title="Balham ward panel",
        place="Balham Library, Ramsden Road",
        purpose=PANEL_PURPOSE,
    ),
    DemoEvent(
        borough="SX",
        ward="Hendon",
        days=19,
        weekday=TUE,
        times=_hours("14:00", "16:00"),
        title="Deaf link: questions and answers with the police",
        place="Hendon Library, The Burroughs",
        purpose="A public question and answer session for Deaf, deafened and hard of hearing "
        "people about reporting crime and the Deaf link scheme, with British Sign Language "
        "interpreters and a speech-to-text screen. A short questionnaire asks how contacting "
        "the police could be made easier.",
        activity="Research and implement Deaf link",
    ),
    DemoEvent(
        borough="WW",
        ward="Tooting",
        days=24,
        weekday=SAT,
        times=_hours("10:00", "14:00"),
        title="Engagement van: Tooting Market",
        place="Tooting Market, Tooting High Street",
        purpose="With the Balham and Tooting Community Association, at the market: crime "
        "prevention advice, free property marking for bikes and phones, and a chance to tell "
        "the team what should change in the neighbourhood.",
        activity="Balham & Tooting Community Association",
    ),
    DemoEvent(
        borough="WW",
        ward="Bedford",
        days=29,
        weekday=TUE,
        times=_hours("19:00", "20:30"),
        title="Bedford ward panel",
        place="Community room, Bedford Hill",
        purpose=PANEL_PURPOSE,
    ),
    DemoEvent(
        borough="SX",
        ward="Burnt Oak",
        days=33,
        weekday=SAT,
        times=_hours("10:00", "14:00"),
        title="Engagement van: Burnt Oak Broadway",
        place="Burnt Oak Broadway, by the market",
        purpose=VAN_PURPOSE,
    ),
]
# The Safer Communities Partnership Board's next meeting (governance/demo.py), held in public
# in the borough (no ward): on the meeting's day.
BOARD_EVENT = DemoEvent(
    borough="SX",
    ward="",
    days=0,
    weekday=TUE,
    times=_hours("18:30", "20:00"),
    title="Safer Communities Partnership Board, in public",
    place="Hendon Town Hall, The Burroughs",
    purpose="The board of the council, police, probation and health partners receives the "
    "progress report on the four Safer Communities initiatives: neighbourhood justice panels, "
    "community coaches, conditional cautions and integrated offender management. Anyone may "
    "come and listen; there is no public speaking at this meeting.",
)


def _day(on: dt.date, days: int, weekday: int) -> dt.date:
    """The first ``weekday`` at least ``days`` after ``on``, outside the Christmas holidays
    (24 December to 1 January: then the first such day from 2 January)."""
    day = on + dt.timedelta(days=days)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    if (day.month, day.day) >= (12, 24) or (day.month, day.day) == (1, 1):
        return _day(dt.date(day.year + (day.month == 12), 1, 2), 0, weekday)
    return day


def _at(day: dt.date, times: tuple[dt.time, dt.time]) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start, end = times
    return dt.datetime.combine(day, start, tzinfo=zone), dt.datetime.combine(day, end, tzinfo=zone)


def _borough(code: str) -> Area | None:
    return Area.objects.filter(
        level=Area.Level.BOROUGH, code=code, name=EVENT_BOROUGHS[code]
    ).first()


def _event_organisation(code: str, borough: Area) -> Organisation | None:
    """The borough's command unit (the assessments demo adds them), else who keeps the area."""
    unit = Organisation.objects.filter(short_name=code, parent__isnull=False).first()
    return unit or borough.organisation


def _publish(
    actor: User,
    wanted: DemoEvent,
    day: dt.date,
    organisation: Organisation | None = None,
    activity: Activity | None = None,
    meeting: Meeting | None = None,
) -> Event | None:
    """Publish ``wanted`` on ``day`` (and cancel it if it is to be); None if the demo has no
    such place."""
    borough = _borough(wanted.borough)
    if borough is None:
        return None
    organisation = organisation or _event_organisation(wanted.borough, borough)
    area = borough.children.filter(name=wanted.ward).first() if wanted.ward else borough
    if organisation is None or area is None:
        return None
    starts_at, ends_at = _at(day, wanted.times)
    event = services.event_publish(
        actor=actor,
        organisation=organisation,
        area=area,
        title=wanted.title,
        purpose=wanted.purpose,
        place=wanted.place,
        starts_at=starts_at,
        ends_at=ends_at,
        activity=activity,
        meeting=meeting,
    )
    if wanted.cancelled:
        services.event_cancel(actor=actor, event=event, reason=wanted.cancelled)
    return event


@transaction.atomic
def load_demo_events(*, actor: User) -> list[Event]:
    """Engagement vans, street briefings, ward panels and a board meeting in public across
    wards of two boroughs over the coming six weeks, published now: a few start within
    NOTICE_DAYS (short notice), the rest later, and one is cancelled. Some belong to an
    activity of seed 002's register, the meeting to the Board's next meeting. Skipped while
    events of an earlier load are still to come; once all are past, a new set is published."""
    now = timezone.now()
    if Event.objects.filter(published_by=actor, starts_at__gte=now).exists():
        return []
    on = timezone.localdate(now)
    published = []
    for wanted in DEMO_EVENTS:
        activity = (
            Activity.objects.filter(title__startswith=wanted.activity).order_by("pk").first()
            if wanted.activity
            else None
        )
        event = _publish(actor, wanted, _day(on, wanted.days, wanted.weekday), activity=activity)
        if event is not None:
            published.append(event)
    meeting = (
        Meeting.objects.filter(body__name=BOARD, date__gt=on + dt.timedelta(days=NOTICE_DAYS))
        .select_related("body__organisation")
        .order_by("date")
        .first()
    )
    if meeting is not None:
        event = _publish(
            actor,
            BOARD_EVENT,
            meeting.date,
            organisation=meeting.body.organisation,
            meeting=meeting,
        )
        if event is not None:
            published.append(event)
    return published
