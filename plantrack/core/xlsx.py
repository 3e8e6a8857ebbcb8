"""Writing workbooks for download (plans, budgets, measures, board packs): every cell goes
through ``append_row``.

Text cells are written as strings, which Excel never evaluates, so text such as
"=HYPERLINK(…)" stays text: formula injection is neutralised. Numbers stay numbers; nothing is
ever a formula. Text is cleaned of the control characters a worksheet cannot hold (openpyxl
raises IllegalCharacterError), since rows stored before input was cleaned may have them."""

from __future__ import annotations

import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font

from plantrack.core.text import clean_text

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
NUMBER_FORMAT = "#,##0.####"


def append_row(
    sheet,
    values: list,
    bold: bool = False,
    number_format: str = MONEY_FORMAT,
    wrap: bool = True,
    font: Font | None = None,
):
    sheet.append([None] * len(values))
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            cell.value = value
            cell.number_format = number_format
        elif value is not None:
            cell.value = clean_text(str(value))
            # Set after the value: openpyxl types a string starting "=" as a formula.
            cell.data_type = TYPE_STRING
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font is not None or bold:
            cell.font = font or Font(bold=True)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(data: bytes, title: str, suffix: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    name = slugify(title)[:60] or "plan"
    response["Content-Disposition"] = f'attachment; filename="{name}-{suffix}.xlsx"'
    return response
