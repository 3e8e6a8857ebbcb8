"""Pasted text and text extracted from PDF or Word files, as tables and paragraphs.

Two sources look alike here:

* A table copied from Excel or Word: one row per line, cells separated by tabs, a cell that
  holds a line break, tab or quote wrapped in double quotes, any quote inside doubled.
* Text extracted from a PDF or Word file: tab-separated cells too, but rows broken across
  lines and page breaks, the header repeated on every page and blank lines between pages.

Lines with a tab are table rows; a run of them is one table, blank lines included (a page
break inside a table leaves one). A line without a tab ends the table and is a paragraph; the
last paragraph before a table is its heading. One repair is made here because only the reader
can see it: Word copies a merged full-width row (a section title) as a line with no tabs, so
such a line with table rows straight above and below it is kept in the table as a merged row.
Nothing else here decides what a row means: broken rows, repeated headers and section titles
are ``structure/``'s business.
"""

from __future__ import annotations

from dataclasses import dataclass

from plantrack.core.text import clean_text
from plantrack.imports.tables import Cell, Document, Table

# A quoted cell longer than this is not a cell but a stray quote mark swallowing the text.
_MAX_QUOTED = 32_000


@dataclass
class _Line:
    cells: list[str]
    tabbed: bool  # had a tab or a quoted multi-line cell: a table row
    number: int  # 1-based line number where it starts, for the table's origin
    merged_to: int = 0  # a full-width row: its one cell spans this many columns


def _merged_row(lines: list[_Line], n: int) -> bool:
    """A short line without tabs right between two table rows: a merged row Word copied."""
    line = lines[n]
    if line.tabbed or not line.cells or not line.cells[0].strip() or not 0 < n < len(lines) - 1:
        return False
    return lines[n - 1].tabbed and lines[n + 1].tabbed and len(line.cells[0]) <= 200


def read_text(name: str, text: str) -> Document:
    """Never raises: any text gives a Document, perhaps with no tables."""
    doc = Document(name=name)
    rows: list[_Line] = []
    heading: str | None = None
    wrapped = False  # the previous line was a paragraph line, so this one may continue it
    lines = _lines(_normalise(text))
    for n, line in enumerate(lines):
        if _merged_row(lines, n):
            rows.append(_Line([line.cells[0]], True, line.number, merged_to=len(rows[-1].cells)))
            continue
        if line.tabbed:
            rows.append(line)
            wrapped = False
            continue
        paragraph = line.cells[0].strip() if line.cells else ""
        if not paragraph:
            wrapped = False  # blank: between pages or paragraphs; it does not end a table
            continue
        if rows:
            _add_table(doc, rows, heading)
            rows = []
        _add_paragraph(doc, paragraph, wrapped)
        heading = doc.paragraphs[-1]
        wrapped = True
    if rows:
        _add_table(doc, rows, heading)
    return doc


def _normalise(text: str) -> str:
    # Form feeds mark PDF page breaks; a blank line says the same to the rest of the reader.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n").replace("\x00", "")


def _add_paragraph(doc: Document, paragraph: str, wrapped: bool) -> None:
    # A PDF wraps long paragraphs: a line straight after another that starts in lower case
    # goes on the line before, unless that one ended a sentence.
    paragraph = clean_text(paragraph)
    previous = doc.paragraphs[-1] if doc.paragraphs else ""
    if wrapped and paragraph[:1].islower() and previous[-1:] not in ".!?:;":
        doc.paragraphs[-1] = f"{previous} {paragraph}"
    else:
        doc.paragraphs.append(paragraph)


def _add_table(doc: Document, rows: list[_Line], heading: str | None) -> None:
    number = len(doc.tables) + 1
    origin = f"table {number} (from line {rows[0].number})"
    cells = []
    for row in rows:
        # Per cell, not over the whole text: Word's manual line break (\x0b) inside a copied
        # cell is a line break in that cell, not the end of the row.
        cells.append([Cell(text=clean_text(text)) for text in row.cells])
        cells[-1].extend(Cell(text="", merged=True) for _ in range(row.merged_to - 1))
    doc.tables.append(
        Table(rows=cells, origin=origin, heading=heading, after_paragraphs=len(doc.paragraphs))
    )


def _lines(text: str) -> list[_Line]:
    """Split into rows of cells, honouring Excel's quoting of multi-line cells."""
    out: list[_Line] = []
    cells: list[str] = []
    tabbed = False
    start_line = line_no = 1
    i, n = 0, len(text)
    at_cell_start = True
    current: list[str] = []
    while i < n:
        ch = text[i]
        if at_cell_start and ch == '"':
            quoted = _quoted_cell(text, i)
            # A quoted cell may span lines only inside a row: a tab before it or after it.
            # Otherwise a quotation opening one paragraph of a PDF could swallow the next.
            lone = quoted is not None and not cells and text[quoted[1] : quoted[1] + 1] != "\t"
            if quoted is not None and "\n" in quoted[0] and lone:
                quoted = None
            if quoted is not None:
                value, end = quoted
                current.append(value)
                line_no += text.count("\n", i, end)
                tabbed = tabbed or "\n" in value
                i = end
                at_cell_start = False
                continue
        if ch == "\t":
            cells.append("".join(current))
            current = []
            tabbed = True
            at_cell_start = True
        elif ch == "\n":
            cells.append("".join(current))
            out.append(_Line(cells, tabbed, start_line))
            cells, current, tabbed = [], [], False
            line_no += 1
            start_line = line_no
            at_cell_start = True
        else:
            current.append(ch)
            at_cell_start = False
        i += 1
    if current or cells:
        cells.append("".join(current))
        out.append(_Line(cells, tabbed, start_line))
    return out


def _quoted_cell(text: str, start: int) -> tuple[str, int] | None:
    """A quoted cell starting at text[start] == '"': its value and the offset after the
    closing quote. None when the quote is just a character of an unquoted cell: Excel's
    closing quote is always followed by a tab, a line break or the end."""
    parts: list[str] = []
    i = start + 1
    limit = min(len(text), start + _MAX_QUOTED)
    while i < limit:
        j = text.find('"', i, limit)
        if j < 0:
            return None
        parts.append(text[i:j])
        if text[j + 1 : j + 2] == '"':
            parts.append('"')
            i = j + 2
            continue
        if j + 1 == len(text) or text[j + 1] in "\t\n\r":
            return "".join(parts), j + 1
        return None
    return None
