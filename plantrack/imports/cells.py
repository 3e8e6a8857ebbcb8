"""Reading single cells: RAG ratings, statuses, look-alike letters, milestones.

Pure functions with no knowledge of tables; ``structure/`` decides which cell is which.
Update splitting lives in ``updates.py`` and owner/agency splitting in ``people.py``; both are
re-exported here because the save stage imports them from this module.
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass

from plantrack.imports.agencies import split_agencies
from plantrack.imports.lookalikes import collapse, normalise_lookalikes
from plantrack.imports.people import OwnerRef, split_owners
from plantrack.imports.updates import UpdateSegment, split_updates, update_segments

__all__ = [
    "OwnerRef",
    "RagReading",
    "UpdateSegment",
    "collapse",
    "normalise_lookalikes",
    "rag_from_fill",
    "read_rag",
    "split_agencies",
    "split_milestones",
    "split_owners",
    "split_updates",
    "update_segments",
]

# --- RAG and status --------------------------------------------------------------------------


@dataclass(frozen=True)
class RagReading:
    rag: str | None = None  # red / amber / green / blue
    status: str | None = None  # an Action.Status value
    lookalike: bool = False  # a Greek/Cyrillic letter was read as Latin
    recognised: bool = False  # the text (or fill) meant something to us


_LETTERS = {"r": "red", "a": "amber", "g": "green", "b": "blue"}
_COLOURS = {
    "red": "red",
    "amber": "amber",
    "orange": "amber",
    "yellow": "amber",
    "green": "green",
    "blue": "blue",
}
# Phrases first, longest first, so "not started" is not read as "started".
_PHRASES: tuple[tuple[str, str | None, str | None], ...] = (
    (r"not (?:yet )?started|yet to start|to start|planned|pending", None, "not_started"),
    (
        r"off[ -]?track|behind(?: schedule)?|overdue|delayed|significant (?:issues|concerns)",
        "red",
        None,
    ),
    (r"at[ -]?risk|some (?:issues|concerns)|minor (?:issues|delays)", "amber", None),
    (r"on[ -]?track|on target|no (?:issues|concerns)", "green", None),
    (
        r"complete[d]?|done|achieved|delivered|finished|closed|implemented",
        "blue",
        "complete",
    ),
    (
        r"cancell?ed|withdrawn|discontinued|superseded|no longer (?:required|needed)",
        None,
        "cancelled",
    ),
    (r"on-?\s?going|bau|business as usual|continuous", None, "ongoing"),
    (r"in progress|under ?way|started|progressing|in hand|live", None, "in_progress"),
)
_PHRASE_RES = tuple((re.compile(rf"(?:{p})\b"), rag, status) for p, rag, status in _PHRASES)
_RAG_PREFIX = re.compile(r"^(?:rag(?:\s+(?:status|rating))?|status)\s*[:=-]\s*")


def read_rag(text: str | None, fill: str | None = None) -> RagReading:
    """A RAG cell: letters (R/A/G/B), colour words, track phrases, else the fill colour."""
    raw = collapse(text)
    fixed, lookalike = normalise_lookalikes(raw)
    s = _RAG_PREFIX.sub("", fixed.lower()).strip(" .*:-()[]")
    reading = _read_words(s)
    if reading.recognised:
        return RagReading(reading.rag, reading.status, lookalike, True)
    by_fill = rag_from_fill(fill)
    if by_fill:
        return RagReading(by_fill, None, lookalike, True)
    return RagReading(None, None, lookalike, False)


def _read_words(s: str) -> RagReading:
    if not s:
        return RagReading()
    # "R", "A/G", "G - on track", "Amber (slipping)": the first letter or word decides.
    first = re.match(r"[a-z]+", s)
    token = first.group() if first else ""
    if token in _LETTERS and (len(s) == 1 or not s[1].isalpha()):
        return RagReading(_LETTERS[token], None, recognised=True)
    if token in _COLOURS:
        status = next((st for rx, _, st in _PHRASE_RES if st and rx.search(s)), None)
        return RagReading(_COLOURS[token], status, recognised=True)
    for rx, rag, status in _PHRASE_RES:
        if rx.match(s):
            return RagReading(rag, status, recognised=True)
    return RagReading()


def looks_like_rag(text: str) -> bool:
    """True for a RAG letter, a colour word or a track phrase; False for lifecycle words."""
    reading = read_rag(text)
    return reading.rag is not None and reading.status is None


def rag_from_fill(fill: str | None) -> str | None:
    """A cell colour (six hex digits) to the RAG it most resembles; None for white, greys
    and black, and for colours far from all four (purple)."""
    if not fill or not re.fullmatch(r"[0-9A-Fa-f]{6}", fill):
        return None
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, sat, value = colorsys.rgb_to_hsv(r, g, b)
    # Excel's pale "Bad"/"Good" styles (FFC7CE, C6EFCE) are only 17-22% saturated.
    if sat < 0.12 or value < 0.25:
        return None
    degrees = hue * 360
    if degrees < 15 or degrees >= 335:
        return "red"
    if degrees < 65:
        return "amber"
    if degrees < 170:
        return "green"
    if degrees < 265:
        return "blue"
    return None


# --- Milestones ------------------------------------------------------------------------------

# Bullets that start an item; "-" and "*" only count at the start of a line, since mid-line
# they are usually dashes and footnote marks.
_LINE_BULLET = re.compile(r"^\s*(?:[•▪●◦‣∙·>*-]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_INLINE_SPLIT = re.compile(r";\s+|\s+[•▪●◦‣∙>]\s*")
# Two items run together when a line break was lost: "Publication of PolicyTraining of ...".
# Three lower-case letters before the join keep names such as "McDonald" whole.
_GLUED = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z])")


def split_milestones(text: str | None) -> list[str]:
    """A milestones cell as a list: one item per line, bullet or semicolon."""
    items = []
    for line in (text or "").splitlines():
        for part in _INLINE_SPLIT.split(line):
            for piece in _GLUED.split(_LINE_BULLET.sub("", part)):
                item = collapse(piece).strip(" ;,")
                if item:
                    items.append(item)
    return items
