"""read → tables → structure: a file or pasted text to a ParsedImport. Writes nothing."""

from __future__ import annotations

from django.conf import settings

from plantrack.core.text import TEXT_MAX, TITLE_MAX
from plantrack.imports.parsed import ParsedImport
from plantrack.imports.structure import parse_document
from plantrack.imports.tables import ImportFailed, Limits


def limits() -> Limits:
    default = Limits()
    return Limits(
        max_upload_bytes=getattr(
            settings, "PLANTRACK_IMPORT_MAX_UPLOAD_BYTES", default.max_upload_bytes
        ),
        max_uncompressed_bytes=getattr(
            settings, "PLANTRACK_IMPORT_MAX_UNCOMPRESSED_BYTES", default.max_uncompressed_bytes
        ),
        max_rows=getattr(settings, "PLANTRACK_IMPORT_MAX_ROWS", default.max_rows),
        max_cells=default.max_cells,
    )


def read_document(name: str, data: bytes, *, is_text: bool = False):
    """A file, or pasted (or PDF-extracted) text, read into tables of cells: the first stage of
    every importer. ImportFailed with one line for anything unreadable."""
    from plantrack.imports.readers import read_file
    from plantrack.imports.readers.text import read_text

    if not is_text:
        return read_file(name, data, limits())
    if len(data) > limits().max_upload_bytes:
        raise ImportFailed("The pasted text is too long to import.")
    text = data.decode("utf-8", errors="replace")
    if not text.strip():
        raise ImportFailed("Nothing was pasted.")
    return read_text(name, text)


def parse_bytes(
    name: str,
    data: bytes,
    *,
    is_text: bool = False,
    column_overrides: dict[str, str] | None = None,
    plan_title: str | None = None,
) -> ParsedImport:
    """Parse an upload. Raises ImportFailed with a one-line message for anything unreadable."""
    document = read_document(name, data, is_text=is_text)
    parsed = parse_document(document, column_overrides or None, plan_title or None)
    if not any(plan.action_count for plan in parsed.plans):
        raise ImportFailed(f"No actions were found in {name}.")
    _fit_lengths(parsed)
    _add_budgets(parsed, document)
    return parsed


def _fit_lengths(parsed: ParsedImport) -> None:
    """Cut text longer than its field holds (core/text.py), with a warning in the preview.

    A cell that long is nearly always a stray quote or a merged cell swallowing the rows
    after it: better to show it cut, and where, than to refuse the whole file at saving."""

    def fit(text: str, limit: int, what: str) -> str:
        if len(text) <= limit:
            return text
        parsed.warnings.append(
            f"{what} is {len(text):,} characters long; only the first {limit:,} are kept."
        )
        return text[: limit - 1] + "…"

    for plan in parsed.plans:
        for section in plan.sections:
            section.description = fit(
                section.description, TEXT_MAX, f"The description of section {section.title!r}"
            )
            for action in section.actions:
                where = action.origin or action.ref or action.title[:40]
                action.title = fit(action.title, TITLE_MAX, f"{where}: the action")
                action.milestones = [
                    fit(m, TITLE_MAX, f"{where}: a milestone") for m in action.milestones
                ]
                for update in action.updates:
                    update.text = fit(update.text, TEXT_MAX, f"{where}: an update")


def _add_budgets(parsed: ParsedImport, document) -> None:
    """Budget tables are not action tables: the structure stage skips them, and the budget
    reader takes them (set-up and operating costs per financial year, assumptions, totals)."""
    from plantrack.budgets.importing import find_budget_tables

    parsed.budgets = [b for b in find_budget_tables(document) if b.lines]
    by_origin: dict[str, list] = {}
    for budget in parsed.budgets:
        by_origin.setdefault(budget.origin, []).append(budget)
    warnings = []
    for warning in parsed.warnings:
        origin = next((o for o in by_origin if warning.startswith(o)), None)
        if origin is not None and "not an action table" in warning:
            found = by_origin.pop(origin)
            titles = ", ".join(repr(b.title) for b in found)
            lines = sum(len(b.lines) for b in found)
            warning = f"{origin}: read as budget{'s' * (len(found) > 1)} {titles} ({lines} lines)"
        warnings.append(warning)
    parsed.warnings = warnings + [w for b in parsed.budgets for w in b.warnings]
