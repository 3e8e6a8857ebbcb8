"""What an evaluation holds (``selectors.evaluate`` fills it; the page, the charts and the
board packs' engagement section show it)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from plantrack.directory.models import Area
from plantrack.engagement import quality as standards
from plantrack.engagement.evaluation.periods import Period
from plantrack.engagement.models import Group, Register
from plantrack.measures import judgement as j
from plantrack.measures.models import Measure
from plantrack.measures.selectors import format_value

PENNY = Decimal("0.01")


# --- What the page shows --------------------------------------------------------------------


@dataclass
class Quantity:
    activities: int
    by_status: dict[str, int]
    cancelled: int
    outputs: list[dict[str, Any]]  # kind, label, total, records: every kind recorded
    sessions: int
    people_reached: int
    volunteers: int
    cost: Decimal
    costed: int  # activities with a cost in pounds
    uncosted: int  # activities in scope without one

    @property
    def cost_per_person(self) -> Decimal | None:
        if not self.people_reached:
            return None
        return (self.cost / self.people_reached).quantize(PENNY)


@dataclass
class AreaCount:
    area: Area
    activities: int


@dataclass
class Spread:
    methods: list[tuple[str, int]]
    levels: list[tuple[str, str, int]]  # value, label, activities
    communities: list[tuple[str, int]]
    areas: list[AreaCount]
    areas_heading: str  # "Boroughs", "Wards", or "" (a ward has no smaller places)
    no_area: int  # activities naming no area (counted only with no area chosen)
    whole_area: int = 0  # activities covering the chosen area as a whole, none of its places

    @property
    def areas_without(self) -> list[Area]:
        return [row.area for row in self.areas if not row.activities]

    @property
    def level_counts(self) -> list[tuple[str, int]]:
        return [(label, n) for _, label, n in self.levels]

    @property
    def area_counts(self) -> list[tuple[str, int]]:
        return [(str(row.area), row.activities) for row in self.areas]


@dataclass
class Scored:
    id: int
    title: str
    level: str
    result: standards.Score


@dataclass
class Quality:
    """The quality of the completed activities in scope: how many, their scores' total and
    distribution, how many lack each standard, and the lowest-scoring few by name."""

    lowest: list[Scored]
    count: int
    total: int  # the sum of the scores
    distribution: dict[int, int]
    lacking_counts: Counter[str]

    # The page lists the lowest-scoring few: a force's year held 4,635 completed activities,
    # a table nobody reads that made the page 1.6 MB. The distribution and the standards most
    # often missing describe the rest.
    LISTED = 20

    @classmethod
    def of(cls, scored: list[Scored]) -> Quality:
        """From every completed activity in scope, scored."""
        scored = sorted(scored, key=lambda s: (s.result.score, s.title.casefold(), s.id))
        return cls(
            lowest=scored[: cls.LISTED],
            count=len(scored),
            total=sum(s.result.score for s in scored),
            distribution=standards.distribution(s.result.score for s in scored),
            lacking_counts=Counter(key for s in scored for key in s.result.lacking),
        )

    @property
    def average(self) -> Decimal | None:
        if not self.count:
            return None
        return (Decimal(self.total) / self.count).quantize(Decimal("0.1"))

    @property
    def distribution_rows(self) -> list[tuple[str, int]]:
        return [(str(score), n) for score, n in self.distribution.items()]

    @property
    def lacking(self) -> list[tuple[str, int]]:
        """Each standard with how many activities lack it, most lacked first."""
        counts = self.lacking_counts
        return [
            (s.name, counts[s.key])
            for s in sorted(standards.STANDARDS, key=lambda s: -counts[s.key])
            if counts[s.key]
        ]


class Movement:
    BETTER, WORSE, SAME, UNKNOWN = "better", "worse", "same", "unknown"
    LABELS = {
        BETTER: "Moved the right way",
        SAME: "No change",
        WORSE: "Moved the wrong way",
        UNKNOWN: "No reading in the period",
    }


@dataclass
class BenefitRow:
    measure: Measure
    start: j.Point | None
    latest: j.Point | None
    movement: str
    judgement: j.Judgement
    activities: list[str]

    def fmt(self, value: Decimal | None) -> str:
        return format_value(value, self.measure.unit)

    @property
    def change(self) -> Decimal | None:
        if self.start is None or self.latest is None:
            return None
        return self.latest.value - self.start.value

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return "—"
        return ("+" if change > 0 else "") + self.fmt(change)

    @property
    def movement_label(self) -> str:
        return Movement.LABELS[self.movement]


@dataclass
class Benefits:
    rows: list[BenefitRow]
    linked_activities: int  # activities in scope linked to a plan action

    @property
    def by_movement(self) -> list[tuple[str, str, int]]:
        counts = Counter(row.movement for row in self.rows)
        return [(key, label, counts[key]) for key, label in Movement.LABELS.items()]

    @property
    def movement_counts(self) -> list[tuple[str, int]]:
        return [(label, n) for _, label, n in self.by_movement]


@dataclass
class Evaluation:
    register: Register
    period: Period
    area: Area | None
    group: Group | None
    quantity: Quantity
    spread: Spread
    quality: Quality
    benefits: Benefits
    rule: list[standards.Standard] = field(default_factory=lambda: list(standards.STANDARDS))
    rule_text: str = standards.RULE
