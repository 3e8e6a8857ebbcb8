"""Who gets a reminder digest and what it says, gathered for everyone at once.

Built for the national case (100k actions, 20k people): one query for the owners of every
action needing attention, one for the open engagement follow-ups due within FOLLOW_UP_DAYS or
overdue (with their owners), one for the preferences, one for the people without accounts, plus
whatever the packs app needs for missing commentary. Everything is then grouped in Python.
Nothing here queries per person, per action or per follow-up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from plantrack.assessments.models import OPEN_RETURNS, Cycle, Unit
from plantrack.core.finyears import fy_quarter, quarter_label
from plantrack.directory.models import Person
from plantrack.engagement.models import FollowUp
from plantrack.governance.models import Body, Oversight
from plantrack.packs.selectors import cadence_kind, current_period, missing_commentary_by_person
from plantrack.plans.models import ActionOwner, Plan
from plantrack.plans.selectors import CLOSED
from plantrack.reminders.digest.items import (
    COMMENTARY,
    FOLLOW_UP_DAYS,
    OVERDUE,
    TITLE_LIMIT,
    UPDATE_DUE,
    FollowUpItem,
    Gathered,
    Item,
    Recipient,
    ReturnItem,
    short,
)
from plantrack.reminders.models import (
    DEFAULT_FREQUENCY,
    DEFAULT_WEEKDAY,
    PersonDigest,
    ReminderPreference,
    is_due,
)

_PK = 987654321  # a stand-in id: URLs are reversed once, then formatted for every row


def base_url() -> str:
    return getattr(settings, "PLANTRACK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def url_pattern(name: str) -> str:
    """An absolute URL with "{}" where the id goes, so 100k links cost one reverse()."""
    return base_url() + reverse(name, args=[_PK]).replace(str(_PK), "{}")


def commentary_period(on: dt.date) -> str:
    """The reporting period whose missing commentary owners are asked for: the quarter ``on``
    falls in, as plantrack.packs.selectors.current_period has it, so that the digest and the
    packs' commentary page ask for the same thing. (Bodies with their own cadence add their
    periods: see commentary_periods.) (The last finished quarter was the other
    candidate; the packs app chose the current one and the two must agree.)"""
    return quarter_label(*fy_quarter(on))


def commentary_periods(on: dt.date) -> list[tuple[str, list[int] | None]]:
    """(period, plan ids or None for every plan) whose missing commentary owners are asked for:
    the quarter for every plan, and for the plans overseen by a body with its own cadence
    (monthly, every two months, twice a year) that body's current period too. One query."""
    periods: list[tuple[str, list[int] | None]] = [(commentary_period(on), None)]
    by_kind: dict[str, set[int]] = defaultdict(set)
    own_cadence = [c for c in Body.Cadence.values if cadence_kind(c) != "Q"]
    oversights = Oversight.objects.filter(
        plan__status=Plan.Status.ACTIVE, body__cadence__in=own_cadence
    )
    for plan_id, cadence in oversights.values_list("plan_id", "body__cadence").distinct():
        by_kind[cadence_kind(cadence)].add(plan_id)
    for kind in sorted(by_kind):
        periods.append((current_period(on, kind), sorted(by_kind[kind])))
    return periods


def commentary_source() -> Callable[..., dict] | None:
    """Where the commentary items come from (the packs app); tests put None here to leave
    them out. A missing function is an error, not a silent loss of every commentary item."""
    return missing_commentary_by_person


def _name(name: str, rank: str, post: str, first: str | None, last: str | None) -> str:
    if name or not (first or last):
        return Person.format_name(name, rank, post)
    return f"{first or ''} {last or ''}".strip()


_PERSON_FIELDS = (
    "id",
    "name",
    "rank",
    "post",
    "email",
    "user_id",
    "user__email",
    "user__first_name",
    "user__last_name",
    "email_verified_at",
    "organisation_id",
)


def gather(on: dt.date) -> Gathered:
    action_url = url_pattern("plans:action")
    people: dict[int, tuple] = {}
    items: dict[int, list[Item]] = defaultdict(list)

    rows = (
        ActionOwner.objects.filter(action__plan__status=Plan.Status.ACTIVE)
        .filter(Q(action__update_due_on__lte=on) | Q(action__due_latest__lt=on))
        .exclude(action__status__in=CLOSED)
        .filter(Q(person__user__isnull=True) | Q(person__user__is_active=True))
        .values_list(
            *(f"person__{f}" if f != "id" else "person_id" for f in _PERSON_FIELDS),
            "action_id",
            "action__ref",
            "action__title",
            "action__plan_id",
            "action__plan__title",
            "action__due_latest",
            "action__update_due_on",
        )
        .order_by()
    )
    for row in rows.iterator(chunk_size=5000):
        person, action = row[: len(_PERSON_FIELDS)], row[len(_PERSON_FIELDS) :]
        action_id, ref, title, plan_id, plan_title, due, update_due = action
        people.setdefault(person[0], person)
        title = title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"
        url = action_url.format(action_id)
        bucket = items[person[0]]
        if update_due is not None and update_due <= on:
            bucket.append(
                Item(action_id, ref, title, plan_id, plan_title, UPDATE_DUE, update_due, url)
            )
        if due is not None and due < on:
            bucket.append(Item(action_id, ref, title, plan_id, plan_title, OVERDUE, due, url))

    periods = commentary_periods(on)
    for period, plan_ids in periods:
        _add_commentary(period, plan_ids, items, people, action_url)
    follow_ups = _follow_ups(on, people)
    returns = _returns(on, people)

    no_email, recipients = 0, []
    for person_id in items.keys() | follow_ups.keys() | returns.keys():
        _, name, rank, post, email, user_id, user_email, first, last, verified, org = people[
            person_id
        ]
        # Only a confirmed address of someone in an organisation: Person.verified_email.
        address = user_email or (email if verified and org is not None else "")
        if not address:
            no_email += 1
            continue
        recipients.append(
            Recipient(
                person_id,
                user_id,
                _name(name, rank, post, first, last),
                address,
                # No new empty list per recipient: at national scale 20,000 more long-lived
                # containers bring on an extra full garbage collection (seconds).
                items[person_id],
                follow_ups.get(person_id, ()),
                returns.get(person_id, ()),
            )
        )
    recipients.sort(key=lambda r: (r.name.lower(), r.person_id))

    prefs = {
        user_id: (frequency, weekday, last)
        for user_id, frequency, weekday, last in ReminderPreference.objects.values_list(
            "user_id", "frequency", "weekday", "last_sent_on"
        )
    }
    person_last = dict(PersonDigest.objects.values_list("person_id", "last_sent_on"))
    return Gathered(recipients, no_email, prefs, person_last, periods[0][0])


def _follow_ups(on: dt.date, people: dict[int, tuple]) -> dict[int, list[FollowUpItem]]:
    """Open follow-ups due by FOLLOW_UP_DAYS from ``on`` (or overdue) by owner, with the owners
    added to ``people``: one query, whatever the number of follow-ups and owners. Every
    register's follow-ups (registers have no status); owners with a disabled account are left
    out, as for actions."""
    activity_url = url_pattern("engagement:activity")
    rows = (
        FollowUp.objects.filter(
            done=False, owner__isnull=False, due_on__lte=on + dt.timedelta(days=FOLLOW_UP_DAYS)
        )
        .filter(Q(owner__user__isnull=True) | Q(owner__user__is_active=True))
        .values_list(
            *(f"owner__{f}" if f != "id" else "owner_id" for f in _PERSON_FIELDS),
            "pk",
            "title",
            "due_on",
            "activity_id",
            "activity__title",
            "activity__register_id",
            "activity__register__title",
        )
        .order_by()
    )
    found: dict[int, list[FollowUpItem]] = defaultdict(list)
    for row in rows.iterator(chunk_size=5000):
        person, follow_up = row[: len(_PERSON_FIELDS)], row[len(_PERSON_FIELDS) :]
        pk, title, due_on, activity_id, activity_title, register_id, register_title = follow_up
        people.setdefault(person[0], person)
        found[person[0]].append(
            FollowUpItem(
                pk,
                short(title),
                short(activity_title),
                register_id,
                register_title,
                due_on,
                due_on < on,
                activity_url.format(activity_id),
            )
        )
    return found


def _returns(on: dt.date, people: dict[int, tuple]) -> dict[int, list[ReturnItem]]:
    """The self-assessment returns still to submit in open cycles, by the person of each of
    their assessors (assessors are users; those with no directory entry get no digest, as
    for every other item), with the people added to ``people``: one query."""
    unit_url = url_pattern("assessments:unit")
    labels = dict(Unit.Status.choices)
    rows = (
        Unit.assessors.through.objects.filter(
            unit__cycle__status=Cycle.Status.OPEN,
            unit__status__in=OPEN_RETURNS,
            user__is_active=True,
            user__person__isnull=False,
        )
        .values_list(
            *(f"user__person__{f}" for f in _PERSON_FIELDS),
            "unit_id",
            "unit__organisation__name",
            "unit__status",
            "unit__cycle__title",
            "unit__cycle__framework__title",
            "unit__cycle__due_on",
        )
        .order_by()
    )
    found: dict[int, list[ReturnItem]] = defaultdict(list)
    for row in rows.iterator(chunk_size=5000):
        person, unit = row[: len(_PERSON_FIELDS)], row[len(_PERSON_FIELDS) :]
        pk, name, status, cycle, framework, due_on = unit
        people.setdefault(person[0], person)
        found[person[0]].append(
            ReturnItem(
                pk,
                name,
                short(cycle),
                short(framework),
                labels[status],
                due_on,
                due_on < on,
                unit_url.format(pk),
            )
        )
    return found


def _add_commentary(
    period: str,
    plan_ids: list[int] | None,
    items: dict[int, list[Item]],
    people: dict[int, tuple],
    action_url: str,
) -> None:
    """Add the items missing commentary for a period (in some plans, or all) from the packs
    app, fetching in one query each the people and plan titles it did not load."""
    source = commentary_source()
    if source is None:
        return
    missing = source(period) if plan_ids is None else source(period, plan_ids)
    if not missing:
        return
    plan_titles: dict[int, str] = {}
    for actions in missing.values():
        for action in actions:
            if type(action).plan.is_cached(action):
                plan_titles[action.plan_id] = action.plan.title
    wanted_plans = {a.plan_id for acts in missing.values() for a in acts} - set(plan_titles)
    if wanted_plans:
        plan_titles.update(Plan.objects.filter(pk__in=wanted_plans).values_list("pk", "title"))
    wanted_people = {p.pk for p in missing} - set(people)
    if wanted_people:
        active = Q(user__isnull=True) | Q(user__is_active=True)
        found = Person.objects.filter(active, pk__in=wanted_people).values_list(*_PERSON_FIELDS)
        for row in found:
            people[row[0]] = row
    for person, actions in missing.items():
        if person.pk not in people:
            continue
        bucket = items[person.pk]
        for action in actions:
            title = action.title
            if len(title) > TITLE_LIMIT:
                title = title[: TITLE_LIMIT - 1] + "…"
            bucket.append(
                Item(
                    action.pk,
                    action.ref,
                    title,
                    action.plan_id,
                    plan_titles.get(action.plan_id, ""),
                    COMMENTARY,
                    None,
                    action_url.format(action.pk),
                    period,
                )
            )


def due_today(gathered: Gathered, on: dt.date) -> tuple[list[Recipient], int]:
    """The recipients whose frequency says a digest is due, and how many are not due."""
    due, not_due = [], 0
    default = (DEFAULT_FREQUENCY, DEFAULT_WEEKDAY, None)
    for r in gathered.recipients:
        if r.user_id is not None:
            frequency, weekday, last = gathered.prefs.get(r.user_id, default)
        else:
            frequency, weekday = DEFAULT_FREQUENCY, DEFAULT_WEEKDAY
            last = gathered.person_last.get(r.person_id)
        if is_due(frequency, weekday, last, on):
            due.append(r)
        else:
            not_due += 1
    return due, not_due
