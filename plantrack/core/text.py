"""Text as people type or paste it, made safe to store and to write into any file we produce.

Word's manual line break (a vertical tab), a NUL from a script, a bell or escape sequence
copied from a terminal: none of them means anything in a plan, and each breaks something
downstream (openpyxl refuses them in a worksheet, python-docx and lxml in a document, and
PostgreSQL refuses a NUL outright). So every way in (forms through the GOV.UK bound field in
``core/forms.py``, API schemas through ``core/schemas.py``, the importers) passes text
through ``clean_text``, and every writer (``core/xlsx.py``, the plan export, the pack
renderers) passes what it writes through it again, for rows stored before input was cleaned.

The bounds on text fields live here too, so that forms, API schemas and models agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A title, name or other one-line field: long enough for the longest action titles in the
# seeds (a few hundred characters), short of a pasted document.
TITLE_MAX = 1_000
# A narrative, description, note or decision: several pages of text.
TEXT_MAX = 20_000

# Line and page separators (Word's manual line break \x0b, form feed \x0c, NEL, the Unicode
# line and paragraph separators) and Windows/old Mac line ends: all become "\n".
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# C0 controls but tab and line feed, DEL and the C1 controls, lone surrogates (which cannot be
# encoded as UTF-8) and the two non-characters XML forbids.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """Line breaks as "\\n", tabs kept, other control characters dropped."""
    if not value:
        return value
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", value))


# --- Narrative: a plan's context and objectives, a section's scope -------------------------


@dataclass
class NarrativeBlock:
    """One block of narrative text: its heading, if it has one, and its lines, each with
    whether it was written as a bullet (the bullet mark removed)."""

    heading: str
    lines: list[tuple[str, bool]]


_BULLET_LINE = re.compile(r"^\s*(?:[-*>]\s+|[•▪●◦]\s*)")
_HEADING_MAX = 60


def narrative_blocks(text: str) -> list[NarrativeBlock]:
    """Plain narrative split into blocks at blank lines. A block's first line is its heading
    when it is short, more lines follow, and it is neither a bullet nor a sentence."""
    blocks = []
    for raw in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        if not lines:
            continue
        first = lines[0]
        heading = ""
        if (
            len(lines) > 1
            and len(first) <= _HEADING_MAX
            and not first.endswith((".", ":", ";", ","))
            and not _BULLET_LINE.match(first)
        ):
            heading = lines.pop(0)
        blocks.append(
            NarrativeBlock(
                heading,
                [
                    (_BULLET_LINE.sub("", line, count=1), bool(_BULLET_LINE.match(line)))
                    for line in lines
                ],
            )
        )
    return blocks
