"""The guard every upload passes (readers.check_file, and read_file's own checks): a workbook
or text file that holds far more rows or cells than the limits is refused from a scan of its
bytes, before a parser spends seconds and hundreds of MB on it."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest

from plantrack.imports.readers import TEXT, XLSX, check_file, read_file
from plantrack.imports.tables import ImportFailed, Limits

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Readings" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def workbook_of_rows(count: int, *, numbered: bool) -> bytes:
    """A minimal .xlsx whose one sheet holds `count` rows of one number each, crafted as XML
    (openpyxl would take a minute to write a million rows). Unnumbered rows compress to
    almost nothing (1.2M rows: about 80 KB); numbered ones only about tenfold, so they pass
    the zip-bomb check and only a count of the rows can refuse them."""
    if numbered:
        rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in
                        range(1, count + 1))  # fmt: skip
    else:
        rows = b"<row><c><v>1</v></c></row>" * count
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + rows + b"</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def refused(work) -> tuple[str, float, int]:
    """The message work() fails with, the seconds it took and its peak traced memory."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ImportFailed) as failure:
            work()
        return str(failure.value), time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def many_numbered_rows() -> bytes:
    return workbook_of_rows(150_000, numbered=True)


def test_a_workbook_of_many_rows_is_refused_before_openpyxl_loads_it(many_numbered_rows):
    assert len(many_numbered_rows) < 2 * 1024 * 1024  # passes the size and zip-bomb checks
    message, _, peak = refused(lambda: read_file("rows.xlsx", many_numbered_rows))
    # Loading it in full took about 3 s and 100 MB before the row limit applied. The memory
    # bound shows it is refused before loading; time is not asserted (a loaded machine made
    # it flaky: speed is the benchmarks' business, docs/benchmarks.md).
    assert message == (
        "A sheet (sheet1) in rows.xlsx has more than 100,000 rows; split it or raise "
        "PLANTRACK_IMPORT_MAX_ROWS."
    )
    assert peak < 64 * 1024 * 1024


def test_check_file_applies_the_limits_and_hint_it_is_given(many_numbered_rows):
    limits = Limits(max_rows=1000)
    message, _, _ = refused(
        lambda: check_file("rows.xlsx", many_numbered_rows, limits, rows_hint="split it up")
    )
    assert message == "A sheet (sheet1) in rows.xlsx has more than 1,000 rows; split it up."
    assert check_file("ok.xlsx", workbook_of_rows(1000, numbered=True), limits) == XLSX
    assert check_file("ok.csv", b"date,value\n2024-01-01,3\n", limits) == TEXT


def test_cells_are_counted_before_loading():
    data = workbook_of_rows(50, numbered=True)
    message, _, _ = refused(lambda: check_file("cells.xlsx", data, Limits(max_cells=49)))
    assert "more than 49 cells" in message


def test_rows_without_values_do_not_count():
    # Rows that only set a height, or hold only formatted empty cells, are not rows of data.
    rows = b'<row r="1" ht="20" customHeight="1"/>' * 50 + b'<row r="60"><c r="A60" s="1"/></row>'
    data = workbook_of_rows(3, numbered=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"<sheetData>", b"<sheetData>" + rows
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    assert check_file("tall.xlsx", out.getvalue(), Limits(max_rows=3)) == XLSX


def test_a_text_file_with_an_enormous_line_is_refused_fast():
    data = b"date,value\n" + b"," * 3_000_000 + b"\n"
    message, _, peak = refused(lambda: read_file("commas.csv", data))
    assert message == "commas.csv has a line longer than 1.0 MB: it is not a table."
    assert peak < 32 * 1024 * 1024
