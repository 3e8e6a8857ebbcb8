"""Read readings from an uploaded spreadsheet: xlsx or csv rows of date, value[, note]."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from django.core.exceptions import ValidationError

from plantrack.core import fuzzydates
from plantrack.measures.services import ReadingRow

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
_ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


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
        cells = list(cells)
        if not any(c is not None and str(c).strip() for c in cells):
            continue
        if not rows and _is_header(cells):
            continue
        cells += [None] * (3 - len(cells))
        rows.append(ReadingRow(number, cells[0], cells[1], cells[2] or ""))
        if len(rows) > MAX_ROWS:
            raise ValidationError(f"The file has more than {MAX_ROWS} rows: split it up.")
    return rows


def _csv_rows(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return csv.reader(io.StringIO(text))


def _xlsx_rows(data: bytes):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ValidationError("The file could not be read as an Excel workbook.") from exc
    except Exception as exc:  # zipfile.BadZipFile and friends: a broken file, not our bug
        raise ValidationError("The file could not be read as an Excel workbook.") from exc
    sheet = book.worksheets[0]
    return [list(r[:3]) for r in sheet.iter_rows(values_only=True)]


def read_readings(upload) -> list[ReadingRow]:
    """Rows from an UploadedFile (or anything with .name and .read())."""
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError("The file is larger than 5 MB.")
    if name.endswith(".xlsx"):
        return _rows(_xlsx_rows(data))
    if name.endswith((".csv", ".txt")):
        return _rows(_csv_rows(data))
    raise ValidationError("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")
