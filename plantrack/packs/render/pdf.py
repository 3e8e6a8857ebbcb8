"""The pack as a PDF: an HTML template with print CSS (A4, page numbers in the footer, a cover
page, h1–h3 headings, tables with header rows, the SVG charts inline), made into a tagged
PDF/UA-1 file by WeasyPrint, with the document's language and title set from the HTML. The page
set-up and the writing are core's (core/pdf.py, core/templates/pdf/base.html), which the
self-assessment report shares."""

from __future__ import annotations

from django.template.loader import render_to_string

from plantrack.core.pdf import css_string, write_pdf
from plantrack.packs.render import common


def registers(part: dict, in_exceptions: set[int]) -> list[dict]:
    """The part's sections, each with the actions that are not already in the exceptions
    (``others``) and how many are (``excepted``): in the PDF each action is shown once."""
    return [
        {
            "title": section["title"],
            "total": len(section["actions"]),
            "others": [a for a in section["actions"] if a["id"] not in in_exceptions],
            "excepted": sum(1 for a in section["actions"] if a["id"] in in_exceptions),
        }
        for section in part["sections"]
    ]


def pack_html(snapshot: dict, *, draft: bool = False) -> str:
    in_exceptions = {e["action_id"] for e in snapshot["exceptions"] if e.get("action_id")}
    parts = [
        {
            **part,
            "delivery_rows": common.delivery_rows(part["delivery"]),
            "registers": registers(part, in_exceptions),
        }
        for part in snapshot["parts"]
    ]
    context = {
        "s": {**snapshot, "parts": parts},
        "draft": draft,
        "many_parts": len(parts) > 1,
        "header": css_string(
            f"{snapshot['body']['short_name'] or snapshot['body']['name']} · {snapshot['period']}"
        ),
        "meeting_line": common.meeting_line(snapshot),
        "summary_rows": common.summary_rows(snapshot),
        "quarter_columns": common.QUARTER_COLUMNS,
        "action_columns": common.ACTION_COLUMNS,
        "exception_columns": common.EXCEPTION_COLUMNS,
        "measure_columns": common.MEASURE_COLUMNS,
        "budget_columns": common.BUDGET_COLUMNS,
        "decision_columns": common.DECISION_COLUMNS,
    }
    return render_to_string("packs/pdf/pack.html", context)


# Long lists of actions are most of a pack, and WeasyPrint lays out every table row at some
# 7 ms: each action is shown once (the exceptions, then the rest by section), the tables have
# fixed column widths (no measuring pass) and no inline elements in their cells (a RAG is a
# coloured cell, not a badge), the measure charts are small multiples that mark only their
# latest reading, and long texts are cut (the Word and Excel files have them in full).
# `make bench` times it (pack_pdf).


def render_pdf(snapshot: dict, *, draft: bool = False) -> bytes:
    return write_pdf(pack_html(snapshot, draft=draft))
