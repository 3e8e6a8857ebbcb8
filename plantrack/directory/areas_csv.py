"""Areas from a CSV file: rows of name, level, code, ons_code and parent.

The file is read here; the rows are written by ``services.areas_import``. Headers are matched
loosely ("ONS code", "GSS code", "Parent area"), since the lists forces and councils keep come
from the ONS and from their own spreadsheets."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from plantrack.core.text import clean_text

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
HEADERS = {
    "name": "name",
    "area": "name",
    "area name": "name",
    "level": "level",
    "type": "level",
    "code": "code",
    "short code": "code",
    "bocu code": "code",
    "ons code": "ons_code",
    "ons_code": "ons_code",
    "gss code": "ons_code",
    "parent": "parent",
    "parent area": "parent",
    "inside": "parent",
}


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError("The file is not text: save it as CSV.")


def read_areas_csv(upload: UploadedFile) -> list[dict[str, str]]:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError("The file is larger than 5 MB: split it.")
    text = _decode(upload.read(MAX_BYTES + 1))
    if "\x00" in text:
        raise ValidationError("The file is not text: save it as CSV.")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise ValidationError("The file is empty.")
    columns = [HEADERS.get(" ".join(h.lower().replace("_", " ").split()), "") for h in header]
    if "name" not in columns or "level" not in columns:
        raise ValidationError("The first row must name the columns, with at least name and level.")
    rows = []
    for number, cells in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            raise ValidationError(f"More than {MAX_ROWS:,} areas: split the file.")
        if not any(c.strip() for c in cells):
            continue
        rows.append(
            {
                col: clean_text(cell).strip()
                for col, cell in zip(columns, cells, strict=False)
                if col
            }
        )
    if not rows:
        raise ValidationError("The file holds no areas.")
    return rows
