"""read → tables → structure: a file or pasted text to a ParsedImport. Writes nothing.

Every kind of import reads its document here (``documents.read_document``); plans, budgets
and engagement registers are found in the same tables, readings have their own rows
(``readings``)."""

from __future__ import annotations

from plantrack.core.text import TEXT_MAX, TITLE_MAX
from plantrack.imports.budgets.parsed import ParsedBudget
from plantrack.imports.budgets.tables import find_budget_tables, read_budget_upload
from plantrack.imports.documents import read_document
from plantrack.imports.engagement.parsed import ParsedRegister
from plantrack.imports.engagement.tables import find_registers
from plantrack.imports.frameworks.lists import find_frameworks
from plantrack.imports.frameworks.parsed import ParsedFramework
from plantrack.imports.parsed import ParsedImport
from plantrack.imports.structure import parse_document
from plantrack.imports.structure.lines import parse_lines
from plantrack.imports.tables import Document, ImportFailed


def parse_bytes(
    name: str,
    data: bytes,
    *,
    is_text: bool = False,
    column_overrides: dict[str, str] | None = None,
    plan_title: str | None = None,
    lines_as_actions: bool = False,
) -> ParsedImport:
    """Parse an upload. Raises ImportFailed with a one-line message for anything unreadable,
    NoActionsFound (with the tables' headers, to choose an action column from) when it holds
    no actions. ``lines_as_actions``: the fallback, one action per line."""
    document = read_document(name, data, is_text=is_text)
    if lines_as_actions:
        parsed = parse_lines(document, plan_title or None)
        if not parsed.plans[0].action_count:
            raise ImportFailed(f"No lines of two words or more were found in {name}.")
        _fit_lengths(parsed)
        return parsed
    parsed = parse_document(document, column_overrides or None, plan_title or None)
    _add_registers(parsed, document)
    parsed.frameworks = find_frameworks(document)
    if not any(plan.action_count for plan in parsed.plans) and not (
        parsed.engagement or parsed.frameworks
    ):
        raise NoActionsFound(
            f"{NO_ACTIONS} in {name}.",
            headers=_header_candidates(document),
        )
    _fit_lengths(parsed)
    _add_budgets(parsed, document)
    return parsed


NO_ACTIONS = "No actions, engagement activities or checklists were found"


class NoActionsFound(ImportFailed):
    """No actions found; ``headers`` are the cells of each table's first row, for the person
    to say which column holds the actions."""

    def __init__(self, message: str, *, headers: list[str]) -> None:
        super().__init__(message)
        self.headers = headers


# Choices offered, not a document: a header longer than this is text, and a dozen is enough.
_HEADER_CHARS, _HEADERS_OFFERED = 60, 24


def _header_candidates(document: Document) -> list[str]:
    found: list[str] = []
    for table in document.tables:
        for cell in table.rows[0] if table.rows else []:
            text = " ".join(cell.text.split())
            if text and len(text) <= _HEADER_CHARS and text not in found:
                found.append(text)
    return found[:_HEADERS_OFFERED]


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

    for framework in parsed.frameworks:
        framework.title = fit(framework.title, TITLE_MAX, "A checklist's title")
        where = f"The checklist {framework.title[:40]!r}"
        framework.description = fit(framework.description, TEXT_MAX, f"{where}: its introduction")
        for item in framework.items:
            item.text = fit(item.text, TEXT_MAX, f"{where}: an item")
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


def _add_budgets(parsed: ParsedImport, document: Document) -> None:
    """Budget tables are not action tables: the structure stage skips them (and says which it
    skipped), and the budget reader takes them (set-up and operating costs per financial year,
    assumptions, totals)."""
    parsed.budgets = [b for b in find_budget_tables(document) if b.lines]
    by_origin: dict[str, list[ParsedBudget]] = {}
    for budget in parsed.budgets:
        by_origin.setdefault(budget.origin, []).append(budget)
    for skipped in parsed.skipped:
        found = by_origin.pop(skipped.origin, None)
        if found:
            titles = ", ".join(repr(b.title) for b in found)
            lines = sum(len(b.lines) for b in found)
            parsed.warnings[skipped.warning] = (
                f"{skipped.origin}: read as budget{'s' * (len(found) > 1)} {titles} ({lines} lines)"
            )
    parsed.warnings += [w for b in parsed.budgets for w in b.warnings]


def _add_registers(parsed: ParsedImport, document: Document) -> None:
    """Registers of engagement activity are not action tables either: the structure stage
    skips them, and the register reader takes them (activities under their groups)."""
    registers = find_registers(document)
    parsed.engagement = [r for r in registers if r.activities]
    by_origin = {r.origin: r for r in parsed.engagement}
    for skipped in parsed.skipped:
        found = by_origin.get(skipped.origin)
        if found:
            parsed.warnings[skipped.warning] = (
                f"{skipped.origin}: read as the engagement register {found.title!r} "
                f"({len(found.activities)} activit{'y' if len(found.activities) == 1 else 'ies'}"
                f" in {len(found.groups)} group{'s' * (len(found.groups) != 1)})"
            )
    parsed.warnings += [w for r in registers for w in r.warnings]


def parse_register_bytes(name: str, data: bytes, *, is_text: bool = False) -> list[ParsedRegister]:
    """A file that should hold a register: its registers, or ImportFailed with one line."""
    registers = find_registers(read_document(name, data, is_text=is_text))
    if not any(r.activities for r in registers):
        raise ImportFailed(
            f"No register of engagement activities was found in {name}: a register needs a "
            "header row naming the activity and two of the communities targeted, the aim and "
            "the method."
        )
    return [r for r in registers if r.activities]


def parse_framework_bytes(
    name: str, data: bytes, *, is_text: bool = False
) -> list[ParsedFramework]:
    """A file that should hold a checklist or standards: its lists, or ImportFailed."""
    found = find_frameworks(read_document(name, data, is_text=is_text), any_list=True)
    if not found:
        raise ImportFailed(
            f"No list was found in {name}: a framework needs at least three items, one per "
            "bullet, number or line."
        )
    return found


def parse_budget_bytes(name: str, data: bytes, *, is_text: bool = False) -> ParsedImport:
    """A budget upload: its budget tables and their warnings, no plans."""
    budgets = read_budget_upload(name, data, is_text=is_text)
    return ParsedImport(
        file=name, budgets=budgets, warnings=[w for b in budgets for w in b.warnings]
    )
