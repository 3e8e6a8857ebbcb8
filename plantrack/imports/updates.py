"""Split a progress/update cell into dated updates.

Plans keep a running log in one cell: "290622 – text", "12/05/25 – text", "03.06.2025: text",
"12 May 2025: text", one per line or run together in one paragraph. Each entry becomes one
update; text before the first dated entry is one undated update. A prefix that names an
impossible day ("296023 – …") keeps its text, undated, and is reported.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from plantrack.core import fuzzydates
from plantrack.imports.parsed import ParsedUpdate

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# The date forms fuzzydates.parse_update_prefix understands.
_DATE = (
    r"(?:\d{6}|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+'?(?:\d{{4}}|\d{{2}}))(?!\d)"
)
# A line that opens with a date: an entry, whatever follows it.
_LINE_START = re.compile(rf"[ \t]*(?:[•▪*-][ \t]*)?(?={_DATE})", re.IGNORECASE)
# Inside a paragraph a date only starts an entry after the end of a sentence and when a dash
# or colon follows it, so "completed 12 May 2025 with partners" is not cut in two.
_RUN_TOGETHER = re.compile(
    rf"(?<=[.!?;)\]\"'’”])[ \t]+(?={_DATE}[ \t]*[-\u2013\u2014:])", re.IGNORECASE
)


@dataclass(frozen=True)
class UpdateSegment:
    prefix: str  # the date prefix as written, removed from the text ("" when none)
    date: dt.date | None
    text: str  # as written, including line breaks
    invalid_prefix: bool = False  # looked like a date prefix but names no real day


def _starts(text: str) -> list[int]:
    """Offsets where a new entry begins (always including 0)."""
    starts = {0}
    offset = 0
    for line in text.splitlines(keepends=True):
        if _LINE_START.match(line):
            starts.add(offset)
        offset += len(line)
    starts.update(m.end() for m in _RUN_TOGETHER.finditer(text))
    return sorted(starts)


def update_segments(text: str) -> list[UpdateSegment]:
    """Cut an update cell into entries. Removing whitespace, the prefixes and texts of the
    segments put back together are exactly the input: nothing is lost."""
    bounds = [*_starts(text), len(text)]
    segments = []
    for start, end in itertools.pairwise(bounds):
        chunk = text[start:end]
        if not chunk.strip():
            continue
        segments.append(_segment(chunk))
    return segments


def _segment(chunk: str) -> UpdateSegment:
    stripped = chunk.strip()
    body = re.sub(r"^[•▪*-][ \t]*(?=\d)", "", stripped)
    day, rest, matched = fuzzydates.parse_update_prefix(body)
    if matched and day is not None:
        return UpdateSegment(stripped[: len(stripped) - len(rest)], day, rest.strip())
    return UpdateSegment("", None, stripped, invalid_prefix=matched)


def _tidy(text: str) -> str:
    """Collapse spaces within lines but keep the writer's line breaks."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def split_updates(text: str | None) -> tuple[list[ParsedUpdate], list[str]]:
    """Updates from one cell, oldest text first as written, and a warning per bad prefix."""
    updates: list[ParsedUpdate] = []
    warnings: list[str] = []
    for seg in update_segments(text or ""):
        body = _tidy(seg.text)
        if not body:
            continue
        if seg.invalid_prefix:
            shown = body.split()[0]
            warnings.append(f"update date {shown!r} is not a real date; the update is kept undated")
        updates.append(ParsedUpdate(date=seg.date, text=body))
    return updates, warnings
