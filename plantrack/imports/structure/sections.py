"""Section titles: joined from the cells they were spread over, a clipped one completed
from a heading elsewhere in the document ("(B) Con" → "Community Coaches"), ALL-CAPS
put in Title Case. Which rows are section titles is decided in ``reader.py``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from os.path import commonprefix

from plantrack.imports.cells import collapse
from plantrack.imports.structure.text import LABEL, join_fragments, starts_lower, title_case
from plantrack.imports.tables import Document

# --- Section titles --------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionHeading:
    label: str | None
    text: str


def section_headings(doc: Document) -> list[SectionHeading]:
    """Lines of the document that may hold the full form of a clipped section title."""
    out = []
    for line in [*doc.paragraphs, *(t.heading or "" for t in doc.tables)]:
        t = re.sub(r"^[\s•▪*\-–]+", "", collapse(line))
        label = None
        if m := LABEL.match(t):
            label, t = m["label"], t[m.end() :]
        t = re.sub(r"\s*\([^)]*\)?$", "", t).strip()  # a trailing explanation
        if t and len(t.split()) <= 12:
            out.append(SectionHeading(label, t))
    return out


def complete_title(title: str, label: str | None, headings: list[SectionHeading]) -> str:
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
            starts_lower(title)
            and text.endswith(low)
            and len(text) > len(low)
            and text[len(text) - len(low) - 1].isalpha()
        ):
            found.append((0, h.text))
    return min(found, key=lambda f: (f[0], len(f[1])))[1] if found else title


def _clipped(title: str, label: str | None) -> bool:
    return starts_lower(title) or bool(label and len(title) <= 4 and " " not in title)


def section_title(parts: list[str], headings: list[SectionHeading]) -> str:
    joined, _ = join_fragments([p for p in parts if p])
    label = None
    if m := LABEL.match(joined):
        label, joined = m["label"], joined[m.end() :].strip()
    if _clipped(joined, label):
        joined = complete_title(joined, label, headings)
    joined = title_case(joined.strip(" :-–"))
    return joined[:1].upper() + joined[1:] if joined else joined
