"""The pack as a PDF: an HTML template with print CSS (A4, page numbers in the footer, a cover
page, h1–h3 headings, tables with header rows, the SVG charts inline), made into a tagged
PDF/UA-1 file by WeasyPrint, with the document's language and title set from the HTML."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from plantrack.packs.render import common


def css_string(text: str) -> SafeString:
    """Text safe inside a double-quoted CSS string in a <style> element (where HTML escapes
    do not apply): every character outside plain letters, digits and spaces as a CSS escape."""
    return mark_safe(
        "".join(c if (c.isalnum() and c.isascii()) or c == " " else f"\\{ord(c):x} " for c in text)
    )


def pack_html(snapshot: dict, *, draft: bool = False) -> str:
    parts = [
        {**part, "delivery_rows": common.delivery_rows(part["delivery"])}
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


# Long lists of actions are most of a pack, and WeasyPrint lays out every table cell: the
# tables have fixed column widths (no measuring pass), RAG and status share a cell, and long
# texts are cut in the PDF (the Excel file has them in full).


def render_pdf(snapshot: dict, *, draft: bool = False) -> bytes:
    # Imported here: WeasyPrint loads pango when imported, which the web pages do not need.
    import weasyprint

    document = weasyprint.HTML(string=pack_html(snapshot, draft=draft))
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
