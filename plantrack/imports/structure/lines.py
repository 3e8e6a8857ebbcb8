"""The fallback when a document has no action table: one action per line or bullet.

Offered to the person importing (never chosen for them) when the reader found no actions: a
list of actions typed as paragraphs or bullets ("1. Set up Street Watch", "• Train the
coordinators"). A number or letter in front is kept as the action's reference; bullets are
dropped; the document's title line is the plan's title, not an action; a table's rows are
read as lines too (their cells joined)."""

from __future__ import annotations

import re

from plantrack.imports.cells import collapse
from plantrack.imports.parsed import ParsedAction, ParsedImport, ParsedPlan, ParsedSection
from plantrack.imports.structure.text import as_plan_title, plan_title_like
from plantrack.imports.tables import Document

_BULLET = re.compile(r"^[•▪●◦‣∙·*>\-–—o]\s+")
_NUMBERED = re.compile(r"^\(?(?P<ref>\d{1,3}(?:\.\d{1,3})*|[a-z])[.)]\s+(?=\S)", re.IGNORECASE)
# A line this short is a heading or a stray word, not an action.
_MIN_WORDS = 2


def _lines(doc: Document) -> list[str]:
    lines = [collapse(p) for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(collapse(" – ".join(c.text for c in row if collapse(c.text))))
    return [line for line in lines if line]


def parse_lines(doc: Document, plan_title: str | None) -> ParsedImport:
    """A plan with one action per line of the document."""
    title = collapse(plan_title or "") or None
    actions = []
    for n, line in enumerate(_lines(doc), start=1):
        if title is None and plan_title_like(line):
            title = as_plan_title(line)
            continue
        text = _BULLET.sub("", line, count=1)
        ref = None
        if m := _NUMBERED.match(text):
            ref, text = m["ref"], text[m.end() :]
        if len(text.split()) < _MIN_WORDS:
            continue
        actions.append(ParsedAction(title=text, ref=ref, origin=f"{doc.name}, line {n}"))
    plan = ParsedPlan(title=title, sections=[ParsedSection("Actions", actions)] if actions else [])
    warnings = [
        "Each line was read as an action, as you asked: check the titles, and add owners and "
        "deadlines after saving."
    ]
    return ParsedImport(file=doc.name, plans=[plan], warnings=warnings)
