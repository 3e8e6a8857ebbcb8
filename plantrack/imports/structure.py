"""Tables of cells to plans, sections and actions.

The rules are general, drawn from how action plans are laid out, never from one plan:

* Columns are known by their header words ("Ref", "Action no.", "What we will do", "Lead
  Officer", "By when", "RAG", "Progress", ...), headers stacked over several rows included.
  A header repeated on every page is recognised again and dropped; a different one remaps.
* A table without a column for the action text is not an action table (document control,
  budgets, governance) and is skipped with a warning.
* Sections come from full-width rows (merged, or one filled cell), from titles split over
  several cells by extraction ("INTELLI" | "GENCE"), from list labels in the reference
  column ("(B) Con 1."), from an ALL-CAPS word glued to the front of an action when the
  references change series, from a theme/priority column, and from table headings.
* A row with no reference, no date and no RAG whose text carries on from the row before
  (lower case, or the row before stops mid-sentence) was broken by a page: it is joined to
  the action above. A row with its own date or RAG is an action even without a number.
* Legend, key, total and note rows are dropped with a warning.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from os.path import commonprefix

from plantrack.core import fuzzydates
from plantrack.imports.cells import (
    collapse,
    looks_like_rag,
    normalise_lookalikes,
    read_rag,
    split_milestones,
    split_updates,
)
from plantrack.imports.parsed import (
    FIELDS,
    ColumnMap,
    ParsedAction,
    ParsedImport,
    ParsedPlan,
    ParsedSection,
)
from plantrack.imports.tables import Cell, Document, Table

DEFAULT_SECTION = "Actions"

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
        "strategic link | strategy section"
    ),
    "title": _words(
        "action | actions | recommendation | recommendations | charter recommendation | "
        "what we will do | what will we do | what we will deliver | what | task | tasks | "
        "activity | activities | description | action description | actions to be taken | "
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
        (r"\bcross ref|\bstrategy ref", "strategy_refs"),
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


# --- Small text tests ------------------------------------------------------------------------

_BULLET_ONLY = re.compile(r"[•▪●◦‣∙·*o>\u2013\u2014-]+")
_LABEL = re.compile(r"^\(?(?P<label>[A-Za-z]|[ivx]{1,4})\)\s*")
_LEGEND = re.compile(
    r"^(?:key|legend|totals?|sub-?totals?|grand total|notes?|source|rag key|\*+)\b\s*[:=\-–]?"
    r"|^[RAGB]\s*[=:\-–]\s*(?:red|amber|green|blue)\b",
    re.IGNORECASE,
)
_OPEN_END = re.compile(
    r"(?:[,&/(\-–]|\b(?:of|the|to|and|or|for|with|a|an|in|on|by|from|that|which|further|into"
    r"|at|as|is|are|be|will|their|our|its|including|such))$",
    re.IGNORECASE,
)
_NUMBERED_HEADING = re.compile(r"^\d+(?:\.\d+)*[.)]?\s")
_PLAN_WORD = re.compile(r"\bplan\b", re.IGNORECASE)
_STRATEGY_WORD = re.compile(r"\b(?:strategy|charter|programme)\b", re.IGNORECASE)
_GENERIC_HEADING = re.compile(r"^(?:sheet|table|page)\s*\d*$", re.IGNORECASE)
_SMALL_WORDS = {"and", "of", "the", "for", "to", "in", "on", "a", "an", "at", "by", "with", "or"}
# Doubling these letters hardly occurs in English: where a column cut a word in two and the
# extraction gave the boundary glyph to both cells ("Vulnera" | "ability"), drop one.
_RARE_DOUBLES = {"aa", "ii", "uu", "yy", "hh", "jj", "kk", "qq", "vv", "ww", "xx"}


def _date_like(text: str) -> bool:
    """Reads as a date, a period, "Ongoing" or "TBC": a row's own deadline."""
    parsed = fuzzydates.parse(text)
    return parsed.parsed and bool(collapse(text))


def _is_bullet(text: str) -> bool:
    return bool(_BULLET_ONLY.fullmatch(text))


def _starts_lower(text: str) -> bool:
    """Carries on a sentence: lower case, or punctuation that cannot start one."""
    first = text[:1]
    return first.islower() or (first in ",;:)]&" and len(text) > 1)


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _title_like(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 12 and not text.endswith((".", ":", ";", ",")) and len(text) <= 120


def title_case(text: str) -> str:
    """ALL-CAPS titles as Title Case ("PROBLEM-SOLVING" → "Problem-Solving"); short words
    without vowels stay capitals (they are acronyms: "CCTV", "ASB" of three letters)."""
    if not _all_caps(text):
        return text
    out = []
    for n, word in enumerate(text.split()):
        letters = re.sub(r"[^A-Za-z]", "", word)
        if n and word.lower() in _SMALL_WORDS:
            out.append(word.lower())
        elif len(letters) <= 3 or not re.search(r"[AEIOU]", letters):
            out.append(word)
        else:
            out.append(re.sub(r"[A-Za-z]+", lambda m: m.group().capitalize(), word))
    return " ".join(out)


def join_fragments(parts: list[str]) -> tuple[str, bool]:
    """Join the cells of a title that extraction spread over several columns. Returns the
    title and whether every join fell inside a word (a strong sign of a spread title)."""
    out = parts[0] if parts else ""
    inside = True
    for part in parts[1:]:
        if not out:
            out = part
            continue
        a, b = out, part
        last, first = a.split()[-1], b.split()[0]
        mid_word = (
            a[-1].isalpha()
            and b[0].isalpha()
            and (
                b[0].islower() or (_all_caps(last + first) or (last.isupper() and first.isupper()))
            )
        )
        if mid_word:
            if (a[-1] + b[0]).lower() in _RARE_DOUBLES or (a[-2:] + b[0]).lower() == a[
                -1
            ].lower() * 3:
                b = b[1:]
            out = a + b
            continue
        inside = False
        if len(last) < len(first) and first.lower().startswith(last.lower()):
            # "(C) Con" | "Conditional Cautions": a word clipped by a narrow column.
            out = a[: len(a) - len(last)] + b
        else:
            out = f"{a} {b}"
    return out, inside


def _plan_title_like(text: str, *, loose: bool = False) -> bool:
    """A line that names a plan: "... Action Plan (Corporate Actions)", "... Delivery Plan
    (July 2022)". Loose also accepts "... Strategy" for a document with no plan line."""
    t = _strip_document_prefix(text)
    words = t.split()
    if not 2 <= len(words) <= 20 or t.endswith((":", ",", ";")) or _NUMBERED_HEADING.match(t):
        return False
    if re.search(r"[.!?]\s+[A-Z]", t) or t[:1] in "-•*":
        return False  # a sentence or a list item
    pattern = _STRATEGY_WORD if loose else _PLAN_WORD
    return bool(pattern.search(t))


def _strip_document_prefix(text: str) -> str:
    t = collapse(text)
    t = re.sub(r"^(?:appendix|annex|annexe)\s+\w+\s*[:.\-–]\s*", "", t, flags=re.IGNORECASE)
    t = re.sub(r"^(?:draft|final|version \S+)\s*[:\-–]?\s+", "", t, flags=re.IGNORECASE)
    return t


# --- References ------------------------------------------------------------------------------


def _ref_like(text: str) -> bool:
    tokens = text.split()
    if not tokens or len(text) > 24 or len(tokens) > 3:
        return False
    if any(c.isdigit() for c in text):
        return not any(len(t) >= 4 and t.isalpha() and t.islower() for t in tokens)
    return bool(re.fullmatch(r"\(?(?:[A-Za-z]{1,3}|[ivxIVX]{1,4})[.)]", text))


def _clean_ref(text: str) -> str:
    return re.sub(r"(?<=\w)\.$", "", text.strip())  # "1." → "1", "1.2." → "1.2"


@dataclass(frozen=True)
class _RefCell:
    ref: str | None = None
    label: str | None = None  # a section label written in the reference column: "(B) Con"
    text: str | None = None  # words that are neither: carried on text, or the action itself
    lookalike: bool = False


def _read_ref_cell(raw: str) -> _RefCell:
    text, lookalike = normalise_lookalikes(collapse(raw))
    if not text or _is_bullet(text):
        return _RefCell()
    m = re.fullmatch(r"(?P<label>\(?[A-Za-z]\)\s*[^\d]*?)\s+(?P<ref>\S+)", text)
    if m and _ref_like(m["ref"]):
        return _RefCell(ref=_clean_ref(m["ref"]), label=m["label"], lookalike=lookalike)
    if _ref_like(text):
        return _RefCell(ref=_clean_ref(text), lookalike=lookalike)
    if _LABEL.match(text) and len(text.split()) <= 6 and not any(c.isdigit() for c in text):
        return _RefCell(label=text)
    return _RefCell(text=collapse(raw))


def _ref_series(ref: str | None) -> str:
    """ "YC/INT/4" → "YC/INT": references in one section share a series."""
    return re.sub(r"[\s./-]*\d+[a-z]?$", "", ref or "", flags=re.IGNORECASE)


# --- Columns ---------------------------------------------------------------------------------


@dataclass
class _Mapping:
    headers: list[str]
    fields: list[str]

    def columns(self, name: str) -> list[int]:
        return [n for n, f in enumerate(self.fields) if f == name]

    def column(self, name: str) -> int | None:
        found = self.columns(name)
        return found[0] if found else None

    @property
    def is_action_table(self) -> bool:
        named = {f for f in self.fields if f != "ignore"}
        return "title" in named and len(named) >= 2


@dataclass
class _HeaderBlock:
    start: int
    end: int  # the row after the header
    mapping: _Mapping


def _texts(row: list[Cell]) -> list[str]:
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
    fields, exact, recognised = _header_score(texts, overrides)
    return fields >= 2 and exact >= 1 and recognised * 2 >= len(filled)


def _header_part(texts: list[str]) -> bool:
    """A row that may continue a stacked header: short words, no figures."""
    filled = [t for t in texts if t]
    return bool(filled) and all(
        len(t) <= 40 and len(t.split()) <= 4 and not any(c.isdigit() for c in t) for t in filled
    )


def _find_header(rows: list[list[Cell]], i: int, overrides: dict[str, str]) -> _HeaderBlock | None:
    texts = _texts(rows[i])
    if not _could_be_header(texts, overrides):
        return None
    end = i + 1
    # "Action" / "Reference" / "Number" stacked: keep adding rows while they name more.
    while end < len(rows) and end - i < 4:
        nxt = _texts(rows[end])
        if not _header_part(nxt):
            break
        width = max(len(texts), len(nxt))
        merged = [
            collapse(f"{texts[n] if n < len(texts) else ''} {nxt[n] if n < len(nxt) else ''}")
            for n in range(width)
        ]
        if _header_score(merged, overrides)[:2] <= _header_score(texts, overrides)[:2]:
            break
        texts, end = merged, end + 1
    return _HeaderBlock(i, end, _mapping(texts, overrides))


def _mapping(headers: list[str], overrides: dict[str, str]) -> _Mapping:
    fields, chosen = [], []
    for text in headers:
        if text in overrides:
            fields.append(overrides[text])
            chosen.append(True)
        else:
            fields.append(header_field(text)[0] or "ignore")
            chosen.append(False)
    if "title" not in fields and "section" in fields:
        # "Objective | Lead | Deadline": with no action column the objective is the action.
        fields[fields.index("section")] = "title"
    # A field named twice: the user's choice wins, then the leftmost column.
    for name in _SINGLE:
        columns = [n for n, f in enumerate(fields) if f == name]
        if len(columns) > 1:
            keep = next((n for n in columns if chosen[n]), columns[0])
            for n in columns:
                if n != keep:
                    fields[n] = "ignore"
    return _Mapping(list(headers), fields)


def _retype_by_values(mapping: _Mapping, rows: list[list[Cell]], overrides: dict[str, str]) -> None:
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


# --- Building plans --------------------------------------------------------------------------


@dataclass
class _Draft:
    """One action while its rows are still being read: text per column, joined later."""

    origin: str
    mapping: _Mapping
    ref: str | None
    texts: dict[int, str]
    fills: dict[int, str]
    ref_lookalike: bool = False

    def text(self, name: str) -> str:
        return collapse(" ".join(self.texts.get(n, "") for n in self.mapping.columns(name)))

    def append(self, column: int, text: str) -> None:
        before = self.texts.get(column, "")
        self.texts[column] = f"{before} {text}".strip() if before else text


@dataclass
class _Section:
    title: str | None
    drafts: list[_Draft] = field(default_factory=list)
    from_caps: bool = False  # written in capitals: capitals glued to an action start another


@dataclass
class _Plan:
    title: str | None
    sections: list[_Section] = field(default_factory=lambda: [_Section(None)])

    @property
    def has_actions(self) -> bool:
        return any(s.drafts for s in self.sections)


class _Builder:
    def __init__(self) -> None:
        self.plans: list[_Plan] = [_Plan(None)]
        self.last: _Draft | None = None  # the action a broken row may continue

    @property
    def plan(self) -> _Plan:
        return self.plans[-1]

    @property
    def section(self) -> _Section:
        return self.plan.sections[-1]

    def start_plan(self, title: str) -> None:
        if not self.plan.has_actions:
            self.plan.title = title
        elif title != self.plan.title:
            self.plans.append(_Plan(title))
            self.last = None

    def start_section(self, title: str, *, from_caps: bool = False) -> None:
        current = self.section
        if current.title and current.title.casefold() == title.casefold():
            return  # the same title repeated on the next page
        if current.drafts:
            self.plan.sections.append(_Section(title, from_caps=from_caps))
        else:
            current.title, current.from_caps = title, from_caps
        self.last = None

    def add(self, draft: _Draft) -> None:
        self.section.drafts.append(draft)
        self.last = draft

    def last_series(self) -> str | None:
        for section in reversed(self.plan.sections):
            for draft in reversed(section.drafts):
                if draft.ref:
                    return _ref_series(draft.ref)
        return None


# --- Section titles --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    label: str | None
    text: str


def _headings(doc: Document) -> list[_Heading]:
    """Lines of the document that may hold the full form of a clipped section title."""
    out = []
    for line in [*doc.paragraphs, *(t.heading or "" for t in doc.tables)]:
        t = re.sub(r"^[\s•▪*\-–]+", "", collapse(line))
        label = None
        if m := _LABEL.match(t):
            label, t = m["label"], t[m.end() :]
        t = re.sub(r"\s*\([^)]*\)?$", "", t).strip()  # a trailing explanation
        if t and len(t.split()) <= 12:
            out.append(_Heading(label, t))
    return out


def _complete(title: str, label: str | None, headings: list[_Heading]) -> str:
    """Finish a title that extraction clipped, from a heading elsewhere in the document:
    "(B) Con" → "Community Coaches", "hbourhood Justice Panels" → "Neighbourhood Justice
    Panels". The shortest fitting heading wins; with none, the title stays as it is."""
    low = title.lower()
    found: list[tuple[int, str]] = []
    for h in headings:
        text = h.text.lower()
        if label and h.label == label and len(text) > len(low):
            # "(B) Con" for "(B) Community Coaches": the same label and a shared start.
            shared = len(commonprefix([text, low]))  # noqa: RUF071 - characters are meant
            if shared >= 2:
                found.append((-shared, h.text))
        elif (
            _starts_lower(title)
            and text.endswith(low)
            and len(text) > len(low)
            and text[len(text) - len(low) - 1].isalpha()
        ):
            found.append((0, h.text))
    return min(found, key=lambda f: (f[0], len(f[1])))[1] if found else title


def _clipped(title: str, label: str | None) -> bool:
    return _starts_lower(title) or bool(label and len(title) <= 4 and " " not in title)


def _section_title(parts: list[str], headings: list[_Heading]) -> str:
    joined, _ = join_fragments([p for p in parts if p])
    label = None
    if m := _LABEL.match(joined):
        label, joined = m["label"], joined[m.end() :].strip()
    if _clipped(joined, label):
        joined = _complete(joined, label, headings)
    joined = title_case(joined.strip(" :-–"))
    return joined[:1].upper() + joined[1:] if joined else joined


# --- Reading one table -----------------------------------------------------------------------


@dataclass
class _Context:
    doc: Document
    overrides: dict[str, str]
    warnings: list[str]
    builder: _Builder
    headings: list[_Heading]
    columns: list[ColumnMap]
    plan_title_fixed: bool
    previous: _Mapping | None = None  # the last action table's columns, for headerless pages


class _TableReader:
    def __init__(self, ctx: _Context, table: Table) -> None:
        self.ctx = ctx
        self.table = table
        self.rows = [list(r) for r in table.rows]
        self.mapping: _Mapping | None = None
        self.blocks: dict[int, _HeaderBlock] = {}  # header rows by the row they start on

    @property
    def b(self) -> _Builder:
        return self.ctx.builder

    def warn(self, row: int | None, message: str) -> None:
        where = self.table.origin if row is None else f"{self.table.origin}, row {row + 1}"
        self.ctx.warnings.append(f"{where}: {message}")

    def skip(self, reason: str) -> None:
        heading = collapse(self.table.heading)
        named = f" ({heading[:60]!r})" if heading else ""
        self.warn(None, f"{reason}{named}: not an action table, so nothing in it is imported")

    def read(self) -> None:
        if not any(collapse(c.text) for row in self.rows for c in row):
            return
        found = (_find_header(self.rows, i, self.ctx.overrides) for i in range(len(self.rows)))
        self.blocks = {block.start: block for block in found if block}
        blocks = list(self.blocks.values())
        if not blocks:
            self._headerless()
            return
        if not any(b.mapping.is_action_table for b in blocks):
            for block in blocks:
                self._record(block.mapping, None)
            self.skip("no column holds the action text")
            return
        self._heading()
        i = 0
        while i < len(self.rows):
            block = self.blocks.get(i)
            if block:
                self._use_header(i, block)
                i = block.end
                continue
            if self.mapping is None:
                self._before_header(i)
            elif self.mapping.is_action_table:
                self._data_row(i)
            i += 1

    def _headerless(self) -> None:
        width = max((len(r) for r in self.rows), default=0)
        if self._continues_previous_table(width):
            # A page of a table whose header was printed only on the first page.
            self.mapping = self.ctx.previous
            self._heading()
            for i in range(len(self.rows)):
                self._data_row(i)
            return
        headers = [f"Column {n + 1}" for n in range(width)]
        mapping = _mapping(headers, self.ctx.overrides)
        if mapping.is_action_table:
            self._record(mapping, None)
            self.mapping = mapping
            self._heading()
            for i in range(len(self.rows)):
                self._data_row(i)
            return
        if width >= 2:
            self._record(mapping, None)
        self.skip("no header row naming an action column")

    def _continues_previous_table(self, width: int) -> bool:
        """Same width as the last action table, no header of its own, and rows that carry
        a reference or a date where that table has them."""
        prev = self.ctx.previous
        if prev is None or len(prev.fields) != width:
            return False
        rows = [r for r in self.rows if any(collapse(c.text) for c in r)]
        if not rows or _header_part(_texts(rows[0])):
            return False  # a first row of short words is another table's header
        ref_col, due_col = prev.column("ref"), prev.column("due")
        evidence = 0
        for row in rows:
            texts = _texts(row) + [""] * width
            has_ref = ref_col is not None and _read_ref_cell(texts[ref_col]).ref is not None
            evidence += has_ref or (due_col is not None and _date_like(texts[due_col]))
        return evidence * 2 >= len(rows)

    def _heading(self) -> None:
        heading = collapse(self.table.heading)
        if not heading or _GENERIC_HEADING.match(heading):
            return
        if _plan_title_like(heading):
            self._plan_heading(heading)
        elif _title_like(heading) and not _NUMBERED_HEADING.match(heading):
            self.b.start_section(_section_title([heading], self.ctx.headings))

    def _plan_heading(self, text: str) -> None:
        # A plan title given by the user names the first plan; a later plan line still
        # starts a second plan.
        if not self.ctx.plan_title_fixed or self.b.plan.has_actions:
            self.b.start_plan(_strip_document_prefix(text))

    def _use_header(self, i: int, block: _HeaderBlock) -> None:
        mapping = block.mapping
        following = (n for n in self.blocks if n >= block.end)
        scope = self.rows[block.end : min(following, default=len(self.rows))]
        _retype_by_values(mapping, scope, self.ctx.overrides)
        if (
            self.mapping is None
            or mapping.fields != self.mapping.fields
            or (mapping.headers != self.mapping.headers)
        ):
            self._record(mapping, i)
        if not mapping.is_action_table:
            self.warn(i, "a header with no action column; the rows under it are skipped")
        self.mapping = mapping
        if mapping.is_action_table:
            self.ctx.previous = mapping

    def _record(self, mapping: _Mapping, row: int | None) -> None:
        if any(c.headers == mapping.headers for c in self.ctx.columns):
            return
        origin = self.table.origin if row is None else f"{self.table.origin}, row {row + 1}"
        self.ctx.columns.append(ColumnMap(origin, list(mapping.headers), list(mapping.fields)))

    def _before_header(self, i: int) -> None:
        """Lines above the header: a plan title, or the first section's title."""
        filled = [t for t in _texts(self.rows[i]) if t]
        if len(filled) != 1:
            return
        text = filled[0]
        if _plan_title_like(text):
            self._plan_heading(text)
        elif _title_like(text):
            self.b.start_section(_section_title([text], self.ctx.headings))

    # --- data rows ---------------------------------------------------------------------------

    def _data_row(self, i: int) -> None:
        mapping = self.mapping
        assert mapping is not None
        row = self.rows[i]
        texts = _texts(row)
        if not any(texts) and not any(c.fill for c in row):
            return
        ref_col = mapping.column("ref")
        ref = (
            _read_ref_cell(row[ref_col].text)
            if ref_col is not None and ref_col < len(row)
            else _RefCell()
        )
        filled = self._filled(row, texts, ref_col, ref)
        if not filled and ref.label is None:
            return
        first_text = texts[filled[0]] if filled else ""
        if ref.ref is None and _LEGEND.match(first_text):
            self.warn(
                i, f"{first_text[:40]!r} looks like a key, total or note, not an action; dropped"
            )
            return
        if self._section_row(row, texts, filled, ref) or self._numbered_section(i, filled, ref):
            return
        if ref.label:  # "(B) Con 1.": a section label glued to the first action's number
            self.b.start_section(_section_title([ref.label], self.ctx.headings))
        if ref.ref is None and self._continues(row, texts, filled, ref):
            self._continue(texts, filled, ref)
            return
        self._action(i, row, texts, ref)

    def _filled(
        self, row: list[Cell], texts: list[str], ref_col: int | None, ref: _RefCell
    ) -> list[int]:
        """Columns with real content: not bullets, not a stray letter left by extraction."""
        mapping = self.mapping
        assert mapping is not None
        out = []
        for n, text in enumerate(texts):
            if not text or _is_bullet(text):
                continue
            name = mapping.fields[n] if n < len(mapping.fields) else "ignore"
            if n == ref_col and ref.text is None and ref.ref is None:
                continue  # a section label, handled on its own
            if len(text) == 1 and text.isalpha() and name not in ("rag", "status", "ref"):
                continue
            out.append(n)
        return out

    def _field(self, n: int) -> str:
        mapping = self.mapping
        assert mapping is not None
        return mapping.fields[n] if n < len(mapping.fields) else "ignore"

    def _section_row(
        self, row: list[Cell], texts: list[str], filled: list[int], ref: _RefCell
    ) -> bool:
        """Is this row a section title? Starts the section if so."""
        assert self.mapping is not None
        if ref.ref is not None:
            return False
        if ref.label:
            others = [texts[n] for n in filled if n != self.mapping.column("ref")]
            self.b.start_section(_section_title([ref.label, *others], self.ctx.headings))
            return True
        title_col = self.mapping.column("title")
        merged = len(filled) == 1 and any(c.merged for c in row[filled[0] + 1 :])
        parts = [texts[n] for n in filled]
        if merged and _title_like(parts[0]):
            self._start_section(parts[0])
            return True
        if self._has_own_fields(row, texts, filled):
            return False
        if len(filled) >= 2:
            # A title spread over columns, cut inside words: "INTELLI" | "GENCE". When the
            # action column holds the first piece, the rest must be word tails ("Conclu" |
            # "sion"), so that "Agree plan" | "team leader" stays an action.
            tails = all(" " not in texts[n] for n in filled[1:])
            joined, inside = join_fragments(parts)
            if inside and _title_like(joined) and (title_col not in filled or tails):
                self._start_section(joined)
                return True
            return False
        if len(filled) != 1:
            return False
        text = parts[0]
        if not _title_like(text):
            return False
        if _all_caps(text):
            self._start_section(text)
            return True
        if filled[0] not in (title_col, self.mapping.column("ref")) and self.b.last is not None:
            return False  # one cell under the owner or update column: overflow from above
        if _starts_lower(text):
            completed = _complete(text, None, self.ctx.headings)
            if completed == text and self.b.last is not None:
                return False
            self._start_section(completed)
            return True
        last = self.b.last
        if last is not None and _OPEN_END.search(last.text("title")):
            return False
        self._start_section(text)
        return True

    def _numbered_section(self, i: int, filled: list[int], ref: _RefCell) -> bool:
        """ "1 | Reducing reoffending" with nothing else, over rows numbered "1.1", "1.2":
        a numbered section heading, not an action."""
        assert self.mapping is not None
        title_col, ref_col = self.mapping.column("title"), self.mapping.column("ref")
        if ref.ref is None or title_col not in filled or set(filled) - {title_col, ref_col}:
            return False
        nxt = self._next_ref(i)
        if not nxt or not re.match(rf"{re.escape(ref.ref)}[.\-/]?\w", nxt) or nxt == ref.ref:
            return False
        self._start_section(self.rows[i][title_col].text)
        return True

    def _next_ref(self, i: int) -> str | None:
        ref_col = self.mapping.column("ref") if self.mapping else None
        for row in self.rows[i + 1 : i + 4]:
            if ref_col is not None and ref_col < len(row) and collapse(row[ref_col].text):
                return _read_ref_cell(row[ref_col].text).ref
        return None

    def _start_section(self, text: str) -> None:
        self.b.start_section(_section_title([text], self.ctx.headings), from_caps=_all_caps(text))

    def _has_own_fields(self, row: list[Cell], texts: list[str], filled: list[int]) -> bool:
        """A date or a RAG of its own: an action, however little else it has."""
        for n in filled:
            if self._field(n) in ("due", "start", "review") and _date_like(texts[n]):
                return True
            if self._field(n) in ("rag", "status") and read_rag(texts[n]).recognised:
                return True
        return any(
            self._field(n) == "rag" and read_rag(c.text, c.fill).rag for n, c in enumerate(row)
        )

    def _continues(
        self, row: list[Cell], texts: list[str], filled: list[int], ref: _RefCell
    ) -> bool:
        """Is this row the rest of the action above, broken by a page?"""
        last = self.b.last
        if last is None or not filled:
            return False
        if self._has_own_fields(row, texts, filled):
            return False
        assert self.mapping is not None
        title_col = self.mapping.column("title")
        title = texts[title_col] if title_col is not None and title_col < len(texts) else ""
        if not title and ref.text is None:
            return True  # text under the owner or update column only
        parts = [texts[n] for n in filled]
        if all(_starts_lower(p) for p in parts):
            return True
        return bool(_OPEN_END.search(last.text("title"))) and _starts_lower(title or ref.text or "")

    def _continue(self, texts: list[str], filled: list[int], ref: _RefCell) -> None:
        """Add each cell to the same field of the action above (its columns may differ when
        a repeated header had an extra column)."""
        last = self.b.last
        assert last is not None
        for n in filled:
            name = self._field(n)
            if name == "ref" and ref.text is not None:
                name = "title"  # words in the number column that are not a number
            column = last.mapping.column(name)
            if column is not None and name not in ("ignore", "ref"):
                last.append(column, texts[n])

    def _action(self, i: int, row: list[Cell], texts: list[str], ref: _RefCell) -> None:
        mapping = self.mapping
        assert mapping is not None
        title_col = mapping.column("title")
        cells = {
            n: row[n].text
            for n in range(len(row))
            if n < len(mapping.fields) and collapse(row[n].text)
        }
        fills = {n: row[n].fill for n in range(len(row)) if row[n].fill}
        if title_col is not None and not collapse(cells.get(title_col, "")) and ref.text:
            cells[title_col] = ref.text  # the action written in the number column
        if ref.text is not None and mapping.column("ref") is not None:
            cells.pop(mapping.column("ref"), None)
        self._section_from_column(cells)
        title = collapse(cells.get(title_col, "")) if title_col is not None else ""
        if not title:
            self.warn(i, "a row with no action text was skipped")
            return
        title = self._glued_section(title, ref.ref)
        if title_col is not None:
            cells[title_col] = title
        draft = _Draft(
            origin=f"{self.table.origin}, row {i + 1}",
            mapping=mapping,
            ref=ref.ref,
            texts=cells,
            fills=fills,
            ref_lookalike=ref.lookalike,
        )
        self.b.add(draft)

    def _section_from_column(self, cells: dict[int, str]) -> None:
        col = self.mapping.column("section") if self.mapping else None
        if col is not None and collapse(cells.get(col, "")):
            self._start_section(collapse(cells[col]))

    def _glued_section(self, title: str, ref: str | None) -> str:
        """ "INVESTIGATION Ensure that officers…": a section title that extraction glued to
        the first action of the section. Taken only with corroboration: the references
        start a new series, or the plan writes its section titles in capitals."""
        m = re.match(r"^([A-Z][A-Z&'\-]{3,}(?:\s+[A-Z][A-Z&'\-]+)*)\s+([A-Z][a-z].*)$", title)
        if not m:
            return title
        series = self.b.last_series()
        if ref and series is not None:
            corroborated = _ref_series(ref) != series
        else:
            corroborated = self.b.section.from_caps and len(m[1]) >= 6
        if corroborated:
            self._start_section(m[1])
            return m[2]
        return title


# --- Finishing actions -----------------------------------------------------------------------


def _finish(draft: _Draft, warnings: list[str]) -> ParsedAction:
    def text(name: str) -> str | None:
        return collapse(draft.text(name)) or None

    owner, owner_fixed = normalise_lookalikes(text("owner") or "")
    if owner_fixed:
        written = text("owner")
        warnings.append(
            f"{draft.origin}: owner {written!r} has letters from another alphabet;"
            f" read as {owner!r}"
        )
    if draft.ref_lookalike:
        warnings.append(
            f"{draft.origin}: reference has letters from another alphabet; read as {draft.ref!r}"
        )
    action = ParsedAction(
        title=text("title") or "",
        ref=draft.ref,
        strategy_refs=text("strategy_refs"),
        owner=owner or None,
        lead=text("lead"),
        milestones=split_milestones(
            "\n".join(draft.texts.get(n, "") for n in draft.mapping.columns("milestones"))
        ),
        start_text=text("start"),
        review_text=text("review"),
        due_text=text("due"),
        origin=draft.origin,
    )
    _finish_rag(draft, action, warnings)
    for n in draft.mapping.columns("updates"):
        updates, problems = split_updates(draft.texts.get(n, ""))
        action.updates.extend(updates)
        warnings.extend(f"{draft.origin}: {p}" for p in problems)
    if (
        action.status is None
        and fuzzydates.parse(action.due_text or "").kind is fuzzydates.Kind.ONGOING
    ):
        action.status = "ongoing"
    return action


def _finish_rag(draft: _Draft, action: ParsedAction, warnings: list[str]) -> None:
    """RAG from the RAG column (text, else fill); status from either column's words."""
    for name in ("rag", "status"):
        for n in draft.mapping.columns(name):
            raw = collapse(draft.texts.get(n, ""))
            reading = read_rag(raw, draft.fills.get(n) if name == "rag" else None)
            if reading.lookalike:
                warnings.append(
                    f"{draft.origin}: RAG {raw!r} has a letter from another alphabet;"
                    f" read as {reading.rag or reading.status}"
                )
            action.rag = action.rag or reading.rag  # "Complete" in a status column is blue too
            action.status = action.status or reading.status


# --- The document ----------------------------------------------------------------------------


def _document_title(doc: Document) -> str | None:
    for loose in (False, True):
        for paragraph in doc.paragraphs:
            if _plan_title_like(paragraph, loose=loose):
                return _strip_document_prefix(paragraph)
    return None


def _valid_overrides(overrides: dict[str, str] | None, warnings: list[str]) -> dict[str, str]:
    valid = {}
    for header, name in (overrides or {}).items():
        if name in FIELDS:
            valid[collapse(header)] = name
        else:
            warnings.append(f"column {header!r}: {name!r} is not a field; the mapping is ignored")
    return valid


def parse_document(
    doc: Document,
    column_overrides: dict[str, str] | None = None,
    plan_title: str | None = None,
) -> ParsedImport:
    """Plans, sections and actions from a document's tables; never raises on odd input."""
    warnings = list(doc.warnings)
    builder = _Builder()
    title = collapse(plan_title) or None
    if title:
        builder.plan.title = title
    ctx = _Context(
        doc=doc,
        overrides=_valid_overrides(column_overrides, warnings),
        warnings=warnings,
        builder=builder,
        headings=_headings(doc),
        columns=[],
        plan_title_fixed=bool(title),
    )
    for table in doc.tables:
        _TableReader(ctx, table).read()
    if builder.plans[0].title is None:
        builder.plans[0].title = _document_title(doc)
    result = ParsedImport(file=doc.name, warnings=warnings, columns=ctx.columns)
    for plan in builder.plans:
        parsed = ParsedPlan(title=plan.title)
        for section in plan.sections:
            if section.drafts:
                actions = [_finish(d, warnings) for d in section.drafts]
                parsed.sections.append(ParsedSection(section.title or DEFAULT_SECTION, actions))
        if parsed.sections or plan is builder.plans[0]:
            result.plans.append(parsed)
    return result
