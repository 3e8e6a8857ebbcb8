"""A plan's budget as an xlsx workbook: lines × financial years, spend, funding.

Text cells are written as strings, which Excel never evaluates, so a line named "=HYPERLINK(…)"
stays text (formula injection neutralised, as in plantrack.imports.exports). Amounts are numbers.
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font

from plantrack.budgets.models import Category
from plantrack.budgets.selectors import budget_tables, funding_for_plan
from plantrack.core.finyears import fy_label
from plantrack.plans.models import Plan

CATEGORY_LABELS = dict(Category.choices)
MONEY_FORMAT = "#,##0.00"


def _append(sheet, values: list, bold: bool = False) -> None:
    sheet.append([None] * len(values))
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            cell.value = value
            cell.number_format = MONEY_FORMAT
        elif value is not None:
            cell.value = str(value)
            cell.data_type = TYPE_STRING
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True)


def to_xlsx(plan: Plan) -> bytes:
    data = budget_tables(plan)
    years = [year for year, _ in data["years"]]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Budget"
    _append(sheet, [f"{plan.title}: budget"], bold=True)
    header = ["Initiative", "Line", "Category", *[fy_label(y) for y in years], "Total"]
    header += [f"Spend {fy_label(y)}" for y in years] + ["Assumption"]
    _append(sheet, header, bold=True)
    for group in data["groups"]:
        for row in group["rows"]:
            line = row["line"]
            _append(
                sheet,
                [
                    group["title"],
                    line.name,
                    CATEGORY_LABELS.get(line.category, line.category),
                    *[c["budget"] if c["has_budget"] else None for c in row["cells"]],
                    row["budget"],
                    *[c["spend"] if c["has_spend"] else None for c in row["cells"]],
                    line.assumption,
                ],
            )
        _append(
            sheet,
            [
                group["title"],
                "Total",
                "",
                *[t["budget"] for t in group["totals"]],
                group["total"]["budget"],
                *[t["spend"] for t in group["totals"]],
                "",
            ],
            bold=True,
        )
    sheet.freeze_panes = "A3"
    for letter, width in zip("ABC", (30, 45, 12), strict=True):
        sheet.column_dimensions[letter].width = width

    funding = workbook.create_sheet("Funding")
    _append(funding, ["Funder", "For", "Initiative", "Amount", "Status", "Date", "Decision"], True)
    for bid in funding_for_plan(plan):
        _append(
            funding,
            [
                bid.funder.name,
                bid.title,
                bid.section.title if bid.section else "",
                bid.amount,
                bid.get_status_display(),
                bid.status_date.isoformat(),
                " — ".join(t for t in (bid.decision_record, bid.decided_by) if t),
            ],
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
