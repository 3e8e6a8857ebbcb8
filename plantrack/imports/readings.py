"""Readings uploads: rows of date, value[, note] from an xlsx or csv file, and their storage on
an import job. Saved by ``plantrack.measures.services.readings_import``.

Every upload first passes the importers' guard (``readers.check_file``): the limits on size,
zip bombs, rows, cells and line length live there, in one place. This module then reads the
first three columns itself, keeping each cell's type (a real date, a number, a percentage as a
fraction) and each row's number in the file for the error messages.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError

from plantrack.imports.documents import limits
from plantrack.imports.tables import ImportFailed
from plantrack.measures.services import ReadingRow

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
# Blank lines and rows count here (they cost a step each) but not against MAX_ROWS.
MAX_LINES = 10 * MAX_ROWS
# A readings sheet has three columns; room for a few more the user keeps beside them.
MAX_CELLS = 40 * MAX_ROWS
_ROWS_HINT = "split it into smaller files"
EXTENSIONS = (".xlsx", ".xlsm", ".csv", ".txt")


def _is_header(cells: list) -> bool:
    first = cells[0] if cells else None
    return isinstance(first, str) and "date" in first.lower()


def _rows(raw_rows: Iterable) -> list[ReadingRow]:
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


def _csv_rows(name: str, data: bytes) -> Iterator[list[str]]:
    # Imported here for start-up cost (the readers load pdfplumber, python-docx, openpyxl).
    from plantrack.imports.readers.delimited import decode

    text, _replaced = decode(data)
    try:
        # newline="" lets the csv module see the line ends itself, so quoted cells keep theirs.
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:  # a field over csv's size limit, a NUL: not a readings file
        message = " ".join(str(exc).split())
        raise ValidationError(f"{name} could not be read as CSV ({message}).") from exc


def _xlsx_rows(name: str, data: bytes) -> Iterator[tuple]:
    # Imported here for start-up cost: openpyxl takes a fifth of a second to import.
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


def check_readings_name(name: str) -> None:
    """Refuse at once, before a job is made, a file that cannot be a readings sheet."""
    if not name.lower().endswith(EXTENSIONS):
        raise ValidationError("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")


def read_readings_bytes(name: str, data: bytes) -> list[ReadingRow]:
    """Rows from a file's bytes; ValidationError with one line for anything unreadable."""
    # Imported here for start-up cost (the readers load pdfplumber, python-docx, openpyxl).
    from plantrack.imports.readers import TEXT, XLSX, check_file
    from plantrack.imports.readers.common import display_name

    check_readings_name(name)
    bounds = dataclasses.replace(
        limits(), max_upload_bytes=MAX_BYTES, max_rows=MAX_ROWS, max_cells=MAX_CELLS
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


def read_readings(upload) -> list[ReadingRow]:
    """Rows from an UploadedFile (or anything with .name and .read())."""
    name = getattr(upload, "name", "") or ""
    check_readings_name(name)
    return read_readings_bytes(name, upload.read(MAX_BYTES + 1))


# --- Keeping rows on a job ------------------------------------------------------------------
# Cells keep their type (a real date is not the text "2024-02-01"), so that saving reads the
# rows exactly as the upload gave them.


def _cell_to_store(value: object) -> object:
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # a time or anything else openpyxl may give: its text


def _cell_from_store(value: object) -> object:
    if isinstance(value, dict):
        if "datetime" in value:
            return dt.datetime.fromisoformat(value["datetime"])
        return dt.date.fromisoformat(value["date"])
    return value


def readings_to_store(rows: list[ReadingRow]) -> list[list]:
    return [[r.row, *(_cell_to_store(c) for c in (r.date, r.value, r.note))] for r in rows]


def readings_from_store(data: list[list]) -> list[ReadingRow]:
    return [ReadingRow(row, *(_cell_from_store(c) for c in cells)) for row, *cells in data]
