"""The file readers: every format to tables of cells, and every bad file to one clear line."""

from __future__ import annotations

import codecs
import io
import random
import time
import zipfile
from functools import cache

import docx
import openpyxl
import pytest
from docx.oxml import OxmlElement
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantrack.imports.readers import read_file
from plantrack.imports.tables import Cell, Document, ImportFailed, Limits, Table
from plantrack.imports.tests import fixtures_build as build

# Built once per session: the hypothesis tests reuse them hundreds of times.
xlsx_bytes = cache(build.build_xlsx)
docx_bytes = cache(build.build_docx)
pdf_bytes = cache(build.build_pdf)


def texts(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row] for row in table.rows]


def failure(name: str, data: bytes, limits: Limits | None = None) -> str:
    with pytest.raises(ImportFailed) as caught:
        read_file(name, data, limits)
    message = str(caught.value)
    assert "\n" not in message
    assert name in message
    return message


# --- Excel -----------------------------------------------------------------------------------


def test_xlsx_every_visible_sheet_is_a_table_named_after_it():
    document = read_file("plan.xlsx", xlsx_bytes())
    assert [table.heading for table in document.tables] == ["Youth Plan", "Diversion"]
    assert [table.origin for table in document.tables] == ["sheet Youth Plan", "sheet Diversion"]
    assert texts(document.tables[1]) == [
        ["Ref", "Action"],
        ["D/1", "Refer to the youth offending team"],
    ]


def test_xlsx_hidden_and_empty_sheets_are_skipped_with_a_warning():
    document = read_file("plan.xlsx", xlsx_bytes())
    assert "Skipped the hidden sheet “Lookups”." in document.warnings
    assert any("“Blank”" in warning and "empty" in warning for warning in document.warnings)


def test_xlsx_title_rows_are_kept_and_empty_rows_dropped():
    rows = texts(read_file("plan.xlsx", xlsx_bytes()).tables[0])
    assert rows[0] == ["Youth Strategy Action Plan 2025", "", "", "", "", ""]
    assert rows[1] == ["Ref", "Action", "Owner", "Due", "RAG", "Done"]  # row 3 of the sheet
    assert len(rows) == 6


def test_xlsx_merged_section_row_keeps_its_text_in_the_first_cell():
    section = read_file("plan.xlsx", xlsx_bytes()).tables[0].rows[2]
    assert section[0] == Cell("Intelligence")
    assert all(cell == Cell("", merged=True) for cell in section[1:])


def test_xlsx_values_read_as_the_user_sees_them():
    rows = texts(read_file("plan.xlsx", xlsx_bytes()).tables[0])
    assert rows[3] == ["YC/1", "Develop policy\nPublish notice", "DCI Smith", "2025-03-31", "", "5"]
    assert rows[4][1:4] == ["Track offenders", "Cdr Given", "2025-06-30"]
    assert rows[4][5] == "2.5"
    assert rows[5][3] == "2025-04-01 14:30"
    assert rows[5][5] == "25%"


def test_xlsx_solid_fills_become_colours():
    rows = read_file("plan.xlsx", xlsx_bytes()).tables[0].rows
    assert rows[3][4].fill == "FF0000"
    assert rows[4][4].fill == "4F81BD"  # theme colour accent 1 of openpyxl's default theme
    assert rows[5][4].fill == "00FF00"  # indexed colour 3 of the standard palette
    assert rows[4][1].fill is None  # a pattern that is not solid
    assert rows[3][0].fill is None


def test_xlsx_trailing_empty_columns_are_trimmed():
    diversion = read_file("plan.xlsx", xlsx_bytes()).tables[1]
    assert all(len(row) == 2 for row in diversion.rows)


def test_xlsx_sheet_claiming_a_million_rows_is_read_fast():
    data = build.build_xlsx_far_row()
    started = time.monotonic()
    document = read_file("far.xlsx", data)
    assert time.monotonic() - started < 2
    assert texts(document.tables[0]) == [["Ref", "Action"], ["the very last row", ""]]


def test_xlsx_formulas_without_saved_results_are_warned_about():
    book = openpyxl.Workbook()
    book.active.append(["Ref", "Score"])
    book.active.append(["A/1", "=1+1"])  # openpyxl saves no result, as Excel would
    out = io.BytesIO()
    book.save(out)
    document = read_file("plan.xlsx", out.getvalue())
    assert texts(document.tables[0]) == [["Ref", "Score"], ["A/1", ""]]
    assert any("1 formula cell(s) have no saved result" in w for w in document.warnings)


def test_xlsx_over_the_row_limit_fails():
    message = failure("long.xlsx", build.build_xlsx_rows(30), Limits(max_rows=20))
    assert "more than 20 rows" in message
    assert "PLANTRACK_IMPORT_MAX_ROWS" in message


def test_xlsx_over_the_cell_limit_fails():
    assert "more than 10 cells" in failure("plan.xlsx", xlsx_bytes(), Limits(max_cells=10))


def test_xlsx_merging_a_whole_sheet_is_refused_before_loading():
    started = time.monotonic()
    message = failure("merged.xlsx", build.build_xlsx_huge_merge())
    assert "merges more than" in message
    assert time.monotonic() - started < 2


# --- Word ------------------------------------------------------------------------------------


def test_docx_table_heading_is_the_heading_paragraph_before_it():
    document = read_file("plan.docx", docx_bytes())
    assert [table.heading for table in document.tables] == [
        "Intelligence",
        "Approved by the board.",  # no heading style: the last short paragraph
    ]
    assert [table.origin for table in document.tables] == ["table 1", "table 2"]


def test_docx_rows_merges_and_line_breaks():
    table = read_file("plan.docx", docx_bytes()).tables[0]
    rows = table.rows
    assert len(rows) == 4  # the empty last row is dropped
    assert texts(table)[0] == ["Ref", "Action", "Owner", "RAG"]
    assert rows[1] == [Cell("INTELLIGENCE")] + [Cell("", merged=True)] * 3  # gridSpan
    assert (
        rows[2][1].text == "Create a policy\nDevelop training\nPublish notice\nBrief the boroughs"
    )
    assert rows[2][2].text == "DCI Smith\n(47113)"  # a soft line break
    assert rows[3][2] == Cell("", merged=True)  # vMerge: the owner spans two actions


def test_docx_shading_is_the_cell_fill():
    rows = read_file("plan.docx", docx_bytes()).tables[0].rows
    assert rows[2][3] == Cell("Red", fill="FF0000")
    assert rows[3][3].fill is None  # "auto"


def test_docx_nested_table_text_stays_in_its_cell_with_a_warning():
    document = read_file("plan.docx", docx_bytes())
    assert document.tables[0].rows[3][1].text == "Track offenders\nMilestone A\nMilestone B"
    assert len(document.tables) == 2
    assert any("inside its cells" in warning for warning in document.warnings)


def test_docx_paragraphs_outside_tables_in_order():
    document = read_file("plan.docx", docx_bytes())
    assert document.paragraphs == [
        "MPS Youth Strategy Action Plan",
        "This plan is reviewed every quarter by the partnership board.",
        "Intelligence",
        "Approved by the board.",
    ]


def test_docx_table_inside_a_content_control_is_read():
    document = docx.Document(io.BytesIO(docx_bytes()))
    table = document.tables[1]._tbl
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    table.addprevious(sdt)
    sdt.append(content)
    content.append(table)
    out = io.BytesIO()
    document.save(out)
    tables = read_file("plan.docx", out.getvalue()).tables
    assert texts(tables[1]) == [["Ref", "Action"], ["YC/PRE/1", "Prevent"]]


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_table_over_two_pages_is_two_tables():
    document = read_file("plan.pdf", pdf_bytes())
    assert [table.origin for table in document.tables] == ["page 1 table 1", "page 2 table 1"]
    first, second = document.tables
    assert texts(first)[0] == texts(second)[0] == ["Ref", "Action", "Owner", "RAG"]
    assert texts(first)[1] == ["YC/1", "Action number 1\nwith a second line", "DCI Smith", "R"]
    total_actions = len(first.rows) + len(second.rows) - 2
    assert total_actions == 22
    assert first.heading == "Intelligence"
    assert second.heading is None  # only the running header stands above it


def test_pdf_running_headers_and_footers_are_dropped():
    paragraphs = read_file("plan.pdf", pdf_bytes()).paragraphs
    assert paragraphs[0] == "Youth Strategy Action Plan"
    assert "Intelligence" in paragraphs
    assert not any("Page" in line or "OFFICIAL" in line for line in paragraphs)
    assert not any("YC/" in line for line in paragraphs)  # table text is not narrative


def test_pdf_cell_fill_colour():
    first = read_file("plan.pdf", pdf_bytes()).tables[0]
    assert first.rows[1][3].fill == "FF0000"
    assert first.rows[2][3].fill is None


def test_pdf_without_tables_gives_paragraphs_and_a_warning():
    document = read_file("notes.pdf", build.build_text_pdf())
    assert document.tables == []
    assert "No tables found in the PDF." in document.warnings
    assert document.paragraphs[0].startswith("Community safety matters")


def test_pdf_table_without_ruling_lines_is_found_from_alignment():
    document = read_file("plan.pdf", build.build_pdf_borderless())
    (table,) = document.tables
    assert table.heading == "Prevention"
    assert texts(table)[0] == ["#", "Recommendation", "Owner", "Date"]
    assert ["9", "Refocus problem solving", "PSST Supt", "Nov 22"] in texts(table)
    assert any("no ruling lines" in warning for warning in document.warnings)


def test_pdf_with_a_password_fails():
    assert "password-protected" in failure("secret.pdf", build.build_pdf_encrypted())


# --- CSV -------------------------------------------------------------------------------------


def test_csv_utf8_with_bom():
    data = codecs.BOM_UTF8 + "Ref,Action\r\nA/1,Café visits\r\n".encode()
    document = read_file("plan.csv", data)
    (table,) = document.tables
    assert (table.origin, table.heading) == ("csv", None)
    assert texts(table) == [["Ref", "Action"], ["A/1", "Café visits"]]


def test_csv_windows_1252_with_semicolons():
    data = "Ref;Cost;Period\r\n1;£5,000;2024–25\r\n".encode("cp1252")
    assert data.count(b"\x96") == 1  # the en dash is one Windows-1252 byte
    (table,) = read_file("plan.csv", data).tables
    assert texts(table) == [["Ref", "Cost", "Period"], ["1", "£5,000", "2024–25"]]


def test_csv_quoted_multiline_cell_and_padding():
    data = b'Ref,Action,Owner\n1,"Publish policy\n  Train staff  ",DCI Smith\n\n2,Review\n'
    (table,) = read_file("plan.csv", data).tables
    assert texts(table) == [
        ["Ref", "Action", "Owner"],
        ["1", "Publish policy\nTrain staff", "DCI Smith"],
        ["2", "Review", ""],
    ]


def test_tab_separated_text_file():
    (table,) = read_file("plan.txt", b"Ref\tAction, with comma\n1\tDo it\n").tables
    assert texts(table) == [["Ref", "Action, with comma"], ["1", "Do it"]]


def test_csv_with_a_header_row_only_fails():
    assert failure("plan.csv", b"Ref,Action,Owner\r\n") == (
        "plan.csv has a header row but no data rows."
    )


def test_csv_of_only_whitespace_is_empty():
    assert failure("plan.csv", b"  \r\n\t\n") == "plan.csv is empty."
    assert failure("plan.csv", b",,,\n,,\n") == "plan.csv is empty."


# --- Choosing the reader and refusing bad files ------------------------------------------------


def test_the_bytes_decide_not_the_extension():
    document = read_file("plan.docx", xlsx_bytes())
    assert document.tables[0].heading == "Youth Plan"
    assert "really an Excel workbook" in document.warnings[0]
    assert document.name == "plan.docx"


def test_empty_file():
    assert failure("plan.csv", b"") == "plan.csv is empty."
    assert failure("plan.xlsx", b"") == "plan.xlsx is empty."


def test_png_renamed_docx():
    data = b"\x89PNG\r\n\x1a\n" + bytes(100)
    assert failure("report.docx", data) == (
        "report.docx is not a Word document: it looks like a PNG image."
    )


def test_text_renamed_docx():
    assert failure("report.docx", b"Ref,Action\n1,Do\n") == (
        "report.docx is not a Word document: it looks like plain text."
    )


def test_truncated_xlsx():
    data = xlsx_bytes()
    assert failure("budget.xlsx", data[: len(data) // 2]) == (
        "budget.xlsx is damaged or incomplete (not a valid zip file)."
    )


def test_zip_bomb_over_the_unpacked_limit():
    data = build.build_zip_bomb(5_000_000)
    assert len(data) < 100_000
    message = failure("bomb.xlsx", data, Limits(max_uncompressed_bytes=1_000_000))
    assert "too large once unpacked" in message


def test_zip_member_with_an_absurd_compression_ratio():
    message = failure("bomb.xlsx", build.build_zip_bomb(20 * 1024 * 1024))
    assert "not a normal Office file" in message


def test_upload_over_the_size_limit():
    message = failure("plan.csv", b"a,b\n" * 100, Limits(max_upload_bytes=100))
    assert "too large" in message


def test_random_bytes():
    data = random.Random(7).randbytes(5000)
    for name in ("noise.xlsx", "noise.bin", "noise.csv"):
        failure(name, data)


def test_password_protected_office_files():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le")
    assert "password-protected" in failure("plan.xlsx", ole)
    assert "password-protected" in failure("plan.docx", build.mark_zip_encrypted(docx_bytes()))


def test_old_word_document():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "WordDocument".encode("utf-16-le")
    assert "save it as .docx" in failure("plan.doc", ole)


def test_zip_that_is_not_an_office_file():
    data = build.build_zip({"notes.txt": b"hello"})
    assert (
        failure("plan.xlsx", data)
        == "plan.xlsx is not an Excel workbook: it looks like a zip archive."
    )


def test_a_name_with_line_breaks_still_gives_one_line():
    with pytest.raises(ImportFailed) as caught:
        read_file("plan\nname.csv", b"")
    assert str(caught.value) == "plan name.csv is empty."


# --- Nothing but ImportFailed, whatever the bytes --------------------------------------------

NAMES = st.sampled_from(["plan.csv", "plan.xlsx", "plan.docx", "plan.pdf", "plan.txt"])


def read_or_fail_cleanly(name: str, data: bytes) -> None:
    try:
        document = read_file(name, data)
    except ImportFailed as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(document, Document)


# Magic numbers that send the bytes on to a reader rather than being refused at the door.
PREFIXES = st.sampled_from(
    [b"", b"%PDF-1.7\n", b"PK\x03\x04", codecs.BOM_UTF8, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]
)


@settings(max_examples=200, deadline=None)
@given(name=NAMES, prefix=PREFIXES, data=st.binary(max_size=2000))
def test_arbitrary_bytes_raise_only_import_failed(name, prefix, data):
    read_or_fail_cleanly(name, prefix + data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["xlsx", "docx", "pdf"]),
    where=st.floats(min_value=0, max_value=1),
    noise=st.binary(min_size=1, max_size=64),
    truncate=st.booleans(),
)
def test_damaged_real_files_raise_only_import_failed(kind, where, noise, truncate):
    original = {"xlsx": xlsx_bytes, "docx": docx_bytes, "pdf": pdf_bytes}[kind]()
    at = int(where * len(original))
    data = original[:at] if truncate else original[:at] + noise + original[at + len(noise) :]
    read_or_fail_cleanly(f"plan.{kind}", data)


def test_zip_directory_is_checked_before_any_member_is_read():
    # A zip whose directory is fine but whose member data is garbage: CRC or inflate fails.
    member = random.Random(3).randbytes(3000).hex().encode()
    data = bytearray(build.build_zip({"word/document.xml": member}))
    start = data.find(b"word/document.xml") + len("word/document.xml")
    data[start + 100 : start + 120] = bytes(20)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        assert archive.namelist() == ["word/document.xml"]
    failure("plan.docx", bytes(data))
