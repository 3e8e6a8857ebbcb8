"""Excel workbooks (.xlsx, .xlsm): every visible sheet becomes a Table of its cells.

The workbook is loaded in full (read_only=False) because read-only mode knows neither merged
ranges nor, reliably, fills; data_only=True gives formulas' cached values rather than formulas.
"""

from __future__ import annotations

import bisect
import colorsys
import datetime as dt
import io
import re
import warnings
import zipfile
from itertools import islice
from typing import Any

import openpyxl
from defusedxml import ElementTree as SafeET
from openpyxl.chartsheet import Chartsheet
from openpyxl.utils.exceptions import InvalidFileException

from plantrack.imports.readers.common import ZIP_ERRORS, CellBudget, clean_text, tidy_rows
from plantrack.imports.tables import Cell, Document, ImportFailed, Limits, Table

# What openpyxl raises on a damaged or unexpected package: a missing part (KeyError), bad XML
# (SyntaxError covers ElementTree's ParseError and lxml's errors; defusedxml's refusals are
# ValueErrors), broken compression.
_LOAD_ERRORS = (
    *ZIP_ERRORS,
    KeyError,
    TypeError,
    SyntaxError,
    InvalidFileException,
)

# A merged range in a sheet's XML, e.g. <mergeCell ref="A3:H3"/>.
_MERGE_REF = re.compile(
    rb'<(?:\w+:)?mergeCell\s+ref="\$?([A-Z]{1,3})\$?(\d{1,7}):\$?([A-Z]{1,3})\$?(\d{1,7})"'
)

# A row element of a sheet's XML and what it holds (nothing when it is self-closing, as rows
# that only set a height are); a cell element; the element holding a cell's value.
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?row>)", re.DOTALL)
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)[\s/>]")

ROWS_HINT = "split it or raise PLANTRACK_IMPORT_MAX_ROWS"

# A formula cell without a saved result: <f>...</f> (or <f .../>) then no <v> or an empty one.
_FORMULA_WITHOUT_VALUE = re.compile(
    rb"<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)


def read_xlsx(name: str, data: bytes, limits: Limits, budget: CellBudget) -> Document:
    unsaved_formulas = scan_sheets(name, data, limits)
    with warnings.catch_warnings():
        # openpyxl warns about every extension it drops (data validation, slicers...): noise.
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
        except _LOAD_ERRORS as exc:
            raise ImportFailed(f"{name} is damaged or is not a workbook Excel can open.") from exc

    document = Document(name=name)
    if unsaved_formulas:
        document.warnings.append(
            f"{unsaved_formulas} formula cell(s) have no saved result, so they read as empty "
            "(the file was not last saved by Excel): open it in Excel, save it and upload it again."
        )
    colours = _Colours(book)
    for sheet_name in book.sheetnames:
        sheet = book[sheet_name]
        if isinstance(sheet, Chartsheet):
            document.warnings.append(f"Skipped the sheet “{sheet_name}”: it holds only a chart.")
            continue
        if sheet.sheet_state != "visible":
            document.warnings.append(f"Skipped the hidden sheet “{sheet_name}”.")
            continue
        rows = _read_sheet(name, sheet, colours, limits, budget)
        if rows:
            document.tables.append(
                Table(rows=rows, origin=f"sheet {sheet_name}", heading=sheet_name)
            )
        else:
            document.warnings.append(f"Skipped the sheet “{sheet_name}”: it is empty.")
    if not document.tables and not document.warnings:
        document.warnings.append("The workbook has no sheets with data.")
    return document


def scan_sheets(name: str, data: bytes, limits: Limits, *, rows_hint: str = ROWS_HINT) -> int:
    """Look at the sheets' XML before openpyxl does; return how many formulas lack results.

    openpyxl's cost is in the cells it makes, so a sheet is refused here, from a scan of its
    XML, if it holds more rows with values than the limit, or the workbook more cells (a few
    hundred KB can declare a million rows, which would take a minute and hundreds of MB to
    load before any limit applied), or if it merges an absurd range: on loading, openpyxl makes
    one object for every cell of a merged range, and a few bytes of "A1:XFD1048576" would take
    it billions of steps. Formulas without a saved result (files written by programs other
    than Excel) read as empty with data_only=True; they are counted to warn about. The zip's
    sizes were checked already.
    """
    unsaved = 0
    cells = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            try:
                sheet_xml = archive.read(info)
            except _LOAD_ERRORS as exc:
                raise ImportFailed(
                    f"{name} is damaged or incomplete (a sheet can't be unpacked)."
                ) from exc
            if _rows_with_values(sheet_xml, limits.max_rows + 1) > limits.max_rows:
                sheet = info.filename.removeprefix("xl/worksheets/").removesuffix(".xml")
                raise ImportFailed(
                    f"A sheet ({sheet}) in {name} has more than {limits.max_rows:,} rows; "
                    f"{rows_hint}."
                )
            cells += sum(1 for _ in islice(_CELL.finditer(sheet_xml), limits.max_cells + 1))
            if cells > limits.max_cells:
                raise ImportFailed(
                    f"{name} has more than {limits.max_cells:,} cells; split it into smaller "
                    "files or raise PLANTRACK_IMPORT_MAX_CELLS."
                )
            unsaved += len(_FORMULA_WITHOUT_VALUE.findall(sheet_xml))
            area = 0
            for col1, row1, col2, row2 in _MERGE_REF.findall(sheet_xml):
                rows = abs(int(row2) - int(row1)) + 1
                cols = abs(_column_number(col2) - _column_number(col1)) + 1
                area += rows * cols
            if area > limits.max_cells:
                raise ImportFailed(
                    f"{name} merges more than {limits.max_cells:,} cells in one sheet; "
                    "unmerge them or split the sheet."
                )
    return unsaved


def _rows_with_values(sheet_xml: bytes, stop: int) -> int:
    """How many rows of a sheet's XML hold a value, counting no further than stop."""
    count = 0
    for row in _ROW.finditer(sheet_xml):
        content = row.group(1)
        if content and _VALUE.search(content):
            count += 1
            if count >= stop:
                break
    return count


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _read_sheet(
    name: str, sheet: Any, colours: _Colours, limits: Limits, budget: CellBudget
) -> list[list[Cell]]:
    # Work from the cells the file actually holds (private _cells, stable in openpyxl 3.1):
    # iter_rows() would create a cell object for every coordinate up to max_row/max_column,
    # and a sheet with one stray value in row 1,048,576 would cost a million rows of them.
    held = sheet._cells
    # Each cell's text and fill, worked out once (clean_text is most of the reading time).
    texts = {pos: _cell_text(cell) for pos, cell in held.items() if cell.value is not None}
    rows_with_text = sorted({row for (row, _), text in texts.items() if text})
    if not rows_with_text:
        return []
    if len(rows_with_text) > limits.max_rows:
        raise ImportFailed(
            f"The sheet “{sheet.title}” in {name} has more than {limits.max_rows:,} rows; "
            "split it or raise PLANTRACK_IMPORT_MAX_ROWS."
        )
    text_rows = set(rows_with_text)
    fills = {pos: colours.fill(cell) for pos, cell in held.items() if pos[0] in text_rows}
    used_cols = [
        col for (row, col) in fills if texts.get((row, col)) or fills[row, col] is not None
    ]
    first_col, last_col = min(used_cols), max(used_cols)
    budget.spend(len(rows_with_text) * (last_col - first_col + 1))

    # Every position covered by a merged range, but not its top-left, maps to the top-left.
    merged_into: dict[tuple[int, int], tuple[int, int]] = {}
    for merged in sheet.merged_cells.ranges:
        start = bisect.bisect_left(rows_with_text, merged.min_row)
        stop = bisect.bisect_right(rows_with_text, merged.max_row)
        for row in rows_with_text[start:stop]:
            for col in range(max(merged.min_col, first_col), min(merged.max_col, last_col) + 1):
                if (row, col) != (merged.min_row, merged.min_col):
                    merged_into[row, col] = (merged.min_row, merged.min_col)

    rows: list[list[Cell]] = []
    for row in rows_with_text:
        cells = []
        for col in range(first_col, last_col + 1):
            origin = merged_into.get((row, col))
            if origin is not None:
                # A merged range shows its top-left's fill all over, so the repeats carry it.
                fill = fills.get(origin) if origin in fills else colours.fill(held.get(origin))
                cells.append(Cell("", fill=fill, merged=True))
                continue
            if (row, col) not in held:
                cells.append(Cell(""))
            else:
                cells.append(Cell(texts.get((row, col), ""), fill=fills.get((row, col))))
        rows.append(cells)
    return tidy_rows(rows)


def _cell_text(cell: Any) -> str:
    """The value as the user saw it, near enough: dates as ISO, whole numbers without ".0"."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        spec = "minutes" if value.second == 0 and value.microsecond == 0 else "seconds"
        return value.isoformat(sep=" ", timespec=spec)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, int | float):
        if "%" in (cell.number_format or ""):
            return f"{value * 100:.15g}%"
        return _number_text(value)
    return clean_text(str(value))


def _number_text(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    # Excel keeps 15 significant digits; more would show float noise (0.30000000000000004).
    return f"{value:.15g}"


class _Colours:
    """Turns a cell's solid fill into "RRGGBB", resolving indexed and theme colours."""

    # The order of theme colour indexes in SpreadsheetML: light/dark pairs come swapped
    # relative to their order in the theme file.
    _THEME_ORDER = (
        "lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3",
        "accent4", "accent5", "accent6", "hlink", "folHlink",
    )  # fmt: skip

    def __init__(self, book: Any) -> None:
        self.indexed: list[str] = list(getattr(book, "_colors", None) or [])
        self.theme = self._theme_colours(getattr(book, "loaded_theme", None))

    def fill(self, cell: Any) -> str | None:
        if cell is None:
            return None
        fill = getattr(cell, "fill", None)
        if fill is None or getattr(fill, "fill_type", None) != "solid":
            return None
        return self.rgb(fill.fgColor)

    def rgb(self, colour: Any) -> str | None:
        if colour is None:
            return None
        kind = colour.type
        if kind == "rgb" and isinstance(colour.rgb, str) and len(colour.rgb) in (6, 8):
            return colour.rgb[-6:].upper()
        if kind == "indexed" and isinstance(colour.indexed, int):
            # 64 and 65 are the system foreground and background: nothing to resolve.
            if 0 <= colour.indexed < len(self.indexed):
                return self.indexed[colour.indexed][-6:].upper()
            return None
        if kind == "theme" and isinstance(colour.theme, int) and 0 <= colour.theme < 12:
            base = self.theme.get(self._THEME_ORDER[colour.theme])
            if base is not None:
                return _apply_tint(base, float(colour.tint or 0))
        return None

    @staticmethod
    def _theme_colours(theme_xml: bytes | None) -> dict[str, str]:
        if not theme_xml:
            return {}
        ns = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
        try:
            root = SafeET.fromstring(theme_xml)
        except (SyntaxError, ValueError):
            return {}
        scheme = root.find(f"{ns}themeElements/{ns}clrScheme")
        colours: dict[str, str] = {}
        for entry in scheme if scheme is not None else []:
            key = entry.tag.removeprefix(ns)
            srgb = entry.find(f"{ns}srgbClr")
            system = entry.find(f"{ns}sysClr")
            value = srgb.get("val") if srgb is not None else None
            if value is None and system is not None:
                value = system.get("lastClr")
            if value and re.fullmatch(r"[0-9A-Fa-f]{6}", value):
                colours[key] = value.upper()
        return colours


def _apply_tint(rgb: str, tint: float) -> str:
    """Excel's tint: darken (tint < 0) or lighten (tint > 0) the colour's luminance."""
    if not tint:
        return rgb
    red, green, blue = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, sat = colorsys.rgb_to_hls(red, green, blue)
    light = light * (1 + tint) if tint < 0 else light * (1 - tint) + tint
    red, green, blue = colorsys.hls_to_rgb(hue, min(max(light, 0.0), 1.0), sat)
    return "".join(f"{round(part * 255):02X}" for part in (red, green, blue))
