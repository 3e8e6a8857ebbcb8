"""Turn an uploaded file into a Document: pick the reader from the bytes, guard the limits.

The file's name is only a hint: people rename files, and browsers send whatever extension the
file had. What the bytes are decides which reader runs; the name only shapes the messages.
Every failure is an ImportFailed with one plain-English line that names the file.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import zipfile
from collections.abc import Callable

from plantrack.imports.readers.common import ZIP_ERRORS, CellBudget, display_name, one_line
from plantrack.imports.readers.delimited import decode, looks_delimited, read_delimited
from plantrack.imports.readers.pdf import read_pdf
from plantrack.imports.readers.text import read_text
from plantrack.imports.readers.word import read_docx
from plantrack.imports.readers.xlsx import ROWS_HINT, read_xlsx, scan_sheets
from plantrack.imports.tables import Document, ImportFailed, Limits

__all__ = ["check_file", "read_file", "read_plain_text"]

MB = 1024 * 1024
# A zip member that expands this much from this little is a decompression bomb, not a sheet.
BOMB_RATIO = 200
BOMB_MIN_BYTES = 10 * MB
# Office files have tens of parts, rarely hundreds.
MAX_ZIP_MEMBERS = 10_000
# A line of a table is short; a line this long is a hostile or broken file. (^ anchors at line
# starts, so the search is linear in the size of the file.)
MAX_LINE_BYTES = 1 * MB
_LONG_LINE = re.compile(rb"^[^\n]{%d}" % (MAX_LINE_BYTES + 1), re.MULTILINE)

XLSX, DOCX, PDF, TEXT = "xlsx", "docx", "pdf", "text"
_KIND_NAMES = {
    XLSX: "an Excel workbook",
    DOCX: "a Word document",
    PDF: "a PDF",
    TEXT: "a CSV file",
}
_EXTENSION_KINDS = {
    ".xlsx": XLSX,
    ".xlsm": XLSX,
    ".xls": XLSX,
    ".docx": DOCX,
    ".docm": DOCX,
    ".doc": DOCX,
    ".pdf": PDF,
    ".csv": TEXT,
    ".tsv": TEXT,
    ".txt": TEXT,
}
# What some other files start with, to say what an unreadable upload is.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"{\\rtf", "an RTF document (save it as .docx)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
)
_READERS: dict[str, Callable[[str, bytes, Limits, CellBudget], Document]] = {
    XLSX: read_xlsx,
    DOCX: read_docx,
    PDF: read_pdf,
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .xls and encrypted Office


def read_file(name: str, data: bytes, limits: Limits | None = None) -> Document:
    """Read an uploaded file into tables of cells; raise ImportFailed if it can't be read."""
    limits = limits or Limits()
    shown = display_name(name)
    document = _guarded(shown, lambda: _read(shown, data, limits))
    document.name = name
    return document


def check_file(name: str, data: bytes, limits: Limits, *, rows_hint: str = ROWS_HINT) -> str:
    """The guard for an upload that another parser will read.

    What read_file refuses before it parses anything (size, emptiness, what the bytes are, zip
    bombs, sheets with too many rows or cells, absurdly long lines) is refused here the same
    way, so every upload path shares one set of checks. Returns the kind of file: XLSX, DOCX,
    PDF or TEXT.
    """
    shown = display_name(name)

    def check() -> str:
        kind, _expected = _check(shown, data, limits)
        if kind == XLSX:
            scan_sheets(shown, data, limits, rows_hint=rows_hint)
        return kind

    return _guarded(shown, check)


def _guarded[T](shown: str, work: Callable[[], T]) -> T:
    try:
        return work()
    except ImportFailed as exc:
        message = one_line(str(exc))
        if message == str(exc):
            raise
        raise ImportFailed(message) from exc
    # The one place a broad except is deliberate: the parsing libraries raise all sorts on
    # damaged or hostile files, and the caller must only ever see ImportFailed.
    except Exception as exc:
        raise ImportFailed(f"{shown} could not be read ({type(exc).__name__}).") from exc


def _read(name: str, data: bytes, limits: Limits) -> Document:
    kind, expected = _check(name, data, limits)
    budget = CellBudget(name, limits)
    if kind == TEXT:
        extension = os.path.splitext(name)[1].lower()
        if extension in _NAMED_TABLES:
            prefer_tab = extension != ".csv"
            document = read_delimited(name, data, limits, budget, prefer_tab=prefer_tab)
        else:
            document = read_plain_text(name, data, limits, budget)
    else:
        document = _READERS[kind](name, data, limits, budget)
    if expected is not None and expected != kind:
        document.warnings.insert(
            0,
            f"{name} is really {_KIND_NAMES[kind]}, not {_KIND_NAMES[expected]}; "
            "it was read as what it is.",
        )
    return document


# Text files that say they are one table; any other text (.txt, no extension, pasted) is read
# by read_plain_text.
_NAMED_TABLES = (".csv", ".tsv", ".xls")


def read_plain_text(name: str, data: bytes, limits: Limits, budget: CellBudget) -> Document:
    """Text that does not say it is a table — a .txt file, or text pasted or given to the
    command — read the same way whichever route it came by: as a comma- (or semicolon-)
    separated table when every line is one, else as pasted text (tab-separated rows among
    paragraphs: a table copied from Word or Excel, or a document saved as text). Reading such
    text as CSV found no actions in seed 004 when uploaded and 67 when pasted."""
    text, replaced = decode(data)
    if looks_delimited(text):
        document = read_delimited(name, data, limits, budget)
    else:
        document = read_text(name, text)
        if replaced:
            document.warnings.append("Some characters could not be decoded and show as “\ufffd”.")
    return document


def _check(name: str, data: bytes, limits: Limits) -> tuple[str, str | None]:
    """The kind the bytes are and the kind the name promised, or ImportFailed."""
    if len(data) > limits.max_upload_bytes:
        raise ImportFailed(
            f"{name} is too large ({_megabytes(len(data))}; the limit is "
            f"{_megabytes(limits.max_upload_bytes)})."
        )
    if _is_blank(data):
        raise ImportFailed(f"{name} is empty.")

    extension = os.path.splitext(name)[1].lower()
    expected = _EXTENSION_KINDS.get(extension)
    kind, what = _sniff(name, data, limits)
    if kind is None:
        if expected is None:
            raise ImportFailed(
                f"{name} is not a file PlanTrack can read: it looks like {what}. Upload an Excel "
                "workbook, a Word document, a PDF or a CSV file."
            )
        raise ImportFailed(f"{name} is not {_KIND_NAMES[expected]}: it looks like {what}.")
    # Many systems export tab-separated text (or HTML) and call it .xls; the text can be read.
    if kind == TEXT and expected not in (TEXT, None) and extension != ".xls":
        raise ImportFailed(f"{name} is not {_KIND_NAMES[expected]}: it looks like plain text.")
    if kind == TEXT and _LONG_LINE.search(data):
        # No table has a line this long; the csv module would build one record of millions
        # of fields from it before any row or cell limit could look.
        raise ImportFailed(
            f"{name} has a line longer than {_megabytes(MAX_LINE_BYTES)}: it is not a table."
        )
    return kind, expected


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB"


def _is_blank(data: bytes) -> bool:
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        data = data.removeprefix(bom)
    # NUL is there for UTF-16 text whose every other byte is zero.
    return not data.strip(b" \t\r\n\f\v\x00")


def _sniff(name: str, data: bytes, limits: Limits) -> tuple[str | None, str]:
    """The kind of file the bytes are, or None and what they look like instead."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(name, data, limits)
    if b"%PDF-" in data[:1024]:
        return PDF, ""
    if data.startswith(_OLE):
        raise ImportFailed(_ole_message(name, data))
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return None, what
    head = data[:2048].lstrip(codecs.BOM_UTF8).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return None, "a web page (HTML)"
    if head.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:65536]:
            return None, "an Excel 2003 XML spreadsheet (save it as .xlsx)"
        return None, "an XML file"
    if _looks_like_text(data):
        return TEXT, ""
    return None, "binary data of an unknown kind"


def _sniff_zip(name: str, data: bytes, limits: Limits) -> tuple[str | None, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS as exc:
        raise ImportFailed(f"{name} is damaged or incomplete (not a valid zip file).") from exc
    with archive:
        _check_zip_sizes(name, infos, limits)
        names = {info.filename for info in infos}
        try:
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
        except ZIP_ERRORS as exc:
            raise ImportFailed(f"{name} is damaged or incomplete (a part can't be read).") from exc
    if b"spreadsheetml" in types or b"ms-excel.sheet" in types or "xl/workbook.xml" in names:
        if "xl/workbook.bin" in names:
            return None, "an Excel binary workbook (.xlsb; save it as .xlsx)"
        return XLSX, ""
    if b"wordprocessingml" in types or b"ms-word.document" in types:
        return DOCX, ""
    if "word/document.xml" in names:
        return DOCX, ""
    if "xl/workbook.bin" in names:
        return None, "an Excel binary workbook (.xlsb; save it as .xlsx)"
    if "ppt/presentation.xml" in names:
        return None, "a PowerPoint presentation"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return None, "an OpenDocument spreadsheet (save it as .xlsx)"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        return None, "an OpenDocument text document (save it as .docx)"
    return None, "a zip archive"


def _check_zip_sizes(name: str, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse a zip before unpacking it if its own directory says it is too big.

    The sizes in the directory bind: Python's zipfile stops at the stated size and fails the
    CRC check if a member holds more, so a member can't expand beyond what it claims here.
    """
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ImportFailed(f"{name} has too many parts ({len(infos):,}) to be an Office file.")
    if any(info.flag_bits & 0x1 for info in infos):
        raise ImportFailed(
            f"{name} is password-protected; remove the password and upload it again."
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed_bytes:
        raise ImportFailed(
            f"{name} is too large once unpacked ({_megabytes(total)}; the limit is "
            f"{_megabytes(limits.max_uncompressed_bytes)})."
        )
    for info in infos:
        expands = info.file_size / max(info.compress_size, 1)
        if expands > BOMB_RATIO and info.file_size > BOMB_MIN_BYTES:
            raise ImportFailed(
                f"{name} is not a normal Office file: one part would expand {expands:,.0f} "
                f"times to {_megabytes(info.file_size)}."
            )


def _protected(name: str) -> str:
    return f"{name} is password-protected; remove the password and upload it again."


def _ole_message(name: str, data: bytes) -> str:
    """An OLE container is an encrypted Office file or an old .doc/.xls; say which."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return _protected(name)
    if "WordDocument".encode("utf-16-le") in data:
        return (
            f"{name} is an old-style Word document (.doc); open it in Word, save it as .docx "
            "and upload that."
        )
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return (
            f"{name} is an old-style Excel workbook (.xls); open it in Excel, save it as .xlsx "
            "and upload that."
        )
    return f"{name} is an old-style Office file; save it in a current format and upload that."


def _looks_like_text(data: bytes) -> bool:
    """Text has no NUL bytes (unless UTF-16) and hardly any other control characters."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    sample = data[:65536]
    if b"\x00" in sample:
        return False
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in b"\t\n\r\f")
    return controls <= len(sample) // 100
