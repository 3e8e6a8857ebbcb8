"""Writing CSV for download (plans, registers, the portfolio, the directory): formula-safe.

A cell a spreadsheet would take for a formula gets a leading apostrophe, which the plan
importer's csv reader removes again (imports/readers/delimited.py): OWASP's defence against
CSV injection. Control characters are dropped (plantrack.core.text), and a BOM makes Excel
read the file as UTF-8 (en dashes, £ signs)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from plantrack.core.text import clean_text

# Apostrophes already there are counted in, so that text which itself starts "'=" comes back
# from the reader (which removes one apostrophe) as it was.
FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")


def csv_safe[T](value: str | T) -> str | T:
    """A csv cell: text cleaned, and guarded by an apostrophe where a spreadsheet would take it
    for a formula; a number as it is."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    return "'" + value if FORMULA_START.match(value) else value


def csv_bytes(rows: Iterable[list]) -> bytes:
    """Rows of text as a formula-safe csv, UTF-8 with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
