"""Build the reader tests' files in code, so that no binary fixture lives in the repo."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import openpyxl
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from fpdf import FPDF, FontFace
from openpyxl.styles import Color, PatternFill


def _save_workbook(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build_xlsx() -> bytes:
    """A plan sheet (title rows, merged section, dates, numbers, fills), a second and a hidden."""
    book = openpyxl.Workbook()
    plan = book.active
    plan.title = "Youth Plan"
    plan["A1"] = "Youth Strategy Action Plan 2025"
    plan.append([])
    plan.append(["Ref", "Action", "Owner", "Due", "RAG", "Done"])  # the header, on row 3
    plan.append(["Intelligence"])
    plan.merge_cells("A4:F4")
    # Excel cells hold naive date-times (no zone): what a real workbook gives.
    plan.append(
        ["YC/1", "Develop policy\nPublish notice", "DCI Smith", dt.datetime(2025, 3, 31), "", 5]  # noqa: DTZ001
    )
    plan.append(["YC/2", "  Track   offenders ", "Cdr Given", dt.date(2025, 6, 30), "", 2.5])
    plan.append(["YC/3", "Late meeting", "Insp Jones", dt.datetime(2025, 4, 1, 14, 30), "", 0.25])  # noqa: DTZ001
    plan["E5"].fill = PatternFill("solid", fgColor="FF0000")
    plan["E6"].fill = PatternFill("solid", fgColor=Color(theme=4))
    plan["E7"].fill = PatternFill("solid", fgColor=Color(indexed=3))
    plan["F7"].number_format = "0%"
    plan["B6"].fill = PatternFill("gray125", fgColor="00FF00")  # not solid: no colour

    diversion = book.create_sheet("Diversion")
    diversion.append(["Ref", "Action"])
    diversion.append(["D/1", "Refer to the youth offending team"])
    diversion["H40"] = None  # touched but empty: must be trimmed away

    hidden = book.create_sheet("Lookups")
    hidden.append(["Red", "Amber", "Green"])
    hidden.sheet_state = "hidden"
    book.create_sheet("Blank")
    return _save_workbook(book)


def build_xlsx_far_row() -> bytes:
    """A sheet whose dimension claims every row Excel has: a value in A1 and in A1048576."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Ref"
    sheet["B1"] = "Action"
    sheet["A1048576"] = "the very last row"
    return _save_workbook(book)


def build_xlsx_rows(count: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for number in range(count):
        sheet.append([f"A/{number}"])
    return _save_workbook(book)


def _shade(cell: object, colour: str) -> None:
    props = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    props.append(shading)


def build_docx() -> bytes:
    """A title, a heading "Intelligence", then a plan table with merges, bullets and shading."""
    document = docx.Document()
    document.add_heading("MPS Youth Strategy Action Plan", level=0)
    document.add_paragraph("This plan is reviewed every quarter by the partnership board.")
    document.add_heading("Intelligence", level=2)
    document.add_paragraph("")  # an empty paragraph between heading and table is ignored

    table = document.add_table(rows=5, cols=4)
    for cell, text in zip(table.rows[0].cells, ["Ref", "Action", "Owner", "RAG"], strict=True):
        cell.text = text
    section = table.cell(1, 0).merge(table.cell(1, 3))
    section.text = "INTELLIGENCE"

    table.cell(2, 0).text = "YC/INT/1"
    action = table.cell(2, 1)
    action.text = "Create a policy"
    action.add_paragraph("Develop training")
    action.add_paragraph("Publish notice", style="List Bullet")
    action.add_paragraph("Brief the boroughs", style="List Bullet")
    owner = table.cell(2, 2).merge(table.cell(3, 2))  # vertical merge over two actions
    owner.text = ""
    run = owner.paragraphs[0].add_run("DCI Smith")
    run.add_break()  # a soft line break inside one paragraph
    owner.paragraphs[0].add_run("(47113)")
    table.cell(2, 3).text = "Red"
    _shade(table.cell(2, 3), "ff0000")
    _shade(table.cell(3, 3), "auto")

    table.cell(3, 0).text = "YC/INT/2"
    table.cell(3, 1).text = "Track offenders"
    nested = table.cell(3, 1).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "Milestone A"
    nested.cell(0, 1).text = "Milestone B"
    # Row 5 stays empty: readers drop it.

    document.add_paragraph("Approved by the board.")
    second = document.add_table(rows=2, cols=2)
    second.cell(0, 0).text = "Ref"
    second.cell(0, 1).text = "Action"
    second.cell(1, 0).text = "YC/PRE/1"
    second.cell(1, 1).text = "Prevent"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class _RunningPDF(FPDF):
    def header(self) -> None:
        self.set_font("helvetica", size=9)
        self.cell(0, 6, "OFFICIAL", align="C", new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("helvetica", size=9)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")


def build_pdf(rows: int = 22) -> bytes:
    """A plan table that runs onto page 2 (its header repeated), with running header/footer."""
    pdf = _RunningPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.cell(0, 8, "Youth Strategy Action Plan", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, "The partnership will review this plan every quarter. " * 3)
    pdf.ln(2)
    pdf.cell(0, 8, "Intelligence", new_x="LMARGIN", new_y="NEXT")
    red = FontFace(fill_color=(255, 0, 0))
    with pdf.table(repeat_headings=1) as table:
        header = table.row()
        for text in ("Ref", "Action", "Owner", "RAG"):
            header.cell(text)
        for number in range(1, rows + 1):
            row = table.row()
            row.cell(f"YC/{number}")
            row.cell(f"Action number {number}\nwith a second line")
            row.cell("DCI Smith")
            row.cell("R" if number == 1 else "G", style=red if number == 1 else None)
    return bytes(pdf.output())


def build_text_pdf() -> bytes:
    """A PDF of narrative text only: no table."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(
        0,
        6,
        "Community safety matters to everyone in the borough. The partnership board meets "
        "each quarter to review progress, and its members report on their agencies' work. "
        "Residents can raise concerns at ward panels, which set local priorities for the "
        "neighbourhood teams. Those priorities feed the strategic assessment each year.",
    )
    pdf.ln(4)
    pdf.multi_cell(0, 6, "Community safety matters to everyone in the borough. " * 8)
    return bytes(pdf.output())


def build_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def build_zip_bomb(size: int) -> bytes:
    """An "xlsx" whose one sheet is size bytes of zeros: tiny packed, huge unpacked."""
    return build_zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(size)})


def mark_zip_encrypted(data: bytes) -> bytes:
    """Set the "encrypted" flag on every member, as a password-protected zip has it.

    Python's zipfile can't write encrypted zips, and only the flag matters to the readers.
    """
    patched = bytearray(data)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = patched.find(signature)
        while start != -1:
            patched[start + flag_offset] |= 0x01
            start = patched.find(signature, start + 4)
    return bytes(patched)


def build_xlsx_huge_merge() -> bytes:
    """A workbook whose sheet merges every cell Excel has: a few bytes, billions of cells."""
    book = openpyxl.Workbook()
    book.active["A1"] = "Ref"
    source = zipfile.ZipFile(io.BytesIO(_save_workbook(book)))
    members = {info.filename: source.read(info) for info in source.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"</sheetData>",
        b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
    )
    return build_zip(members)


def build_pdf_encrypted() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.cell(0, 8, "A secret plan")
    pdf.set_encryption(owner_password="owner", user_password="secret")
    return bytes(pdf.output())


def build_pdf_borderless() -> bytes:
    """A table drawn without ruling lines, as many exported plans are."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.cell(0, 8, "Prevention", new_x="LMARGIN", new_y="NEXT")
    rows = [
        ["#", "Recommendation", "Owner", "Date"],
        ["8", "Reinforce safer roads", "SNT Ch Insps", "Ongoing"],
        ["9", "Refocus problem solving", "PSST Supt", "Nov 22"],
        ["10", "Review youth engagement", "PSST Supt", "Dec 22"],
    ]
    with pdf.table(borders_layout="NONE", col_widths=(20, 70, 40, 30), width=160) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)
    return bytes(pdf.output())
