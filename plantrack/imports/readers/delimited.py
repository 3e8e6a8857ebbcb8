"""CSV and other delimited text (.csv, .tsv, .txt): one Table of every record."""

from __future__ import annotations

import codecs
import csv
import io
import re

from plantrack.imports.readers.common import CellBudget, clean_text, one_line, tidy_rows
from plantrack.imports.tables import Cell, Document, ImportFailed, Limits, Table

DELIMITERS = ",;\t|"
SNIFF_LINES = 20


def decode(data: bytes) -> tuple[str, bool]:
    """The text, and whether some bytes could not be decoded.

    Excel saves "CSV UTF-8" with a BOM, plain "CSV" in Windows-1252 (a "£" is one byte, 0xA3)
    and "Unicode text" as UTF-16 with a BOM. Strict UTF-8 is tried before Windows-1252 because
    Windows-1252 decodes nearly any bytes, so it can't tell that it is wrong.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            return text, "\ufffd" in text
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        # Five bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) mean nothing in Windows-1252.
        text = data.decode("cp1252", errors="replace")
        return text, "\ufffd" in text


def read_delimited(
    name: str, data: bytes, limits: Limits, budget: CellBudget, prefer_tab: bool = False
) -> Document:
    text, replaced = decode(data)
    document = Document(name=name)
    if replaced:
        document.warnings.append("Some characters could not be decoded and show as “\ufffd”.")
    delimiter = _sniff_delimiter(text, prefer_tab)

    rows: list[list[Cell]] = []
    # newline="" lets the csv module see the line ends itself, so quoted cells keep theirs.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            if not any(value.strip() for value in record):
                continue
            if len(rows) >= limits.max_rows:
                raise ImportFailed(
                    f"{name} has more than {limits.max_rows:,} rows; split it or raise "
                    "PLANTRACK_IMPORT_MAX_ROWS."
                )
            budget.spend(len(record))
            rows.append([Cell(clean_text(_unguard(value))) for value in record])
    except csv.Error as exc:
        raise ImportFailed(f"{name} could not be read as CSV ({one_line(str(exc))}).") from exc

    rows = tidy_rows(rows)
    if not rows:
        raise ImportFailed(f"{name} is empty.")
    if len(rows) == 1:
        raise ImportFailed(f"{name} has a header row but no data rows.")
    document.tables.append(Table(rows=rows, origin="csv", heading=None))
    return document


# An apostrophe (or more, when the text itself began with one) before a formula character.
_GUARDED = re.compile(r"^'+[=+\-@\t\r]")


def _unguard(value: str) -> str:
    """Spreadsheet exports (ours included) put an apostrophe before text that a spreadsheet
    would otherwise run as a formula ("'=SUM(A1)"); the text is the part after it. Ours adds
    one to text that already began "'=" too, so one is removed however many there are."""
    if _GUARDED.match(value):
        return value[1:]
    return value


def looks_delimited(text: str) -> bool:
    """Every line a record of the same two or more comma-, semicolon- or bar-separated fields
    (nine in ten, for a stray line): a CSV file whatever its name. Text with tabs is a table
    copied from Word or Excel, which the text reader reads; prose has a varying number of
    commas a line, and paragraphs with none."""
    if "\t" in text:
        return False
    sample = "\n".join(text.splitlines()[: SNIFF_LINES * 5])
    for delimiter in ",;|":
        try:
            counts = [
                len(record)
                for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
                if any(value.strip() for value in record)
            ]
        except csv.Error:
            continue
        if len(counts) < 2 or counts[0] < 2:
            continue
        if sum(1 for count in counts if count == counts[0]) * 10 >= len(counts) * 9:
            return True
    return False


def _sniff_delimiter(text: str, prefer_tab: bool) -> str:
    lines = [line for line in text.splitlines()[:SNIFF_LINES] if line.strip()]
    if not lines:
        return ","

    def lines_with(delimiter: str) -> int:
        return sum(1 for line in lines if delimiter in line)

    # A .tsv (or Excel's "Unicode text", which is tab-separated) says what it uses.
    if prefer_tab and lines_with("\t") * 2 >= len(lines):
        return "\t"
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    # The sniffer guesses from frequencies and can pick a character most lines don't have.
    if sniffed and lines_with(sniffed) * 2 >= len(lines):
        return sniffed
    best = max(DELIMITERS, key=lambda d: (lines_with(d), sum(line.count(d) for line in lines)))
    return best if lines_with(best) else ","
