"""PDFs: pdfplumber's tables, page by page, and the text lines outside them.

A table that runs over several pages comes back as several Tables (the structure stage joins
them). Running page headers and footers are dropped, since they would otherwise look like
titles and headings on every page.
"""

from __future__ import annotations

import contextlib
import io
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from plantrack.imports.readers.common import CellBudget, clean_text, one_line, tidy_rows
from plantrack.imports.tables import Cell, Document, ImportFailed, Limits, Table

# pdfplumber wraps most pdfminer errors in PdfminerException, but not all of them.
_PDF_ERRORS = (
    PdfminerException,
    MalformedPDFException,
    PSException,
    zlib.error,
    KeyError,
    ValueError,
    TypeError,
    EOFError,
    OSError,
)

_PAGE_NUMBER = re.compile(r"^page\s*\d+(\s*(of|/)\s*\d+)?$", re.IGNORECASE)
# Lines this near the top or bottom of a page are where running headers and footers live.
_EDGE_LINES = 2
# A filled box (x0, top, x1, bottom) and its colour.
_Fill = tuple[tuple[float, ...], str]
_TEXT_STRATEGY = {"vertical_strategy": "text", "horizontal_strategy": "text"}


@dataclass
class _Line:
    text: str
    top: float
    bottom: float


@dataclass
class _FoundTable:
    rows: list[list[Cell]]
    top: float
    bottom: float
    by_alignment: bool  # found from text alignment, not ruling lines


@dataclass
class _Page:
    number: int
    tables: list[_FoundTable] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)  # outside tables, top to bottom


def read_pdf(name: str, data: bytes, limits: Limits, budget: CellBudget) -> Document:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except _PDF_ERRORS as exc:
        raise ImportFailed(_open_error(name, exc)) from exc

    pages: list[_Page] = []
    try:
        for page in pdf.pages:
            pages.append(_read_page(page, budget))
            # pdfplumber caches every page's objects; a long PDF would keep them all.
            page.close()
    except _PDF_ERRORS as exc:
        raise ImportFailed(f"{name} is damaged and could not be read as a PDF.") from exc
    finally:
        _close(pdf)

    running = _running_lines(pages)
    document = Document(name=name)
    for read in pages:
        _add_page(document, read, running)
    if not document.tables:
        document.warnings.append("No tables found in the PDF.")
    return document


def _close(pdf: Any) -> None:
    # Not "with pdf:": closing walks the pages again, and on a damaged file that raises
    # anew, which would replace the clear message we are raising.
    with contextlib.suppress(*_PDF_ERRORS):
        pdf.close()


def _open_error(name: str, exc: Exception) -> str:
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, PDFEncryptionError):
        return f"{name} is password-protected; remove the password and upload it again."
    return f"{name} is damaged or is not a PDF that can be read."


def _read_page(page: Any, budget: CellBudget) -> _Page:
    result = _Page(number=page.page_number)
    found = page.find_tables()
    by_alignment = False
    if not found:
        # Tables drawn without ruling lines: only trust ones with gutters between columns.
        found = [t for t in page.find_tables(_TEXT_STRATEGY) if _clean_columns(page, t)]
        by_alignment = True
    found.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    fills = _filled_rects(page)
    for table in found:
        rows = _table_rows(table, fills)
        budget.spend(sum(len(row) for row in rows))
        result.tables.append(_FoundTable(rows, table.bbox[1], table.bbox[3], by_alignment))

    boxes = [table.bbox for table in found]

    def outside_tables(obj: dict[str, Any]) -> bool:
        return obj.get("object_type") != "char" or not any(_centre_in(obj, box) for box in boxes)

    for line in page.filter(outside_tables).extract_text_lines():
        text = one_line(line["text"])
        if text:
            result.lines.append(_Line(text, line["top"], line["bottom"]))
    return result


def _table_rows(table: Any, fills: list[_Fill]) -> list[list[Cell]]:
    rows = []
    for texts, row in zip(table.extract(), table.rows, strict=False):
        cells = []
        for text, box in zip(texts, row.cells, strict=False):
            if text is None:
                # pdfplumber gives None where a cell spanning from the left covers the grid.
                cells.append(Cell("", merged=True))
            else:
                cells.append(Cell(clean_text(text), fill=_fill_at(box, fills)))
        rows.append(cells)
    return rows


def _clean_columns(page: Any, table: Any) -> bool:
    """A table found by text alignment is real only if its columns have gutters.

    Left-aligned prose lines up at word starts too; there, a "column" boundary falls in a
    word (or just after one, at a word space), while a real table leaves a wider gap.
    """
    rows = table.extract()
    if len([row for row in rows if sum(1 for text in row if text) >= 2]) < 2:
        return False
    edges = {box[0] for row in table.rows for box in row.cells if box}
    inner = [x for x in edges if table.bbox[0] + 1 < x < table.bbox[2] - 1]
    for word in page.within_bbox(table.bbox, strict=False).extract_words():
        gutter = 0.4 * (word["bottom"] - word["top"])  # a word space is about 0.28 em
        if any(word["x0"] + 1 < x < word["x1"] + gutter for x in inner):
            return False
    return True


def _centre_in(obj: dict[str, Any], box: tuple[float, ...]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _filled_rects(page: Any) -> list[_Fill]:
    rects: list[_Fill] = []
    for rect in page.rects:
        if not rect.get("fill"):
            continue
        colour = _hex_colour(rect.get("non_stroking_color"))
        # White is the paper: a white box behind a cell is no colour.
        if colour is not None and colour != "FFFFFF":
            rects.append(((rect["x0"], rect["top"], rect["x1"], rect["bottom"]), colour))
    return rects


def _fill_at(box: tuple[float, ...] | None, fills: list[_Fill]) -> str | None:
    """The colour of the smallest filled box under the cell's centre that is cell-sized."""
    if box is None or not fills:
        return None
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    area = max((box[2] - box[0]) * (box[3] - box[1]), 1.0)
    best: tuple[float, str] | None = None
    for (x0, top, x1, bottom), colour in fills:
        rect_area = (x1 - x0) * (bottom - top)
        # A band behind the whole row or page is a style, not this cell's colour.
        under = x0 <= x <= x1 and top <= y <= bottom and rect_area <= 2 * area
        if under and (best is None or rect_area < best[0]):
            best = (rect_area, colour)
    return best[1] if best else None


def _hex_colour(colour: Any) -> str | None:
    if not isinstance(colour, tuple | list) or not all(isinstance(c, int | float) for c in colour):
        return None  # a pattern or an unknown colour space
    if len(colour) == 1:
        rgb = (colour[0],) * 3
    elif len(colour) == 3:
        rgb = tuple(colour)
    elif len(colour) == 4:
        c, m, y, k = colour
        rgb = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    else:
        return None
    return "".join(f"{round(min(max(float(v), 0.0), 1.0) * 255):02X}" for v in rgb)


def _line_key(text: str) -> str:
    # Page numbers change from page to page; the rest of a running line does not.
    return re.sub(r"\d+", "#", text.lower())


def _running_lines(pages: list[_Page]) -> set[str]:
    """Keys of lines that stand at the top or bottom of most pages."""
    counts: Counter[str] = Counter()
    for page in pages:
        edge = page.lines[:_EDGE_LINES] + page.lines[-_EDGE_LINES:]
        counts.update({_line_key(line.text) for line in edge})
    return {key for key, count in counts.items() if count >= 2 and count * 2 > len(pages)}


def _is_running(text: str, running: set[str]) -> bool:
    return bool(_PAGE_NUMBER.match(text)) or _line_key(text) in running


def _running_row(row: list[Cell], running: set[str]) -> bool:
    """A row holding only a running header or footer, caught inside a table's box.

    Only text with letters counts: a row whose one cell is "12" is an action number, however
    much it looks like a page number.
    """
    texts = [one_line(cell.text) for cell in row if cell.text]
    return bool(texts) and all(
        re.search(r"[^\W\d_]", text) and _is_running(text, running) for text in texts
    )


def _add_page(document: Document, page: _Page, running: set[str]) -> None:
    lines = [line for line in page.lines if not _is_running(line.text, running)]
    before_page = len(document.paragraphs)
    document.paragraphs.extend(line.text for line in lines)
    above_from = float("-inf")
    for number, found in enumerate(page.tables, start=1):
        origin = f"page {page.number} table {number}"
        rows = [row for row in found.rows if not _running_row(row, running)]
        rows = tidy_rows(rows)
        if not rows:
            continue
        # The heading is the last line between the table above (if any) and this one.
        above = [line for line in lines if above_from <= line.top and line.bottom <= found.top + 1]
        heading = above[-1].text if above else None
        # Lines run top to bottom, so those above the table are the ones before it.
        after = before_page + sum(1 for line in lines if line.bottom <= found.top + 1)
        document.tables.append(
            Table(rows=rows, origin=origin, heading=heading, after_paragraphs=after)
        )
        if found.by_alignment:
            document.warnings.append(
                f"The table on page {page.number} has no ruling lines; its columns were "
                "guessed from the text's alignment: check them."
            )
        above_from = found.bottom
