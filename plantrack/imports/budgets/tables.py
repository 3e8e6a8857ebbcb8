"""Budget tables found in an imported document: lines, categories, amounts per financial year.

Works on the importer's read stage (``plantrack.imports.tables.Document``), so a spreadsheet,
a Word or PDF table and pasted or extracted text all arrive as rows of cells. Two layouts:

* A year header row ("NJP | 2013/14 | | 2014/15 | 2015/16 | Assumptions") with a category row
  under it ("| Set-up | Operating | Operating | Operating |"): each amount column has a
  category and a year; a set-up column and the first operating column often share a year.
* One header row with a category column ("Line | Category | 2013/14 | 2014/15 | Assumption").

Text extracted from PDFs garbles year headers: a year split over two cells ("201" "3/14*"),
a year cut short ("20") or left blank. Years in a row of columns are consecutive, so a missing
or broken year is inferred from its neighbours: from the nearest year of the same category,
counting one year per column, or, for a category with no year of its own (a lone set-up
column), from the nearest column that has one. Each inference is reported as a warning, except
a blank straight after the same year (a merged header cell). Rows split over two lines are
joined, and printed totals are checked against the lines.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from plantrack.budgets.models import Category
from plantrack.core.finyears import fy_label, fy_parse
from plantrack.core.money import parse_amount
from plantrack.imports.budgets.parsed import ParsedBudget, ParsedLine, PrintedTotal
from plantrack.imports.documents import read_document
from plantrack.imports.tables import Cell, Document, ImportFailed, Table

# --- Cells ----------------------------------------------------------------------------------

_CATEGORY_WORDS = {
    Category.SET_UP: ("set-up", "setup", "set up", "start-up", "startup", "one-off", "one off"),
    Category.OPERATING: ("operating", "running", "revenue", "recurring", "ongoing"),
    Category.CAPITAL: ("capital",),
    Category.STAFF: ("staff", "staffing", "salaries", "salary", "pay"),
    Category.OTHER: ("other", "misc", "miscellaneous"),
}
_WORD_CATEGORY = {word: str(cat) for cat, words in _CATEGORY_WORDS.items() for word in words}
_YEAR_IN_TEXT = re.compile(r"(?:FY\s*)?\d{2,4}\s*[/\-–]\s*\d{2,4}\*?", re.IGNORECASE)
_FRAGMENT = re.compile(r"^\d{1,4}(?:\s*[/\-–]\s*\d{0,4})?\*?$|^[/\-–]?\s*\d{1,2}\*?$")
_ASSUMPTION = re.compile(r"^(assumptions?|notes?|comments?|basis|rationale)\b", re.IGNORECASE)
_CATEGORY_HEADER = re.compile(r"^(category|type|cost type|kind)$", re.IGNORECASE)
_TOTAL_HEADER = re.compile(r"^totals?$", re.IGNORECASE)
_GENERIC_LABEL = re.compile(
    r"^(line|lines|item|items|description|budget( line)?|cost|costs|expenditure|heading)$",
    re.IGNORECASE,
)
_TOTAL_ROW = re.compile(r"^\s*(grand\s+)?totals?\b", re.IGNORECASE)
_SUBTOTAL_ROW = re.compile(r"^\s*sub[\s-]?totals?\b", re.IGNORECASE)
_CONNECTOR_END = re.compile(r"(\band|\bof|\bfor|\bthe|\bto|[,/&\-–])$", re.IGNORECASE)


def _text(row: list[Cell], col: int | None) -> str:
    if col is None or col >= len(row):
        return ""
    return " ".join(row[col].text.split())


def category_of(text: str) -> str | None:
    """The category a header or cell names: "Set-up", "Operating costs" → set_up, operating."""
    words = re.sub(r"[^a-z\- ]", " ", text.lower())
    words = " ".join(w for w in words.split() if w not in {"costs", "cost", "budget"})
    if words in _WORD_CATEGORY:
        return _WORD_CATEGORY[words]
    for word, category in _WORD_CATEGORY.items():
        if re.search(rf"(^|\s){re.escape(word)}($|\s)", words):
            return category
    return None


def _year_of(text: str) -> int | None:
    try:
        return fy_parse(text)
    except ValueError:
        pass
    found = _YEAR_IN_TEXT.search(text)
    if found:
        try:
            return fy_parse(found.group(0))
        except ValueError:
            return None
    return None


def _header_year(text: str) -> int | None:
    """The year a header cell names: a short label ("2013/14*", "FY 2014/15", "Operating
    2014/15"), not a date in an action's row ("Q1 2025/26", "Review by 2024/25 year end")."""
    text = text.strip()
    if not text or len(text) > 24 or _QUARTER_WORD.search(text):
        return None
    if len(re.findall(r"[A-Za-z]{2,}", _YEAR_IN_TEXT.sub(" ", text))) > 2:
        return None
    return _year_of(text)


_QUARTER_WORD = re.compile(r"\b(?:Q[1-4]|quarter)\b", re.IGNORECASE)


def _is_header(row: list[Cell]) -> bool:
    years = sum(1 for cell in row if _header_year(cell.text) is not None)
    if years >= 2:
        return True
    named = any(
        _ASSUMPTION.match(c.text.strip()) or _CATEGORY_HEADER.match(c.text.strip()) for c in row
    )
    return years == 1 and named


def _is_category_row(row: list[Cell]) -> bool:
    filled = [c.text.strip() for c in row if c.text.strip()]
    if not filled:
        return False
    known = [t for t in filled if category_of(t) is not None and len(t) <= 40]
    return len(known) >= max(1, len(filled) - 1) and len(known) >= len(filled) / 2


# --- Finding tables -------------------------------------------------------------------------


@dataclass
class _Layout:
    title: str
    label_col: int
    assumption_col: int | None
    category_col: int | None
    columns: list[tuple[int, str | None, int]]  # (column, category, year) of each amount column


def find_budget_tables(document: Document) -> list[ParsedBudget]:
    """Every budget table in the document. Never raises: what it cannot read it warns about."""
    budgets: list[ParsedBudget] = []
    for table in document.tables:
        try:
            budgets.extend(_budgets_in(table))
        except Exception as exc:
            budgets.append(
                ParsedBudget(
                    title=table.heading or table.origin,
                    origin=table.origin,
                    warnings=[
                        f"{table.origin} could not be read as a budget ({exc.__class__.__name__})."
                    ],
                )
            )
    return [b for b in budgets if b.lines or b.warnings]


def _budgets_in(table: Table) -> list[ParsedBudget]:
    rows = table.rows
    starts = [n for n, row in enumerate(rows) if _is_header(row)]
    budgets = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(rows)
        budgets.append(_read_block(table, rows[start:end]))
    return budgets


def _read_block(table: Table, rows: list[list[Cell]]) -> ParsedBudget:
    header = rows[0]
    has_categories = len(rows) > 1 and _is_category_row(rows[1])
    category_row = rows[1] if has_categories else None
    body = rows[2:] if has_categories else rows[1:]
    budget = ParsedBudget(title="", origin=table.origin)
    layout = _layout(header, category_row, table, budget)
    budget.title = layout.title
    _read_rows(body, layout, budget)
    _check_totals(budget)
    return budget


def _layout(
    header: list[Cell], category_row: list[Cell] | None, table: Table, budget: ParsedBudget
) -> _Layout:
    width = max(len(header), len(category_row or []))
    tokens = [_text(header, c) for c in range(width)]
    assumption_col = next((c for c, t in enumerate(tokens) if _ASSUMPTION.match(t)), None)
    category_col = next((c for c, t in enumerate(tokens) if _CATEGORY_HEADER.match(t)), None)
    special = {assumption_col, category_col} | {
        c for c, t in enumerate(tokens) if _TOTAL_HEADER.match(t)
    }
    years: dict[int, int] = {}
    candidates: list[int] = []
    for c, token in enumerate(tokens):
        if c in special:
            continue
        year = _year_of(token) if token else None
        named = category_row is not None and category_of(_text(category_row, c)) is not None
        if year is not None:
            years[c] = year
        if year is not None or named or (token and _FRAGMENT.match(token)):
            candidates.append(c)
    label_col = next((c for c in range(width) if c not in special and c not in candidates), 0)
    candidates = [c for c in candidates if c != label_col]
    if candidates:
        # Blank header cells between amount columns are amount columns too (a year left out).
        candidates = [
            c
            for c in range(candidates[0], candidates[-1] + 1)
            if c not in special and c != label_col
        ]
    label = _text(header, label_col)
    title = label if label and not _GENERIC_LABEL.match(label) else (table.heading or "").strip()
    title = title or f"Budget in {table.origin}"
    categories = {
        c: (category_of(_text(category_row, c)) if category_row is not None else None)
        or category_of(tokens[c])
        for c in candidates
    }
    resolved = _resolve_years(candidates, tokens, years, categories, title, budget)
    return _Layout(
        title=title,
        label_col=label_col,
        assumption_col=assumption_col,
        category_col=category_col,
        columns=[(c, categories[c], resolved[c]) for c in candidates if c in resolved],
    )


def _distance_then_right(i: int, anchor: int) -> tuple[int, int]:
    return abs(anchor - i), -anchor


def _nearest_right_first(c: int, other: int) -> tuple[int, bool]:
    return abs(other - c), other < c


def _resolve_years(
    columns: list[int],
    tokens: list[str],
    years: dict[int, int],
    categories: dict[int, str | None],
    title: str,
    budget: ParsedBudget,
) -> dict[int, int]:
    """The year of each amount column: as written, joined from two pieces, or inferred from
    the years beside it (each inference warned about); a column with none is left out."""
    known = {c: y for c, y in years.items() if c in columns}
    blank = {c for c in columns if not tokens[c].strip()}
    _join_split_years(columns, tokens, known, blank, title, budget)
    resolved = dict(known)
    inferred: list[int] = []
    _infer_within_categories(columns, categories, known, resolved, inferred, title, budget)
    _infer_across_categories(columns, resolved, inferred)
    for c in sorted(inferred):
        left = columns.index(c) - 1
        same_as_left = left >= 0 and resolved.get(columns[left]) == resolved[c]
        if c in blank and same_as_left:
            continue
        what = "missing" if c in blank else f"unreadable (“{tokens[c]}”)"
        budget.warnings.append(
            f"{title}: the year of column {c + 1} was {what}; taken as {fy_label(resolved[c])} "
            "from the years beside it."
        )
    for c in columns:
        if c not in resolved:
            budget.warnings.append(f"{title}: column {c + 1} has no year, so it was left out.")
    return resolved


def _join_split_years(
    columns: list[int],
    tokens: list[str],
    known: dict[int, int],
    blank: set[int],
    title: str,
    budget: ParsedBudget,
) -> None:
    """A year split over two cells ("201" "3/14*"): join the pieces, keep it on the first."""
    for a, b in itertools.pairwise(columns):
        if a in known or b in known or a in blank or b in blank:
            continue
        try:
            year = fy_parse(tokens[a].strip() + tokens[b].strip())
        except ValueError:
            continue
        known[a] = year
        blank.add(b)
        budget.warnings.append(
            f"{title}: the year header split as “{tokens[a]}” “{tokens[b]}” was read as "
            f"{fy_label(year)}."
        )


def _infer_within_categories(
    columns: list[int],
    categories: dict[int, str | None],
    known: dict[int, int],
    resolved: dict[int, int],
    inferred: list[int],
    title: str,
    budget: ParsedBudget,
) -> None:
    """Within a category, one column is one year: count from the nearest year given."""
    groups: dict[str | None, list[int]] = defaultdict(list)
    for c in columns:
        groups[categories[c]].append(c)
    for group in groups.values():
        anchors = [i for i, c in enumerate(group) if c in known]
        for a, b in itertools.pairwise(anchors):
            if known[group[b]] - known[group[a]] != b - a:
                budget.warnings.append(
                    f"{title}: the years {fy_label(known[group[a]])} and "
                    f"{fy_label(known[group[b]])} in the header are not consecutive."
                )
        if not anchors:
            continue
        for i, c in enumerate(group):
            if c not in resolved:
                nearest = min(anchors, key=partial(_distance_then_right, i))
                resolved[c] = known[group[nearest]] + (i - nearest)
                inferred.append(c)


def _infer_across_categories(
    columns: list[int], resolved: dict[int, int], inferred: list[int]
) -> None:
    """A category with no year of its own (a lone set-up column under a merged header) takes
    the year of the nearest column that has one, looking right first."""
    for c in columns:
        if c in resolved:
            continue
        order = sorted((o for o in columns if o in resolved), key=partial(_nearest_right_first, c))
        if order:
            resolved[c] = resolved[order[0]]
            inferred.append(c)


# --- Rows -----------------------------------------------------------------------------------


@dataclass
class _Row:
    label: str
    values: dict[int, Decimal]  # column → amount
    assumption: str
    category: str | None


def _read_row(row: list[Cell], layout: _Layout, budget: ParsedBudget) -> _Row:
    values = {}
    for col, _category, _year in layout.columns:
        text = _text(row, col)
        try:
            amount = parse_amount(text)
        except ValueError:
            budget.warnings.append(
                f"{layout.title}: “{text[:40]}” in column {col + 1} is not an amount, so it "
                "was left out."
            )
            continue
        if amount is not None:
            values[col] = amount
    category = None
    if layout.category_col is not None:
        written = _text(row, layout.category_col)
        category = category_of(written) if written else None
        if written and category is None:
            budget.warnings.append(
                f"{layout.title}: category “{written[:40]}” is not one PlanTrack knows; "
                "filed as other."
            )
            category = str(Category.OTHER)
    return _Row(
        label=_text(row, layout.label_col),
        values=values,
        assumption=_text(row, layout.assumption_col),
        category=category,
    )


def _continues(label: str, previous: str) -> bool:
    return (
        not label
        or label[:1] in "(&+-–"
        or label[:1].islower()
        or bool(_CONNECTOR_END.search(previous))
    )


def _joins(previous: _Row | None, row: _Row) -> bool:
    if previous is None or previous.values or previous.assumption or not row.values:
        return False
    return _continues(row.label, previous.label)


def _read_rows(body: list[list[Cell]], layout: _Layout, budget: ParsedBudget) -> None:
    rows: list[_Row] = []
    for cells in body:
        row = _read_row(cells, layout, budget)
        if not row.label and not row.values and not row.assumption:
            continue
        if _SUBTOTAL_ROW.match(row.label):
            continue
        if _TOTAL_ROW.match(row.label):
            _printed_totals(row, layout, budget)
            if row.assumption:
                budget.notes.append(row.assumption)
            break
        previous = rows[-1] if rows else None
        if previous is not None and _joins(previous, row):
            # A name broken over two lines, its amounts on the second.
            previous.label = f"{previous.label} {row.label}".strip()
            previous.values, previous.assumption = row.values, row.assumption
            previous.category = previous.category or row.category
            continue
        if previous is not None and not row.label and not row.values:
            # An assumption wrapped onto the next line.
            previous.assumption = f"{previous.assumption} {row.assumption}".strip()
            continue
        if not row.label:
            budget.warnings.append(f"{layout.title}: a row of amounts has no name.")
            row.label = "(no name)"
        rows.append(row)
    for row in rows:
        budget.lines.extend(_lines_of(row, layout, budget))
        for value in row.values.values():
            if value < 0:
                budget.warnings.append(
                    f"{layout.title}: “{row.label}” has a negative amount ({value}); budgets "
                    "hold amounts of zero or more, so saving will refuse it."
                )
                break


def _lines_of(row: _Row, layout: _Layout, budget: ParsedBudget) -> list[ParsedLine]:
    """One line per category the row has amounts in (a set-up and an operating part)."""
    by_category: dict[str, dict[int, Decimal]] = {}
    for col, category, year in layout.columns:
        if col not in row.values:
            continue
        key = row.category or category or str(Category.OTHER)
        amounts = by_category.setdefault(key, {})
        if year in amounts:
            budget.warnings.append(
                f"{layout.title}: “{row.label}” has two amounts for {key} in {fy_label(year)}; "
                "they were added together."
            )
        amounts[year] = amounts.get(year, Decimal(0)) + row.values[col]
    if not by_category:
        return [ParsedLine(row.label, row.category or str(Category.OTHER), {}, row.assumption)]
    # Zeros in a second category ("Processing CCs 0 0 0 0") say nothing: keep the amounts
    # where there is money, or the first category when it is all zero.
    with_money = {k: v for k, v in by_category.items() if any(a for a in v.values())}
    kept = with_money or dict([next(iter(by_category.items()))])
    return [ParsedLine(row.label, k, v, row.assumption) for k, v in kept.items()]


def _printed_totals(row: _Row, layout: _Layout, budget: ParsedBudget) -> None:
    sums: dict[tuple[str | None, int], Decimal] = {}
    for col, category, year in layout.columns:
        if col in row.values:
            key = (None if layout.category_col is not None else category, year)
            sums[key] = sums.get(key, Decimal(0)) + row.values[col]
    budget.totals = [PrintedTotal(cat, year, amount) for (cat, year), amount in sums.items()]


def _check_totals(budget: ParsedBudget) -> None:
    for printed in budget.totals:
        counted = budget.total(printed.category, printed.year)
        if counted != printed.amount:
            what = (
                dict(Category.choices).get(printed.category, "all lines")
                if printed.category is not None
                else "all lines"
            )
            budget.warnings.append(
                f"{budget.title}: the lines add up to £{counted:,} for {what.lower()} in "
                f"{fy_label(printed.year)}, but the table's total says £{printed.amount:,}."
            )
    if not budget.lines:
        budget.warnings.append(f"{budget.title}: no budget lines were found under the header.")


# --- Reading an upload ----------------------------------------------------------------------


def read_budget_upload(name: str, data: bytes, *, is_text: bool = False) -> list[ParsedBudget]:
    """Read a file or pasted text into budget tables; ImportFailed with one line otherwise."""
    document = read_document(name, data, is_text=is_text)
    budgets = [b for b in find_budget_tables(document) if b.lines]
    if not budgets:
        raise ImportFailed(
            f"No budget tables were found in {name}: a budget needs a header row of financial "
            "years such as 2013/14."
        )
    return budgets
