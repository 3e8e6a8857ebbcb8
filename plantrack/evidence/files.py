"""What an uploaded file is, read from its bytes, and how a kept file is sent back.

Neither the file's name nor the type the browser claims is trusted: a renamed program stays a
program. The kinds taken are PDF, Word and Excel (2007 onwards), CSV or plain text, and PNG,
JPEG, GIF and WebP images. The magic numbers are read by the ``filetype`` package; a Word or
Excel file is a zip whose parts filetype recognises only by the names of its first entries,
so the zip's own ``[Content_Types].xml`` is read too and must name the main part of a
document or workbook (which also refuses the macro-enabled .docm and .xlsm). Word 97–2003 and
Excel 97–2003 files (.doc, .xls) are refused: they are OLE containers that filetype recognises
only when the document's stream happens to come first, so not reliably; Word and Excel save
them as .docx and .xlsx.
"""

from __future__ import annotations

import codecs
import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

import filetype
from defusedxml import ElementTree
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat

from plantrack.core.text import clean_text

NAME_MAX = 255
CHUNK = 64 * 1024
# The most of [Content_Types].xml read from a document: real ones are a few kilobytes.
CONTENT_TYPES_MAX = 256 * 1024


@dataclass(frozen=True)
class FileType:
    mime: str
    extensions: tuple[str, ...]  # the first is the one a download is given
    label: str


PDF = FileType("application/pdf", (".pdf",), "PDF")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "Word"
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "Excel"
)
CSV = FileType("text/csv", (".csv",), "CSV")
TEXT = FileType("text/plain", (".txt", ".text"), "Text")
PNG = FileType("image/png", (".png",), "PNG image")
JPEG = FileType("image/jpeg", (".jpg", ".jpeg"), "JPEG image")
GIF = FileType("image/gif", (".gif",), "GIF image")
WEBP = FileType("image/webp", (".webp",), "WebP image")
TYPES = {t.mime: t for t in (PDF, DOCX, XLSX, CSV, TEXT, PNG, JPEG, GIF, WEBP)}

# What filetype calls the types taken straight from their magic numbers.
_BY_MAGIC = {t.mime: t for t in (PDF, PNG, JPEG, GIF, WEBP)}
# The main part of a document or workbook, as [Content_Types].xml names it.
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed ``check_upload``: what to keep and how to describe it."""

    upload: UploadedFile[bytes]
    name: str  # as uploaded, cleaned of paths and control characters
    type: FileType
    size: int
    sha256: str

    @property
    def mime_type(self) -> str:
        return self.type.mime


def type_label(mime_type: str) -> str:
    found = TYPES.get(mime_type)
    return found.label if found else "File"


def describe(mime_type: str, size: int) -> str:
    """ "PDF, 1.2 MB": how lists and board packs show a file."""
    return f"{type_label(mime_type)}, {filesizeformat(size)}"


def max_bytes() -> int:
    return int(settings.PLANTRACK_EVIDENCE_MAX_BYTES)


def clean_name(name: str | None) -> str:
    """The name a browser gave, without folders or control characters, at most 255
    characters (the extension kept)."""
    base = clean_text(name or "").replace("\\", "/").split("/")[-1].replace("\n", " ").strip()
    if len(base) > NAME_MAX:
        suffix = PurePosixPath(base).suffix[:20]
        base = base[: NAME_MAX - len(suffix)] + suffix
    return base or "file"


def _refusal(name: str) -> ValidationError:
    return ValidationError(f"{name} is not a PDF, Word, Excel, CSV or image file.")


def _chunks(upload: UploadedFile[bytes]) -> Iterator[bytes]:
    upload.seek(0)
    yield from upload.chunks(CHUNK)


def _ooxml_type(upload: UploadedFile[bytes]) -> FileType | None:
    """A .docx or .xlsx by its [Content_Types].xml, or None. Only that part is read (the
    zip's directory and one small member), so a zip bomb costs nothing."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > CONTENT_TYPES_MAX:
                return None
            with archive.open(info) as part:
                root = ElementTree.fromstring(part.read(CONTENT_TYPES_MAX + 1))
    # Not a zip, no such part, bad XML, or XML defusedxml refuses (entities, DTDs): each
    # with its own exception class, and each means "not a document".
    except Exception:
        return None
    main = {element.get("ContentType", "") for element in root if element.tag.endswith("}Override")}
    found = {_OOXML_MAIN[m] for m in main if m in _OOXML_MAIN}
    return found.pop() if len(found) == 1 else None


def _is_text(upload: UploadedFile[bytes]) -> bool:
    """Text: no NUL anywhere, and the whole of it decodes as UTF-8 or as Windows-1252 (what
    Excel writes a CSV in), whose five unassigned bytes are refused by Python's codec."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for chunk in _chunks(upload):
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _sniff(upload: UploadedFile[bytes], name: str) -> FileType:
    upload.seek(0)
    head = upload.read(8192)
    if head.startswith(_OLE):
        raise ValidationError(
            f"{name} is an Office 97–2003 file: save it as .docx or .xlsx and upload that."
        )
    kind = filetype.guess(head)
    if kind is not None and kind.mime in _BY_MAGIC:
        return _BY_MAGIC[kind.mime]
    if head.startswith(_ZIP):
        # Whatever filetype made of it (docx, xlsx, pptx or a plain zip), the zip's own
        # list of its parts decides.
        found = _ooxml_type(upload)
        if found is not None:
            return found
        raise _refusal(name)
    if kind is None and _is_text(upload):
        return CSV if PurePosixPath(name).suffix.lower() == ".csv" else TEXT
    raise _refusal(name)


def check_upload(upload: UploadedFile[bytes]) -> CheckedUpload:
    """The upload's type (from its bytes), size and SHA-256, or a one-line ValidationError."""
    name = clean_name(upload.name)
    limit = max_bytes()
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"{name} is empty.")
    if size > limit:
        raise ValidationError(
            f"{name} is {filesizeformat(size)}: the largest file taken is {filesizeformat(limit)}."
        )
    found = _sniff(upload, name)
    digest = hashlib.sha256()
    for chunk in _chunks(upload):
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(upload=upload, name=name, type=found, size=size, sha256=digest.hexdigest())


def download_name(original_name: str, mime_type: str) -> str:
    """The name a download is saved under: the uploaded name, ending in an extension of the
    type it really is (``evil.html`` kept as text is sent as ``evil.html.txt``)."""
    name = clean_name(original_name)
    found = TYPES.get(mime_type)
    if found is None or PurePosixPath(name).suffix.lower() in found.extensions:
        return name
    return name + found.extensions[0]


def file_response(
    file: IO[bytes], *, original_name: str, mime_type: str, size: int
) -> FileResponse:
    """A kept file, streamed as an attachment of the type read from its bytes, never shown
    inline and never sniffed by the browser. (Text is sent without a charset: it is kept as
    uploaded, UTF-8 or Windows-1252, and only saved, never shown.)"""
    response = FileResponse(
        file,
        as_attachment=True,
        filename=download_name(original_name, mime_type),
        content_type=mime_type,
    )
    response.block_size = CHUNK
    response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    return response
