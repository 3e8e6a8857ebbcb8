"""Helpers every reader shares: cell text clean-up, table tidying and the cell budget."""

from __future__ import annotations

import re
import zipfile
import zlib

from plantrack.imports.tables import Cell, ImportFailed, Limits

# What unpacking a damaged zip raises: a bad header or CRC, broken compression, a bad offset
# (ValueError: negative seek), an encrypted member (RuntimeError), an unknown compression
# method or zip version (NotImplementedError).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    RuntimeError,
    NotImplementedError,
)

# Line separators that Word, Excel and PDFs use besides "\n"; all become "\n".
_LINE_BREAKS = re.compile(r"\r\n|[\r\v\f\x85\u2028\u2029]")
# Control characters (a NUL would break the database), zero-width and direction marks, soft
# hyphens and the private-use glyphs that symbol-font bullets become: all invisible noise.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\xad\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\ufeff\ue000-\uf8ff]"
)
# Horizontal white space, including the non-breaking and thin spaces that pasted text carries.
_SPACES = re.compile(r"[^\S\n]+")


def clean_text(value: str) -> str:
    """Tidy a cell's text lightly: one space between words, lines kept, blank lines dropped.

    Invisible characters are dropped (see _INVISIBLE). Line breaks are kept as "\\n" because
    the structure stage reads milestones and updates line by line.
    """
    value = _LINE_BREAKS.sub("\n", value)
    value = _INVISIBLE.sub("", value)
    lines = (_SPACES.sub(" ", line).strip() for line in value.split("\n"))
    return "\n".join(line for line in lines if line)


def one_line(value: str) -> str:
    """A heading or a name for a message: all white space, line breaks too, as single spaces."""
    return " ".join(clean_text(value).split())


def display_name(name: str, limit: int = 120) -> str:
    """The upload's name as it goes into a message: one line, not absurdly long."""
    shown = one_line(name) or "The file"
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def tidy_rows(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Drop rows without any text, trim empty columns at both edges and pad rows to one width.

    A column counts as empty when none of its cells has text or a fill; empty columns in the
    middle are kept, since readers do not judge what a column means.
    """
    rows = [row for row in rows if any(cell.text for cell in row)]
    if not rows:
        return []
    width = max(len(row) for row in rows)
    rows = [row + [Cell("") for _ in range(width - len(row))] for row in rows]

    def used(col: int) -> bool:
        return any(row[col].text or row[col].fill for row in rows)

    first = next(col for col in range(width) if used(col))
    last = next(col for col in reversed(range(width)) if used(col))
    return [row[first : last + 1] for row in rows]


class CellBudget:
    """Counts the cells a document makes so that a huge file fails early with a clear message."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name = name
        self.limit = limits.max_cells
        self.used = 0

    def spend(self, count: int) -> None:
        self.used += count
        if self.used > self.limit:
            raise ImportFailed(
                f"{self.name} has more than {self.limit:,} cells; split it into smaller files "
                "or raise PLANTRACK_IMPORT_MAX_CELLS."
            )
