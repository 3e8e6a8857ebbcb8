"""What anyone, signed in or not, may read of the published plans, and the approval lists of
those who publish. Every public read goes through ``public_plans``: a plan shows only while its
publication is live and the plan is not restricted (a plan made restricted after publishing
leaves the public at once).

What a public page may hold is decided here, field by field: refs, titles, status, RAG, due
as written, owners as posts and organisations (never names, staff numbers or contacts),
published update texts, measures and "you said, we did". Internal notes, descriptions,
unpublished updates and anything withheld never leave this module."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.directory.models import Area, Organisation
from plantrack.directory.selectors import organisation_ids_for
from plantrack.engagement.models import Activity, Outcome
from plantrack.engagement.selectors import activities_visible_to
from plantrack.measures.selectors import MeasureRow, measures_judged
from plantrack.plans.models import Action, ActionOrganisation, ActionOwner, Plan, Section, Update
from plantrack.plans.selectors import plans_visible_to
from plantrack.public.models import Event, Publication, PublicOutcome, PublicUpdate, Withholding


def public_plans() -> QuerySet[Plan]:
    return (
        Plan.objects.filter(publication__published_at__isnull=False)
        .exclude(visibility=Plan.Visibility.RESTRICTED)
        .select_related("owner_organisation", "publication")
    )


def public_plan_get(slug: str) -> Plan:
    """The published plan at ``slug``; 404 for any other (never published, withdrawn,
    restricted): the public cannot tell them apart."""
    plan = public_plans().filter(publication__slug=slug).first()
    if plan is None:
        raise Http404("No published plan at this address")
    return plan


def was_published(slug: str) -> bool:
    """A withdrawn plan's address says so rather than "not found" (still 404 in status)."""
    return Publication.objects.filter(slug=slug, first_published_at__isnull=False).exists()


@dataclass(frozen=True)
class OrganisationPlans:
    organisation: Organisation
    plans: list[Plan]


def public_index(organisation_id: int | None = None) -> list[OrganisationPlans]:
    """Published plans grouped by their organisation, organisations by name."""
    plans = public_plans().order_by("owner_organisation__name", "title")
    if organisation_id is not None:
        plans = plans.filter(owner_organisation_id=organisation_id)
    grouped: dict[int, OrganisationPlans] = {}
    for plan in plans:
        org = plan.owner_organisation
        grouped.setdefault(org.pk, OrganisationPlans(org, [])).plans.append(plan)
    return list(grouped.values())


# --- A public plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicUpdateRow:
    pk: int
    date: dt.date | None
    rag: str
    text: str
    published_at: dt.datetime


@dataclass
class PublicAction:
    pk: int
    ref: str
    title: str
    status: str
    status_label: str
    rag: str
    due_text: str
    owners: list[str]
    leads: list[str]
    supporting: list[str]
    updates: list[PublicUpdateRow] = field(default_factory=list)


@dataclass
class PublicSection:
    pk: int | None
    title: str
    scope: str
    actions: list[PublicAction] = field(default_factory=list)


@dataclass(frozen=True)
class YouSaidWeDid:
    activity: str
    you_said: str
    we_did: str
    date: dt.date | None


@dataclass
class PublicPlan:
    plan: Plan
    sections: list[PublicSection]
    measures: list[MeasureRow]
    you_said_we_did: list[YouSaidWeDid]

    @property
    def actions(self) -> list[PublicAction]:
        return [action for section in self.sections for action in section.actions]

    @property
    def updates(self) -> list[tuple[PublicAction, PublicUpdateRow]]:
        """Every published update, newest first (the feed)."""
        rows = [(a, u) for a in self.actions for u in a.updates]
        return sorted(rows, key=lambda pair: (pair[1].published_at, pair[1].pk), reverse=True)


# A post is shown to the public only when it reads as a post: it holds one of these words (a
# rank, a grade or a role noun) and no word of its holder's name. The importer files what it
# cannot read as a name under "post" ("Patel", "J.Smith", "jane doe"), so a post without such
# a word may be a name, and the public sees the organisation alone (found by a security review
# of the public side, 7 Dec).
_POST_WORDS = """pc ps sgt sergeant dc ds di dci dsu dsupt det detective insp inspector ci chinsp ch
chief supt superintendent csupt constable pcso acc dcc cc dac ac cmdr commander commissioner cllr
councillor head lead leads manager managers officer officers coordinator coordinators co ordinator
director deputy assistant analyst analysts adviser advisor advisers advisors partnership
partnerships team teams unit units department dept service services comms communications board
office directorate group groups chair secretary spoc snt nht bocu cid neighbourhood
neighbourhoods safeguarding engagement prevention intelligence policing operations ops response
support specialist practitioner worker workers commissioning"""
POST_WORDS = frozenset(_POST_WORDS.split())


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.casefold())


def public_post(post: str, holder_name: str) -> str:
    """``post`` if the public may read it as a post (POST_WORDS), otherwise ""."""
    words = _words(post)
    if not words or not POST_WORDS.intersection(words):
        return ""
    name_words = {w for w in _words(holder_name) if len(w) > 1}
    return "" if name_words.intersection(words) else post


def owner_as_post(ownership: ActionOwner) -> str:
    """An owner as the public sees them: the post and the organisation, never the name."""
    person = ownership.person
    post = public_post(ownership.post or person.post or person.job_title, person.name)
    organisation = person.organisation.name if person.organisation else ""
    if post and organisation:
        return f"{post}, {organisation}"
    return post or organisation


def owners_shown(entries: Iterable[str]) -> list[str]:
    """The owners as the page lists them: each once, and an organisation alone left out where
    a post of it is listed ("Barnet Police" beside "Youth Crime Lead, Barnet Police")."""
    unique = list(dict.fromkeys(entry for entry in entries if entry))
    posted = {entry.rsplit(", ", 1)[1] for entry in unique if ", " in entry}
    return [entry for entry in unique if entry not in posted]


def _withheld(plan: Plan) -> tuple[set[int], set[int]]:
    sections, actions = set(), set()
    for section_id, action_id in Withholding.objects.filter(plan=plan).values_list(
        "section_id", "action_id"
    ):
        if section_id:
            sections.add(section_id)
        if action_id:
            actions.add(action_id)
    return sections, actions


def _published_updates(action_ids: list[int]) -> dict[int, list[PublicUpdateRow]]:
    rows = (
        PublicUpdate.objects.filter(
            state=PublicUpdate.State.PUBLISHED, update__action_id__in=action_ids
        )
        .select_related("update")
        .order_by("-update__date", "-published_at", "-pk")
    )
    found: dict[int, list[PublicUpdateRow]] = defaultdict(list)
    for row in rows:
        found[row.update.action_id].append(
            PublicUpdateRow(
                row.pk,
                row.update.date,
                row.update.rag,
                row.text,
                row.published_at or row.decided_at,
            )
        )
    return found


def _public_action(action: Action, updates: list[PublicUpdateRow]) -> PublicAction:
    by_role: dict[str, list[str]] = defaultdict(list)
    for link in action.agencies.all():
        by_role[link.role].append(link.organisation.name)
    return PublicAction(
        pk=action.pk,
        ref=action.ref,
        title=action.title,
        status=action.status,
        status_label=action.get_status_display(),
        rag=action.rag,
        due_text=action.due_text,
        # Two owners of one post read once ("West Mercia Police" three times says nothing).
        owners=owners_shown(map(owner_as_post, action.ownerships.all())),
        leads=by_role[ActionOrganisation.Role.LEAD],
        supporting=by_role[ActionOrganisation.Role.SUPPORTING],
        updates=updates,
    )


def public_plan_content(plan: Plan) -> PublicPlan:
    """The whole public page of ``plan``, in a fixed number of queries."""
    withheld_sections, withheld_actions = _withheld(plan)
    sections = [
        s
        for s in Section.objects.filter(plan=plan).order_by("position", "pk")
        if s.pk not in withheld_sections
    ]
    actions = [
        a
        for a in Action.objects.filter(plan=plan)
        .exclude(section_id__in=withheld_sections)
        .exclude(pk__in=withheld_actions)
        .prefetch_related(
            Prefetch(
                "ownerships",
                queryset=ActionOwner.objects.select_related("person__organisation").order_by(
                    "position", "pk"
                ),
            ),
            Prefetch(
                "agencies",
                queryset=ActionOrganisation.objects.select_related("organisation"),
            ),
        )
        .order_by("position", "pk")
    ]
    updates = _published_updates([a.pk for a in actions])
    by_section: dict[int | None, PublicSection] = {
        s.pk: PublicSection(s.pk, s.title, s.description) for s in sections
    }
    loose = PublicSection(None, "Other actions", "")
    for action in actions:
        target = by_section.get(action.section_id, loose)
        target.actions.append(_public_action(action, updates.get(action.pk, [])))
    shown = [s for s in by_section.values() if s.actions] + ([loose] if loose.actions else [])
    shown_actions = {a.pk for a in actions}
    shown_sections = {section.pk for section in sections}  # live and not withheld
    measures = [
        row
        for row in measures_judged(plan)
        if (row.measure.action_id is None or row.measure.action_id in shown_actions)
        and (row.measure.section_id is None or row.measure.section_id in shown_sections)
    ]
    return PublicPlan(plan, shown, measures, _you_said_we_did(plan))


def _you_said_we_did(plan: Plan) -> list[YouSaidWeDid]:
    """Completed engagement activities' "you said, we did", each only as a manager or named
    publisher approved it for this plan (PublicOutcome), and only while its activity is
    completed and linked to the plan or to an action shown. The register's own text never
    shows: anyone who may see a plan can link an activity to it, and an outcome is written
    for the register, not the public (a security review of 7 Dec found a name and a phone
    number reaching a public page so). One query, whatever the number of rows."""
    rows = (
        PublicOutcome.objects.filter(
            plan=plan,
            state=PublicOutcome.State.PUBLISHED,
            outcome__activity__status=Activity.Status.COMPLETED,
        )
        .filter(_linked_to(plan.pk, "outcome__activity_id"))
        .select_related("outcome")
        .order_by(F("outcome__date").desc(nulls_last=True), "-published_at", "-pk")
    )
    return [
        YouSaidWeDid(row.activity_title, row.you_said, row.we_did, row.outcome.date) for row in rows
    ]


# An activity's links to plans and to actions (Activity.plans, Activity.actions).
PlanLink = Activity.plans.through
ActionLink = Activity.actions.through


def _shown_action_links(**plans: object) -> QuerySet[Any]:
    """Links of activities to actions shown on public pages (live, neither the action nor its
    section withheld: as ``public_plan_content`` chooses them), of the plans ``plans`` names
    (``action__plan=...`` or ``action__plan__in=...``)."""
    return ActionLink.objects.filter(
        action__deleted_at__isnull=True,
        action__withholding__isnull=True,
        action__section__withholding__isnull=True,
        **plans,
    )


def _linked_to(plan_id: int, activity_field: str) -> Q:
    """Rows whose ``activity_field`` names an activity linked to the plan or to one of its
    actions shown on the public page."""
    direct = PlanLink.objects.filter(plan_id=plan_id).values("activity_id")
    via = _shown_action_links(action__plan_id=plan_id).values("activity_id")
    return Q(**{f"{activity_field}__in": direct}) | Q(**{f"{activity_field}__in": via})


def outcome_linked_to(plan: Plan, outcome: Outcome) -> bool:
    """Whether ``outcome`` may show on ``plan``'s public page: its activity completed and
    linked to the plan or to an action on the page."""
    return (
        Activity.objects.filter(pk=outcome.activity_id, status=Activity.Status.COMPLETED)
        .filter(_linked_to(plan.pk, "pk"))
        .exists()
    )


# --- Approvals ----------------------------------------------------------------------------------


def plans_publishable_by(user: User) -> QuerySet[Plan]:
    """Plans with a publication whose updates ``user`` may approve: as a manager or a named
    publisher (a site admin: every one)."""
    plans = plans_visible_to(user).filter(publication__isnull=False)
    if user.is_superuser:
        return plans
    return plans.filter(
        Q(roles__user=user, roles__role="manager") | Q(publication__publishers=user)
    ).distinct()


def updates_awaiting_approval(user: User, plan: Plan | None = None) -> QuerySet[Update]:
    """Updates of published plans nobody has decided on yet, newest first."""
    plans = plans_publishable_by(user)
    if plan is not None:
        plans = plans.filter(pk=plan.pk)
    decided = PublicUpdate.objects.filter(update=OuterRef("pk"))
    return (
        Update.objects.filter(action__plan__in=plans, action__deleted_at__isnull=True)
        .exclude(Exists(decided))
        .select_related("action__plan", "action__section")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class OutcomeWaiting:
    outcome: Outcome  # with its activity
    plan: Plan


# (outcome id, plan id) pairs.
Pairs = QuerySet[Any, tuple[int, int]]


def _outcome_pairs(user: User, plans: QuerySet[Plan]) -> Pairs:
    """(outcome, plan) id pairs waiting for a decision, newest outcome first, as one SQL
    query (a union of the two ways an activity links to a plan), so a page of them is read
    without reading them all."""
    completed = Activity.Status.COMPLETED
    visible = activities_visible_to(user).values("pk")

    def pairs(links: QuerySet[Any], plan_field: str) -> Pairs:
        undecided = ~Exists(
            PublicOutcome.objects.filter(
                plan_id=OuterRef("waiting_plan"), outcome_id=OuterRef("waiting_outcome")
            )
        )
        found: Pairs = (
            links.filter(activity__status=completed, activity_id__in=visible)
            .annotate(waiting_outcome=F("activity__outcomes__pk"), waiting_plan=F(plan_field))
            .filter(waiting_outcome__isnull=False)
            .filter(undecided)
            .values_list("waiting_outcome", "waiting_plan")
        )
        return found

    plan_ids = plans.values("pk")
    direct = pairs(PlanLink.objects.filter(plan_id__in=plan_ids), "plan_id")
    via = pairs(_shown_action_links(action__plan_id__in=plan_ids), "action__plan_id")
    return direct.union(via).order_by("-waiting_outcome", "waiting_plan")


def outcomes_awaiting_approval(user: User, plan: Plan | None = None) -> Pairs:
    """Outcomes of completed activities linked to a live published plan that ``user`` may
    publish for (or to an action on its public page) and whose register ``user`` may read,
    with no decision for that plan yet: (outcome id, plan id) pairs, newest outcome first.
    ``outcomes_waiting`` reads a page of them."""
    plans = plans_publishable_by(user).filter(publication__published_at__isnull=False)
    if plan is not None:
        plans = plans.filter(pk=plan.pk)
    return _outcome_pairs(user, plans)


def outcomes_waiting(pairs: list[tuple[int, int]]) -> list[OutcomeWaiting]:
    """The outcomes and plans of a page of ``outcomes_awaiting_approval`` (two queries)."""
    outcomes = Outcome.objects.select_related("activity").in_bulk({o for o, _ in pairs})
    plans = Plan.objects.in_bulk({p for _, p in pairs})
    return [OutcomeWaiting(outcomes[o], plans[p]) for o, p in pairs if o in outcomes and p in plans]


def outcome_for_decision(
    user: User, plan: Plan, pk: int
) -> tuple[Outcome, PublicOutcome | None, bool]:
    """The outcome ``pk`` as ``plan``'s publishers decide on it: with its decision, and
    whether ``user`` may read the register's text. 404 unless the user reads it and it may
    show on the plan's page (or was decided on), or it is published there (a publisher who
    cannot read the register may still withdraw it)."""
    outcome = Outcome.objects.select_related("activity").filter(pk=pk).first()
    if outcome is None:
        raise Http404("No such outcome")
    decision = PublicOutcome.objects.filter(plan=plan, outcome=outcome).first()
    readable = activities_visible_to(user).filter(pk=outcome.activity_id).exists()
    if readable and (decision is not None or outcome_linked_to(plan, outcome)):
        return outcome, decision, True
    if decision is not None and decision.state == PublicOutcome.State.PUBLISHED:
        return outcome, decision, False
    raise Http404("No such outcome for this plan")


def publication_of(plan: Plan) -> Publication | None:
    """For those who may see ``plan``: whether and where it is published."""
    return Publication.objects.filter(plan=plan).prefetch_related("publishers").first()


def sections_to_withhold(plan: Plan) -> QuerySet[Section]:
    return Section.objects.filter(plan=plan, withholding__isnull=True).order_by("position", "pk")


def actions_to_withhold(plan: Plan) -> QuerySet[Action]:
    return (
        Action.objects.filter(plan=plan, withholding__isnull=True)
        .exclude(section__withholding__isnull=False)
        .select_related("section")
        .order_by("section__position", "position", "pk")
    )


def withholdings(plan: Plan) -> QuerySet[Withholding]:
    return Withholding.objects.filter(plan=plan).select_related("section", "action", "withheld_by")


# --- Public events ------------------------------------------------------------------------------

NOTICE_DAYS = 14  # the charter's "maximum notice": published at least two weeks ahead
EVENTS_PAST_DAYS = 30  # the calendar feed keeps a month of past events


def start_of_today() -> dt.datetime:
    """The calendar shows today's events all day, then those to come."""
    now = timezone.localtime()
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def events_stamp() -> str:
    """Changes whenever an event is published, changed or cancelled (the index on
    ``updated_at`` answers it): part of the cached calendar pages' keys."""
    latest = Event.objects.aggregate(latest=Max("updated_at"))["latest"]
    return latest.isoformat() if latest else ""


def public_area_get(pk: int) -> Area:
    area = Area.objects.filter(pk=pk).select_related("parent").first()
    if area is None:
        raise Http404("No such area")
    return area


def _within(area: Area) -> QuerySet[Area]:
    return Area.objects.filter(path__startswith=area.path)


def public_events(area: Area, since: dt.datetime, ward: Area | None = None) -> QuerySet[Event]:
    """Events in ``area`` or any place inside it (or only in ``ward``), from ``since``, by
    start. Led by the (area, start) index, one area at a time."""
    within = _within(ward if ward is not None else area).values("pk")
    return (
        Event.objects.filter(area_id__in=within, starts_at__gte=since)
        .select_related("area", "organisation")
        .order_by("starts_at", "pk")
    )


@dataclass(frozen=True)
class WardCount:
    area: Area
    count: int


def wards_with_events(area: Area, since: dt.datetime) -> list[WardCount]:
    """The places inside ``area`` with events from ``since``, with how many (one query)."""
    rows = (
        Event.objects.filter(area_id__in=_within(area).values("pk"), starts_at__gte=since)
        .exclude(area=area)
        .values("area")
        .annotate(n=Count("pk"))
    )
    counts = {row["area"]: row["n"] for row in rows}
    areas = Area.objects.filter(pk__in=counts).order_by("name")
    return [WardCount(a, counts[a.pk]) for a in areas]


def areas_with_events(since: dt.datetime) -> list[Area]:
    """Force areas and boroughs with events from ``since`` in them: the calendars to offer.
    An event's area path names every area above it."""
    paths = (
        Event.objects.filter(starts_at__gte=since).values_list("area__path", flat=True).distinct()
    )
    ids = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    areas = list(
        Area.objects.filter(
            pk__in=ids, level__in=[Area.Level.FORCE, Area.Level.BOROUGH]
        ).select_related("parent")
    )
    names = {area.pk: area.name.casefold() for area in areas}

    def by_name(area: Area) -> list[str]:  # each force, then its boroughs, by name
        return [names.get(int(p), "") for p in area.path.strip("/").split("/") if p]

    return sorted(areas, key=by_name)


def public_event_get(pk: int) -> Event:
    event = Event.objects.select_related("area", "organisation").filter(pk=pk).first()
    if event is None:
        raise Http404("No such event")
    return event


def feed_events(area: Area, now: dt.datetime) -> QuerySet[Event]:
    return public_events(area, now - dt.timedelta(days=EVENTS_PAST_DAYS))


@dataclass(frozen=True)
class NoticeRow:
    area: Area
    events: int
    with_notice: int

    @property
    def share(self) -> float:
        return self.with_notice / self.events if self.events else 0.0


def events_for_manager(user: User) -> QuerySet[Event]:
    """Events of the organisations the user belongs to (every one for a site admin)."""
    events = Event.objects.select_related("area", "organisation", "published_by")
    if user.is_superuser:
        return events
    return events.filter(organisation_id__in=organisation_ids_for(user))


def notice_by_area(events: QuerySet[Event], since: dt.datetime) -> list[NoticeRow]:
    """For the charter's promise: per area (borough, or the event's own area above ward
    level), the events starting from ``since`` and how many were published at least
    NOTICE_DAYS ahead. Read as (area, published, start) triples: one query."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = events.filter(starts_at__gte=since, cancelled_at__isnull=True).values_list(
        "area__path", "published_at", "starts_at"
    )
    for path, published_at, starts_at in rows:
        parts = [int(p) for p in path.strip("/").split("/") if p]
        key = parts[1] if len(parts) > 1 else parts[0]  # the borough, or the force area
        totals[key][0] += 1
        ahead = timezone.localtime(starts_at).date() - timezone.localtime(published_at).date()
        if ahead.days >= NOTICE_DAYS:
            totals[key][1] += 1
    areas = Area.objects.in_bulk(list(totals))
    return sorted(
        (NoticeRow(areas[pk], n, ok) for pk, (n, ok) in totals.items() if pk in areas),
        key=lambda row: row.area.name.casefold(),
    )
