"""Writing workbooks for download (budgets, measures; later, board packs).

Text cells are written as strings, which Excel never evaluates, so text such as
"=HYPERLINK(…)" stays text: formula injection is neutralised, as in plantrack.imports.exports.
Numbers stay numbers."""

from __future__ import annotations

import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
NUMBER_FORMAT = "#,##0.####"


def append_row(sheet, values: list, bold: bool = False, number_format: str = MONEY_FORMAT):
    sheet.append([None] * len(values))
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            cell.value = value
            cell.number_format = number_format
        elif value is not None:
            cell.value = str(value)
            cell.data_type = TYPE_STRING
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(data: bytes, title: str, suffix: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    name = slugify(title)[:60] or "plan"
    response["Content-Disposition"] = f'attachment; filename="{name}-{suffix}.xlsx"'
    return response
