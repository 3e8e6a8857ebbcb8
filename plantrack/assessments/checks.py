"""What the data says about a unit's practices, beside what the unit declares: each rule stated
as the page shows it, and a fixed number of queries for a whole cycle (checks_for_units, which
the heat map uses).

* **Recurring** practice (with a cadence in days and the words that name its activity): the
  engagement activities of the unit (in its organisation's registers, or covering its area)
  running in the year before the cycle's due date whose title, aim or method holds one of the
  words, against the number the cadence asks for in that year.
* **Role** practice: the unit's people marked as a single point of contact (or whose post or job
  title says SPOC); and, where the practice asks for Inspector-level oversight, someone of the
  rank of Inspector or above in the unit.
* **Funding** practice: the last financial year the budgets of the unit's plans have money in,
  and whether a bid is in progress (drafted, submitted or awaiting a decision) when that year
  ends within six months of the due date.

Plain and partner practices are not checked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)

from plantrack.assessments.models import IN_PLACE, Answer, Item, Unit
from plantrack.budgets.models import BudgetAmount, Funding
from plantrack.core.finyears import fy_bounds, fy_label
from plantrack.directory.models import Area, Organisation, Person
from plantrack.engagement.models import Activity
from plantrack.engagement.selectors import ActivityFilter
from plantrack.plans.models import Plan

YEAR = dt.timedelta(days=365)
SOON = dt.timedelta(days=183)
SPOC_WORDS = re.compile(r"\bSPOC\b|single point of contact", re.IGNORECASE)
OVERSIGHT_WORDS = re.compile(r"\binspector", re.IGNORECASE)
# Ranks of Inspector and above, as the directory writes them.
SENIOR_RANKS = re.compile(
    r"^(insp|inspector|ci|chief inspector|supt|superintendent|ch ?supt|chief superintendent|"
    r"acc|dac|cmdr|commander|dcc|ac|cc|chief constable)\.?$",
    re.IGNORECASE,
)
# Up to this many units, their activities are found from the links to their places.
FEW_UNITS = 4
_Person = tuple[str, str, str, str, bool]  # name, rank, post, job title, SPOC
BIDDING = (Funding.Status.DRAFTED, Funding.Status.SUBMITTED, Funding.Status.DECISION_PENDING)


class Level(Protocol):
    """An answer's level: an Answer, or what the heat map reads of one."""

    @property
    def level(self) -> str: ...


@dataclass
class Check:
    rule: str  # what was looked at
    says: str  # what was found
    met: bool | None  # None: nothing to judge by

    def disagrees_with(self, answer: Answer | Level | None) -> bool:
        """The unit says in place and the data says not, or the other way round."""
        if answer is None or self.met is None or answer.level == Answer.Level.NOT_APPLICABLE:
            return False
        return (answer.level in IN_PLACE) != self.met


def checks_for(unit: Unit, items: list[Item], *, plans: QuerySet[Plan]) -> dict[int, Check]:
    """The data's word on each checkable item of the unit's return; budgets only from
    ``plans`` (those the reader may see)."""
    return checks_for_units([unit], items, plans=plans).get(unit.pk, {})


def checks_for_units(
    units: list[Unit], items: list[Item], *, plans: QuerySet[Plan]
) -> dict[int, dict[int, Check]]:
    """checks_for for every unit of a cycle (the heat map): at most six queries, however
    many units and items. Each unit's organisations are its own and those beneath it."""
    if not units:
        return {}
    due = units[0].cycle.due_on
    beneath = organisations_beneath({u.organisation_id for u in units})
    everyone = set().union(*beneath.values())
    found: dict[int, dict[int, Check]] = {unit.pk: {} for unit in units}
    recurring = [i for i in items if i.kind == Item.Kind.RECURRING]
    if recurring:
        activities = _activities(units, everyone, due, {w for i in recurring for w in _words(i)})
        counts = _named_counts(units, beneath, activities, recurring)
        for unit in units:
            for item in recurring:
                found[unit.pk][item.pk] = _recurring(item, counts[(unit.pk, item.pk)], due)
    roles = [i for i in items if i.kind == Item.Kind.ROLE]
    if roles:
        people: dict[int, list[_Person]] = defaultdict(list)
        for organisation, name, rank, post, job_title, spoc in Person.objects.filter(
            organisation_id__in=everyone
        ).values_list("organisation_id", "name", "rank", "post", "job_title", "spoc"):
            people[organisation].append((name, rank, post, job_title, spoc))
        for unit in units:
            staff = [p for o in sorted(beneath[unit.organisation_id]) for p in people[o]]
            for item in roles:
                found[unit.pk][item.pk] = _role(item, staff)
    funding = [i for i in items if i.kind == Item.Kind.FUNDING]
    if funding:
        budgets = _funding_facts(plans, everyone)
        for unit in units:
            check = _funding(budgets, beneath[unit.organisation_id], due)
            for item in funding:
                found[unit.pk][item.pk] = check
    return found


def organisations_beneath(roots: set[int]) -> dict[int, set[int]]:
    """Each root with every organisation beneath it: the whole tree in one query."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in Organisation.objects.values_list("pk", "parent_id"):
        children[parent].append(pk)
    found = {}
    for root in roots:
        seen, frontier = {root}, [root]
        while frontier:
            frontier = [c for pk in frontier for c in children[pk] if c not in seen]
            seen.update(frontier)
        found[root] = seen
    return found


@dataclass
class _Activity:
    words: frozenset[str]  # the words it names
    organisation: int
    areas: list[int]  # the ids of the places it covers


def _named_bits(words: list[str], prefix: str = "") -> Any:
    """Which of ``words`` an activity (through ``prefix``) names, in SQL, as one number of
    bits (LIKE: case is ignored for ASCII letters); the texts are not read."""
    named: Any = Value(0)
    for bit, word in enumerate(words):
        test = Q()
        for column in ("title", "aim", "method_text"):
            test |= Q(**{f"{prefix}{column}__icontains": word})
        named = named + Case(When(test, then=Value(1 << bit)), default=Value(0))
    return ExpressionWrapper(named, output_field=IntegerField())


def _activities(
    units: list[Unit], organisations: set[int], due: dt.date, words: set[str]
) -> list[_Activity]:
    """The activities running in the year to the due date in the units' registers or
    covering their places, that name one of the ``words``: the words each names, its
    register's organisation, and the places it covers among the units' (two queries). The
    words are looked for in SQL: a force's year holds thousands of activities.

    For a few units the places are read from the links to them; for a cycle's many, from
    the activities in the period (benchmark, in-process: one borough's return 215 → 140 ms
    the first way; forty boroughs' heat map 340 → 270 ms the second)."""
    if not words:
        return []
    ordered = sorted(words)
    found: dict[int, _Activity] = {}

    def add(pk: int, bits: int, organisation: int) -> _Activity:
        activity = found.get(pk)
        if activity is None:
            present = frozenset(w for bit, w in enumerate(ordered) if bits & (1 << bit))
            activity = found[pk] = _Activity(present, organisation, [])
        return activity

    period = ActivityFilter(period_start=due - YEAR, period_end=due)
    own = (
        period.apply(Activity.objects.filter(register__organisation_id__in=organisations))
        .annotate(named=_named_bits(ordered))
        .filter(named__gt=0)
        .values_list("pk", "named", "register__organisation_id")
    )
    for pk, bits, organisation in own.order_by():
        add(pk, bits, organisation)
    places = Q(pk__in=[])
    for path in sorted({unit.area.path for unit in units if unit.area is not None}):
        places |= Q(path__startswith=path)
    inside = Area.objects.filter(places).values("pk")
    rows: Any
    if len(units) <= FEW_UNITS:
        # A return's page: from the links to the unit's places (one borough's: 1,800 rows).
        links: Any = Activity.areas.through.objects.filter(area_id__in=inside)
        rows = (
            links.filter(period.in_period("activity__"))
            .annotate(named=_named_bits(ordered, "activity__"))
            .filter(named__gt=0)
            .values_list("activity_id", "named", "activity__register__organisation_id", "area_id")
        )
    else:
        # A heat map: from the activities in the period (a force's forty boroughs' links are
        # 73,000 rows; its activities in a year 16,000, read through the period's index).
        # The OR (with the units' own registers, read above too) keeps SQLite on the
        # period's index; joined on the places alone it drives from the links (217 ms).
        near = Q(register__organisation_id__in=organisations) | Q(areas__in=inside)
        rows = (
            period.apply(Activity.objects.filter(near))
            .annotate(named=_named_bits(ordered))
            .filter(named__gt=0)
            .values_list("pk", "named", "register__organisation_id", "areas__id")
        )
    for pk, bits, organisation, area_id in rows.order_by():
        if area_id is not None:
            add(pk, bits, organisation).areas.append(area_id)
    return list(found.values())


def _named_counts(
    units: list[Unit],
    beneath: dict[int, set[int]],
    activities: list[_Activity],
    items: list[Item],
) -> Counter[tuple[int, int]]:
    """How many activities of each unit name each item's words: each activity is given to
    its units once (by its register's organisation, and by the places it covers and those
    above them), and tested against each item once."""
    by_organisation: dict[int, set[int]] = defaultdict(set)
    by_area: dict[int, set[int]] = defaultdict(set)
    for unit in units:
        for organisation in beneath[unit.organisation_id]:
            by_organisation[organisation].add(unit.pk)
        if unit.area_id is not None:
            by_area[unit.area_id].add(unit.pk)
    words = {item.pk: set(_words(item)) for item in items}
    # Each place with the places above it (the ids in its path): one query, the areas only.
    lines = (
        {
            pk: [int(part) for part in path.split("/") if part]
            for pk, path in Area.objects.values_list("pk", "path")
        }
        if by_area
        else {}
    )
    # Activities counted by unit and by the words they name; items after, by their words.
    named: Counter[tuple[int, frozenset[str]]] = Counter()
    for activity in activities:
        present = activity.words
        theirs = set(by_organisation.get(activity.organisation, ()))
        for area in activity.areas:
            for above in lines.get(area, ()):
                if above in by_area:
                    theirs |= by_area[above]
        named.update((unit_id, present) for unit_id in theirs)
    counts: Counter[tuple[int, int]] = Counter()
    for (unit_id, present), n in named.items():
        for item_id, its in words.items():
            if its & present:
                counts[(unit_id, item_id)] += n
    return counts


def _words(item: Item) -> list[str]:
    return [w.strip().casefold() for w in item.check_words.split(",") if w.strip()]


def _recurring(item: Item, count: int, due: dt.date) -> Check:
    words = _words(item)
    if not words or not item.cadence_days:
        return Check(
            "Not checked: give the practice a cadence in days and the words that name its "
            "activity.",
            "",
            None,
        )
    expected = max(1, YEAR.days // item.cadence_days)
    rule = (
        f"Engagement activities of the unit in the year to {due:%-d %b %Y} naming "
        f"{' or '.join(repr(w) for w in words)}, against one every {item.cadence_days} days."
    )
    says = f"{count} recorded; {expected} expected."
    return Check(rule, says, count >= expected)


def _role(item: Item, people: list[_Person]) -> Check:
    spocs = [
        Person.format_name(name, rank, post)
        for name, rank, post, job_title, spoc in people
        if spoc or SPOC_WORDS.search(post) or SPOC_WORDS.search(job_title)
    ]
    rule = "People of the unit in the directory marked as a single point of contact"
    says = f"{len(spocs)} SPOC{'s' * (len(spocs) != 1)}" + (
        f": {', '.join(spocs[:5])}" if spocs else ""
    )
    met = bool(spocs)
    if OVERSIGHT_WORDS.search(item.text):
        seniors = [
            Person.format_name(name, rank, post)
            for name, rank, post, _, _ in people
            if SENIOR_RANKS.match(rank.strip())
        ]
        rule += ", and someone of the rank of Inspector or above to oversee them"
        says += f"; {len(seniors)} of Inspector rank or above" + (
            f" ({', '.join(seniors[:3])})" if seniors else ""
        )
        met = met and bool(seniors)
    return Check(rule + ".", says + ".", met)


@dataclass
class _Budgets:
    last_year: dict[int, int]  # organisation → the last financial year with budget
    bids: dict[int, int]  # organisation → bids in progress


def _funding_facts(readable: QuerySet[Plan], organisations: set[int]) -> _Budgets:
    plans = readable.filter(owner_organisation_id__in=organisations)
    years = (
        BudgetAmount.objects.filter(line__plan__in=plans, amount__gt=0)
        .values("line__plan__owner_organisation_id")
        .annotate(last=Max("financial_year"))
        .values_list("line__plan__owner_organisation_id", "last")
    )
    bids = (
        Funding.objects.filter(plan__in=plans, status__in=BIDDING)
        .values("plan__owner_organisation_id")
        .annotate(n=Count("pk"))
        .values_list("plan__owner_organisation_id", "n")
    )
    return _Budgets(dict(years), dict(bids))


def _funding(budgets: _Budgets, organisations: set[int], due: dt.date) -> Check:
    last = max(
        (budgets.last_year[o] for o in organisations if o in budgets.last_year), default=None
    )
    rule = (
        "The last financial year the unit's plans have budget in, and any bid in progress "
        "if that year ends within six months of the due date."
    )
    if last is None:
        return Check(rule, "No budget recorded for the unit's plans.", None)
    ends = fy_bounds(last)[1]
    if ends - due > SOON:
        return Check(rule, f"Funded to the end of {fy_label(last)}.", True)
    bidding = sum(budgets.bids.get(o, 0) for o in organisations)
    if bidding:
        return Check(rule, f"Funding ends {ends:%-d %b %Y}; {bidding} bid in progress.", True)
    return Check(rule, f"Funding ends {ends:%-d %b %Y} with no bid in progress.", False)
