"""Read readings from an uploaded spreadsheet: xlsx or csv rows of date, value[, note].

Every upload first passes the importers' guard (plantrack.imports.readers.check_file): the
limits on size, zip bombs, rows, cells and line length live there, in one place. This module
then reads the first three columns itself, keeping each cell's type (a real date, a number,
a percentage as a fraction) and each row's number in the file for the error messages.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re

from django.core.exceptions import ValidationError

from plantrack.core import fuzzydates
from plantrack.measures.services import ReadingRow

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
# Blank lines and rows count here (they cost a step each) but not against MAX_ROWS.
MAX_LINES = 10 * MAX_ROWS
# A readings sheet has three columns; room for a few more the user keeps beside them.
MAX_CELLS = 40 * MAX_ROWS
_ROWS_HINT = "split it into smaller files"
_ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_EXTENSIONS = (".xlsx", ".xlsm", ".csv", ".txt")


def cell_date(value: object) -> dt.date:
    """A date from a cell: a real date, 2023-03-31, 31/03/2023 or 31 Mar 2023."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        raise ValidationError("The date is missing.")
    if _ISO.fullmatch(text):
        try:
            return dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
        except ValueError:
            pass
    parsed = fuzzydates.parse(text)
    if parsed.kind is fuzzydates.Kind.ON and parsed.earliest is not None:
        return parsed.earliest
    raise ValidationError(f"“{text[:40]}” is not a date: use 31/03/2023 or 2023-03-31.")


def _is_header(cells: list) -> bool:
    first = cells[0] if cells else None
    return isinstance(first, str) and "date" in first.lower()


def _rows(raw_rows) -> list[ReadingRow]:
    rows: list[ReadingRow] = []
    for number, cells in enumerate(raw_rows, start=1):
        if number > MAX_LINES:
            raise ValidationError(f"The file has more than {MAX_LINES:,} lines: split it up.")
        cells = list(cells[:3])
        if not any(c is not None and str(c).strip() for c in cells):
            continue
        if not rows and _is_header(cells):
            continue
        cells += [None] * (3 - len(cells))
        rows.append(ReadingRow(number, cells[0], cells[1], cells[2] or ""))
        if len(rows) > MAX_ROWS:
            raise ValidationError(f"The file has more than {MAX_ROWS:,} rows: split it up.")
    return rows


def _csv_rows(name: str, data: bytes):
    from plantrack.imports.readers.delimited import decode

    text, _replaced = decode(data)
    try:
        # newline="" lets the csv module see the line ends itself, so quoted cells keep theirs.
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:  # a field over csv's size limit, a NUL: not a readings file
        message = " ".join(str(exc).split())
        raise ValidationError(f"{name} could not be read as CSV ({message}).") from exc


def _xlsx_rows(name: str, data: bytes):
    import openpyxl

    # The guard has checked the workbook's size and counted its rows and cells. Read-only
    # mode streams the sheet; max_col and max_row keep it from padding out to the sheet's
    # declared size (a sheet may claim A1:XFD1048576).
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            yield from sheet.iter_rows(max_col=3, max_row=MAX_LINES + 1, values_only=True)
        finally:
            book.close()
    except ValidationError:
        raise
    # Deliberately broad: openpyxl raises all sorts on a damaged or hostile workbook, and the
    # person uploading must see one line, not an error page.
    except Exception as exc:
        raise ValidationError(f"{name} could not be read as an Excel workbook.") from exc


def read_readings(upload) -> list[ReadingRow]:
    """Rows from an UploadedFile (or anything with .name and .read())."""
    from plantrack.imports.pipeline import limits
    from plantrack.imports.readers import TEXT, XLSX, check_file
    from plantrack.imports.readers.common import display_name
    from plantrack.imports.tables import ImportFailed

    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(_EXTENSIONS):
        raise ValidationError("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")
    data = upload.read(MAX_BYTES + 1)
    bounds = dataclasses.replace(
        limits(),
        max_upload_bytes=MAX_BYTES,
        max_rows=MAX_ROWS,
        max_cells=MAX_CELLS,
    )
    try:
        kind = check_file(name, data, bounds, rows_hint=_ROWS_HINT)
    except ImportFailed as exc:
        raise ValidationError(str(exc)) from exc
    shown = display_name(name)
    if kind == XLSX:
        return _rows(_xlsx_rows(shown, data))
    if kind == TEXT:
        return _rows(_csv_rows(shown, data))
    raise ValidationError(f"{shown} is not an Excel workbook (.xlsx) or a CSV file (.csv).")
