"""What the register reader makes of a table: activities under their groups, and warnings.

Text is kept as written, whitespace collapsed, the lines of a wrapped cell joined in reading
order; the cost is read by ``plantrack.engagement.costs`` beside its text. Kept on an import
job between its reading and its saving (``to_dict``/``from_dict``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal


@dataclass
class ParsedActivity:
    title: str
    group: str | None = None
    owner: str = ""
    cost_text: str = ""
    cost_gbp: Decimal | None = None
    cost_period: str | None = None  # "year", "one-off", or None with no amount
    business_plan_link: str = ""
    communities: str = ""
    aim: str = ""
    method: str = ""
    status: str = ""  # an Activity.Status value, "" when not written (planned)
    level: str = ""  # an Activity.Level value, "" when not written
    start: str = ""  # as written
    end: str = ""
    origin: str = ""  # "table 2 (from line 34), row 5", for warnings and the preview

    def to_json(self) -> dict:
        """The CLI's ``--dry-run --json`` shape of one activity."""
        amount = self.cost_gbp
        return {
            "group": self.group,
            "title": self.title,
            "owner": self.owner,
            "cost_text": self.cost_text or None,
            "cost_gbp": None if amount is None else _number(amount),
            "cost_period": self.cost_period,
            "business_plan_link": self.business_plan_link,
            "communities": self.communities,
            "aim": self.aim,
            "method": self.method,
            "status": self.status or None,
            "level": self.level or None,
            "start": self.start or None,
            "end": self.end or None,
        }


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


@dataclass
class ParsedRegister:
    title: str
    origin: str
    activities: list[ParsedActivity] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def groups(self) -> list[str]:
        """The groups in the order they first appear."""
        return list(dict.fromkeys(a.group for a in self.activities if a.group))

    def to_json(self) -> dict:
        return {"title": self.title, "activities": [a.to_json() for a in self.activities]}

    def to_dict(self) -> dict:
        """Plain JSON types, to keep the parse on its import job."""
        data = asdict(self)
        for activity in data["activities"]:
            amount = activity["cost_gbp"]
            activity["cost_gbp"] = None if amount is None else str(amount)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ParsedRegister:
        activities = []
        for fields in data["activities"]:
            fields = dict(fields)
            amount = fields["cost_gbp"]
            fields["cost_gbp"] = None if amount is None else Decimal(amount)
            activities.append(ParsedActivity(**fields))
        return cls(
            title=data["title"],
            origin=data["origin"],
            activities=activities,
            warnings=list(data["warnings"]),
        )
