"""Deadlines the preview must not pass over in silence.

A deadline written with no year ("August – September") is read in the year of the rows
around it, as a reader of the table would; one that cannot be read at all ("31 June 2027",
"when funding allows") is kept as written with a warning, since such an action can never show
as overdue. Runs over each plan's actions in document order."""

from __future__ import annotations

from plantrack.core import fuzzydates
from plantrack.imports.parsed import ParsedAction, ParsedPlan


def _year(action: ParsedAction) -> int | None:
    latest = fuzzydates.parse(action.due_text or "").latest
    return latest.year if latest else None


def settle_deadlines(plan: ParsedPlan, warnings: list[str]) -> None:
    actions = [a for section in plan.sections for a in section.actions]
    years = [_year(a) for a in actions]
    for n, action in enumerate(actions):
        text = action.due_text or ""
        if not text or fuzzydates.parse(text, context=action.date_context).parsed:
            continue
        before = next((y for y in reversed(years[:n]) if y is not None), None)
        after = next((y for y in years[n + 1 :] if y is not None), None)
        year = before if before is not None else after
        where = action.origin or action.title[:60]
        if year is not None:
            context = fuzzydates.Context(year=year, start=action.date_context.start)
            if fuzzydates.parse(text, context=context).deadline is not None:
                action.date_year = year
                warnings.append(
                    f"{where}: the deadline “{text}” has no year; read as {year}, the year of "
                    "the rows around it."
                )
                continue
        warnings.append(
            f"{where}: PlanTrack cannot read the deadline “{text}” as a date. It is kept as "
            "written, but the action can never show as overdue: correct it in the file or "
            "after the import."
        )
