"""What the structure stage makes of a document: plans, sections, actions, before saving.

Everything is still text as written (plus parsed dates and RAG); ``saving.py`` turns it into
organisations, people, plans and updates through the services, in one transaction. The same
result carries a budget import's tables, the engagement registers found beside the plans,
and a readings upload's rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from plantrack.core import fuzzydates
from plantrack.imports.budgets.parsed import ParsedBudget
from plantrack.imports.contact_lists import ContactRow
from plantrack.imports.engagement.parsed import ParsedRegister
from plantrack.imports.frameworks.parsed import ParsedFramework
from plantrack.imports.readings import readings_from_store, readings_to_store
from plantrack.measures.services import ReadingRow

# The fields a column can be mapped to; "ignore" drops the column.
FIELDS = {
    "ref": "Reference",
    # A theme/priority column: each new value in it starts a section.
    "section": "Section (theme or priority)",
    "strategy_refs": "Strategy cross-reference",
    "title": "Action",
    "lead": "Lead and supporting organisations",
    "owner": "Owner",
    "milestones": "Milestones",
    "start": "Start",
    "review": "Review date",
    "due": "Deadline",
    "rag": "RAG",
    "status": "Status",
    "updates": "Updates",
    # Kept with the action as text: a description column, and any column the importer does
    # not know, under its header ("Funding source: Home Office grant").
    "description": "Description or notes",
    "ignore": "Ignore this column",
}


@dataclass
class ParsedUpdate:
    date: dt.date | None
    text: str


@dataclass
class ParsedAction:
    title: str  # the whole action text, whitespace collapsed
    ref: str | None = None
    strategy_refs: str | None = None
    owner: str | None = None  # the owner cell as written, whitespace collapsed
    lead: str | None = None  # the lead/supporting organisations cell as written
    milestones: list[str] = field(default_factory=list)
    start_text: str | None = None
    review_text: str | None = None
    due_text: str | None = None
    rag: str | None = None  # red / amber / green / blue
    status: str | None = None  # an Action.Status value when the file gives one
    updates: list[ParsedUpdate] = field(default_factory=list)
    origin: str = ""  # "table 2, row 5", for warnings and the preview
    # Text of the action kept beside it: a strategy cross-reference too long for its field.
    description: str | None = None
    # The calendar year of the neighbouring rows' deadlines, for a deadline written with none
    # ("August – September" between "July – August 2013" and "Oct 2013"): structure/dates.py.
    date_year: int | None = None

    @property
    def due(self) -> dt.date | None:
        """The last day the due text allows; None for Ongoing/BAU/TBC and start-only text."""
        return fuzzydates.parse(self.due_text or "", context=self.date_context).deadline

    @property
    def date_context(self) -> fuzzydates.Context:
        start = fuzzydates.parse(self.start_text or "").earliest
        return fuzzydates.Context(year=self.date_year, start=start)


@dataclass
class ParsedSection:
    title: str
    actions: list[ParsedAction] = field(default_factory=list)
    # The narrative written under a heading that names the section (its scope, aims,
    # targets), paragraphs joined by line breaks; "" when the document has none.
    description: str = ""


@dataclass
class ParsedPlan:
    title: str | None
    sections: list[ParsedSection] = field(default_factory=list)
    # What the document says of the plan itself ("Context", "Objectives"...), headed blocks
    # joined by blank lines, and the period its title lines give ("April 2003 – March 2004").
    summary: str = ""
    period: str = ""

    @property
    def action_count(self) -> int:
        return sum(len(s.actions) for s in self.sections)


@dataclass
class ColumnMap:
    """How one table's columns were understood, shown in the preview for correction."""

    origin: str
    headers: list[str]
    fields: list[str]  # one of FIELDS per column


@dataclass
class SkippedTable:
    """A table the structure stage did not read as actions (no action column): where it is,
    and which of the warnings says so, for a later stage that reads it as something else."""

    origin: str
    warning: int  # its index in ParsedImport.warnings


@dataclass
class ParsedImport:
    file: str
    plans: list[ParsedPlan] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    columns: list[ColumnMap] = field(default_factory=list)
    # Budget tables found beside the action tables, or alone (a budget import).
    budgets: list[ParsedBudget] = field(default_factory=list)
    # Readings (a readings upload): rows of date, value and note as read.
    readings: list[ReadingRow] = field(default_factory=list)
    # Tables that are not action tables.
    skipped: list[SkippedTable] = field(default_factory=list)
    # Registers of engagement activity found beside the action tables, or alone.
    engagement: list[ParsedRegister] = field(default_factory=list)
    # Good-practice checklists and standards (frameworks to assess against).
    frameworks: list[ParsedFramework] = field(default_factory=list)
    # People of a contact list (a contact-list import).
    contacts: list[ContactRow] = field(default_factory=list)

    def to_json(self) -> dict:
        """The CLI's ``--dry-run --json`` shape."""
        return {
            "file": self.file,
            "plans": [
                {
                    "title": plan.title,
                    "sections": [
                        {
                            "title": section.title,
                            "actions": [_action_json(a) for a in section.actions],
                        }
                        for section in plan.sections
                    ],
                }
                for plan in self.plans
            ],
            "engagement": [register.to_json() for register in self.engagement],
            "frameworks": [framework.to_json() for framework in self.frameworks],
            "warnings": list(self.warnings),
        }


def _action_json(action: ParsedAction) -> dict:
    due = action.due
    return {
        "ref": action.ref,
        "title": action.title,
        "owner": action.owner,
        "lead": action.lead,
        "due_text": action.due_text,
        "due": due.isoformat() if due else None,
        "rag": action.rag,
        "updates": [
            {"date": u.date.isoformat() if u.date else None, "text": u.text} for u in action.updates
        ],
    }


# --- Keeping a parse between requests ---------------------------------------------------------
# A big file takes seconds to parse, so the background task parses it once and the preview and
# the save read this form back instead of parsing again.


def to_store(parsed: ParsedImport) -> dict:
    return {
        "file": parsed.file,
        "warnings": list(parsed.warnings),
        "columns": [vars(c) for c in parsed.columns],
        "budgets": [b.to_dict() for b in parsed.budgets],
        "readings": readings_to_store(parsed.readings),
        "skipped": [vars(s) for s in parsed.skipped],
        "engagement": [r.to_dict() for r in parsed.engagement],
        "frameworks": [f.to_dict() for f in parsed.frameworks],
        "contacts": [c.to_dict() for c in parsed.contacts],
        "plans": [
            {
                "title": plan.title,
                "summary": plan.summary,
                "period": plan.period,
                "sections": [
                    {
                        "title": s.title,
                        "description": s.description,
                        "actions": [_action_store(a) for a in s.actions],
                    }
                    for s in plan.sections
                ],
            }
            for plan in parsed.plans
        ],
    }


def _action_store(action: ParsedAction) -> dict:
    data = dict(vars(action))
    data["updates"] = [[u.date.isoformat() if u.date else None, u.text] for u in action.updates]
    return data


def from_store(data: dict) -> ParsedImport:
    def action(fields: dict) -> ParsedAction:
        fields = dict(fields)
        fields["updates"] = [
            ParsedUpdate(dt.date.fromisoformat(day) if day else None, text)
            for day, text in fields["updates"]
        ]
        return ParsedAction(**fields)

    return ParsedImport(
        file=data["file"],
        warnings=list(data["warnings"]),
        budgets=[ParsedBudget.from_dict(b) for b in data.get("budgets", [])],
        readings=readings_from_store(data.get("readings", [])),
        skipped=[SkippedTable(**s) for s in data.get("skipped", [])],
        engagement=[ParsedRegister.from_dict(r) for r in data.get("engagement", [])],
        contacts=[ContactRow.from_dict(c) for c in data.get("contacts", [])],
        frameworks=[ParsedFramework.from_dict(f) for f in data.get("frameworks", [])],
        columns=[ColumnMap(**c) for c in data["columns"]],
        plans=[
            ParsedPlan(
                title=plan["title"],
                sections=[
                    ParsedSection(
                        s["title"],
                        [action(a) for a in s["actions"]],
                        # Parses stored before sections had descriptions have none.
                        description=s.get("description", ""),
                    )
                    for s in plan["sections"]
                ],
                summary=plan.get("summary", ""),
                period=plan.get("period", ""),
            )
            for plan in data["plans"]
        ],
    )
