"""What the data says about a unit's practices, beside what the unit declares: each rule stated
as the page shows it, and a fixed number of queries for a whole return.

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
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from plantrack.assessments.models import IN_PLACE, Answer, Item, Unit
from plantrack.budgets.models import BudgetAmount, Funding
from plantrack.core.finyears import fy_bounds, fy_label
from plantrack.directory.models import Person
from plantrack.directory.selectors import with_units
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
    due = unit.cycle.due_on
    organisations = with_units([unit.organisation_id])
    found: dict[int, Check] = {}
    recurring = [i for i in items if i.kind == Item.Kind.RECURRING]
    if recurring:
        activities = _activities(unit, organisations, due)
        for item in recurring:
            found[item.pk] = _recurring(item, activities, due)
    roles = [i for i in items if i.kind == Item.Kind.ROLE]
    if roles:
        people = list(
            Person.objects.filter(organisation_id__in=organisations).values_list(
                "name", "rank", "post", "job_title", "spoc"
            )
        )
        for item in roles:
            found[item.pk] = _role(item, people)
    funding = [i for i in items if i.kind == Item.Kind.FUNDING]
    if funding:
        check = _funding(plans, organisations, due)
        for item in funding:
            found[item.pk] = check
    return found


def _activities(unit: Unit, organisations: set[int], due: dt.date) -> list[str]:
    """The text of the unit's activities running in the year to the due date."""
    period = ActivityFilter(period_start=due - YEAR, period_end=due)
    where = Q(register__organisation_id__in=organisations)
    if unit.area is not None:
        where |= in_area(unit.area)
    rows = period.apply(Activity.objects.filter(where)).values_list("title", "aim", "method_text")
    return [" ".join(row).casefold() for row in rows]


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


def _role(item: Item, people: list[tuple[str, str, str, str, bool]]) -> Check:
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


def _funding(readable: QuerySet[Plan], organisations: set[int], due: dt.date) -> Check:
    plans = readable.filter(owner_organisation_id__in=organisations)
    years = BudgetAmount.objects.filter(line__plan__in=plans, amount__gt=0).values_list(
        "financial_year", flat=True
    )
    last = max(years, default=None)
    rule = (
        "The last financial year the unit's plans have budget in, and any bid in progress "
        "if that year ends within six months of the due date."
    )
    if last is None:
        return Check(rule, "No budget recorded for the unit's plans.", None)
    ends = fy_bounds(last)[1]
    if ends - due > SOON:
        return Check(rule, f"Funded to the end of {fy_label(last)}.", True)
    bidding = Funding.objects.filter(plan__in=plans, status__in=BIDDING).count()
    if bidding:
        return Check(rule, f"Funding ends {ends:%-d %b %Y}; {bidding} bid in progress.", True)
    return Check(rule, f"Funding ends {ends:%-d %b %Y} with no bid in progress.", False)
