"""The structure stage: tables of cells to plans, sections and actions.

The rules are general, drawn from how action plans are laid out, never from one plan:

* Columns are known by their header words ("Ref", "Action no.", "What we will do", "Lead
  Officer", "By when", "RAG", "Progress", ...), headers stacked over several rows included.
  A header repeated on every page is recognised again and dropped; a different one remaps.
* A table without a column for the action text is not an action table (document control,
  budgets, governance) and is skipped with a warning.
* Sections come from full-width rows (merged, or one filled cell), from titles split over
  several cells by extraction ("INTELLI" | "GENCE"), from list labels in the reference
  column ("(B) Con 1."), from an ALL-CAPS word glued to the front of an action when the
  references change series, from a theme/priority column, and from table headings.
* A row with no reference, no date and no RAG whose text carries on from the row before
  (lower case, or the row before stops mid-sentence) was broken by a page: it is joined to
  the action above. A row with its own date or RAG is an action even without a number.
* Legend, key, total and note rows are dropped with a warning.
* Narrative paragraphs under a heading that names a section become its description
  (``narrative``).

Modules: ``headers`` (header words, columns), ``text`` (small text tests, title repairs),
``refs`` (the reference column), ``sections`` (section titles), ``reader`` (one table,
row by row), ``actions`` (drafts, the builder, ParsedAction), ``narrative`` (section
descriptions); the document is read here.
"""

from __future__ import annotations

from plantrack.imports.cells import collapse
from plantrack.imports.parsed import FIELDS, ParsedImport, ParsedPlan, ParsedSection
from plantrack.imports.structure.actions import PlanBuilder, finish_draft
from plantrack.imports.structure.dates import settle_deadlines
from plantrack.imports.structure.headers import header_field
from plantrack.imports.structure.narrative import attach_descriptions, plan_narrative, plan_period
from plantrack.imports.structure.reader import ReadContext, TableReader
from plantrack.imports.structure.sections import section_headings
from plantrack.imports.structure.text import (
    as_plan_title,
    join_fragments,
    plan_title_like,
    title_case,
)
from plantrack.imports.tables import Document

__all__ = ["DEFAULT_SECTION", "header_field", "join_fragments", "parse_document", "title_case"]

DEFAULT_SECTION = "Actions"

# --- The document ----------------------------------------------------------------------------


def _document_title(doc: Document) -> str | None:
    for loose in (False, True):
        for paragraph in doc.paragraphs:
            if plan_title_like(paragraph, loose=loose):
                return as_plan_title(paragraph)
    return None


def _valid_overrides(overrides: dict[str, str] | None, warnings: list[str]) -> dict[str, str]:
    valid = {}
    for header, name in (overrides or {}).items():
        if name in FIELDS:
            valid[collapse(header)] = name
        else:
            warnings.append(f"column {header!r}: {name!r} is not a field; the mapping is ignored")
    return valid


def parse_document(
    doc: Document,
    column_overrides: dict[str, str] | None = None,
    plan_title: str | None = None,
) -> ParsedImport:
    """Plans, sections and actions from a document's tables; never raises on odd input."""
    warnings = list(doc.warnings)
    builder = PlanBuilder()
    title = collapse(plan_title) or None
    if title:
        builder.plan.title = title
    ctx = ReadContext(
        doc=doc,
        overrides=_valid_overrides(column_overrides, warnings),
        warnings=warnings,
        builder=builder,
        headings=section_headings(doc),
        columns=[],
        plan_title_fixed=bool(title),
    )
    for table in doc.tables:
        TableReader(ctx, table).read()
    if builder.plans[0].title is None:
        builder.plans[0].title = _document_title(doc)
    result = ParsedImport(
        file=doc.name, warnings=warnings, columns=ctx.columns, skipped=ctx.skipped
    )
    for plan in builder.plans:
        parsed = ParsedPlan(title=plan.title)
        for section in plan.sections:
            if section.drafts:
                actions = [finish_draft(d, warnings) for d in section.drafts]
                parsed.sections.append(ParsedSection(section.title or DEFAULT_SECTION, actions))
        if parsed.sections or plan is builder.plans[0]:
            result.plans.append(parsed)
    for parsed_plan in result.plans:
        settle_deadlines(parsed_plan, warnings)
    sections = [section for plan in result.plans for section in plan.sections]
    attach_descriptions(doc, sections, default=DEFAULT_SECTION)
    if result.plans:
        # The document's opening and narrative are its first plan's.
        result.plans[0].summary = plan_narrative(doc)
        result.plans[0].period = plan_period(doc)
    return result
