"""Engagement registers found in a document's tables: activities under their groups.

Works on the importer's read stage (``plantrack.imports.tables.Document``), so a spreadsheet,
a Word or PDF table and pasted or extracted text all arrive as rows of cells. The rules:

* A register starts at a header row naming the activity and two of the communities targeted,
  the aim and the method (``columns``); the header may be repeated (under each group, on each
  page), and a different one maps the columns again.
* Rows naming a group ("Business Group Engagement Priorities: Serious Crime Directorate")
  file the activities after them under it (``groups``).
* A row with text in the activity column starts an activity. A row with none carries on the
  activity above: text extracted from a PDF wraps each cell over several lines, and each line
  comes out as a row whose first cells are empty; each cell is added to the same field, in
  reading order. A row with no activity text and nothing above it to carry on, or with a cost
  of its own when the activity above has one, is an activity without a title: reported, not
  imported.
* A row one cell short of the header has lost an empty cell in extraction (one tab fewer). It
  is the cost when the register has a cost column and the cell in its place is not a cost
  ("£", a figure, "nil", "tbc"): the row is read without a cost. Otherwise the row is short at
  its end.
* The register's title: a one-cell row above its first header, else a caption "Table 2: …"
  before the table (without "Table 2:"), else the table's heading or sheet name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import models

from plantrack.core.text import TEXT_MAX, TITLE_MAX
from plantrack.engagement.costs import parse_cost
from plantrack.engagement.models import Activity
from plantrack.imports.engagement.columns import RegisterColumns, register_columns
from plantrack.imports.engagement.groups import labelled_group, lone_group
from plantrack.imports.engagement.parsed import ParsedActivity, ParsedRegister
from plantrack.imports.engagement.values import read_choices
from plantrack.imports.lookalikes import collapse
from plantrack.imports.tables import Cell, Document, Table

_CAPTION = re.compile(
    r"^(?:table|figure|appendix|annex)\s+\d+[a-z]?\s*[:.\-–—]\s*(?P<title>.+)$", re.I
)
_GENERIC = re.compile(r"^(?:sheet|table|page)\s*\d*(?:\s*\(.*\))?$", re.IGNORECASE)
_COST_LIKE = re.compile(r"^\s*(?:£|gbp\b|nil\b|none\b|free\b|tbc\b|tba\b|\d)", re.IGNORECASE)
_MAX_TITLE = 300


def _max_length(name: str) -> int:
    found = Activity._meta.get_field(name)
    return (found.max_length if isinstance(found, models.Field) else None) or TEXT_MAX


# What each field of an activity holds (engagement.models.Activity); longer text is cut.
_LIMITS = {
    "title": TITLE_MAX,
    "owner": _max_length("owner_text"),
    "cost_text": _max_length("cost_text"),
    "business_plan_link": _max_length("business_plan_link"),
    "communities": TEXT_MAX,
    "aim": TEXT_MAX,
    "method": TEXT_MAX,
    "start": _max_length("start_text"),
    "end": _max_length("end_text"),
}


def title_cell(title: str) -> str:
    """The text of a one-cell row above a register's first header that this reader reads back
    as ``title``: the title itself, or captioned "Table 1: …" when alone it would be read as a
    group's name ("Barnet Borough: engagement"), a caption to take off ("Appendix 3 - …") or a
    sheet's generic name ("Sheet 1")."""
    plain = collapse(title)
    if labelled_group([Cell(plain)]) or _CAPTION.match(plain) or _GENERIC.match(plain):
        return f"Table 1: {plain}"
    return plain


def find_registers(document: Document) -> list[ParsedRegister]:
    """Every register in the document's tables. Never raises on odd input."""
    registers = []
    for table in document.tables:
        headers = {n: cols for n, row in enumerate(table.rows) if (cols := register_columns(row))}
        if headers:
            registers.append(_RegisterReader(document, table, headers).read())
    return registers


@dataclass
class _Draft:
    """One activity while its rows are read: the lines of each column, joined at the end."""

    origin: str
    group: str | None
    columns: RegisterColumns
    parts: dict[str, list[str]] = field(default_factory=dict)

    def add(self, cells: list[str]) -> None:
        for n, text in enumerate(cells):
            name = self.columns.fields[n] if n < self.columns.width else None
            if name and text:
                self.parts.setdefault(name, []).append(text)

    def text(self, name: str) -> str:
        return collapse(" ".join(self.parts.get(name, [])))


class _RegisterReader:
    def __init__(
        self, document: Document, table: Table, headers: dict[int, RegisterColumns]
    ) -> None:
        self.document = document
        self.table = table
        self.headers = headers
        self.columns: RegisterColumns | None = None
        self.group: str | None = None
        self.current: _Draft | None = None
        self.drafts: list[_Draft] = []
        self.short_rows = 0
        self.title_row: str | None = None
        self.register = ParsedRegister(title="", origin=table.origin)

    def warn(self, row: int, message: str) -> None:
        self.register.warnings.append(f"{self.table.origin}, row {row + 1}: {message}")

    def read(self) -> ParsedRegister:
        for n, row in enumerate(self.table.rows):
            if n in self.headers:
                self.columns, self.current = self.headers[n], None
            elif any(collapse(c.text) for c in row):
                self._row(n, row)
        self.register.title = self._title()
        self.register.activities = [self._finish(d) for d in self.drafts]
        self._summarise()
        return self.register

    def _summarise(self) -> None:
        if self.short_rows:
            self.register.warnings.append(
                f"{self.table.origin}: {self.short_rows} row{'s' * (self.short_rows > 1)} had "
                "one cell fewer than the header, as extraction leaves an empty cell out; "
                "read without a cost."
            )
        if not self.register.activities:
            self.register.warnings.append(
                f"{self.table.origin}: no activities were found under the register's header."
            )

    # --- rows ----------------------------------------------------------------------------

    def _row(self, n: int, row: list[Cell]) -> None:
        group = labelled_group(row) or lone_group(row, above_header=self._above_header(n))
        if group:
            self.group, self.current = group, None
            return
        if self.columns is None:
            self._before_header(n, row)
            return
        cells = self._aligned(n, [collapse(c.text) for c in row], self.columns)
        title_col = self.columns.column("title")
        if title_col is not None and cells[title_col]:
            self.current = _Draft(f"{self.table.origin}, row {n + 1}", self.group, self.columns)
            self.current.add(cells)
            self.drafts.append(self.current)
        elif self._continues(cells):
            assert self.current is not None
            self.current.add(cells)
        else:
            shown = next(t for t in cells if t)
            self.warn(n, f"an activity with no title ({shown[:60]!r}) was not imported")

    def _above_header(self, n: int) -> bool:
        for m in range(n + 1, len(self.table.rows)):
            if m in self.headers:
                return True
            if any(collapse(c.text) for c in self.table.rows[m]):
                return False
        return False

    def _before_header(self, n: int, row: list[Cell]) -> None:
        filled = [collapse(c.text) for c in row if collapse(c.text)]
        if len(filled) == 1 and self.title_row is None:
            self.title_row = filled[0]

    def _continues(self, cells: list[str]) -> bool:
        """A row without an activity's text carries on the activity above, unless it has a
        cost of its own where that activity has one already."""
        if self.current is None:
            return False
        cost = self.current.columns.column("cost")
        return not (cost is not None and cells[cost] and self.current.text("cost"))

    def _aligned(self, n: int, texts: list[str], columns: RegisterColumns) -> list[str]:
        """The row's cells under the header's columns (see the module's rules)."""
        width = columns.width
        while len(texts) > width and not texts[-1]:
            texts.pop()
        if len(texts) > width:
            extra = " ".join(t for t in texts[width - 1 :] if t)
            self.warn(n, "more cells than the header has columns; the last ones were joined")
            texts = [*texts[: width - 1], extra]
        cost = columns.column("cost")
        if len(texts) == width - 1 and cost is not None and not _COST_LIKE.match(texts[cost]):
            texts.insert(cost, "")
            self.short_rows += 1
        return texts + [""] * (width - len(texts))

    # --- results -------------------------------------------------------------------------

    def _finish(self, draft: _Draft) -> ParsedActivity:
        cost_text = draft.text("cost")
        cost = parse_cost(cost_text)
        if cost.warning:
            self.register.warnings.append(f"{draft.origin}: cost {cost.warning}")
        status, level, checks = read_choices(draft.text("status"), draft.text("level"))
        self.register.warnings += [f"{draft.origin}: {check}" for check in checks]

        def fit(name: str, text: str) -> str:
            limit = _LIMITS[name]
            if len(text) <= limit:
                return text
            self.register.warnings.append(
                f"{draft.origin}: the {name.replace('_', ' ')} is {len(text):,} characters "
                f"long; only the first {limit:,} are kept."
            )
            return text[: limit - 1] + "…"

        return ParsedActivity(
            title=fit("title", draft.text("title")),
            group=draft.group,
            owner=fit("owner", draft.text("owner")),
            cost_text=fit("cost_text", cost_text),
            cost_gbp=cost.amount,
            cost_period=cost.period,
            business_plan_link=fit("business_plan_link", draft.text("business_plan_link")),
            communities=fit("communities", draft.text("communities")),
            aim=fit("aim", draft.text("aim")),
            method=fit("method", draft.text("method")),
            status=status,
            level=level,
            start=fit("start", draft.text("start")),
            end=fit("end", draft.text("end")),
            origin=draft.origin,
        )

    def _title(self) -> str:
        title = self.title_row or self._caption() or collapse(self.table.heading)
        match = _CAPTION.match(title)
        if match:
            title = collapse(match["title"])
        elif not title or _GENERIC.match(title):
            title = ""
        if not title or len(title) > _MAX_TITLE:
            return f"Engagement register from {self.document.name}"[:_MAX_TITLE]
        return title

    def _caption(self) -> str | None:
        """A "Table 2: …" caption among the paragraphs between the last table and this one."""
        end = self.table.after_paragraphs
        if end is None:
            return None
        earlier = [
            t.after_paragraphs
            for t in self.document.tables
            if t is not self.table and t.after_paragraphs is not None and t.after_paragraphs < end
        ]
        start = max(earlier, default=0)
        for paragraph in reversed(self.document.paragraphs[start:end]):
            match = _CAPTION.match(collapse(paragraph))
            if match and len(match["title"]) <= _MAX_TITLE:
                return collapse(paragraph)
        return None
