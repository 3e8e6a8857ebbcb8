"""Checklists in a document: a title, an introduction and a list of at least three items, one
per bullet, number or line (seed 000: "GOOD PRACTICE CHECK LIST" / "FOR BOROUGH SCHEMES", a
paragraph, then 22 items after "·"). From the paragraphs of text, Word and PDF documents, and
from tables of a single column (a list in a spreadsheet or CSV).

Among plans, a list is a framework only when its title says so (a check list, standards, good
practice, a framework, a self-assessment, a maturity model): narrative bullets in a plan are
not a checklist, even when the plan mentions a framework. A framework import (``any_list``)
takes any list."""

from __future__ import annotations

import re

from plantrack.imports.frameworks.parsed import ParsedFramework, ParsedItem
from plantrack.imports.tables import Document

MIN_ITEMS = 3
_BULLET = re.compile(
    r"^\s*(?:[·•▪◦‣∙●○■□✓✔➢➤►*–—-]|o(?=\s)|\(?\d{1,3}[.)]|\(?[a-z][.)](?=\s))\s*", re.IGNORECASE
)
_CHECKLIST = re.compile(
    r"\bcheck ?lists?\b|\bstandards?\b|\bgood practice\b|\bbest practice\b|\bframework\b"
    r"|\bself[- ]assess|\bmaturity\b|\bcriteria\b|\bexpectations\b",
    re.IGNORECASE,
)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _item(line: str) -> str | None:
    """The text of a list line with its bullet stripped, or None if it is not one."""
    found = _BULLET.match(line)
    if not found or found.end() == 0:
        return None
    text = _collapse(line[found.end() :])
    return text or None


def _is_title(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and len(line) <= 150 and all(c.isupper() for c in letters)


def _from_lines(
    lines: list[str], origin: str, heading: str | None, any_list: bool
) -> list[ParsedFramework]:
    found: list[ParsedFramework] = []
    before: list[str] = []  # the lines since the last list: its title and introduction
    run: list[str] = []

    def close() -> None:
        nonlocal before, run
        if len(run) >= MIN_ITEMS:
            framework = _framework(before, run, origin, heading)
            # The title says so: a plan's narrative mentioning a framework is not one.
            if any_list or _CHECKLIST.search(framework.title):
                found.append(framework)
            before = []
        elif run:
            before = [*before, *run]
        run = []

    for raw in lines:
        line = _collapse(raw)
        if not line:
            continue
        text = _item(line)
        if text is not None:
            run.append(text)
        else:
            close()
            before.append(line)
    close()
    return found


def _framework(
    before: list[str], items: list[str], origin: str, heading: str | None
) -> ParsedFramework:
    """Title lines (in capitals, or one short line) then the introduction, before the list."""
    titles: list[str] = []
    rest = list(before)
    while rest and _is_title(rest[0]):
        titles.append(rest.pop(0))
    if not titles and len(rest) > 1 and len(rest[0]) <= 150:
        titles.append(rest.pop(0))
    title = " ".join(titles) or heading or ""
    return ParsedFramework(
        title=title,
        origin=origin,
        description="\n\n".join(rest),
        items=[ParsedItem(text) for text in items],
    )


def find_frameworks(document: Document, *, any_list: bool = False) -> list[ParsedFramework]:
    found = _from_lines(document.paragraphs, "the text", None, any_list)
    for table in document.tables:
        cells = [[c.text for c in row if c.text.strip()] for row in table.rows]
        if all(len(row) <= 1 for row in cells):
            lines = [row[0] if row else "" for row in cells]
            # A spreadsheet list needs no bullets: every line after the title is an item.
            if not any(_item(line) for line in lines):
                lines = _bulleted(lines)
            found += _from_lines(lines, table.origin, table.heading, any_list)
    for framework in found:
        if not framework.title:
            framework.title = document.name.rsplit(".", 1)[0].strip() or "Checklist"
    return found


def _bulleted(lines: list[str]) -> list[str]:
    """A single column without bullets: its leading title lines, then one item per line."""
    kept = [line for line in lines if line.strip()]
    titles = 0
    while titles < len(kept) and _is_title(kept[titles]):
        titles += 1
    if titles == 0 and len(kept) > MIN_ITEMS:
        titles = 1
    return kept[:titles] + [f"- {line}" for line in kept[titles:]]
