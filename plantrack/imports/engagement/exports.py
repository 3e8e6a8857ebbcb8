"""A register of engagement activity written out in the shape the register reader reads back
(``tables``): xlsx and csv.

Exporting a register and importing the file gives the same register (tested): its title, its
groups and, for each activity, the text as written (owner, cost, link to a business plan,
communities, aim, method), its status, IAP2 level, start and end. Its areas are written for
whoever reads the file ("Barnet (SX); Burnt Oak") and not read back: area names repeat across
the country, and the register's reader does not look them up.

The layout: the title alone in the first row; then when it was exported and how many
activities it holds, in two cells (so that the title is never straight above a header, where a
one-cell row names a group); activities without a group under the first header; then for each
group the row "Business Group Engagement Priorities: | <group>", the header and its activities.
A cost with no text written is written from its amount ("£9,000 p.a.", "£2,500"), which the
reader reads to the same amount and period. Cells are formula-safe as in the plan export
(``plantrack.imports.exports``): strings in the workbook, an apostrophe guard in the csv.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from plantrack.core.csvfile import csv_bytes
from plantrack.core.xlsx import append_row, workbook_bytes
from plantrack.engagement.models import Activity, Group, Register
from plantrack.engagement.selectors import ActivityFilter, activities_for_register
from plantrack.imports.engagement.columns import REGISTER_COLUMNS
from plantrack.imports.engagement.tables import title_cell
from plantrack.imports.exports import file_name

HEADER = [
    *REGISTER_COLUMNS,
    "Status",
    "IAP2 level",
    "Areas",
    "Start",
    "End",
]
GROUP_LABEL = "Business Group Engagement Priorities:"
_WIDTHS = [45, 25, 14, 30, 40, 40, 35, 12, 12, 25, 14, 14]

# What each row is, for the workbook's styles.
TITLE, NOTE, GROUP, HEAD, ACTIVITY = "title", "note", "group", "header", "activity"
Row = tuple[str, list[str]]


def cost_cell(activity: Activity) -> str:
    """The cost as written; else its amount, written as the reader reads it back."""
    if activity.cost_text or activity.cost_amount is None:
        return activity.cost_text
    amount = Decimal(activity.cost_amount)
    figure = f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"
    return f"{figure} p.a." if activity.cost_period == Activity.CostPeriod.YEAR else figure


def _activity_cells(activity: Activity) -> list[str]:
    return [
        activity.title,
        activity.owner_text,
        cost_cell(activity),
        activity.business_plan_link,
        activity.communities_text,
        activity.aim,
        activity.method_text,
        activity.get_status_display(),
        activity.get_level_display() if activity.level else "",
        "; ".join(str(area) for area in activity.areas.all()),
        activity.start_text,
        activity.end_text,
    ]


def register_rows(register: Register, flt: ActivityFilter | None = None) -> list[Row]:
    """Every row of the export, each with what it is: the activities the filter keeps (all
    without one), ungrouped first, then by group, in the register's order."""
    activities = list(activities_for_register(register, flt))
    # Those without a group come before the first group row: after one, they would be read
    # as that group's.
    activities.sort(key=lambda a: a.group_id is not None)
    if flt is not None and flt != ActivityFilter():
        total = Activity.objects.filter(register=register).count()
        count = f"{len(activities):,} of {total:,} activities (filtered)"
    else:
        count = f"{len(activities):,} activit{'y' if len(activities) == 1 else 'ies'}"
    today = timezone.localdate()
    exported = f"Exported from PlanTrack on {today.day} {today:%B %Y}"
    rows: list[Row] = [(TITLE, [title_cell(register.title)]), (NOTE, [exported, count])]
    rows += _body(activities)
    return rows


def _body(activities: list[Activity]) -> Iterator[Row]:
    group: Group | None = None
    for n, activity in enumerate(activities):
        if n == 0 or activity.group_id != (group.pk if group else None):
            group = activity.group
            if group is not None:
                yield GROUP, [GROUP_LABEL, group.name]
            yield HEAD, list(HEADER)
        yield ACTIVITY, _activity_cells(activity)


def to_xlsx(register: Register, flt: ActivityFilter | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.create_sheet("Register")
    workbook.remove(workbook.worksheets[0])
    styles: dict[str, dict[str, Any]] = {
        TITLE: {"font": Font(bold=True, size=14), "wrap": False},
        NOTE: {"font": Font(italic=True), "wrap": False},
        GROUP: {"font": Font(bold=True, size=12), "wrap": False},
        HEAD: {"bold": True},
        ACTIVITY: {},
    }
    for kind, cells in register_rows(register, flt):
        append_row(sheet, cells, **styles[kind])
    for index, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return workbook_bytes(workbook)


def to_csv(register: Register, flt: ActivityFilter | None = None) -> bytes:
    return csv_bytes([cells for _, cells in register_rows(register, flt)])


def register_file_name(register: Register, extension: str) -> str:
    return file_name(register.title, extension, fallback="register")
