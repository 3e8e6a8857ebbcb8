"""What the budget reader makes of a table: lines, printed totals, notes and warnings.

Kept on an import job between its reading and its saving (``to_dict``/``from_dict``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal


@dataclass
class ParsedLine:
    name: str
    category: str
    amounts: dict[int, Decimal] = field(default_factory=dict)
    assumption: str = ""

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), Decimal(0))


@dataclass
class PrintedTotal:
    """A total the document prints: for a category (None: all) in a financial year."""

    category: str | None
    year: int
    amount: Decimal


@dataclass
class ParsedBudget:
    title: str
    origin: str
    lines: list[ParsedLine] = field(default_factory=list)
    totals: list[PrintedTotal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({year for line in self.lines for year in line.amounts})

    def total(self, category: str | None = None, year: int | None = None) -> Decimal:
        return sum(
            (
                amount
                for line in self.lines
                if category is None or line.category == category
                for y, amount in line.amounts.items()
                if year is None or y == year
            ),
            Decimal(0),
        )

    def to_dict(self) -> dict:
        """Plain JSON types, to keep the parse on its import job."""
        data = asdict(self)
        for line in data["lines"]:
            line["amounts"] = {str(y): str(a) for y, a in line["amounts"].items()}
        for total in data["totals"]:
            total["amount"] = str(total["amount"])
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ParsedBudget:
        return cls(
            title=data["title"],
            origin=data["origin"],
            lines=[
                ParsedLine(
                    name=line["name"],
                    category=line["category"],
                    amounts={int(y): Decimal(a) for y, a in line["amounts"].items()},
                    assumption=line["assumption"],
                )
                for line in data["lines"]
            ],
            totals=[
                PrintedTotal(t["category"], int(t["year"]), Decimal(t["amount"]))
                for t in data["totals"]
            ],
            notes=list(data["notes"]),
            warnings=list(data["warnings"]),
        )
