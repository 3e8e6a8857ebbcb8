"""The directory as csv and xlsx: the columns of its lists, of the entries the lists show the
user (merged entries left out), and nothing more (no addresses or phone numbers)."""

from __future__ import annotations

from openpyxl import Workbook

from plantrack.core.csvfile import csv_bytes
from plantrack.core.xlsx import append_row, workbook_bytes
from plantrack.directory.models import Organisation

PEOPLE_COLUMNS = ["Name", "Post or job title", "Staff number", "Organisation", "SPOC"]
ORGANISATION_COLUMNS = ["Name", "Short name", "Kind", "Part of", "People"]


def people_rows(people) -> list[list[str]]:
    return [
        [
            p.display_name,
            p.post or p.job_title,
            p.staff_number,
            p.organisation.name if p.organisation else "",
            "Yes" if p.spoc else "",
        ]
        for p in people
    ]


def organisation_rows(organisations) -> list[list[object]]:
    return [
        [
            o.name,
            o.short_name,
            Organisation.Kind(o.kind).label if o.kind in Organisation.Kind.values else o.kind,
            o.parent.name if o.parent else "",
            o.people_count,
        ]
        for o in organisations
    ]


def as_csv(columns: list[str], rows: list[list]) -> bytes:
    return csv_bytes([columns, *rows])


def as_xlsx(title: str, columns: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = title
    append_row(sheet, columns, bold=True)
    for row in rows:
        append_row(sheet, row, number_format="0")
    for index, width in enumerate([40, 35, 15, 40, 10]):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    return workbook_bytes(workbook)
