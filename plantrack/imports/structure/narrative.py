"""Section descriptions: the narrative a document writes under a heading naming a section.

Plans often describe each initiative before (or between) the action tables: a heading
"(A) Neighbourhood Justice Panels" followed by paragraphs or bullets of scope and targets,
and later an action table whose section has the same name. That narrative becomes the
section's description.

The rules, from the document's paragraphs (in order) and where its tables fall:

* A paragraph names a section when, after normalising, it has the same words as the
  section's title: case, punctuation and "&"/"and" ignored, a list label or number in front
  ("(A)", "A.", "1.", "2.3", "Theme 1:") and an explanation in brackets at the end dropped,
  and the small words (the, of, and...) not counted. It must read as a heading: short, not a
  bullet, not a sentence.
* The paragraphs after it are its narrative, up to the next heading (a paragraph naming
  another section, one the file marks as a heading, a numbered or lettered title, a line in
  capitals or in Title Case, a plan's name) or the next table, whichever comes first.
* A heading naming no section starts no narrative: what follows it is attached nowhere.
* A section named twice (a contents list, then the real heading) takes the first narrative
  that has any text; a title shared by two sections (two plans in one file) fills them in
  document order.
* The default section ("Actions", for actions under no title) is never described: a heading
  "Actions" in a document names no section the document wrote.
"""

from __future__ import annotations

import re

from plantrack.imports.cells import collapse
from plantrack.imports.parsed import ParsedSection
from plantrack.imports.structure.text import all_caps, plan_title_like
from plantrack.imports.tables import Document

# A description is a summary to read on the section's page, not the whole document: past
# this, paragraphs are no longer added.
MAX_DESCRIPTION = 4000
# A heading is a title line, not a paragraph.
_MAX_HEADING_WORDS = 12
_MAX_HEADING_CHARS = 150

LABEL = r"(?:\d+(?:\.\d+)*|[a-z]|[ivx]{1,4})"
_KEYWORD = (
    r"(?:section|theme|priority|strand|work\s*stream|initiative|objective|outcome|area|part"
    r"|chapter|strategic\s+priority)"
)
# What may stand before a heading's words: "Theme 1:", "(A)", "A)", "A.", "1.", "2.3", "2 -".
# A letter's full stop must be followed by a space, so "U.K. Policing" keeps its "U.".
_PREFIX = re.compile(
    rf"^(?:{_KEYWORD}\s+{LABEL}\b\s*[:.)\-–—]?"
    rf"|\(?{LABEL}\)"
    rf"|{LABEL}[.:](?=\s)"
    rf"|\d+(?:\.\d+)*\s*[\-–—:]"
    rf"|\d+(?:\.\d+)*(?=\s))\s*",
    re.IGNORECASE,
)
_TRAILING_BRACKETS = re.compile(r"\s*\([^()]*\)\s*$")
_BULLET = re.compile(r"^[•▪●◦‣∙·*>\u2013\u2014\-o]\s")
_SMALL = {"a", "an", "and", "the", "of", "for", "to", "in", "on", "at", "by", "with", "or"}


def title_key(text: str) -> tuple[str, ...]:
    """The words that identify a heading or a section title, for comparing the two."""
    t = collapse(text).strip(" :")
    t = _PREFIX.sub("", t, count=1)
    t = _TRAILING_BRACKETS.sub("", t)
    t = t.casefold().replace("&", " and ")
    words = re.findall(r"[^\W_]+", t)
    return tuple(w for w in words if w not in _SMALL)


def _bulleted(text: str) -> bool:
    return bool(_BULLET.match(text)) or text[:1] in "•▪●◦‣∙·*"


def _title_shaped(text: str) -> bool:
    """Short, not a bullet, not ending like a sentence or a lead-in."""
    words = text.split()
    return (
        0 < len(words) <= _MAX_HEADING_WORDS
        and len(text) <= _MAX_HEADING_CHARS
        and not text.endswith((".", ";", ",", "!", "?"))
        and not _bulleted(text)
    )


def _capitalised(text: str) -> bool:
    """Title Case: most of the words that count start with a capital letter."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text) if w.lower() not in _SMALL]
    if not words:
        return False
    capitals = sum(1 for w in words if w[0].isupper())
    return capitals * 3 >= len(words) * 2


def _looks_like_heading(doc: Document, index: int, text: str) -> bool:
    if index in doc.heading_paragraphs and len(text) <= _MAX_HEADING_CHARS * 2:
        return True
    if plan_title_like(text):
        return True
    if not _title_shaped(text.rstrip(":")) or text.endswith(":"):
        return False
    return bool(_PREFIX.match(text)) or all_caps(text) or _capitalised(text)


def attach_descriptions(doc: Document, sections: list[ParsedSection], default: str) -> None:
    """Fill in the description of each section a heading of the document names."""
    by_key: dict[tuple[str, ...], list[ParsedSection]] = {}
    for section in sections:
        key = title_key(section.title)
        if key and section.title != default:
            by_key.setdefault(key, []).append(section)
    if not by_key:
        return
    tables_at = {t.after_paragraphs for t in doc.tables if t.after_paragraphs is not None}
    blocks: list[tuple[tuple[str, ...], list[str]]] = []
    current: list[str] | None = None  # the narrative being collected, if any
    for index, raw in enumerate(doc.paragraphs):
        text = collapse(raw)
        if index in tables_at:
            current = None  # a table ends the narrative before it
        if not text:
            continue
        key = title_key(text) if _title_shaped(text.rstrip(":")) else ()
        if key in by_key:
            current = []
            blocks.append((key, current))
        elif _looks_like_heading(doc, index, text):
            current = None
        elif current is not None:
            current.append(raw.strip())
    filled: set[int] = set()
    for key, paragraphs in blocks:
        description = _joined(paragraphs)
        if not description:
            continue
        unfilled = next((s for s in by_key[key] if id(s) not in filled), None)
        if unfilled is not None:
            unfilled.description = description
            filled.add(id(unfilled))


def _joined(paragraphs: list[str]) -> str:
    kept: list[str] = []
    size = 0
    for paragraph in paragraphs:
        if kept and size + len(paragraph) > MAX_DESCRIPTION:
            break
        kept.append(paragraph[:MAX_DESCRIPTION])
        size += len(paragraph) + 1
    return "\n".join(kept).strip()


# --- The plan's own narrative and period -----------------------------------------------------
# Headings of what a plan says about itself (seed 004: "1. Context", "2. Objectives"). "Scope"
# is not among them: a plan's scope is written per initiative, and each initiative's part is
# already its section's description.
_PLAN_HEADINGS = {
    ("context",),
    ("background",),
    ("introduction",),
    ("purpose",),
    ("aims",),
    ("aim",),
    ("objectives",),
    ("aims", "objectives"),
    ("vision",),
    ("overview",),
    ("summary",),
    ("executive", "summary"),
    ("strategic", "context"),
}
# The plan's summary holds the whole narrative; past this it is cut at a paragraph.
MAX_PLAN_NARRATIVE = 8000


def plan_narrative(doc: Document) -> str:
    """The paragraphs under the headings where a document introduces its plan, each block
    headed by its heading's words ("Context", "Objectives"), in document order."""
    tables_at = {t.after_paragraphs for t in doc.tables if t.after_paragraphs is not None}
    blocks: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for index, raw in enumerate(doc.paragraphs):
        text = collapse(raw)
        if index in tables_at:
            current = None
        if not text:
            continue
        shaped = _title_shaped(text.rstrip(":"))
        if shaped and title_key(text) in _PLAN_HEADINGS:
            current = []
            heading = _PREFIX.sub("", text.rstrip(":"), count=1).strip()
            blocks.append((heading, current))
        elif _looks_like_heading(doc, index, text):
            current = None
        elif current is not None:
            current.append(raw.strip())
    parts = [f"{heading}\n{_joined(paragraphs)}" for heading, paragraphs in blocks if paragraphs]
    narrative = ""
    for part in parts:
        if narrative and len(narrative) + len(part) + 2 > MAX_PLAN_NARRATIVE:
            break
        narrative = f"{narrative}\n\n{part}" if narrative else part
    return narrative[:MAX_PLAN_NARRATIVE]


# "April 2003 – March 2004", "2022-2025", "2023/24", "2024 to 2027": the span a plan covers,
# as written in its title lines. A range of months is the plan's own (seed 001: the strategy
# runs "2003 - 2008", its year-one plan "April 2003 – March 2004"), so it wins over years.
_MONTH_WORD = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTH_SPAN = re.compile(
    rf"\b{_MONTH_WORD}\.?\s+\d{{4}}\s*(?:[-–—]|to|until)\s*{_MONTH_WORD}\.?\s+\d{{4}}\b",
    re.IGNORECASE,
)
_YEAR_SPAN = re.compile(
    r"(?<![\d/])(?:19|20)\d{2}\s*(?:[-–—/]|to)\s*(?:(?:19|20)\d{2}|\d{2})(?![\d/])",
    re.IGNORECASE,
)
# Only the opening of a document names its period: what comes later is history or targets.
_PERIOD_PARAGRAPHS = 8


def plan_period(doc: Document) -> str:
    """The period a document's opening lines give its plan, as written; "" if none."""
    first_table = min(
        (t.after_paragraphs for t in doc.tables if t.after_paragraphs is not None),
        default=len(doc.paragraphs),
    )
    opening = [
        collapse(p) for p in doc.paragraphs[: min(first_table, _PERIOD_PARAGRAPHS)] if collapse(p)
    ]
    opening = [p for p in opening if _title_shaped(p) or plan_title_like(p)]
    for pattern in (_MONTH_SPAN, _YEAR_SPAN):
        for paragraph in opening:
            if m := pattern.search(paragraph):
                return m.group(0)
    return ""
