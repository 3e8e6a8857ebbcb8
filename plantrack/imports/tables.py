"""What every reader produces: a document as tables of cells, before any meaning is given.

Readers (``readers/``) turn a file into a ``Document``; ``structure/`` finds the header,
columns, sections and actions in its tables. Nothing here knows about plans.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ImportFailed(Exception):
    """A file that cannot be read. The message is one line, fit to show to the user."""


@dataclass
class Cell:
    text: str
    # The cell's fill colour as six upper-case hex digits ("FF0000"), when the format has one:
    # spreadsheets often give the RAG as a colour only.
    fill: str | None = None
    # Set on every cell of a merged range after the first, so that a row whose one cell spans
    # the table (a section title) can be told from a row with one filled cell.
    merged: bool = False


@dataclass
class Table:
    rows: list[list[Cell]]
    # Where it came from, for warnings: "sheet Diversion", "table 3", "page 2".
    origin: str
    # A title that names the table: the sheet name, the heading paragraph just before a Word
    # table, the text line just before a table in a PDF. None when there is none.
    heading: str | None = None
    # How many of the document's paragraphs come before this table, when the reader knows
    # (pasted text, Word, PDF); None when it does not (spreadsheets, CSV). Narrative under a
    # heading stops at a table, so the structure stage needs to know where the tables fall.
    after_paragraphs: int | None = None


@dataclass
class Document:
    name: str
    tables: list[Table] = field(default_factory=list)
    # Paragraphs outside tables, in order (title lines, narrative): plan titles and the
    # narrative that describes a section come from here.
    paragraphs: list[str] = field(default_factory=list)
    # Indexes into ``paragraphs`` of those the file itself marks as headings (a Word heading
    # style, an outline level, a line in bold). Plain text has no such marks: left empty.
    heading_paragraphs: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    """Bounds on what a reader accepts; the settings PLANTRACK_IMPORT_* override them."""

    max_upload_bytes: int = 20 * 1024 * 1024
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    max_rows: int = 100_000
    max_cells: int = 2_000_000
