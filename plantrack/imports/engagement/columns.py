"""A register of engagement activity known by its header words.

A register lists activities with who owns them, what they cost, which business plan they
serve, the communities they target, their aim and their method ("Priority/ Activity | Task
Owner | Cost | Link to B/OCU business plan | Communities Targeted/ Rationale | Engagement Aim
| Engagement Method Used"). A header row is a register's when it names the activity and at
least two of the communities targeted, the aim and the method: that is what sets a register
apart from an action plan, whose tables may have an aim or a cost but not both of the others.

Besides these, a register exported by PlanTrack has the status, the IAP2 level, the areas and
the start and end of each activity: the status, the level and the dates are read back; the
areas (names shared by many places) are not.

Each header cell is read by keywords, in order: the first that appears decides, so "Engagement
Aim" is the aim and "Link to Community Engagement Strategy" a link, not the communities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plantrack.imports.lookalikes import collapse
from plantrack.imports.tables import Cell

# A register's columns as seed 002 heads them (what the export writes, and tests and the
# benchmark build registers with).
REGISTER_COLUMNS = [
    "Priority/ Activity",
    "Task Owner",
    "Cost",
    "Link to B/OCU business plan",
    "Communities Targeted/ Rationale",
    "Engagement Aim",
    "Engagement Method Used",
]

# The fields of an activity a column can hold, in the order they are shown: those of seed
# 002's register, then those a register exported by PlanTrack adds (``exports``).
FIELDS = (
    "title",
    "owner",
    "cost",
    "business_plan_link",
    "communities",
    "aim",
    "method",
    "status",
    "level",
    "start",
    "end",
)
_TELLING = {"communities", "aim", "method"}  # two of these make a register

_KEYWORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (
            r"\blinks? to\b|\blinked to\b|\bbusiness plan\b|\bplan link\b|\bstrategic link"
            r"|\bcontributes? to\b",
            "business_plan_link",
        ),
        (r"\bmethods?\b|\bhow\b|\bapproach\b|\bformat\b|\bchannels?\b|\btechniques?\b", "method"),
        (
            r"\baims?\b|\bobjectives?\b|\bpurpose\b|\bgoals?\b|\bintended outcomes?\b|\bwhy\b",
            "aim",
        ),
        (
            r"\bcommunit(?:y|ies)\b|\btarget(?:ed)? (?:groups?|audiences?)|\baudiences?\b"
            r"|\bwho (?:is|are) targeted\b|\brationale\b|\bparticipants\b",
            "communities",
        ),
        (r"\bcosts?\b|\bbudget\b|\bfunding\b|£|\bspend\b|\bexpenditure\b", "cost"),
        (r"\bstatus\b", "status"),
        (r"\biap2\b|\blevel\b|\bspectrum\b", "level"),
        (r"\bstart(?:s|ing|ed)?\b|\bbegin(?:s|ning)?\b|\bcommenc", "start"),
        (r"\bend(?:s|ing|ed)?\b|\bfinish(?:es|ing)?\b|\buntil\b", "end"),
        (
            r"\bowners?\b|\blead\b|\bresponsib|\bwho\b|\bcontact\b|\borganis(?:er|ed by)\b"
            r"|\bdelivered by\b|\bteam\b|\bunit\b",
            "owner",
        ),
        (
            r"\bactivit(?:y|ies)\b|\bpriorit(?:y|ies)\b|\binitiatives?\b|\bprojects?\b"
            r"|\bevents?\b|\bactions?\b|\bengagement\b|\bname\b|\bwhat\b|\bschemes?\b",
            "title",
        ),
    )
)
# A header cell is a few words; a longer cell is data.
_MAX_HEADER_CHARS = 60
_MAX_HEADER_WORDS = 8


def _normalise(text: str) -> str:
    s = collapse(text).lower().replace("&", " and ")
    s = re.sub(r"[^a-z0-9£ ]+", " ", s)
    return " ".join(s.split())


def register_field(text: str) -> str | None:
    """The activity field a header cell names, or None."""
    s = _normalise(text)
    if not s or len(text) > _MAX_HEADER_CHARS or len(s.split()) > _MAX_HEADER_WORDS:
        return None
    return next((name for pattern, name in _KEYWORDS if pattern.search(s)), None)


@dataclass
class RegisterColumns:
    headers: list[str]
    fields: list[str | None]  # one of FIELDS per column, None for a column not read

    def column(self, name: str) -> int | None:
        return self.fields.index(name) if name in self.fields else None

    @property
    def width(self) -> int:
        return len(self.fields)


def register_columns(row: list[Cell]) -> RegisterColumns | None:
    """The columns of a register's header row; None when the row is not one."""
    texts = [collapse(c.text) for c in row]
    filled = [t for t in texts if t]
    if len(filled) < 3 or any(len(t) > _MAX_HEADER_CHARS for t in filled):
        return None
    fields: list[str | None] = []
    for text in texts:
        name = register_field(text) if text else None
        fields.append(None if name in fields else name)  # a field twice: the leftmost
    named = [f for f in fields if f]
    if "title" not in named or len(_TELLING.intersection(named)) < 2:
        return None
    if len(named) * 2 < len(filled):
        return None
    return RegisterColumns(texts, fields)


def has_register_header(rows: list[list[Cell]]) -> bool:
    """Does a table hold a register? The structure stage skips such a table, as it skips
    budget tables, so that its activities are not read as a plan's actions."""
    return any(register_columns(row) is not None for row in rows)
