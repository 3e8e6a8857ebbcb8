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
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from plantrack.assessments.models import IN_PLACE, Answer, Item, Unit
from plantrack.budgets.models import BudgetAmount, Funding
from plantrack.core.finyears import fy_bounds, fy_label
from plantrack.directory.models import Organisation, Person
from plantrack.engagement.models import Activity
from plantrack.engagement.selectors import ActivityFilter, in_area
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
_Person = tuple[str, str, str, str, bool]  # name, rank, post, job title, SPOC
BIDDING = (Funding.Status.DRAFTED, Funding.Status.SUBMITTED, Funding.Status.DECISION_PENDING)


@dataclass
class Check:
    rule: str  # what was looked at
    says: str  # what was found
    met: bool | None  # None: nothing to judge by

    def disagrees_with(self, answer: Answer | None) -> bool:
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
    """checks_for for every unit of a cycle (the heat map): at most seven queries, however
    many units and items. Each unit's organisations are its own and those beneath it."""
    if not units:
        return {}
    due = units[0].cycle.due_on
    beneath = _organisations_beneath({u.organisation_id for u in units})
    everyone = set().union(*beneath.values())
    found: dict[int, dict[int, Check]] = {unit.pk: {} for unit in units}
    recurring = [i for i in items if i.kind == Item.Kind.RECURRING]
    if recurring:
        activities = _activities(units, everyone, due)
        for unit in units:
            theirs = _activities_of(unit, beneath[unit.organisation_id], activities)
            for item in recurring:
                found[unit.pk][item.pk] = _recurring(item, theirs, due)
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


def _organisations_beneath(roots: set[int]) -> dict[int, set[int]]:
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
    text: str
    organisation: int
    paths: list[str]


def _activities(units: list[Unit], organisations: set[int], due: dt.date) -> list[_Activity]:
    """The text of the activities running in the year to the due date in the units'
    registers or covering their areas, with where they are (two queries)."""
    period = ActivityFilter(period_start=due - YEAR, period_end=due)
    where = Q(register__organisation_id__in=organisations)
    for area in {unit.area for unit in units if unit.area is not None}:
        where |= in_area(area)
    rows = list(
        period.apply(Activity.objects.filter(where)).values_list(
            "pk", "title", "aim", "method_text", "register__organisation_id"
        )
    )
    paths: dict[int, list[str]] = defaultdict(list)
    if any(unit.area is not None for unit in units):
        links = Activity.areas.through.objects.filter(activity_id__in=[row[0] for row in rows])
        for activity, path in links.values_list("activity_id", "area__path"):
            paths[activity].append(path)
    return [
        _Activity(" ".join(text).casefold(), organisation, paths[pk])
        for pk, *text, organisation in rows
    ]


def _activities_of(unit: Unit, organisations: set[int], activities: list[_Activity]) -> list[str]:
    area = unit.area.path if unit.area is not None else None
    return [
        a.text
        for a in activities
        if a.organisation in organisations
        or (area is not None and any(path.startswith(area) for path in a.paths))
    ]


def _recurring(item: Item, activities: list[str], due: dt.date) -> Check:
    words = [w.strip().casefold() for w in item.check_words.split(",") if w.strip()]
    if not words or not item.cadence_days:
        return Check(
            "Not checked: give the practice a cadence in days and the words that name its "
            "activity.",
            "",
            None,
        )
    count = sum(1 for text in activities if any(word in text for word in words))
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
