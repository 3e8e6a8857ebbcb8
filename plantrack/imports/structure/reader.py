"""Reading one table, row by row.

Finds the header rows (a repeated header is dropped, a different one remaps the columns;
a headerless page continues the last action table), then sorts each row under them:
a section title (full-width, spread over cells, a label in the reference column, a
numbered heading, a theme column, capitals glued to an action), a legend/key/total row
(dropped with a warning), the rest of the action above broken by a page (joined to it),
or a new action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plantrack.imports.cells import collapse, read_rag
from plantrack.imports.engagement.columns import has_register_header
from plantrack.imports.parsed import ColumnMap, SkippedTable
from plantrack.imports.structure.actions import ActionDraft, PlanBuilder
from plantrack.imports.structure.headers import (
    HeaderBlock,
    HeaderMapping,
    column_mapping,
    find_header,
    header_part,
    retype_by_values,
    row_texts,
)
from plantrack.imports.structure.refs import RefCell, read_ref_cell, ref_series
from plantrack.imports.structure.runon import RunOn, read_run_on, untangle_owner
from plantrack.imports.structure.sections import SectionHeading, complete_title, section_title
from plantrack.imports.structure.text import (
    GENERIC_HEADING,
    KEY_START,
    LEGEND,
    NUMBERED_HEADING,
    OPEN_END,
    all_caps,
    as_plan_title,
    date_like,
    is_bullet,
    join_fragments,
    plan_title_like,
    starts_lower,
    title_like,
)
from plantrack.imports.tables import Cell, Document, Table

# --- Reading one table -----------------------------------------------------------------------


@dataclass
class ReadContext:
    doc: Document
    overrides: dict[str, str]
    warnings: list[str]
    builder: PlanBuilder
    headings: list[SectionHeading]
    columns: list[ColumnMap]
    plan_title_fixed: bool
    skipped: list[SkippedTable] = field(default_factory=list)
    previous: HeaderMapping | None = None  # the last action table's columns, for headerless pages


class TableReader:
    def __init__(self, ctx: ReadContext, table: Table) -> None:
        self.ctx = ctx
        self.table = table
        self.rows = [list(r) for r in table.rows]
        self.mapping: HeaderMapping | None = None
        self.blocks: dict[int, HeaderBlock] = {}  # header rows by the row they start on
        self.in_key = False  # after a "Key" row, until an action with a reference

    @property
    def b(self) -> PlanBuilder:
        return self.ctx.builder

    def warn(self, row: int | None, message: str) -> None:
        where = self.table.origin if row is None else f"{self.table.origin}, row {row + 1}"
        self.ctx.warnings.append(f"{where}: {message}")

    def skip(self, reason: str) -> None:
        heading = collapse(self.table.heading)
        named = f" ({heading[:60]!r})" if heading else ""
        # Typed, for the stages after this one (a budget table's warning is replaced).
        self.ctx.skipped.append(SkippedTable(self.table.origin, len(self.ctx.warnings)))
        self.warn(None, f"{reason}{named}: not an action table, so nothing in it is imported")

    def read(self) -> None:
        if not any(collapse(c.text) for row in self.rows for c in row):
            return
        if has_register_header(self.rows):
            self.skip("a register of engagement activities")
            return
        found = (find_header(self.rows, i, self.ctx.overrides) for i in range(len(self.rows)))
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
            header = self.blocks.get(i)
            if header:
                self._use_header(i, header)
                i = header.end
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
        run_on = read_run_on(self.ctx.doc, self.table, self.rows, self.ctx.overrides)
        if run_on is not None:
            self._read_run_on(run_on)
            return
        headers = [f"Column {n + 1}" for n in range(width)]
        mapping = column_mapping(headers, self.ctx.overrides)
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

    def _read_run_on(self, run_on: RunOn) -> None:
        """A header and first rows run together into the paragraph before the table
        (``runon``): those rows first, each kept whole, then the table's own rows."""
        mapping = self.mapping = self.ctx.previous = run_on.mapping
        self._record(mapping, None)
        title_col, owner_col = mapping.column("title"), mapping.column("owner")
        assert title_col is not None  # an action table
        for n, row in enumerate(run_on.rows, 1):
            texts = {title_col: row.text}
            if row.owner and owner_col is not None:
                texts[owner_col] = row.owner
            origin = f"{self.table.origin}, row {n} of the paragraph before it"
            self.b.add(ActionDraft(origin, mapping, None, texts, {}))
        if run_on.rows:
            owners = " and its owner" if any(r.owner for r in run_on.rows) else ""
            self.warn(
                None,
                f"the header and the first {len(run_on.rows)} rows ran together into one "
                f"paragraph ({collapse(self.table.heading)[:50]!r}…); their columns could not "
                f"be told apart, so each row is one action{owners}, its text kept whole as "
                "the action: check them",
            )
        for i in range(len(self.rows)):
            last = self.b.last
            self._data_row(i)
            if self.b.last is not None and self.b.last is not last:
                self._untangle_owner(self.b.last, run_on.owners)

    def _untangle_owner(self, draft: ActionDraft, owners: list[list[str]]) -> None:
        written = draft.text("owner")
        before = untangle_owner(draft.texts, draft.mapping, owners)
        if before is None:
            return
        if before:
            draft.description = f"Also in the owner cell: {before}"
        self.ctx.warnings.append(
            f"{draft.origin}: the owner cell {written[:60]!r}… held other columns' text too;"
            f" the owner is read as {draft.text('owner')!r}, the text after it as the next"
            " column" + (" and the text before it kept in the description" if before else "")
        )

    def _continues_previous_table(self, width: int) -> bool:
        """Same width as the last action table, no header of its own, and rows that carry
        a reference or a date where that table has them."""
        prev = self.ctx.previous
        if prev is None or len(prev.fields) != width:
            return False
        rows = [r for r in self.rows if any(collapse(c.text) for c in r)]
        if not rows or header_part(row_texts(rows[0])):
            return False  # a first row of short words is another table's header
        ref_col, due_col = prev.column("ref"), prev.column("due")
        evidence = 0
        for row in rows:
            texts = row_texts(row) + [""] * width
            has_ref = ref_col is not None and read_ref_cell(texts[ref_col]).ref is not None
            evidence += has_ref or (due_col is not None and date_like(texts[due_col]))
        return evidence * 2 >= len(rows)

    def _heading(self) -> None:
        heading = collapse(self.table.heading)
        if not heading or GENERIC_HEADING.match(heading):
            return
        if plan_title_like(heading):
            self._plan_heading(heading)
        elif title_like(heading):
            # "1. Early Help and Prevention": the number goes, the words name the section.
            words = NUMBERED_HEADING.sub("", heading).strip()
            if words:
                self.b.start_section(section_title([words], self.ctx.headings))

    def _plan_heading(self, text: str) -> None:
        # A plan title given by the user names the first plan; a later plan line still
        # starts a second plan.
        if not self.ctx.plan_title_fixed or self.b.plan.has_actions:
            self.b.start_plan(as_plan_title(text))

    def _use_header(self, i: int, block: HeaderBlock) -> None:
        mapping = block.mapping
        following = (n for n in self.blocks if n >= block.end)
        scope = self.rows[block.end : min(following, default=len(self.rows))]
        retype_by_values(mapping, scope, self.ctx.overrides)
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

    def _record(self, mapping: HeaderMapping, row: int | None) -> None:
        if any(c.headers == mapping.headers for c in self.ctx.columns):
            return
        origin = self.table.origin if row is None else f"{self.table.origin}, row {row + 1}"
        self.ctx.columns.append(ColumnMap(origin, list(mapping.headers), list(mapping.fields)))

    def _before_header(self, i: int) -> None:
        """Lines above the header: a plan title, or the first section's title."""
        filled = [t for t in row_texts(self.rows[i]) if t]
        if len(filled) != 1:
            return
        text = filled[0]
        if plan_title_like(text):
            self._plan_heading(text)
        elif title_like(text):
            self.b.start_section(section_title([text], self.ctx.headings))

    # --- data rows ---------------------------------------------------------------------------

    def _data_row(self, i: int) -> None:
        mapping = self.mapping
        assert mapping is not None
        row = self.rows[i]
        texts = row_texts(row)
        if not any(texts) and not any(c.fill for c in row):
            return
        ref_col = mapping.column("ref")
        ref = (
            read_ref_cell(row[ref_col].text)
            if ref_col is not None and ref_col < len(row)
            else RefCell()
        )
        filled = self._filled(row, texts, ref_col, ref)
        if not filled and ref.label is None:
            return
        first_text = texts[filled[0]] if filled else ""
        # A key's row may carry its letter in the reference column: "R | Red: not on track".
        beyond_ref = next((texts[n] for n in filled if n != ref_col), "")
        if ref.ref is not None:
            self.in_key = False
        elif LEGEND.match(first_text) or LEGEND.match(beyond_ref) or self.in_key:
            self.in_key = self.in_key or bool(KEY_START.match(first_text))
            self.warn(
                i, f"{first_text[:40]!r} looks like a key, total or note, not an action; dropped"
            )
            return
        if self._section_row(row, texts, filled, ref) or self._numbered_section(i, filled, ref):
            return
        if ref.label:  # "(B) Con 1.": a section label glued to the first action's number
            self.b.start_section(section_title([ref.label], self.ctx.headings))
        if ref.ref is None and self._continues(row, texts, filled, ref):
            self._continue(texts, filled, ref)
            return
        self._action(i, row, texts, ref)

    def _filled(
        self, row: list[Cell], texts: list[str], ref_col: int | None, ref: RefCell
    ) -> list[int]:
        """Columns with real content: not bullets, not a stray letter left by extraction."""
        mapping = self.mapping
        assert mapping is not None
        out = []
        for n, text in enumerate(texts):
            if not text or is_bullet(text):
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
        self, row: list[Cell], texts: list[str], filled: list[int], ref: RefCell
    ) -> bool:
        """Is this row a section title? Starts the section if so."""
        assert self.mapping is not None
        if ref.ref is not None:
            return False
        if ref.label:
            others = [texts[n] for n in filled if n != self.mapping.column("ref")]
            self.b.start_section(section_title([ref.label, *others], self.ctx.headings))
            return True
        title_col = self.mapping.column("title")
        merged = len(filled) == 1 and any(c.merged for c in row[filled[0] + 1 :])
        parts = [texts[n] for n in filled]
        if merged and title_like(parts[0]):
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
            if inside and title_like(joined) and (title_col not in filled or tails):
                self._start_section(joined)
                return True
            return False
        if len(filled) != 1:
            return False
        text = parts[0]
        if not title_like(text):
            return False
        if all_caps(text):
            self._start_section(text)
            return True
        if filled[0] not in (title_col, self.mapping.column("ref")) and self.b.last is not None:
            return False  # one cell under the owner or update column: overflow from above
        if starts_lower(text):
            completed = complete_title(text, None, self.ctx.headings)
            if completed == text and self.b.last is not None:
                return False
            self._start_section(completed)
            return True
        last = self.b.last
        if last is not None and OPEN_END.search(last.text("title")):
            return False
        self._start_section(text)
        return True

    def _numbered_section(self, i: int, filled: list[int], ref: RefCell) -> bool:
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
                return read_ref_cell(row[ref_col].text).ref
        return None

    def _start_section(self, text: str) -> None:
        self.b.start_section(section_title([text], self.ctx.headings), from_caps=all_caps(text))

    def _has_own_fields(self, row: list[Cell], texts: list[str], filled: list[int]) -> bool:
        """A date or a RAG of its own: an action, however little else it has."""
        for n in filled:
            if self._field(n) in ("due", "start", "review") and date_like(texts[n]):
                return True
            if self._field(n) in ("rag", "status") and read_rag(texts[n]).recognised:
                return True
        return any(
            self._field(n) == "rag" and read_rag(c.text, c.fill).rag for n, c in enumerate(row)
        )

    def _continues(
        self, row: list[Cell], texts: list[str], filled: list[int], ref: RefCell
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
        if all(starts_lower(p) for p in parts):
            return True
        return bool(OPEN_END.search(last.text("title"))) and starts_lower(title or ref.text or "")

    def _continue(self, texts: list[str], filled: list[int], ref: RefCell) -> None:
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

    def _action(self, i: int, row: list[Cell], texts: list[str], ref: RefCell) -> None:
        mapping = self.mapping
        assert mapping is not None
        title_col = mapping.column("title")
        cells = {
            n: row[n].text
            for n in range(len(row))
            if n < len(mapping.fields) and collapse(row[n].text)
        }
        fills = {n: fill for n in range(len(row)) if (fill := row[n].fill)}
        if title_col is not None and not collapse(cells.get(title_col, "")) and ref.text:
            cells[title_col] = ref.text  # the action written in the number column
        ref_col = mapping.column("ref")
        if ref.text is not None and ref_col is not None:
            cells.pop(ref_col, None)
        self._section_from_column(cells)
        title = collapse(cells.get(title_col, "")) if title_col is not None else ""
        if not title:
            self.warn(i, "a row with no action text was skipped")
            return
        title = self._glued_section(title, ref.ref)
        if title_col is not None:
            cells[title_col] = title
        draft = ActionDraft(
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
            corroborated = ref_series(ref) != series
        else:
            corroborated = self.b.section.from_caps and len(m[1]) >= 6
        if corroborated:
            self._start_section(m[1])
            return m[2]
        return title
