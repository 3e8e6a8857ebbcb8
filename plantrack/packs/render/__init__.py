"""The three outputs of a pack, all rendered from the same snapshot (see packs/snapshot.py)."""

from __future__ import annotations

from django.utils.text import slugify

from plantrack.core.text import clean_text

FORMATS = {
    "pdf": ("application/pdf", "PDF"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
}


def _clean(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def render(snapshot: dict, fmt: str, *, draft: bool = False) -> bytes:
    """The pack in one format; ``draft`` marks every page as a draft."""
    # Text stored before input was cleaned may hold control characters, which python-docx
    # refuses (and openpyxl too): cleaned here once, for the three formats alike.
    snapshot = _clean(snapshot)
    # Each renderer is imported when asked for, for start-up cost: WeasyPrint, python-docx and
    # openpyxl load in about a second, which web requests never need.
    if fmt == "pdf":
        from plantrack.packs.render.pdf import render_pdf

        return render_pdf(snapshot, draft=draft)
    if fmt == "docx":
        from plantrack.packs.render.docx import render_docx

        return render_docx(snapshot, draft=draft)
    if fmt == "xlsx":
        from plantrack.packs.render.xlsx import render_xlsx

        return render_xlsx(snapshot, draft=draft)
    raise ValueError(f"Unknown format “{fmt}”: choose pdf, docx or xlsx.")


def file_name(snapshot: dict, fmt: str, *, draft: bool = False) -> str:
    body = snapshot["body"]
    name = slugify(f"{body['short_name'] or body['name']} {snapshot['period']}")[:80] or "pack"
    return f"{name}{'-draft' if draft else ''}.{fmt}"
