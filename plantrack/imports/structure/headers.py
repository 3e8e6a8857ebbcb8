"""Header rows and what each column holds.

Header words and their synonyms name a field per column ("Lead Officer" → owner, "By
when" → due); a header stacked over several rows is read as one; a field named twice keeps
the user's choice, else the leftmost column; a Status or Progress column holding colours
is retyped as the RAG, and a column whose header names no field ("Target") but whose cells
are dates as the deadline.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from plantrack.imports.agencies import names_an_organisation
from plantrack.imports.cells import collapse, looks_like_rag, read_rag
from plantrack.imports.people import names_a_person_or_post
from plantrack.imports.structure.text import only_a_date
from plantrack.imports.tables import Cell

# --- Header words ----------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    """Split "a | b c" into ("a", "b c"), so long lists of phrases stay readable."""
    return tuple(w.strip() for w in text.split("|"))


_PHRASES: dict[str, tuple[str, ...]] = {
    "ref": _words(
        "ref | refs | ref no | ref number | reference | reference no | reference number | "
        "action no | action number | action ref | action ref no | action reference | "
        "action reference no | action reference number | # | no | number | item | item no | "
        "id | action id | rec no | recommendation no | recommendation number | task no | "
        "action # | ref # | serial | s no"
    ),
    "strategy_refs": _words(
        "strategy cross reference | strategy cross ref | cross reference | cross ref | "
        "strategy reference | strategy ref | link to strategy | strategy link | "
        "strategic link | strategy section | link to | links to | linked to"
    ),
    "title": _words(
        "action | actions | recommendation | recommendations | charter recommendation | "
        "what we will do | what will we do | what we will deliver | what | task | tasks | "
        "activity | activities | actions to be taken | "
        "action required | actions required | action to be taken | deliverable | "
        "deliverables | commitment | commitments | key actions | key action | "
        "proposed action | proposed actions | action point | action points | intervention | "
        "interventions | detail | details"
    ),
    "owner": _words(
        "owner | owners | action owner | action owners | lead person | lead officer | "
        "lead officers | lead | leads | lead name | named lead | who | by whom | "
        "responsible | responsible officer | responsible person | responsibility | "
        "accountable | accountable officer | task owner | officer | contact"
    ),
    "lead": _words(
        "lead and supporting agencies | lead and supporting organisations | "
        "lead and supporting partners | lead and partners | lead agency | lead agencies | "
        "lead organisation | lead organisations | lead partner | lead partners | partner | "
        "partners | partner agencies | partners involved | key partners | delivery partners | "
        "supporting agencies | supporting partners | supporting organisations | agency | "
        "agencies | organisation | organisations | lead service | lead team | department"
    ),
    "milestones": _words(
        "milestones | milestone | milestones progress | key milestones | output | outputs | "
        "success measure | success measures | measures of success | success criteria | "
        "performance measures | performance indicators | kpi | kpis | outcome | outcomes"
    ),
    "start": _words("start | start date | from | commencement | commence | start by | begin"),
    "review": _words("review | review date | next review | review by | date of review"),
    "due": _words(
        "by when | when by | deadline | deadline date | target date | "
        "target completion date | target completion | when | date | due | due date | due by | "
        "date due | completion date | date for completion | expected completion | "
        "completion | delivery date | timescale | timescales | timeline | timeframe | "
        "time frame | end date | by"
    ),
    "rag": _words("rag | rag status | rag rating | rag rated | red amber green | rating"),
    "status": _words("status | current status | progress status | overall status"),
    "updates": _words(
        "update | updates | progress | progress update | progress updates | "
        "progress to date | progress comments | progress report | latest update | "
        "latest position | current position | position | comment | comments | commentary | "
        "update comments | narrative | notes | evidence"
    ),
    "description": _words(
        "description | action description | descriptions | further information | "
        "additional information | background | rationale | explanation | action notes | "
        "additional notes | remarks"
    ),
    "section": _words(
        "theme | themes | priority | priorities | strategic priority | priority area | "
        "objective | objectives | strategic objective | workstream | work stream | strand | "
        "area | focus area | area of focus | key area | aim | aims | goal | goals | pillar | "
        "category"
    ),
}
_EXACT = {phrase: name for name, phrases in _PHRASES.items() for phrase in phrases}
# Longer headers ("Update June 2022", "Deadline for completion", "Lead Officer (name)"):
# the first keyword that appears decides. Order matters: "Milestones / Progress" is
# milestones, "Review date" is a review.
_KEYWORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"\brag\b", "rag"),
        (r"\bmilestone", "milestones"),
        (r"\bcross ref|\bstrategy ref|^links? to\b|^linked to\b", "strategy_refs"),
        (r"\bstatus\b", "status"),
        (r"\b(?:updates?|progress|comments?|commentary)\b", "updates"),
        (r"\breview", "review"),
        (r"\bstart", "start"),
        (r"\b(?:deadline|due|by when|timescales?|target date|completion date|date)\b", "due"),
        (r"\b(?:agenc|partners?\b|organisations?\b)", "lead"),
        (r"\b(?:owners?|lead (?:officer|person)|responsib|who)\b", "owner"),
        (r"\b(?:ref|reference)\b|^no\b|#", "ref"),
        (r"\b(?:actions?|recommendations?|tasks?|activit|what we will)", "title"),
        (r"\b(?:theme|priority|objective|workstream|strand)\b", "section"),
    )
)
# Fields a table has at most once; updates and milestones may span several columns.
_SINGLE = {"ref", "section", "strategy_refs", "title", "owner", "lead", "start", "review"}
_SINGLE |= {"due", "rag", "status"}


def _normalise_header(text: str) -> str:
    s = collapse(text).lower().replace("&", " and ")
    s = re.sub(r"/s\b|\(s\)", "s", s)  # "Owner/s", "Owner(s)"
    s = re.sub(r"[^a-z0-9# ]+", " ", s)
    return " ".join(s.split())


_ANY_KEYWORD = re.compile("|".join(f"(?:{p.pattern})" for p, _ in _KEYWORDS))


@functools.lru_cache(maxsize=4096)
def header_field(text: str) -> tuple[str | None, bool]:
    """The field a header names, and whether it was an exact phrase (not just a keyword).
    Cached: every cell of a big sheet is asked whether it is a header."""
    if len(text) > 80:
        return None, False
    s = _normalise_header(text)
    if not s:
        return None, False
    if s in _EXACT:
        return _EXACT[s], True
    if len(s.split()) > 8 or not _ANY_KEYWORD.search(s):
        return None, False
    for pattern, name in _KEYWORDS:
        if pattern.search(s):
            return name, False
    return None, False


# --- Columns ---------------------------------------------------------------------------------


@dataclass
class HeaderMapping:
    headers: list[str]
    fields: list[str]
    # The person chose the action column (the fallback when none was found).
    chosen_title: bool = False

    def columns(self, name: str) -> list[int]:
        return [n for n, f in enumerate(self.fields) if f == name]

    def column(self, name: str) -> int | None:
        found = self.columns(name)
        return found[0] if found else None

    @property
    def is_action_table(self) -> bool:
        # A column kept only as notes does not make a table an action table.
        named = {f for f in self.fields if f not in ("ignore", "description")}
        return "title" in named and (len(named) >= 2 or self.chosen_title)


@dataclass
class HeaderBlock:
    start: int
    end: int  # the row after the header
    mapping: HeaderMapping


def row_texts(row: list[Cell]) -> list[str]:
    return [collapse(c.text) for c in row]


def _header_score(texts: list[str], overrides: dict[str, str]) -> tuple[int, int, int]:
    """(distinct fields, exact phrases, cells recognised) for one candidate header."""
    found, exact, recognised = set(), 0, 0
    for text in texts:
        if not text:
            continue
        if overrides.get(text, "ignore") != "ignore":
            found.add(overrides[text])
            exact += 1
            recognised += 1
            continue
        name, is_exact = header_field(text)
        if name:
            found.add(name)
            exact += is_exact
            recognised += 1
    return len(found), exact, recognised


def _could_be_header(texts: list[str], overrides: dict[str, str]) -> bool:
    filled = [t for t in texts if t]
    if len(filled) < 2 or any(len(t) > 60 for t in filled):
        return False
    if any(overrides.get(t) == "title" for t in filled):
        return True  # the person said which column holds the actions
    fields, exact, recognised = _header_score(texts, overrides)
    return fields >= 2 and exact >= 1 and recognised * 2 >= len(filled)


def header_part(texts: list[str]) -> bool:
    """A row that may continue a stacked header: short words, no figures."""
    filled = [t for t in texts if t]
    return bool(filled) and all(
        len(t) <= 40 and len(t.split()) <= 4 and not any(c.isdigit() for c in t) for t in filled
    )


def find_header(rows: list[list[Cell]], i: int, overrides: dict[str, str]) -> HeaderBlock | None:
    texts = row_texts(rows[i])
    if not _could_be_header(texts, overrides):
        return None
    end = i + 1
    # "Action" / "Reference" / "Number" stacked: keep adding rows while they name more.
    while end < len(rows) and end - i < 4:
        nxt = row_texts(rows[end])
        if not header_part(nxt):
            break
        width = max(len(texts), len(nxt))
        merged = [
            collapse(f"{texts[n] if n < len(texts) else ''} {nxt[n] if n < len(nxt) else ''}")
            for n in range(width)
        ]
        if _header_score(merged, overrides)[:2] <= _header_score(texts, overrides)[:2]:
            break
        texts, end = merged, end + 1
    return HeaderBlock(i, end, column_mapping(texts, overrides))


def column_mapping(headers: list[str], overrides: dict[str, str]) -> HeaderMapping:
    fields, chosen = [], []
    for text in headers:
        if text in overrides:
            fields.append(overrides[text])
            chosen.append(True)
        else:
            # A named column the importer does not know is kept as the action's notes, under
            # its header, rather than dropped; a column with no header is left out.
            fields.append(header_field(text)[0] or ("description" if text else "ignore"))
            chosen.append(False)
    if "title" not in fields:
        # "Objective | Lead | Deadline" or "Ref | Description | Owner": with no action
        # column, the objective or the description is the action.
        described = [
            n for n, f in enumerate(fields) if f == "description" and header_field(headers[n])[0]
        ]
        if "section" in fields:
            fields[fields.index("section")] = "title"
        elif described:
            fields[described[0]] = "title"
    _details_as_steps(headers, fields, chosen)
    # A field named twice: the user's choice wins, then the leftmost column.
    for name in _SINGLE:
        columns = [n for n, f in enumerate(fields) if f == name]
        if len(columns) > 1:
            keep = next((n for n in columns if chosen[n]), columns[0])
            for n in columns:
                if n != keep:
                    fields[n] = "ignore"
    chosen_title = any(chosen[n] and f == "title" for n, f in enumerate(fields))
    return HeaderMapping(list(headers), fields, chosen_title)


_DETAILS = {"detail", "details", "further details", "action details", "task details"}


def _details_as_steps(headers: list[str], fields: list[str], chosen: list[bool]) -> None:
    """ "Action | Owner | Details": beside an action column, the details are the action's
    steps ("Write draft standards; Consult on them; Publish them"), read as its milestones
    (split on semicolons, as a Milestones column is). Alone, "Details" is the action."""
    titles = [n for n, f in enumerate(fields) if f == "title"]
    steps = [n for n in titles if not chosen[n] and _normalise_header(headers[n]) in _DETAILS]
    if "milestones" in fields or len(titles) < 2 or len(steps) == len(titles):
        return
    for n in steps:
        fields[n] = "milestones"


def retype_by_values(
    mapping: HeaderMapping, rows: list[list[Cell]], overrides: dict[str, str]
) -> None:
    """What a column holds decides its role where its header does not: see _retype_rag and
    _retype_due."""
    _retype_rag(mapping, rows, overrides)
    _retype_due(mapping, rows, overrides)
    _retype_people(mapping, rows, overrides)


# Headers that may name the owner or the lead: "Lead", "Project Lead", "Lead Partner",
# "Responsible Officer", "Contact", "Organisation".
_WHO_HEADER = re.compile(
    r"\b(?:leads?|owners?|officers?|contacts?|responsib\w*|accountable|partners?|"
    r"organisations?|agenc(?:y|ies)|who)\b"
)


def _shares(values: list[str]) -> tuple[float, float]:
    """The shares of these cells that name a person or post, and an organisation."""
    people = sum(map(names_a_person_or_post, values))
    organisations = sum(1 for v in values if names_an_organisation(v))
    return people / len(values), organisations / len(values)


def _retype_people(
    mapping: HeaderMapping, rows: list[list[Cell]], overrides: dict[str, str]
) -> None:
    """Owner and lead told apart by their cells: where two or more columns may name who
    does an action ("Lead" and "Responsible Officer", "Project Lead" and "Lead Partner"), the
    one naming people or posts is the owner and the one naming organisations the lead,
    whatever the header words. A lone column whose header names no field ("Project Lead")
    and which names people or posts is the owner when there is none."""
    candidates: dict[int, tuple[float, float]] = {}
    for n, header in enumerate(mapping.headers):
        named = header_field(header)[0]
        if header in overrides or not (
            named in ("owner", "lead")
            or (named is None and _WHO_HEADER.search(_normalise_header(header)))
        ):
            continue
        values = [collapse(row[n].text) for row in rows if n < len(row)]
        values = [v for v in values if v]
        if len(values) >= 2:
            candidates[n] = _shares(values)
    if len(candidates) == 1:
        ((n, (people, _organisations)),) = candidates.items()
        if mapping.fields[n] == "description" and mapping.column("owner") is None and people >= 0.6:
            mapping.fields[n] = "owner"
        return
    if len(candidates) < 2:
        return
    owner = max(candidates, key=lambda n: (candidates[n][0] - candidates[n][1], -n))
    rest = [n for n in candidates if n != owner]
    lead = max(rest, key=lambda n: (candidates[n][1] - candidates[n][0], -n))
    if candidates[owner][0] < 0.5 or candidates[lead][1] < 0.5:
        return  # the cells do not tell them apart: the headers decide, as before
    for n in candidates:
        if n == owner:
            mapping.fields[n] = "owner"
        elif n == lead:
            mapping.fields[n] = "lead"
        elif mapping.fields[n] in ("owner", "lead", "ignore"):
            mapping.fields[n] = "description"  # a third such column is kept as notes


def _retype_due(mapping: HeaderMapping, rows: list[list[Cell]], overrides: dict[str, str]) -> None:
    """In a table with no deadline column, a column whose header names no field ("Target",
    "Timing", "Quarter") and whose cells are dates and nothing more is the deadline; one
    whose cells are numbers or targets ("30k by Dec 22") stays the action's notes."""
    if mapping.column("due") is not None:
        return
    for n, name in enumerate(mapping.fields):
        header = mapping.headers[n]
        if name != "description" or header in overrides or header_field(header)[0]:
            continue
        values = [collapse(row[n].text) for row in rows if n < len(row)]
        values = [v for v in values if v]
        if len(values) >= 2 and sum(map(only_a_date, values)) * 10 >= len(values) * 7:
            mapping.fields[n] = "due"
            return


def _retype_rag(mapping: HeaderMapping, rows: list[list[Cell]], overrides: dict[str, str]) -> None:
    """A "Status" or "Progress" column holding R/A/G (or only colours) is the RAG."""
    if mapping.column("rag") is not None:
        return
    for n, name in enumerate(mapping.fields):
        if name not in ("status", "updates") or mapping.headers[n] in overrides:
            continue
        cells = [row[n] for row in rows if n < len(row)]
        values = [c for c in cells if collapse(c.text) or c.fill]
        if not values:
            continue
        rag_like = sum(
            1
            for c in values
            if (looks_like_rag(c.text) and len(collapse(c.text).split()) <= 3)
            or (not collapse(c.text) and read_rag("", c.fill).rag)
        )
        if rag_like * 10 >= len(values) * 6:
            mapping.fields[n] = "rag"
            return
