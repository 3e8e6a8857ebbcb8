"""What the checklist reader makes of a document: frameworks (a title, an introduction and the
items as printed). Kept on an import job between its reading and its saving."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class ParsedItem:
    text: str
    group: str = ""


@dataclass
class ParsedFramework:
    title: str
    origin: str
    description: str = ""
    items: list[ParsedItem] = field(default_factory=list)

    def to_json(self) -> dict:
        """The CLI's ``--dry-run --json`` shape."""
        return {"title": self.title, "items": [item.text for item in self.items]}

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ParsedFramework:
        data = dict(data)
        data["items"] = [ParsedItem(**item) for item in data.get("items", [])]
        return cls(**data)
