"""HTML with print CSS made into a tagged PDF/UA-1 file by WeasyPrint: the board packs'
renderer (packs/render/pdf.py) and the self-assessment report (assessments/report.py) both
write through here, on the page set-up of ``core/templates/pdf/base.html`` (A4, Arial, page
numbers, a running header, tables with repeated header rows), so that PlanTrack's PDFs look
alike and keep the document's language and title."""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe


def css_string(text: str) -> SafeString:
    """Text safe inside a double-quoted CSS string in a <style> element (where HTML escapes
    do not apply): every character outside plain letters, digits and spaces as a CSS escape."""
    return mark_safe(
        "".join(c if (c.isalnum() and c.isascii()) or c == " " else f"\\{ord(c):x} " for c in text)
    )


def write_pdf(html: str) -> bytes:
    """The document, tagged for screen readers (PDF/UA-1)."""
    # Imported here: WeasyPrint loads pango when imported, which the web pages do not need.
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
