"""Reads for the reporting cycle (commentary, chasing) and board packs, scoped to the user.

Which items need commentary (``items_needing_commentary``): the open actions (not complete or
cancelled) of a plan that are red or amber, overdue (their deadline has passed), or have a
measure judged off track. They are judged as they stand today; the period only says which
quarter (or month, for a body meeting monthly) the commentary is for. A measure not tied to
an action has no owner to comment and shows in the pack's exceptions without commentary.

Who may publish or prepare a pack (``can_prepare_pack`` / ``can_publish_pack``): a superuser,
or someone who can see every plan the body oversees and manages at least one of them. Who may
see a pack: whoever can see every plan it covers (a pack mixes their contents)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from plantrack.accounts.models import User
from plantrack.core.finyears import period_bounds as _period_bounds
from plantrack.core.finyears import period_label, period_of, period_parse, period_step
from plantrack.core.models import Rag
from plantrack.directory.models import Person
from plantrack.governance.models import Body, Chase, Commentary, Decision, Meeting, Oversight
from plantrack.governance.selectors import decisions_with_subjects
from plantrack.measures import judgement as j
from plantrack.measures.judgement import Status as Judged
from plantrack.measures.models import Measure, Reading, Target
from plantrack.measures.selectors import measure_judgement
from plantrack.packs.models import Pack, PackFile
from plantrack.plans.models import Action, ActionOwner, Plan, PlanRole, Update
from plantrack.plans.selectors import CLOSED, plans_visible_to, today

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class MissingText(TypedDict):
    missing_text: str  # the count of missing commentary, as the snapshot's JSON holds it


# --- Periods --------------------------------------------------------------------------------
# Packs and commentary are for a reporting period: the financial-year quarter, or the period of
# a body's own cadence (plantrack.core.finyears): a monthly group's "2026/27-M08", a
# bimonthly one's "2026/27-B4", a twice-yearly one's "2026/27-H1".

CADENCE_KINDS: dict[str, str] = {
    Body.Cadence.MONTHLY: "M",
    Body.Cadence.BIMONTHLY: "B",
    Body.Cadence.TWICE_YEARLY: "H",
}


def cadence_kind(cadence: str) -> str:
    """The kind of period a body with this cadence reports by: quarters unless it meets
    monthly, every two months or twice a year."""
    return CADENCE_KINDS.get(cadence, "Q")


def current_period(on: dt.date | None = None, kind: str = "Q") -> str:
    """The period of a kind (default: the financial-year quarter) a day falls in."""
    return period_label(*period_of(on or today(), kind))


def period_normalise(text: str) -> str:
    """ "Q2 2022/23" → "2022/23-Q2", "November 2022" → "2022/23-M08"; a ValidationError
    otherwise."""
    try:
        return period_label(*period_parse(text))
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    return _period_bounds(*period_parse(period))


def period_choices(
    on: dt.date | None = None, back: int = 4, ahead: int = 1, kinds: Iterable[str] = ("Q",)
) -> list[str]:
    """Recent periods for a choice list: for each kind, the next, this one and ``back``
    before, newest first."""
    choices = []
    for kind in kinds:
        now = period_of(on or today(), kind)
        choices += [period_label(*period_step(*now, step)) for step in range(ahead, -back - 1, -1)]
    return choices


def plan_period_kinds(plan: Plan) -> list[str]:
    """The kinds of period a plan is reported by: quarters, and the cadence of every body
    overseeing it (a monthly steering group asks for monthly commentary). One query."""
    cadences = Oversight.objects.filter(plan=plan).values_list("body__cadence", flat=True)
    found = {cadence_kind(c) for c in cadences} | {"Q"}
    return [kind for kind in ("Q", "M", "B", "H") if kind in found]


# --- What needs commentary ------------------------------------------------------------------


def off_track_measures(plans: QuerySet[Plan] | list[int]) -> dict[int, list[str]]:
    """Action id → names of its measures judged off track, for the open actions of the plans.
    Three queries whatever the number of measures and readings."""
    measures = list(
        Measure.objects.filter(plan__in=plans, action__isnull=False)
        .exclude(action__status__in=CLOSED)
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("date", "id")))
        .order_by("name", "id")
    )
    if not measures:
        return {}
    points: dict[int, list[j.Point]] = defaultdict(list)
    readings = Reading.objects.filter(measure__in=[m.pk for m in measures]).order_by(
        "date", "created_at", "id"
    )
    for measure_id, day, value in readings.values_list("measure_id", "date", "value"):
        points[measure_id].append(j.Point(day, value))
    found: dict[int, list[str]] = defaultdict(list)
    for measure in measures:
        judged = measure_judgement(measure, points[measure.pk]).status
        # The query keeps only measures tied to an action.
        if judged == Judged.OFF_TRACK and measure.action_id is not None:
            found[measure.action_id].append(measure.name)
    return dict(found)


def needing_commentary_q(on: dt.date, off_track_ids: Iterable[int]) -> Q:
    flagged = Q(rag__in=[Rag.RED, Rag.AMBER]) | Q(due_latest__lt=on)
    ids = list(off_track_ids)
    if ids:
        flagged |= Q(pk__in=ids)
    return flagged & ~Q(status__in=CLOSED)


def reasons_for(action: Action, on: dt.date, off_track: dict[int, list[str]]) -> list[str]:
    """Why an action needs commentary, in words."""
    reasons = []
    if action.rag in (Rag.RED, Rag.AMBER):
        reasons.append(Rag(action.rag).label)
    if action.due_latest is not None and action.due_latest < on:
        reasons.append("Overdue")
    for name in off_track.get(action.pk, []):
        reasons.append(f"Measure off track: {name}")
    return reasons


@dataclass
class CommentaryItem:
    action: Action
    reasons: list[str]
    commentary: Commentary | None = None

    @property
    def owners(self) -> list[Person]:
        return [o.person for o in self.action.ownerships.all()]


def _owners_prefetch() -> Prefetch[Any]:
    return Prefetch("ownerships", queryset=ActionOwner.objects.select_related("person"))


def items_needing_commentary(
    plan: Plan, period: str, on: dt.date | None = None
) -> list[CommentaryItem]:
    """Every red, amber, overdue or off-track open action of a plan, in plan order, with its
    commentary for the period (None where there is none yet). Six queries."""
    on = on or today()
    off_track = off_track_measures([plan.pk])
    actions = list(
        Action.objects.filter(plan=plan)
        .filter(needing_commentary_q(on, off_track))
        .select_related("section", "plan")
        .prefetch_related(_owners_prefetch())
        .order_by("section__position", "section_id", "position", "id")
    )
    given = {
        c.action_id: c
        for c in Commentary.objects.filter(period=period, action__in=[a.pk for a in actions])
    }
    return [CommentaryItem(a, reasons_for(a, on, off_track), given.get(a.pk)) for a in actions]


def missing_commentary_by_person(
    period: str, plans: QuerySet[Plan] | Iterable[Plan] | None = None
) -> dict[Person, list[Action]]:
    """Each owner with the actions still missing commentary for the period, across the plans
    given (default: every active plan). Actions with no owner are left out (no one to ask).
    People sorted by name, their actions in plan order. Five queries whatever the size."""
    on = today()
    scope: QuerySet[Plan] | list[int]
    if plans is None:
        scope = Plan.objects.filter(status=Plan.Status.ACTIVE)
    elif isinstance(plans, QuerySet):
        scope = plans
    else:
        scope = [p.pk if isinstance(p, Plan) else p for p in plans]
    off_track = off_track_measures(scope)
    actions = (
        Action.objects.filter(plan__in=scope)
        .filter(needing_commentary_q(on, off_track))
        .exclude(pk__in=Commentary.objects.filter(period=period).values("action_id"))
        .select_related("plan")
        # What the chase email and the reminder digests show: nationally this reads tens of
        # thousands of actions, so not every column of each.
        .only("id", "ref", "title", "plan_id", "section_id", "position", "plan__title")
        .prefetch_related(_owners_prefetch())
        .order_by("plan__title", "plan_id", "section__position", "section_id", "position", "id")
    )
    people: dict[int, Person] = {}
    found: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        for ownership in action.ownerships.all():
            people.setdefault(ownership.person_id, ownership.person)
            found[ownership.person_id].append(action)
    ordered = sorted(people.values(), key=lambda p: (p.display_name.lower(), p.pk))
    return {person: found[person.pk] for person in ordered}


@dataclass
class OwnerRow:
    """One owner on the commentary page: their items, which have commentary, the last chase."""

    person: Person
    items: list[CommentaryItem] = field(default_factory=list)
    last_chase: Chase | None = None

    @property
    def missing(self) -> list[CommentaryItem]:
        return [i for i in self.items if i.commentary is None]

    @property
    def responded(self) -> bool:
        return not self.missing


def commentary_by_owner(
    plan: Plan, period: str, items: list[CommentaryItem]
) -> tuple[list[OwnerRow], list[CommentaryItem]]:
    """The commentary page's rows: per owner (not yet responded first), and the items no one
    owns. One query for the chases."""
    rows: dict[int, OwnerRow] = {}
    unowned = []
    for item in items:
        owners = item.owners
        if not owners:
            unowned.append(item)
        for person in owners:
            rows.setdefault(person.pk, OwnerRow(person)).items.append(item)
    for chase in Chase.objects.filter(plan=plan, period=period, person__in=list(rows)).order_by(
        "-sent_at", "-id"
    ):
        row = rows[chase.person_id]
        row.last_chase = row.last_chase or chase
    ordered = sorted(
        rows.values(), key=lambda r: (r.responded, r.person.display_name.lower(), r.person.pk)
    )
    return ordered, unowned


def commentary_get(action: Action, period: str) -> Commentary | None:
    return Commentary.objects.filter(action=action, period=period).first()


def person_in_plan(plan: Plan, pk: int) -> Person:
    """An owner of one of the plan's actions, or 404."""
    person = Person.objects.filter(pk=pk, ownerships__action__plan=plan).first()
    if person is None:
        raise Http404("No such owner in this plan")
    return person


# --- Bodies ---------------------------------------------------------------------------------


def body_plan_ids(body: Body) -> list[int]:
    return sorted(set(Oversight.objects.filter(body=body).values_list("plan_id", flat=True)))


def bodies_for_user(user: User) -> QuerySet[Body]:
    """Bodies overseeing at least one plan the user can see."""
    return Body.objects.filter(oversights__plan__in=plans_visible_to(user)).distinct()


def bodies_user_prepares_for(user: User) -> QuerySet[Body]:
    """Bodies overseeing a plan the user manages (superusers: every body overseeing a plan):
    where a "Prepare a pack" link makes sense. One query."""
    bodies = Body.objects.filter(oversights__isnull=False)
    if not user.is_superuser:
        bodies = bodies.filter(
            oversights__plan__roles__user=user,
            oversights__plan__roles__role=PlanRole.Role.MANAGER,
        )
    return bodies.distinct().order_by("name")


def body_get_for_user(user: User, pk: int) -> Body:
    body = bodies_for_user(user).filter(pk=pk).first()
    if body is None:
        raise Http404("No such body")
    return body


def body_get_by_name(name: str) -> Body:
    """For the command line: a body by its name or short name (case-insensitive)."""
    matches = list(Body.objects.filter(Q(name__iexact=name) | Q(short_name__iexact=name))[:2])
    if len(matches) != 1:
        raise Body.DoesNotExist(
            f"No body called “{name}”." if not matches else f"“{name}” names several bodies."
        )
    return matches[0]


def _sees_all(user: User, plan_ids: list[int]) -> bool:
    if user.is_superuser:
        return True
    visible = set(plans_visible_to(user).filter(pk__in=plan_ids).values_list("pk", flat=True))
    return visible == set(plan_ids)


def _manages_one(user: User, plan_ids: list[int]) -> bool:
    return (
        user.is_superuser
        or PlanRole.objects.filter(
            user=user, plan_id__in=plan_ids, role=PlanRole.Role.MANAGER
        ).exists()
    )


def can_prepare_pack(user: User, body: Body) -> bool:
    plan_ids = body_plan_ids(body)
    return bool(plan_ids) and _manages_one(user, plan_ids) and _sees_all(user, plan_ids)


def meetings_for_body(body: Body) -> QuerySet[Meeting]:
    return Meeting.objects.filter(body=body).order_by("-date", "-id")


def decisions_for(
    body: Body, start: dt.date, end: dt.date, plan_ids: list[int]
) -> QuerySet[Decision]:
    """The body's decisions in the period, for its pack: only those about the pack's plans
    (or about no plan), since a pack is read by whoever can see its plans, and a decision may
    be about a plan the body no longer oversees."""
    return (
        decisions_with_subjects()
        .filter(body=body, decided_on__gte=start, decided_on__lte=end)
        .filter(Q(subject_plan__isnull=True) | Q(subject_plan_id__in=plan_ids))
        .order_by("decided_on", "id")
    )


# --- Packs ----------------------------------------------------------------------------------


def packs_visible_to(user: User) -> QuerySet[Pack]:
    if not user.is_authenticated:
        return Pack.objects.none()
    packs = Pack.objects.all()
    if not user.is_superuser:
        hidden = Plan.objects.exclude(pk__in=plans_visible_to(user))
        packs = packs.filter(plans__isnull=False).exclude(plans__in=hidden).distinct()
    return packs


def pack_list(user: User, body: Body | None = None) -> QuerySet[Pack]:
    """Packs for a list: without their snapshots (large), with body, meeting and author."""
    packs = packs_visible_to(user).select_related("body", "meeting", "created_by")
    if body is not None:
        packs = packs.filter(body=body)
    return packs.defer("snapshot").order_by("-created_at", "-id")


def pack_list_api(user: User, body: Body) -> QuerySet[WithAnnotations[Pack, MissingText]]:
    """A body's packs with the count of missing commentary read out of the snapshot's JSON
    by the database, so that the snapshots themselves are not loaded."""
    from django.db.models.fields.json import KT

    return (
        packs_visible_to(user)
        .filter(body=body)
        .annotate(missing_text=KT("snapshot__summary__missing_commentary"))
        .defer("snapshot")
        .order_by("-created_at", "-id")
    )


def pack_plans_and_files(
    pack_ids: list[int],
) -> tuple[dict[int, list[int]], dict[int, list[dict[str, Any]]]]:
    """Plan ids and stored files' metadata of some packs: two queries. The files are those a
    user downloads now: a published pack's final ones, otherwise the draft ones."""
    plans: dict[int, list[int]] = defaultdict(list)
    for pack_id, plan_id in (
        Pack.plans.through.objects.filter(pack_id__in=pack_ids)
        .order_by("plan_id")
        .values_list("pack_id", "plan_id")
    ):
        plans[pack_id].append(plan_id)
    files: dict[int, list[dict[str, Any]]] = defaultdict(list)
    published = Q(pack__status=Pack.Status.PUBLISHED)
    current = (published & Q(draft=False)) | (~published & Q(draft=True))
    for row in (
        PackFile.objects.filter(current, pack_id__in=pack_ids)
        .order_by("format")
        .values("pack_id", "format", "size", "sha256")
    ):
        files[row["pack_id"]].append(
            {"format": row["format"], "size": row["size"], "sha256": row["sha256"]}
        )
    return plans, files


def pack_get_for_user(user: User, pk: int) -> Pack:
    pack = packs_visible_to(user).select_related("body", "meeting", "created_by").filter(pk=pk)
    found = pack.first()
    if found is None:
        raise Http404("No such pack")
    return found


def pack_plan_ids(pack: Pack) -> list[int]:
    return list(pack.plans.order_by("pk").values_list("pk", flat=True))


def can_publish_pack(user: User, pack: Pack) -> bool:
    plan_ids = pack_plan_ids(pack)
    return bool(plan_ids) and _manages_one(user, plan_ids) and _sees_all(user, plan_ids)


def pack_files(pack: Pack) -> dict[str, dict[str, Any]]:
    """Format → size and checksum of the stored files a user downloads now (a draft's draft
    files, a published pack's final ones), not their bytes."""
    files = PackFile.objects.filter(pack=pack, draft=pack.status != Pack.Status.PUBLISHED)
    return {row["format"]: dict(row) for row in files.values("format", "size", "sha256")}


def pack_file_data(pack: Pack, fmt: str, *, draft: bool = False) -> bytes | None:
    data = (
        PackFile.objects.filter(pack=pack, format=fmt, draft=draft)
        .values_list("data", flat=True)
        .first()
    )
    return bytes(data) if data is not None else None


def missing_commentary_count(pack: Pack) -> int:
    """How many of the actions the pack covers (whole plans, or the sections a body oversees)
    are exceptions lacking commentary for its period, now (owned or not)."""
    scope = Q(pk__in=[])
    for part in pack.snapshot.get("parts", []):
        if part.get("section_id"):
            scope |= Q(plan_id=part["plan_id"], section_id=part["section_id"])
        else:
            scope |= Q(plan_id=part["plan_id"])
    period = pack.period
    off_track = off_track_measures(sorted({p["plan_id"] for p in pack.snapshot.get("parts", [])}))
    return (
        Action.objects.filter(scope)
        .filter(needing_commentary_q(today(), off_track))
        .exclude(pk__in=Commentary.objects.filter(period=period).values("action_id"))
        .count()
    )


def latest_update_subquery() -> Subquery:
    return Subquery(
        Update.objects.filter(action=OuterRef("pk"))
        .order_by(F("date").desc(nulls_last=True), "-created_at", "-id")
        .values("pk")[:1]
    )
