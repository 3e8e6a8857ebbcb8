"""The portfolio's filtered action list as csv and xlsx.

The xlsx goes through plantrack.core.xlsx like every workbook (text as strings, never
formulas); the csv through plantrack.core.csvfile like every csv (formula-safe, with a BOM)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from openpyxl import Workbook

from plantrack.core.csvfile import csv_bytes
from plantrack.core.xlsx import append_row, workbook_bytes
from plantrack.plans.models import Action
from plantrack.plans.selectors import action_flags

# A national portfolio holds a few hundred thousand actions: a download stops here and says so.
EXPORT_LIMIT = 20_000
HEADERS = [
    "Ref",
    "Action",
    "Plan",
    "Section",
    "Owners",
    "Status",
    "RAG",
    "Due",
    "Overdue",
    "Update due",
    "Last update",
]


def action_rows(actions: QuerySet[Action], on: dt.date) -> list[list[str]]:
    """The header and one row per action (at most EXPORT_LIMIT), as text."""
    rows = [list(HEADERS)]
    for action in actions[:EXPORT_LIMIT]:
        flags = action_flags(action, on)
        owners = "; ".join(o.person.display_name for o in action.ownerships.all())
        rows.append(
            [
                action.ref,
                action.title,
                action.plan.title,
                action.section.title if action.section else "",
                owners or action.owner_text,
                action.get_status_display(),
                action.get_rag_display() if action.rag else "",
                action.due_text,
                "Yes" if flags["overdue"] else "",
                "Yes" if flags["update_due"] else "",
                action.last_update_on.isoformat() if action.last_update_on else "",
            ]
        )
    return rows


def to_csv(rows: Iterable[list[str]]) -> bytes:
    return csv_bytes(rows)


def to_xlsx(rows: list[list[str]], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.create_sheet("Actions")
    workbook.remove(workbook.worksheets[0])
    append_row(sheet, [title], bold=True, wrap=False)
    append_row(sheet, rows[0], bold=True)
    for row in rows[1:]:
        append_row(sheet, row)
    widths = [10, 60, 30, 24, 30, 14, 10, 18, 9, 11, 12]
    for letter, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    return workbook_bytes(workbook)
