"""A plan's budget as an xlsx workbook: lines × financial years, spend, funding.

Text stays text, whatever it starts with (plantrack.core.xlsx); amounts are numbers.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from plantrack.budgets.models import Category
from plantrack.budgets.selectors import budget_tables, funding_for_plan
from plantrack.core.finyears import fy_label
from plantrack.core.xlsx import append_row, workbook_bytes
from plantrack.plans.models import Plan

CATEGORY_LABELS = dict(Category.choices)


def to_xlsx(plan: Plan) -> bytes:
    data = budget_tables(plan)
    years = [year for year, _ in data["years"]]
    workbook = Workbook()
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):  # a new workbook's one sheet is a worksheet
        raise TypeError("expected a worksheet")
    sheet.title = "Budget"
    append_row(sheet, [f"{plan.title}: budget"], bold=True)
    header = ["Initiative", "Line", "Category", *[fy_label(y) for y in years], "Total"]
    header += [f"Spend {fy_label(y)}" for y in years] + ["Assumption"]
    append_row(sheet, header, bold=True)
    for group in data["groups"]:
        for row in group["rows"]:
            line = row["line"]
            append_row(
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
        append_row(
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
    append_row(
        funding, ["Funder", "For", "Initiative", "Amount", "Status", "Date", "Decision"], True
    )
    for bid in funding_for_plan(plan):
        append_row(
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
    return workbook_bytes(workbook)
