"""The rows of a register that name a group (a business group, unit or borough) and not an
activity, and the group's name read cleanly.

Two shapes, in any format:

* A label then the name: "Business Group Engagement Priorities: | Serious Crime Directorate".
  The label ends with a colon and names a grouping (group, unit, directorate, borough,
  priorities...); the name is the one to three cells after it, or the rest of the same cell.
* One cell alone, spanning the table (merged) or straight above a header row.

Text extracted from a PDF cuts such a row at the column lines, inside words ("Business Group
E | ngagement Priorit | ties:", "Safer Neighbourhoo | l od Central Unit Initiativ | es"): the
pieces are joined back (``structure.text.join_fragments``), after dropping a lone letter that
starts a piece ("l od"): a single letter other than "a" or "I" is not an English word, but a
glyph of the column line.
"""

from __future__ import annotations

import re

from plantrack.engagement.models import Group
from plantrack.imports.lookalikes import collapse
from plantrack.imports.structure.text import join_fragments
from plantrack.imports.tables import Cell

_GROUPING = re.compile(
    r"\b(?:groups?|units?|directorates?|departments?|business|divisions?|commands?|boroughs?"
    r"|areas?|teams?|sections?|themes?|priorit\w*|strands?|categor\w*|services?|b?ocus?)\b",
    re.IGNORECASE,
)
_STRAY_LETTERS = re.compile(r"^(?:[b-hj-zB-HJ-Z]\s+)+(?=[a-z])")
_MAX_LABEL_WORDS = 8
_MAX_NAME = 150
# A label says the row names a group: its name may be as long as a group's name can be.
_MAX_LABELLED_NAME = Group._meta.get_field("name").max_length or _MAX_NAME


def joined(parts: list[str]) -> str:
    """Pieces of one line cut at column lines, joined back into words."""
    pieces = [parts[0], *(_STRAY_LETTERS.sub("", p) for p in parts[1:])] if parts else []
    text, _ = join_fragments([p for p in pieces if p])
    return collapse(text).strip(" :;-–")


def labelled_group(row: list[Cell]) -> str | None:
    """ "Business Group Engagement Priorities: | Serious Crime Directorate": the name after
    a label that ends with a colon and names a grouping; None for any other row.

    The name is the rest of the label's cell or in the three cells after it: a row with text
    further along is an activity whose title has a colon ("Youth team: litter pick")."""
    texts = [collapse(c.text) for c in row]
    filled = [n for n, text in enumerate(texts) if text]
    for k, n in enumerate(filled):
        if ":" not in texts[n]:
            continue
        before, _, after = texts[n].partition(":")
        label = joined([*(texts[m] for m in filled[:k]), before])
        later = filled[k + 1 :]
        rest = [t for t in (after.strip(), *(texts[m] for m in later)) if t]
        if not _is_label(label) or not 1 <= len(rest) <= 3 or (later and later[-1] > n + 3):
            return None
        name = joined(rest)
        return name if 0 < len(name) <= _MAX_LABELLED_NAME else None
    return None


def _is_label(label: str) -> bool:
    words = label.split()
    return 0 < len(words) <= _MAX_LABEL_WORDS and bool(_GROUPING.search(label))


def lone_group(row: list[Cell], *, above_header: bool) -> str | None:
    """A row of one short cell, spanning the table or straight above a header row: a group's
    name. None for any other row (one cell of an activity wrapped onto its own line)."""
    filled = [c for c in row if collapse(c.text)]
    if len(filled) != 1:
        return None
    spans = any(c.merged for c in row[row.index(filled[0]) + 1 :])
    text = collapse(filled[0].text).strip(" :")
    if not (spans or above_header) or not 0 < len(text) <= _MAX_NAME:
        return None
    return text if not text.endswith((".", ";", ",")) else None
