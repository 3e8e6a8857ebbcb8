"""The read stage every importer starts with: a file or pasted text to tables of cells."""

from __future__ import annotations

from django.conf import settings

from plantrack.imports.tables import Document, ImportFailed, Limits


def limits() -> Limits:
    default = Limits()
    return Limits(
        max_upload_bytes=getattr(
            settings, "PLANTRACK_IMPORT_MAX_UPLOAD_BYTES", default.max_upload_bytes
        ),
        max_uncompressed_bytes=getattr(
            settings, "PLANTRACK_IMPORT_MAX_UNCOMPRESSED_BYTES", default.max_uncompressed_bytes
        ),
        max_rows=getattr(settings, "PLANTRACK_IMPORT_MAX_ROWS", default.max_rows),
        max_cells=default.max_cells,
    )


def read_document(name: str, data: bytes, *, is_text: bool = False) -> Document:
    """A file, or pasted (or PDF-extracted) text, read into tables of cells: the first stage of
    every importer. ImportFailed with one line for anything unreadable."""
    # Imported here for start-up cost, not to dodge a cycle: the readers load pdfplumber,
    # python-docx and openpyxl (half a second), which most requests never need.
    from plantrack.imports.readers import read_file, read_plain_text
    from plantrack.imports.readers.common import CellBudget

    if not is_text:
        return read_file(name, data, limits())
    if len(data) > limits().max_upload_bytes:
        raise ImportFailed("The pasted text is too long to import.")
    if not data.decode("utf-8", errors="replace").strip():
        raise ImportFailed("Nothing was pasted.")
    return read_plain_text(name, data, limits(), CellBudget(name, limits()))
