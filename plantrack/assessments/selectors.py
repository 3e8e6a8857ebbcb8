"""Every read of frameworks, scoped to the user who asks.

Who sees what: members of the owning organisation (and of those above it) and site admins
read every version, drafts included. A published or retired framework is what units assess
themselves against: everyone signed in reads it. Anyone else gets 404."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from plantrack.accounts.models import User
from plantrack.assessments.checks import Check, checks_for_units
from plantrack.assessments.models import (
    IN_PLACE,
    RANK,
    Answer,
    Cycle,
    Framework,
    Item,
    ItemComment,
    ReviewNote,
    Unit,
)
from plantrack.directory.models import Area, Organisation, Person
from plantrack.directory.selectors import organisation_ids_for, with_units
from plantrack.evidence.models import Evidence
from plantrack.evidence.selectors import evidence_for_ids
from plantrack.plans.models import Plan
from plantrack.plans.selectors import plans_visible_to

SHARED = (Framework.Status.PUBLISHED, Framework.Status.RETIRED)


def frameworks_visible_to(user: User) -> QuerySet[Framework]:
    if not user.is_authenticated:
        return Framework.objects.none()
    if user.is_superuser:
        return Framework.objects.all()
    mine = organisation_ids_for(user)
    consulted = Framework.consulted.through.objects.filter(organisation_id__in=mine)
    return Framework.objects.filter(
        Q(status__in=SHARED)
        | Q(organisation_id__in=mine)
        | Q(
            status=Framework.Status.CONSULTATION,
            pk__in=consulted.values("framework_id"),
        )
    )


def framework_get_for_user(user: User, pk: int) -> Framework:
    try:
        return frameworks_visible_to(user).select_related("organisation", "previous").get(pk=pk)
    except Framework.DoesNotExist as exc:
        raise Http404("No such framework") from exc


def frameworks_for_list(user: User) -> QuerySet[Framework]:
    return (
        frameworks_visible_to(user)
        .select_related("organisation")
        .annotate(
            item_count=Count("items", distinct=True),
            mandatory_count=Count("items", filter=Q(items__mandatory=True), distinct=True),
        )
        .order_by("organisation__name", "title", "-version_number")
    )


def framework_items(framework: Framework) -> QuerySet[Item]:
    return (
        framework.items.select_related("previous")
        .prefetch_related(
            Prefetch(
                "comments",
                queryset=ItemComment.objects.select_related("author", "organisation"),
            )
        )
        .order_by("position", "id")
    )


def item_get_for_user(user: User, pk: int) -> Item:
    found = (
        Item.objects.filter(pk=pk, framework__in=frameworks_visible_to(user))
        .select_related("framework__organisation", "framework__previous")
        .first()
    )
    if found is None:
        raise Http404("No such item")
    return found


def can_keep_frameworks_of(user: User, organisation: Organisation | None = None) -> bool:
    """Site admins; members of ``organisation`` (or of one above it), or of any, if None."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    ids = organisation_ids_for(user)
    return bool(ids) if organisation is None else organisation.pk in ids


def can_edit_framework(user: User, framework: Framework) -> bool:
    return can_keep_frameworks_of(user, framework.organisation)


def commenting_organisation(user: User, framework: Framework) -> Organisation | None:
    """The consulted organisation the user comments for (their own, or one above it), while
    the framework is in consultation; None if they may not comment."""
    if framework.status != Framework.Status.CONSULTATION or not user.is_authenticated:
        return None
    mine = organisation_ids_for(user)
    return framework.consulted.filter(pk__in=mine).order_by("name").first()


def consulted_member(user: User, framework: Framework) -> bool:
    """Whether the user belongs to an organisation consulted on the framework (or above it)."""
    if not user.is_authenticated:
        return False
    return framework.consulted.filter(pk__in=organisation_ids_for(user)).exists()


def can_comment(user: User, framework: Framework) -> bool:
    """Members of a consulted organisation, and the keepers (to answer them), during
    consultation."""
    if framework.status != Framework.Status.CONSULTATION:
        return False
    return (
        can_edit_framework(user, framework) or commenting_organisation(user, framework) is not None
    )


def organisations_for_new_framework(user: User) -> QuerySet[Organisation]:
    if user.is_superuser:
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(pk__in=organisation_ids_for(user)).order_by("name")


def previous_items(framework: Framework) -> QuerySet[Item]:
    """The items of the version before, which an item of this one may continue."""
    if framework.previous_id is None:
        return Item.objects.none()
    return Item.objects.filter(framework_id=framework.previous_id).order_by("position", "id")


# --- Cycles ---------------------------------------------------------------------------------
# A cycle is read by the framework's keepers, its reviewers and the assessors of its units
# (units see each other's returns: the central picture is shared with them); anyone else gets
# 404. Keepers run it, reviewers review it, a unit's assessors answer for that unit only.


def cycles_visible_to(user: User) -> QuerySet[Cycle]:
    if not user.is_authenticated:
        return Cycle.objects.none()
    if user.is_superuser:
        return Cycle.objects.all()
    return Cycle.objects.filter(
        Q(framework__organisation_id__in=organisation_ids_for(user))
        | Q(pk__in=Cycle.reviewers.through.objects.filter(user=user).values("cycle_id"))
        | Q(pk__in=Unit.assessors.through.objects.filter(user=user).values("unit__cycle_id"))
    )


def cycle_get_for_user(user: User, pk: int) -> Cycle:
    try:
        return cycles_visible_to(user).select_related("framework__organisation").get(pk=pk)
    except Cycle.DoesNotExist as exc:
        raise Http404("No such cycle") from exc


def cycles_of(user: User, framework: Framework) -> QuerySet[Cycle]:
    return (
        cycles_visible_to(user)
        .filter(framework=framework)
        .annotate(unit_count=Count("units", distinct=True))
        .order_by("-opens_on", "-pk")
    )


def can_see_cycle(user: User, cycle: Cycle) -> bool:
    """``cycles_visible_to(user)`` holds ``cycle``, asked of the one cycle: its keeper's
    members (no query: their organisations are kept per user), else its reviewers and its
    units' assessors (one query)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or cycle.framework.organisation_id in organisation_ids_for(user):
        return True
    return (
        Cycle.reviewers.through.objects.filter(user=user, cycle_id=cycle.pk).exists()
        or Unit.assessors.through.objects.filter(user=user, unit__cycle_id=cycle.pk).exists()
    )


def unit_get_for_user(user: User, pk: int) -> Unit:
    """The return, if the user may read its cycle, else 404: the unit with its cycle and
    whether the user is one of its assessors (kept on it for is_assessor), then
    can_see_cycle (for the benchmark's reader, 0.8 ms in-process against 2.3 ms for the unit
    filtered by cycles_visible_to's three-way subquery)."""
    found = (
        Unit.objects.filter(pk=pk)
        .select_related("cycle__framework__organisation", "organisation", "area")
        .annotate(
            reader_assesses=Exists(
                Unit.assessors.through.objects.filter(unit_id=OuterRef("pk"), user_id=user.pk)
            )
        )
        .order_by()  # one row: no join for the default order
        .first()
    )
    if found is None:
        raise Http404("No such return")
    found._assessor = (user.pk, bool(found.reader_assesses))  # type: ignore[attr-defined]
    if not (found.reader_assesses or can_see_cycle(user, found.cycle)):
        raise Http404("No such return")
    return found


def answer_get_for_user(user: User, pk: int) -> Answer:
    found = (
        Answer.objects.filter(pk=pk, unit__cycle__in=cycles_visible_to(user))
        .select_related("unit__cycle__framework__organisation", "unit__organisation", "item")
        .first()
    )
    if found is None:
        raise Http404("No such answer")
    return found


def is_assessor(user: User, unit: Unit) -> bool:
    """One query, or none for a unit read by unit_get_for_user for the same user this
    request (the answer it read with the unit)."""
    if not user.is_authenticated:
        return False
    known = getattr(unit, "_assessor", None)
    if known is not None and known[0] == user.pk:
        return bool(known[1])
    return unit.assessors.filter(pk=user.pk).exists()


def can_review(user: User, cycle: Cycle) -> bool:
    """The cycle's reviewers; site admins and the framework's keepers too, who stand in for
    a reviewer who is away."""
    if not user.is_authenticated:
        return False
    return can_edit_framework(user, cycle.framework) or cycle.reviewers.filter(pk=user.pk).exists()


def answer_evidence(answers: list[Answer]) -> dict[int, list[Evidence]]:
    """The evidence on each answer, by its id (one query)."""
    return evidence_for_ids(Answer, [a.pk for a in answers])


def answers_evidence_stamp(unit: Unit) -> tuple[int, int | None]:
    """How many pieces of evidence the unit's answers carry and the latest one's id (one
    query): evidence is only added and removed, so any change moves one or the other."""
    found = Evidence.objects.filter(
        content_type=ContentType.objects.get_for_model(Answer),
        object_id__in=unit.answers.values("pk"),
    ).aggregate(n=Count("pk"), last=Max("pk"))
    return found["n"], found["last"]


def evidence_count(answers: list[Answer]) -> dict[int, int]:
    """How many pieces of evidence each answer carries (one query)."""
    return {pk: len(items) for pk, items in answer_evidence(answers).items()}


def cycle_units(cycle: Cycle) -> QuerySet[Unit]:
    return (
        cycle.units.select_related("organisation", "area")
        .prefetch_related("assessors")
        .annotate(answered=Count("answers", distinct=True))
        .order_by("organisation__name", "pk")
    )


def unit_answers(unit: Unit) -> dict[int, Answer]:
    """The unit's answers by item, each with its review trail."""
    answers = unit.answers.select_related("action", "item").prefetch_related("notes__author")
    return {answer.item_id: answer for answer in answers}


@dataclass(frozen=True)
class ItemPlace:
    """An item of a unit's return: its number among the framework's items, its neighbours'
    ids (for "next" and "previous") and the unit's answer to it, with its trail."""

    item: Item
    number: int
    count: int
    previous_pk: int | None
    next_pk: int | None
    answer: Answer | None


def item_in_return(unit: Unit, item_pk: int) -> ItemPlace:
    """``item_pk`` of the unit's framework, or 404 (four light queries: the items' order, the
    item, the answer and its trail)."""
    order = list(unit.cycle.framework.items.order_by("position", "id").values_list("pk", flat=True))
    if item_pk not in order:
        raise Http404("No such item in this return")
    at = order.index(item_pk)
    item = Item.objects.get(pk=item_pk)
    trail = Prefetch("notes", queryset=ReviewNote.objects.select_related("author"))
    # No ordering: an answer's default order joins its item.
    answers = unit.answers.filter(item_id=item_pk).select_related("action")
    answer = answers.prefetch_related(trail).order_by().first()
    if answer is not None:
        answer.item = item
    return ItemPlace(
        item=item,
        number=at + 1,
        count=len(order),
        previous_pk=order[at - 1] if at > 0 else None,
        next_pk=order[at + 1] if at + 1 < len(order) else None,
        answer=answer,
    )


LEVELS = dict(Answer.Level.choices)


@dataclass(frozen=True, slots=True)
class Cell:
    """What the heat map reads of an answer: its level (and review). 2,000 answers as model
    instances cost a fifth of a cold heat map."""

    level: str
    review: str = ""

    def get_level_display(self) -> str:
        return str(LEVELS[self.level])


@dataclass
class HeatMap:
    """A cycle's units × items: each unit's level for each item, its score against the
    framework's target and its mandatory items, and each item's adoption across units."""

    cycle: Cycle
    items: list[Item]
    units: list[Unit]
    cells: dict[tuple[int, int], Cell]  # (unit id, item id) → answer
    before: dict[tuple[int, int], Cell]  # (organisation id, item id) → last cycle's answer
    checks: dict[int, dict[int, Check]]  # unit id → item id → what the data says
    # (unit id, item id) of the answers the data disagrees with, and how many each unit's,
    # found once.
    disagreeing: set[tuple[int, int]] = field(init=False)
    per_unit: Counter[int] = field(init=False)

    def __post_init__(self) -> None:
        shown = {item.pk for item in self.items}
        self.disagreeing = {
            (unit_id, item_id)
            for unit_id, checks in self.checks.items()
            for item_id, check in checks.items()
            if item_id in shown and check.disagrees_with(self.cells.get((unit_id, item_id)))
        }
        self.per_unit = Counter(unit_id for unit_id, _ in self.disagreeing)

    def disagrees(self, unit: Unit, item: Item) -> bool:
        return (unit.pk, item.pk) in self.disagreeing

    def disagreements(self, unit: Unit) -> int:
        """How many of the unit's answers the data disagrees with."""
        return self.per_unit[unit.pk]

    @property
    def disagreement_count(self) -> int:
        return sum(self.per_unit[unit.pk] for unit in self.units)

    def changes(self, unit: Unit) -> dict[str, int]:
        """How many of the unit's answers are better, worse or the same as last cycle."""
        counted = {"better": 0, "worse": 0, "same": 0}
        for item in self.items:
            moved = change(
                self.cells.get((unit.pk, item.pk)), self.before.get((unit.organisation_id, item.pk))
            )
            if moved:
                counted[moved] += 1
        return counted

    def row(self, unit: Unit) -> list[Cell | None]:
        return [self.cells.get((unit.pk, item.pk)) for item in self.items]

    def score(self, unit: Unit) -> Score:
        answers = [a for a in self.row(unit) if a is not None]
        applicable = [a for a in answers if a.level != Answer.Level.NOT_APPLICABLE]
        in_place = sum(1 for a in applicable if a.level in IN_PLACE)
        mandatory_missing = [
            item
            for item in self.items
            if item.mandatory
            and getattr(self.cells.get((unit.pk, item.pk)), "level", None) not in IN_PLACE
        ]
        return Score(
            in_place=in_place,
            applicable=len(applicable),
            answered=len(answers),
            target=self.cycle.framework.target_percent,
            mandatory_missing=mandatory_missing,
        )

    def adoption(self, item: Item) -> tuple[int, int]:
        """How many units have the item in place, of those it applies to."""
        answers = [self.cells.get((unit.pk, item.pk)) for unit in self.units]
        applicable = [
            a for a in answers if a is not None and a.level != Answer.Level.NOT_APPLICABLE
        ]
        return sum(1 for a in applicable if a.level in IN_PLACE), len(applicable)

    @property
    def rows(self) -> list[tuple[Unit, list[Cell | None], Score, dict[str, int]]]:
        return [(unit, self.row(unit), self.score(unit), self.changes(unit)) for unit in self.units]

    @property
    def compared(self) -> bool:
        return bool(self.before)

    @property
    def adoption_row(self) -> list[tuple[int, int]]:
        return [self.adoption(item) for item in self.items]


@dataclass
class Score:
    in_place: int
    applicable: int
    answered: int
    target: int
    mandatory_missing: list[Item]

    @property
    def percent(self) -> int | None:
        return round(100 * self.in_place / self.applicable) if self.applicable else None

    @property
    def meets_target(self) -> bool:
        return (
            self.percent is not None and self.percent >= self.target and not self.mandatory_missing
        )


def heat_map(
    cycle: Cycle,
    *,
    plans: QuerySet[Plan],
    kind: str = "",
    area: Area | None = None,
) -> HeatMap:
    """A fixed number of queries whatever the number of units and items. ``kind`` and
    ``area`` keep the units of that kind of organisation, and those in that area (or a place
    in it); what the data says about the budgets reads only ``plans`` (the reader's)."""
    items = list(cycle.framework.items.order_by("position", "id"))
    chosen = cycle.units.select_related("organisation", "area", "cycle")
    if kind:
        chosen = chosen.filter(organisation__kind=kind)
    if area is not None:
        chosen = chosen.filter(area__path__startswith=area.path)
    units = list(chosen.order_by("organisation__name"))
    answers = Answer.objects.filter(unit__cycle=cycle).order_by()
    cells = {
        (unit_id, item_id): Cell(level, review)
        for unit_id, item_id, level, review in answers.values_list(
            "unit_id", "item_id", "level", "review"
        )
    }
    checks = checks_for_units(units, items, plans=plans)
    return HeatMap(cycle, items, units, cells, previous_levels(cycle), checks)


def units_to_choose(framework: Framework) -> QuerySet[Organisation]:
    """The units a framework is sent to: the organisations beneath its keeper's."""
    beneath = with_units([framework.organisation_id]) - {framework.organisation_id}
    return Organisation.objects.filter(pk__in=beneath).order_by("name")


def people_to_choose(framework: Framework) -> QuerySet[User]:
    """Reviewers: the users of the keeping organisation and the units beneath it."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id__in=with_units([framework.organisation_id]),
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def assessors_to_choose(unit: Unit) -> QuerySet[User]:
    """A unit's assessors: its own members (and those of the units beneath it)."""
    return (
        User.objects.filter(
            is_active=True, memberships__organisation_id__in=with_units([unit.organisation_id])
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# --- The cycle before -----------------------------------------------------------------------


def unit_kinds_and_areas(cycle: Cycle) -> tuple[list[tuple[str, str]], QuerySet[Area]]:
    """The kinds of organisation and the areas the cycle's units have, for its filters (two
    queries, and one for the areas when they are listed)."""
    labels = dict(Organisation.Kind.choices)
    kinds = sorted(set(cycle.units.values_list("organisation__kind", flat=True)))
    # The units' areas and the areas above them (a force's boroughs, chosen by the force).
    paths = cycle.units.exclude(area=None).values_list("area__path", flat=True)
    ids = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    areas = Area.objects.filter(pk__in=ids).order_by("path")
    return [(kind, str(labels.get(kind, kind))) for kind in kinds], areas


def _last_returns(
    cycle: Cycle, organisation_id: int | None, item_id: int | None
) -> tuple[QuerySet[Answer], dict[int, int], dict[int, int]]:
    """The answers of each unit's last return before ``cycle`` (of its framework or the
    version before it), with each unit's organisation by return and the item of this
    framework each earlier item continues (two queries, and the answers' when read)."""
    items = cycle.framework.items.values_list(
        "id", "previous_id", "previous__framework_id", "not_comparable"
    )
    if item_id is not None:
        items = items.filter(pk=item_id)
    continues, frameworks, wanted = {}, {cycle.framework_id}, set()
    for pk, previous, previous_framework, not_comparable in items:
        wanted.add(pk)
        if previous and not not_comparable:
            continues[previous] = pk
            wanted.add(previous)
            frameworks.add(previous_framework)
    earlier = Unit.objects.filter(
        cycle__framework_id__in=frameworks, cycle__opens_on__lt=cycle.opens_on
    ).order_by("cycle__opens_on", "cycle_id")
    if organisation_id is not None:
        earlier = earlier.filter(organisation_id=organisation_id)
    else:
        earlier = earlier.filter(organisation_id__in=cycle.units.values("organisation_id"))
    last: dict[int, int] = {}  # organisation → its unit in the latest earlier cycle
    for unit_id, organisation in earlier.values_list("pk", "organisation_id"):
        last[organisation] = unit_id
    of_unit = {unit_id: organisation for organisation, unit_id in last.items()}
    answers = Answer.objects.filter(unit_id__in=list(of_unit), item_id__in=wanted).order_by()
    return answers, of_unit, continues


def previous_answers(
    cycle: Cycle, organisation_id: int | None = None, item_id: int | None = None
) -> dict[tuple[int, int], Answer]:
    """Each unit's answers in its last cycle before this one (of this framework or the
    version before it), by (organisation id, item id of this cycle's framework): the same
    item, or the item of the version before that it continues (unless marked not
    comparable). Only ``organisation_id``'s and ``item_id``'s, if given. Three queries: the
    returns of earlier cycles, then the answers of each unit's last one (a unit with eight
    cycles behind it reads one cycle's answers, not eight)."""
    answers, of_unit, continues = _last_returns(cycle, organisation_id, item_id)
    found: dict[tuple[int, int], Answer] = {}
    shown = ("unit_id", "item_id", "level", "action__ref", "action__status", "action__plan_id")
    for answer in answers.select_related("action").only(*shown):
        item = continues.get(answer.item_id, answer.item_id)
        found[(of_unit[answer.unit_id], item)] = answer
    return found


def previous_levels(cycle: Cycle) -> dict[tuple[int, int], Cell]:
    """previous_answers' levels alone, for the heat map: its 2,000 answers as plain values
    took 5 ms in-process, as model instances with their actions 24 ms."""
    answers, of_unit, continues = _last_returns(cycle, None, None)
    return {
        (of_unit[unit_id], continues.get(item_id, item_id)): Cell(level)
        for unit_id, item_id, level in answers.values_list("unit_id", "item_id", "level")
    }


def previous_for_unit(unit: Unit, item: Item | None = None) -> dict[int, Answer]:
    """The unit's answers in its last cycle (only to ``item``, if given), by item id of this
    cycle's framework."""
    found = previous_answers(unit.cycle, unit.organisation_id, item.pk if item else None)
    return {item_id: answer for (_, item_id), answer in found.items()}


def change(now: Answer | Cell | None, before: Answer | Cell | None) -> str:
    """ "better", "worse", "same", or "" when either is missing or not applicable."""
    if now is None or before is None or now.level not in RANK or before.level not in RANK:
        return ""
    difference = RANK[now.level] - RANK[before.level]
    return "better" if difference > 0 else "worse" if difference < 0 else "same"


def people_of_unit(unit: Unit) -> QuerySet[Person]:
    """Who may own the action made from a unit's gap: its people and its assessors."""
    return (
        Person.objects.filter(
            Q(organisation_id__in=with_units([unit.organisation_id]))
            | Q(user__in=unit.assessors.all())
        )
        .distinct()
        .order_by("name")
    )


def organisations_to_consult(framework: Framework) -> QuerySet[Organisation]:
    """Whom a framework's keepers may consult: the units beneath the keeping organisation."""
    beneath = with_units([framework.organisation_id]) - {framework.organisation_id}
    return Organisation.objects.filter(pk__in=beneath).order_by("name")


def readable_plan_ids(user: User, answers: Iterable[Answer]) -> set[int]:
    """Of the plans the answers' actions are in, those the user may read (one query): an
    action's ref, title and status show only to them."""
    wanted = {a.action.plan_id for a in answers if a.action is not None}
    if not wanted:
        return set()
    return set(plans_visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True))
