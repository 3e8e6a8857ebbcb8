"""Word documents (.docx): every table, in document order, and the paragraphs around them.

python-docx opens the package; the body is then walked as XML, because python-docx's own
views skip text in tracked insertions and content controls, and its cell grid can fail on
the irregular merges that real action plans are full of.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError

from plantrack.imports.readers.common import (
    ZIP_ERRORS,
    CellBudget,
    clean_text,
    one_line,
    tidy_rows,
)
from plantrack.imports.tables import Cell, Document, ImportFailed, Limits, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

# What python-docx raises on a damaged or unexpected package (ValueError: not a Word content
# type, e.g. a macro-enabled .docm; SyntaxError covers lxml's XML errors).
_LOAD_ERRORS = (*ZIP_ERRORS, PackageNotFoundError, KeyError, SyntaxError)

# A heading is a title line, not a sentence of narrative.
HEADING_MAX_CHARS = 120
# A paragraph style this large or larger is a heading's (Word's body text is 11 or 12 pt).
HEADING_MIN_POINTS = 13
# Word allows 63 columns; a bigger span is a damaged or hostile file, not a wider table.
MAX_SPAN = 64

# Containers that wrap paragraphs, tables, rows or cells without meaning anything themselves.
_WRAPPERS = {f"{W}sdt", f"{W}customXml", f"{W}sdtContent"}
_TEXT_TAGS = (f"{W}t", f"{W}tab", f"{W}ptab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen")
_OFF = {"0", "false", "off"}


@dataclass
class _Paragraph:
    text: str
    heading_like: bool
    listed: bool = False  # an item of a numbered or bulleted list


def read_docx(name: str, data: bytes, limits: Limits, budget: CellBudget) -> Document:
    try:
        package = docx.Document(io.BytesIO(data))
        body = package.element.body
    except _LOAD_ERRORS as exc:
        if isinstance(exc, ValueError) and "content type" in str(exc):
            # python-docx opens only plain documents, not .docm (macros) or .dotx (templates).
            raise ImportFailed(
                f"{name} is a macro-enabled document or a template; save it as a Word document "
                "(.docx) and upload that."
            ) from exc
        raise ImportFailed(f"{name} is damaged or is not a document Word can open.") from exc

    styles = _StyleInfo(package)
    document = Document(name=name)
    since_last_table: list[_Paragraph] = []
    table_number = 0
    for element in _children(body, {f"{W}p", f"{W}tbl"}):
        if element.tag == f"{W}p":
            text = clean_text(_paragraph_text(element))
            if text:
                heading_like = styles.heading_like(element)
                if heading_like:
                    document.heading_paragraphs.add(len(document.paragraphs))
                document.paragraphs.append(text)
                since_last_table.append(_Paragraph(text, heading_like, styles.listed(element)))
            continue
        table_number += 1
        origin = f"table {table_number}"
        rows = _table_rows(element, origin, document.warnings, budget)
        if rows:
            heading = _choose_heading(since_last_table)
            document.tables.append(
                Table(
                    rows=rows,
                    origin=origin,
                    heading=heading,
                    after_paragraphs=len(document.paragraphs),
                )
            )
        else:
            document.warnings.append(f"Skipped {origin}: it is empty.")
        since_last_table = []
    return document


def _children(parent: Any, tags: set[str]) -> Iterator[Any]:
    """The children of parent with one of tags, looking through content controls."""
    for child in parent:
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tags)


def _paragraph_text(paragraph: Any) -> str:
    parts: list[str] = []
    for element in paragraph.iter(*_TEXT_TAGS):
        if _in_text_box(element, paragraph):
            continue
        tag = element.tag
        if tag == f"{W}t":
            parts.append(element.text or "")
        elif tag in (f"{W}tab", f"{W}ptab"):
            parts.append("\t")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        else:  # w:br, w:cr: a soft line break
            parts.append("\n")
    return "".join(parts)


def _in_text_box(element: Any, paragraph: Any) -> bool:
    # Text boxes float beside the text (and their fallback copies would repeat it): their
    # paragraphs are not part of this one.
    parent = element.getparent()
    while parent is not None and parent is not paragraph:
        if parent.tag in (f"{W}txbxContent", MC_FALLBACK):
            return True
        parent = parent.getparent()
    return False


def _choose_heading(paragraphs: list[_Paragraph]) -> str | None:
    """The paragraph that names the table: the nearest short heading-like one, or list item
    that reads as a title ("Prevention", numbered, then a sentence introducing the table),
    else the last if short."""
    for paragraph in reversed(paragraphs):
        if len(paragraph.text) >= HEADING_MAX_CHARS:
            continue
        if paragraph.heading_like or (paragraph.listed and _title_like(paragraph.text)):
            return one_line(paragraph.text)
    if paragraphs and len(paragraphs[-1].text) < HEADING_MAX_CHARS:
        return one_line(paragraphs[-1].text)
    return None


def _title_like(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 10 and not text.rstrip().endswith((".", ":", ";", ",", "?"))


def _table_rows(
    table: Any, origin: str, warnings: list[str], budget: CellBudget
) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    # The fill of the cell that starts a vertical merge, by grid column, for its repeats.
    column_fill: dict[int, str | None] = {}
    nested = 0
    for tr in _children(table, {f"{W}tr"}):
        cells: list[Cell] = [Cell("") for _ in range(_row_count(tr, "gridBefore"))]
        for tc in _children(tr, {f"{W}tc"}):
            span = _grid_span(tc)
            if _continues_merge(tc):
                # Word keeps a vertically merged cell's text in its first cell only.
                fill = column_fill.get(len(cells))
                cells.extend(Cell("", fill=fill, merged=True) for _ in range(span))
                continue
            text_lines: list[str] = []
            for block in _children(tc, {f"{W}p", f"{W}tbl"}):
                if block.tag == f"{W}p":
                    text_lines.append(_paragraph_text(block))
                else:
                    nested += 1
                    text_lines.extend(_nested_table_lines(block))
            fill = _shading(tc)
            for column in range(len(cells), len(cells) + span):
                column_fill[column] = fill
            cells.append(Cell(clean_text("\n".join(text_lines)), fill=fill))
            cells.extend(Cell("", fill=fill, merged=True) for _ in range(span - 1))
        cells.extend(Cell("") for _ in range(_row_count(tr, "gridAfter")))
        budget.spend(len(cells))
        rows.append(cells)
    if nested:
        warnings.append(
            f"{origin.capitalize()} has {nested} table(s) inside its cells; their text was "
            "kept as lines of the cell that holds them."
        )
    return tidy_rows(rows)


def _nested_table_lines(table: Any) -> list[str]:
    lines = []
    for paragraph in table.iter(f"{W}p"):
        lines.append(_paragraph_text(paragraph))
    return lines


def _properties(tc: Any) -> Any:
    return tc.find(f"{W}tcPr")


def _int_attr(element: Any, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(f"{W}val", default))
    except ValueError:
        return default


def _grid_span(tc: Any) -> int:
    props = _properties(tc)
    span = _int_attr(props.find(f"{W}gridSpan") if props is not None else None, 1)
    return min(max(span, 1), MAX_SPAN)


def _row_count(tr: Any, tag: str) -> int:
    props = tr.find(f"{W}trPr")
    count = _int_attr(props.find(f"{W}{tag}") if props is not None else None, 0)
    return min(max(count, 0), MAX_SPAN)


def _continues_merge(tc: Any) -> bool:
    """True for the second and later cells of a vertical (or legacy horizontal) merge."""
    props = _properties(tc)
    if props is None:
        return False
    for tag in ("vMerge", "hMerge"):
        merge = props.find(f"{W}{tag}")
        # <w:vMerge/> without a value continues the merge; "restart" starts one.
        if merge is not None and merge.get(f"{W}val", "continue") != "restart":
            return True
    return False


def _shading(tc: Any) -> str | None:
    props = _properties(tc)
    shading = props.find(f"{W}shd") if props is not None else None
    if shading is None or shading.get(f"{W}val") == "nil":
        return None
    # A "solid" pattern paints the pattern colour over the whole cell; otherwise it's the fill.
    colour = shading.get(f"{W}color") if shading.get(f"{W}val") == "solid" else None
    colour = colour or shading.get(f"{W}fill")
    if colour and re.fullmatch(r"[0-9A-Fa-f]{6}", colour):
        return colour.upper()
    return None  # "auto" or missing


class _StyleInfo:
    """Which paragraph styles are headings or bold, by style id."""

    def __init__(self, package: Any) -> None:
        self.heading_ids: set[str] = set()
        self.bold_ids: set[str] = set()
        self.list_ids: set[str] = set()
        try:
            styles = list(package.styles)
        except (KeyError, ValueError, SyntaxError):
            return
        for style in styles:
            names = []
            bold = False
            current, depth = style, 0
            # Custom styles are often based on "Heading 2"; follow the chain a little way.
            size = None
            while current is not None and depth < 10:
                names.append((current.name or "").lower())
                font = getattr(current, "font", None)
                bold = bold or bool(font is not None and font.bold)
                if size is None and font is not None and font.size is not None:
                    size = font.size.pt
                current, depth = getattr(current, "base_style", None), depth + 1
            if any(n.startswith("heading") or n in ("title", "subtitle") for n in names):
                self.heading_ids.add(style.style_id)
            elif size is not None and size >= HEADING_MIN_POINTS:
                # A style of its own whose text is larger than the body's ("Plan Theme",
                # 14 pt): a heading, though not named or bold as one.
                self.heading_ids.add(style.style_id)
            if any(n.startswith("list") for n in names):
                self.list_ids.add(style.style_id)
            if bold:
                self.bold_ids.add(style.style_id)

    def listed(self, paragraph: Any) -> bool:
        """An item of a list: numbered in place, or in a list style ("List Number")."""
        props = paragraph.find(f"{W}pPr")
        if props is None:
            return False
        if props.find(f"{W}numPr") is not None:
            return True
        style = props.find(f"{W}pStyle")
        return style is not None and style.get(f"{W}val") in self.list_ids

    def heading_like(self, paragraph: Any) -> bool:
        props = paragraph.find(f"{W}pPr")
        style_id = None
        if props is not None:
            if props.find(f"{W}outlineLvl") is not None:
                return True
            style = props.find(f"{W}pStyle")
            style_id = style.get(f"{W}val") if style is not None else None
        if style_id in self.heading_ids:
            return True
        return self._all_bold(paragraph, style_id in self.bold_ids)

    @staticmethod
    def _all_bold(paragraph: Any, style_bold: bool) -> bool:
        runs_with_text = 0
        for run in paragraph.iter(f"{W}r"):
            if not "".join(t.text or "" for t in run.iter(f"{W}t")).strip():
                continue
            runs_with_text += 1
            props = run.find(f"{W}rPr")
            bold = props.find(f"{W}b") if props is not None else None
            if bold is None and not style_bold:
                return False
            if bold is not None and bold.get(f"{W}val", "true").lower() in _OFF:
                return False
        return runs_with_text > 0
