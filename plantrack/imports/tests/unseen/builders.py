"""Documents the importer was not tuned on, built in code (no binary fixture in the repo).

Each is a plan as another force, PCC, council or partnership might keep it, in a layout
unlike the seeds: numbered Word headings, headings in list and custom styles, a PCC
tracker with "Target" dates, a workbook whose "Target" is a number, owners and lead
organisations in columns named otherwise, a Key, a totals row and a notes row. Places,
people and agencies are invented.

The expected results (``expected/<stem>.json``) were written by hand from the rows below,
not from the importer's output. Conventions there: a cell's lines are joined by a space;
a date held as a date by a workbook (not as text) is expected as its ISO date, since the
workbook holds the day, not how it was displayed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

import docx
import openpyxl
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt, RGBColor
from fpdf import FPDF
from openpyxl.styles import Alignment, Font


@dataclass(frozen=True)
class UnseenDocument:
    name: str  # the file name given to the importer; expected/<stem>.json holds the answer
    kind: str
    build: Callable[[], bytes]
    is_text: bool = False

    @property
    def stem(self) -> str:
        return self.name.rsplit(".", 1)[0]


def _docx_bytes(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx_bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _word_table(document: docx.document.Document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for cells, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(cells.cells, values, strict=True):
            lines = value.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True


# --- 1. A CSP action plan in Word: numbered headings, a table under each, a Key ---------------

NORTHBROOK_HEADER = ["Ref", "Action", "Lead Officer", "Partners", "Timescale", "RAG"]
NORTHBROOK = {
    "1. Early Help and Prevention": [
        [
            "EH1",
            "Extend the Safer Schools Partnership to all eleven secondary schools in the borough",
            "Insp Claire Donnelly",
            "Avonshire Police, Northbrook Borough Council (Education)",
            "Sept 2024",
            "G",
        ],
        [
            "EH2",
            "Commission a detached youth work offer for the Eastfield and Marsh Lane wards",
            "Head of Youth Services",
            "Northbrook Borough Council, Eastfield Youth Trust",
            "Q3 2024/25",
            "A",
        ],
        [
            "EH3",
            "Deliver knife crime awareness sessions to Year 7 and Year 8 pupils",
            "Sgt Tom Whitlock",
            "Avonshire Police",
            "March 2025",
            "G",
        ],
        [
            "EH4",
            "Review referral pathways from the Early Help Hub to the Youth Justice Service",
            "Early Help Manager",
            "Northbrook Children's Services, Northbrook Youth Justice Service",
            "Dec 2024",
            "R",
        ],
    ],
    "2. Serious Violence": [
        [
            "SV1",
            "Publish the Serious Violence Duty strategic needs assessment and response strategy",
            "Sarah Okafor, Head of Community Safety",
            "Northbrook Borough Council, Avonshire Violence Reduction Unit",
            "31 January 2025",
            "G",
        ],
        [
            "SV2",
            "Map the five night-time economy hotspots and agree a joint patrol plan for each",
            "Chief Inspector Neighbourhoods",
            "Avonshire Police, Northbrook Licensing",
            "Ongoing",
            "G",
        ],
        [
            "SV3",
            "Introduce a weapons sweep protocol for parks and open spaces",
            "Parks and Open Spaces Manager",
            "Northbrook Borough Council, Avonshire Police",
            "By Oct 24",
            "A",
        ],
    ],
    "3. Anti-Social Behaviour": [
        [
            "ASB1",
            "Run an awareness campaign on the ASB Case Review (Community Trigger) for residents",
            "ASB Team Leader",
            "Northbrook Borough Council, Northbrook Homes",
            "Q2 2024/25",
            "C",
        ],
        [
            "ASB2",
            "Roll out the new ASB case management system to Northbrook Homes",
            "Richard Hale, ASB and Enviro-Crime Manager",
            "Northbrook Homes",
            "June 2024",
            "G",
        ],
        [
            "ASB3",
            "Use the town centre Public Spaces Protection Order and review it before it expires",
            "Community Safety Manager",
            "Northbrook Borough Council, Avonshire Police",
            "Review by Aug 2025",
            "A",
        ],
    ],
    "4. Domestic Abuse and VAWG": [
        [
            "DA1",
            "Recommission the Independent Domestic Violence Advisor (IDVA) service",
            "Domestic Abuse Coordinator",
            "Northbrook Borough Council, OPCC for Avonshire",
            "April 2025",
            "G",
        ],
        [
            "DA2",
            "Train 200 frontline staff in the DASH risk checklist",
            "Domestic Abuse Coordinator",
            "Northbrook Safeguarding Partnership",
            "Q4 2024/25",
            "A",
        ],
        [
            "DA3",
            "Complete Domestic Homicide Review N1 and publish its action plan",
            "Sarah Okafor, Head of Community Safety",
            "Northbrook CSP",
            "TBC",
            "R",
        ],
    ],
}
NORTHBROOK_INTROS = {
    "1. Early Help and Prevention": "We will intervene early with children and families at "
    "risk of harm or of being drawn into crime.",
    "3. Anti-Social Behaviour": "ASB remains the issue residents raise most often at ward "
    "panels and in the residents' survey.",
}
KEY_ROWS = [
    ["Key", ""],
    ["G", "On track to be delivered within the timescale"],
    ["A", "Some slippage; recovery action in hand"],
    ["R", "Off track; escalated to the CSP Board"],
    ["C", "Complete"],
]


def build_northbrook_csp_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Northbrook Community Safety Partnership Action Plan 2024/25", level=0)
    document.add_paragraph(
        "This action plan sets out what the partners of the Northbrook Community Safety "
        "Partnership will do in 2024/25 to deliver the four priorities of the Partnership "
        "Plan 2024–2027. Progress is reported to the CSP Board each quarter."
    )
    for heading, rows in NORTHBROOK.items():
        document.add_heading(heading, level=1)
        if heading in NORTHBROOK_INTROS:
            document.add_paragraph(NORTHBROOK_INTROS[heading])
        _word_table(document, [NORTHBROOK_HEADER, *rows])
        if heading.startswith("3."):
            document.add_paragraph("")
            _word_table(document, KEY_ROWS)
    document.add_paragraph("Approved by the Northbrook CSP Board, 14 May 2024.")
    return _docx_bytes(document)


# --- 2. A PCC's police and crime plan delivery tracker (xlsx): "Target" dates ------------------

PCC_HEADER = [
    "Ref",
    "Priority",
    "Commitment",
    "Lead Organisation",
    "Responsible Officer",
    "Target",
    "RAG",
    "Q2 Update",
]
_JUNE_2025 = dt.datetime(2025, 6, 30)  # noqa: DTZ001 - a workbook's date cell is naive
PCC_ROWS: list[list[object]] = [
    [
        "1.1",
        "Fighting crime and ASB",
        "Put a named PCSO in every ward and publish their contact details online",
        "Avonshire Police",
        "Ch Supt Local Policing",
        "Q3 2024/25",
        "G",
        "Named PCSOs in 96 of 104 wards.",
    ],
    [
        "1.2",
        None,
        "Launch a rural crime team covering the north of the county",
        "Avonshire Police",
        "Insp Rural Crime",
        "Mar-25",
        "A",
        "Recruitment to two posts delayed.",
    ],
    [
        "1.3",
        None,
        "Fund the ASB Case Review process in all four districts",
        "OPCC",
        "Head of Commissioning",
        "By Oct 24",
        "G",
        None,
    ],
    [
        "1.4",
        None,
        "Reduce the abandonment rate of 101 calls below 10%",
        "Avonshire Police",
        "Head of Contact Management",
        _JUNE_2025,
        "R",
        "Abandonment at 17% in August.",
    ],
    [
        "2.1",
        "Supporting victims",
        "Recommission the Victim Care Hub with an enhanced service for young victims",
        "OPCC",
        "Victim Services Manager",
        "Q4 2024/25",
        "A",
        None,
    ],
    [
        "2.2",
        None,
        "Fund Independent Sexual Violence Advisers at both sexual assault referral centres",
        "OPCC",
        "Head of Commissioning",
        "Q1 2025/26",
        "G",
        None,
    ],
    [
        "2.3",
        None,
        "Publish Victims' Code compliance figures every quarter",
        "Avonshire Police",
        "Det Supt Public Protection",
        "Quarterly from Sep-24",
        "G",
        "First figures published in July.",
    ],
    [
        "2.4",
        None,
        "Set up a restorative justice service for victims of hate crime",
        "OPCC / Restorative Avonshire",
        "Partnerships Officer",
        "Dec-24",
        "R",
        None,
    ],
    [
        "3.1",
        "Safer roads",
        "Expand Community Speed Watch to 60 villages",
        "Avonshire Police",
        "Road Safety Sergeant",
        "Mar-25",
        "A",
        "41 villages active.",
    ],
    [
        "3.2",
        None,
        "Fund average speed cameras on the B3210 corridor",
        "Avonshire County Council",
        "Road Safety Team Manager",
        "Q4 2025/26",
        "G",
        None,
    ],
    [
        "3.3",
        None,
        "Run a drink and drug driving campaign over Christmas",
        "Avonshire Police",
        "Ch Insp Roads Policing",
        "Dec 2024",
        "C",
        None,
    ],
]


def build_pcc_tracker_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Delivery Tracker"
    sheet["A1"] = "Office of the Police and Crime Commissioner for Avonshire"
    sheet["A2"] = "Police and Crime Plan 2024–2028: Delivery Tracker"
    sheet["A3"] = "Position at the end of Quarter 2, 2024/25"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"].font = Font(bold=True, size=12)
    sheet.append([])
    sheet.append(PCC_HEADER)  # row 5
    for cell in sheet[5]:
        cell.font = Font(bold=True)
    first = 6
    for row in PCC_ROWS:
        sheet.append(row)
    sheet.cell(first + 3, 6).number_format = "dd/mm/yyyy"
    # The priority is written once per group, its cell merged down the group's rows.
    for top, bottom in ((6, 9), (10, 13), (14, 16)):
        sheet.merge_cells(start_row=top, start_column=2, end_row=bottom, end_column=2)
        sheet.cell(top, 2).alignment = Alignment(vertical="top", wrap_text=True)
    sheet.append([])
    sheet.append(["Key:"])
    sheet.append(["G", "On track"])
    sheet.append(["A", "Some risk to delivery"])
    sheet.append(["R", "Off track"])
    sheet.append(["C", "Complete"])
    return _xlsx_bytes(book)


# --- 3. A force's improvement programme in PDF: "Project Lead" posts, "Lead Partner" ----------

FORCE_HEADER = [
    "No.",
    "Improvement activity",
    "Project Lead",
    "Lead Partner",
    "Start",
    "End",
    "Status",
]
FORCE_WORKSTREAMS = {
    "Workstream 1: Visibility and Engagement": [
        [
            "1.1",
            "Review beat boundaries against demand and publish ward profiles",
            "Supt Neighbourhoods",
            "Avonshire Police",
            "Apr 2025",
            "Sep 2025",
            "In progress",
        ],
        [
            "1.2",
            "Deploy the mobile police station to rural market days",
            "Ch Insp Rural and Wildlife",
            "Avonshire Police",
            "May 2025",
            "Ongoing",
            "In progress",
        ],
        [
            "1.3",
            "Introduce one engagement calendar shared with the district councils",
            "Head of Corporate Communications",
            "Kingsmere District Council",
            "Jun 2025",
            "Dec 2025",
            "Not started",
        ],
        [
            "1.4",
            "Train all PCSOs in problem-oriented policing (SARA)",
            "Head of Learning and Development",
            "College of Policing",
            "Apr 2025",
            "Mar 2026",
            "In progress",
        ],
    ],
    "Workstream 2: Problem Solving and Prevention": [
        [
            "2.1",
            "Set up a problem-solving hub in each of the three local policing areas",
            "Det Supt Prevention",
            "Avonshire Police",
            "Q1 2025/26",
            "Q3 2025/26",
            "In progress",
        ],
        [
            "2.2",
            "Share ASB hotspot data with the districts every month",
            "Head of Analysis",
            "Wexcombe Borough Council",
            "Jul 2025",
            "Ongoing",
            "Not started",
        ],
        [
            "2.3",
            "Evaluate the hotspot patrol pilot with the university",
            "Det Supt Prevention",
            "University of Avonshire",
            "Sep 2025",
            "Mar 2026",
            "Not started",
        ],
        [
            "2.4",
            "Agree data sharing with fire and rescue for home safety visits",
            "Data Protection Officer",
            "Avonshire Fire and Rescue Service",
            "Jun 2025",
            "Oct 2025",
            "Complete",
        ],
    ],
}


def build_force_programme_pdf() -> bytes:
    pdf = FPDF(orientation="L")
    pdf.add_page()
    pdf.set_font("helvetica", style="B", size=14)
    pdf.cell(0, 9, "Avonshire Police", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0, 9, "Neighbourhood Policing Improvement Programme 2025/26", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(
        0,
        5,
        "The programme delivers the recommendations of the 2024 inspection of neighbourhood "
        "policing. The Programme Board, chaired by the ACC Local Policing, reviews it monthly.",
    )
    for heading, rows in FORCE_WORKSTREAMS.items():
        pdf.ln(4)
        pdf.set_font("helvetica", style="B", size=11)
        pdf.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=9)
        with pdf.table(col_widths=(12, 90, 45, 50, 22, 22, 26), text_align="LEFT") as table:
            for values in [FORCE_HEADER, *rows]:
                row = table.row()
                for value in values:
                    row.cell(value)
    return bytes(pdf.output())


# --- 4. A CSV exported from another tracker: "Lead" organisations, "Contact" people, a total ---

EXPORT_HEADER = [
    "Action ID",
    "Theme",
    "Action Title",
    "Lead",
    "Contact",
    "Due Date",
    "Status",
    "% Complete",
    "Last Updated",
]
EXPORT_ROWS = [
    [
        "HC-01",
        "Hate Crime",
        "Open third-party hate crime reporting centres in the district's libraries",
        "Kingsmere District Council",
        "Priya Nair (Community Cohesion Officer)",
        "31/12/2024",
        "On track",
        "60",
        "12/09/2024",
    ],
    [
        "HC-02",
        "Hate Crime",
        "Add hate crime awareness training to taxi licence renewals",
        "Kingsmere District Council",
        "Mark Ellery (Licensing Manager)",
        "31/03/2025",
        "On track",
        "25",
        "02/09/2024",
    ],
    [
        "HC-03",
        "Hate Crime",
        "Publish a quarterly hate crime bulletin for partners",
        "Avonshire Police",
        "PS Gareth Lloyd",
        "Quarterly",
        "Complete",
        "100",
        "30/08/2024",
    ],
    [
        "ASB-01",
        "ASB",
        "Introduce a multi-agency risk assessment for repeat victims of ASB",
        "Avonshire Police",
        "Insp Dawn Mercer",
        "30/09/2024",
        "Overdue",
        "40",
        "16/09/2024",
    ],
    [
        "ASB-02",
        "ASB",
        "Review the use of Community Protection Notices",
        "Kingsmere District Council",
        "Lucy Brennan (Environmental Health Manager)",
        "30/11/2024",
        "On track",
        "50",
        "10/09/2024",
    ],
    [
        "ASB-03",
        "ASB",
        "Buy redeployable CCTV cameras for the town centre, Harbour Road and Station Approach",
        "Kingsmere District Council",
        "Ian Fowler (CCTV Manager)",
        "31/01/2025",
        "Not started",
        "0",
        "01/08/2024",
    ],
    [
        "SV-01",
        "Serious Violence",
        "Fund a hospital youth worker in the emergency department at Kingsmere General",
        "Avonshire VRU",
        "Dr Helen Marsh (VRU Director)",
        "31/03/2025",
        "On track",
        "70",
        "11/09/2024",
    ],
    [
        "SV-02",
        "Serious Violence",
        "Extend Operation Nightguard weekend patrols to Wexcombe",
        "Avonshire Police",
        "Ch Insp Sam Oduya",
        "Ongoing",
        "On track",
        "",
        "05/09/2024",
    ],
    [
        "SV-03",
        "Serious Violence",
        "Agree an information-sharing protocol for the Serious Violence Duty",
        "Avonshire VRU",
        "Serious Violence Duty Lead",
        "31/10/2024",
        "Complete",
        "100",
        "20/08/2024",
    ],
    ["TOTAL", "", "9 actions", "", "", "", "", "49", ""],
]


def build_tracker_export_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_HEADER)
    writer.writerows(EXPORT_ROWS)
    return out.getvalue().encode("utf-8")


# --- 5. Pasted text: rows copied from Excel (tab-separated, a quoted cell of two lines) --------

PASTED_HEADER = ["No.", "Action", "Responsible Officer", "Lead Agency", "Target", "RAG", "Comments"]
PASTED_ROWS = [
    [
        "1",
        "Increase the number of IOM cohort members in settled accommodation on release",
        "IOM Manager",
        "Probation Service",
        "Q3 2024/25",
        "A",
        "Housing pathway meeting now monthly",
    ],
    [
        "2",
        "Agree a protocol with HMP Kingsmere for day-of-release appointments",
        "Head of Reducing Reoffending",
        "HMPPS",
        "Mar-25",
        "G",
        "",
    ],
    [
        "3",
        "Commission outreach from the women's centre for women on licence",
        "Commissioning Manager, OPCC",
        "OPCC for Avonshire",
        "By Oct 24",
        "G",
        "",
    ],
    [
        "4",
        "Pilot alcohol abstinence monitoring tags\nfor drink-related offenders",
        "DI Rachel Quinn",
        "Avonshire Police",
        "30/06/2025",
        "A",
        "",
    ],
    [
        "5",
        "Refresh the IOM cohort selection matrix",
        "DI Rachel Quinn",
        "Avonshire Police",
        "Q2 2024/25",
        "C",
        "Signed off at the July board",
    ],
    [
        "6",
        "Find education, training or employment places for 40 cohort members",
        "Employment Lead",
        "DWP / Probation Service",
        "March 2025",
        "R",
        "12 places so far",
    ],
    [
        "7",
        "Review drug testing on arrest with the treatment provider",
        "Substance Misuse Commissioner",
        "Avonshire County Council Public Health",
        "Ongoing",
        "G",
        "",
    ],
]


def _excel_clipboard_cell(value: str) -> str:
    """Excel puts a cell holding a line break in quotes (doubling any quote) when copying."""
    if "\n" in value or '"' in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def build_pasted_text() -> bytes:
    lines = ["Reducing Reoffending Sub-Group – Action Plan 2024/25", ""]
    lines += [
        "\t".join(_excel_clipboard_cell(v) for v in row) for row in [PASTED_HEADER, *PASTED_ROWS]
    ]
    lines += ["", "Please send updates to the CSP inbox by the 10th of each month."]
    return "\n".join(lines).encode("utf-8")


# --- 6. A council's delivery plan (xlsx): "Target" numbers, "Deadline" dates -------------------

STREETS_HEADER = [
    "Objective",
    "Action",
    "Measure",
    "Baseline",
    "Target",
    "Deadline",
    "Accountable Officer",
    "Delivery Partner",
    "Progress",
]
_MARCH_2025 = dt.datetime(2025, 3, 31)  # noqa: DTZ001 - a workbook's date cell is naive
STREETS_ROWS: list[list[object]] = [
    [
        "Reduce neighbourhood crime",
        "Fit alarms and window locks to homes in Castle ward",
        "Homes target-hardened",
        0,
        250,
        _MARCH_2025,
        "Crime Reduction Officer",
        "Avonshire Police",
        "118 homes done",
    ],
    [
        None,
        "Install ANPR cameras on the four routes into the Meadows estate",
        "Cameras live",
        0,
        4,
        "Mar-25",
        "CCTV and Control Room Manager",
        "Wexcombe Borough Council",
        None,
    ],
    [
        None,
        "Hold bike-marking events at both railway stations",
        "Bikes marked",
        120,
        600,
        "Sep-24",
        "PCSO Supervisor",
        "British Transport Police",
        "Two events held",
    ],
    [
        "Make public spaces safer for women and girls",
        "Run Walk and Talk sessions with women in the town centre",
        "Sessions held",
        3,
        12,
        "Q4 2024/25",
        "Community Safety Officer",
        "Avonshire Police",
        None,
    ],
    [
        None,
        "Improve lighting in Riverside Park and the Mill Lane underpass",
        "Lighting schemes complete",
        0,
        2,
        "30 November 2024",
        "Parks Manager",
        "Wexcombe Borough Council",
        None,
    ],
    [
        None,
        "Train night-time economy staff in Ask for Angela and bystander intervention",
        "Staff trained",
        85,
        "300 by Dec 24",
        "December 2024",
        "Licensing Manager",
        "Wexcombe Pubwatch",
        "140 trained",
    ],
    [
        "Improve public confidence",
        "Publish a You Said, We Did update after every ward panel",
        "Panels with an update",
        "0%",
        "100%",
        "Ongoing",
        "Neighbourhood Inspector",
        "Avonshire Police",
        None,
    ],
    [
        None,
        "Raise the share of residents who feel safe after dark",
        "Residents' survey: % feeling safe",
        "54%",
        "60%",
        "Survey Feb 2025",
        "Head of Community Safety",
        "Wexcombe Borough Council",
        None,
    ],
    [
        None,
        "Cut repeat burglaries",
        "Repeat victims a year",
        38,
        "Reduce by 20%",
        _MARCH_2025,
        "Crime Reduction Officer",
        "Avonshire Police",
        None,
    ],
]


def build_numeric_targets_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Delivery Plan"
    sheet["A1"] = "Wexcombe Borough Council – Safer Streets Delivery Plan 2024/25"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(STREETS_HEADER)  # row 3
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in STREETS_ROWS:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=4, min_col=6, max_col=6):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "dd/mm/yyyy"
    for top, bottom in ((4, 6), (7, 9), (10, 12)):
        sheet.merge_cells(start_row=top, start_column=1, end_row=bottom, end_column=1)
        sheet.cell(top, 1).alignment = Alignment(vertical="top", wrap_text=True)
    return _xlsx_bytes(book)


# --- 7. A VAWG delivery plan in Word: section headings in the "List Number" style -------------

VAWG_HEADER = ["Action", "Owner", "Supporting partners", "Completion date", "Success measure"]
VAWG = {
    "Prevention": [
        [
            "Deliver healthy relationships education in every secondary school through the "
            "PSHE leads' network",
            "Education Safeguarding Lead",
            "Kingsmere secondary schools, Avonshire Police",
            "July 2025",
            "All 9 schools delivering",
        ],
        [
            "Run a bystander campaign during the university's freshers' fortnight",
            "Communications Manager, Kingsmere District Council",
            "University of Avonshire Students' Union",
            "October 2024",
            "Campaign reach of 10,000",
        ],
        [
            "Add VAWG awareness to the conditions of taxi licences",
            "Licensing Manager",
            "Kingsmere District Council",
            "April 2025",
            "Condition in force",
        ],
    ],
    "Provision": [
        [
            "Extend the sanctuary scheme to private rented homes",
            "Housing Options Manager",
            "Kingsmere Housing, Avonshire Fire and Rescue Service",
            "Q4 2024/25",
            "40 homes made safe",
        ],
        [
            "Fund a specialist IDVA for older victims",
            "VAWG Commissioning Lead",
            "OPCC for Avonshire",
            "March 2025",
            "Post filled",
        ],
        [
            "Agree a pathway to specialist support for victims of stalking",
            "DS Amy Fletcher",
            "Avonshire Police, Paladin",
            "Ongoing",
            "",
        ],
    ],
    "Pursuing perpetrators": [
        [
            "Increase the use of Domestic Violence Protection Orders",
            "DCI Mark Sullivan",
            "Avonshire Police",
            "Q2 2025/26",
            "25% more than in 2023/24",
        ],
        [
            "Commission a behaviour change programme for perpetrators outside the criminal "
            "justice system",
            "VAWG Commissioning Lead",
            "OPCC for Avonshire, Kingsmere District Council",
            "Jan-25",
            "",
        ],
    ],
    "Partnership working": [
        [
            "Review the VAWG Partnership Board's terms of reference and membership",
            "Head of Community Safety",
            "All partners",
            "September 2024",
            "Terms of reference agreed",
        ],
    ],
}
VAWG_INTROS = {
    "Prevention": "Stopping abuse before it starts, by changing attitudes early.",
    "Pursuing perpetrators": "Holding perpetrators to account and changing their behaviour.",
}


def build_vawg_list_style_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Kingsmere VAWG Strategy Delivery Plan 2024–2026", level=0)
    document.add_paragraph(
        "The strategy has four themes. Each theme's actions are listed below with the officer "
        "who owns them."
    )
    for heading, rows in VAWG.items():
        # Numbered with Word's list button, not a heading style: the number is not text.
        document.add_paragraph(heading, style="List Number")
        if heading in VAWG_INTROS:
            document.add_paragraph(VAWG_INTROS[heading])
        _word_table(document, [VAWG_HEADER, *rows])
    return _docx_bytes(document)


# --- 8. A VRU delivery plan in PDF: long cells over several lines, theme rows across -----------

VRU_HEADER = ["Ref", "Activity", "Delivery lead", "Partners", "Key milestones", "Due"]
VRU = {
    "Theme 1: Early intervention": [
        [
            "VRU1.1",
            "Fund custody navigators at Kingsmere and Wexcombe custody suites to engage "
            "10 to 25 year olds arrested for violence",
            "VRU Programme Manager",
            "Avonshire Police, Pathway Youth Trust",
            "Contract awarded by May\n150 young people engaged",
            "Mar 2026",
        ],
        [
            "VRU1.2",
            "Deliver mentoring for children excluded or at risk of exclusion from school, "
            "with places in every district",
            "Education Lead, VRU",
            "Avonshire County Council",
            "Provider in place\n60 children mentored",
            "Sep 2025",
        ],
        [
            "VRU1.3",
            "Train school staff in trauma-informed practice",
            "Clinical Lead",
            "Avonshire Healthcare NHS Trust",
            "Four training days held",
            "Jul 2025",
        ],
        [
            "VRU1.4",
            "Run a summer holiday activity programme in the five wards with the highest "
            "rates of youth violence",
            "Community Programmes Officer",
            "District councils",
            "Programme published by June",
            "Aug 2025",
        ],
    ],
    "Theme 2: Data and insight": [
        [
            "VRU2.1",
            "Refresh the serious violence strategic needs assessment with emergency "
            "department and ambulance data",
            "Head of Insight",
            "Avonshire Police, NHS Avonshire ICB",
            "Data sharing agreed\nDraft to the VRU Board",
            "Jan 2026",
        ],
        [
            "VRU2.2",
            "Set up a violence data dashboard shared by all the Duty holders",
            "Senior Analyst",
            "",
            "Dashboard live",
            "Q3 2025/26",
        ],
    ],
    "Theme 3: Communities": [
        [
            "VRU3.1",
            "Award round 3 of the Community Fund to groups working with young people at risk",
            "Community Programmes Officer",
            "Avonshire Community Foundation",
            "Grants panel in October",
            "Nov 2025",
        ],
        [
            "VRU3.2",
            "Set up a youth panel to co-produce the VRU's communications",
            "Youth Participation Worker",
            "",
            "Panel recruited",
            "Ongoing",
        ],
        [
            "VRU3.3",
            "Evaluate the focused deterrence pilot in Wexcombe",
            "Research and Evaluation Lead",
            "University of Avonshire",
            "Interim report\nFinal report",
            "Mar 2026",
        ],
    ],
}


def build_vru_delivery_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", style="B", size=13)
    pdf.cell(0, 8, "Avonshire Violence Reduction Unit", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "Delivery Plan 2025/26", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("helvetica", size=9)
    with pdf.table(
        col_widths=(16, 58, 30, 32, 36, 18), text_align="LEFT", repeat_headings=1
    ) as table:
        header = table.row()
        for value in VRU_HEADER:
            header.cell(value)
        for theme, rows in VRU.items():
            table.row().cell(theme, colspan=len(VRU_HEADER))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value)
    return bytes(pdf.output())


# --- 9. A youth justice plan in Word: headings in a custom style, "Lead" before "Owner" -------

YJ_HEADER = ["No", "Action", "Lead", "Owner", "Target", "Update"]
YJ = {
    "Reducing first-time entrants": [
        [
            "1",
            "Launch an Outcome 22 deferred prosecution scheme with the police",
            "Avonshire Police",
            "Head of Youth Justice",
            "Q3 2024/25",
            "Agreed in principle at the July board.",
        ],
        [
            "2",
            "Screen every child given a community resolution for speech and language needs",
            "Northbrook Youth Justice Service",
            "Speech and Language Therapist",
            "By Oct 24",
            "",
        ],
        [
            "3",
            "Offer a Turnaround programme place to every eligible child",
            "Northbrook Youth Justice Service",
            "Prevention Team Manager",
            "March 2025",
            "",
        ],
    ],
    "Reducing reoffending": [
        [
            "4",
            "Introduce a live reoffending tracker and review it at each management board",
            "Northbrook Youth Justice Service",
            "Performance Officer",
            "Sep-24",
            "Tracker built; first review in October.",
        ],
        [
            "5",
            "Refresh the Child First practice framework and train all case managers",
            "Northbrook Youth Justice Service",
            "Operational Manager",
            "Q4 2024/25",
            "",
        ],
        [
            "6",
            "Agree an education and training offer with Northbrook College for 16 and 17 year olds",
            "Northbrook College",
            "ETE Officer",
            "July 2025",
            "",
        ],
    ],
    "Custody and resettlement": [
        [
            "7",
            "Hold a resettlement planning meeting at least 10 days before every release",
            "Northbrook Youth Justice Service",
            "Operational Manager",
            "Ongoing",
            "",
        ],
        [
            "8",
            "Agree a protocol on accommodation for children leaving custody",
            "Northbrook Children's Services",
            "Head of Service, Children in Care",
            "31/12/2024",
            "Draft with legal services.",
        ],
    ],
    "Over-represented children": [
        [
            "9",
            "Analyse disproportionality in stop and search and out-of-court disposals",
            "Avonshire Police",
            "Insp Youth Engagement",
            "Q2 2024/25",
            "",
        ],
        [
            "10",
            "Fund a mentoring scheme run by Black-led community organisations",
            "Northbrook Youth Justice Service",
            "Head of Youth Justice",
            "2025/26",
            "",
        ],
    ],
}
YJ_NOTE = "Note: progress is reported to the Youth Justice Management Board every quarter."


def build_youth_justice_custom_style_docx() -> bytes:
    document = docx.Document()
    theme = document.styles.add_style("Plan Theme", WD_STYLE_TYPE.PARAGRAPH)
    theme.base_style = document.styles["Normal"]
    theme.font.size = Pt(14)
    theme.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
    document.add_heading("Northbrook Youth Justice Plan 2024–25: Improvement Actions", level=0)
    document.add_paragraph(
        "These actions respond to the priorities agreed by the Youth Justice Management Board."
    )
    themes = list(YJ.items())
    for number, (heading, rows) in enumerate(themes, start=1):
        document.add_paragraph(heading, style="Plan Theme")
        all_rows = [YJ_HEADER, *rows]
        if number == len(themes):
            all_rows.append([YJ_NOTE, "", "", "", "", ""])
        _word_table(document, all_rows)
        if number == len(themes):
            table = document.tables[-1]
            note = table.rows[-1].cells
            merged = note[0].merge(note[-1])
            merged.text = YJ_NOTE
    return _docx_bytes(document)


# --- 10. A CSP tracker workbook: a sheet per priority, a cover sheet with a key --------------

HARBOURSIDE_HEADER = ["Action No.", "Action", "Lead", "Start date", "End date", "Status"]
HARBOURSIDE = {
    "ASB": [
        [
            "1",
            "Hold monthly multi-agency ASB problem-solving meetings for each neighbourhood",
            "ASB Coordinator",
            "Apr 2025",
            "Mar 2026",
            "On track",
        ],
        [
            "2",
            "Introduce ASB victim support through the Victim Care Hub",
            "Victim Services Manager",
            "Jun 2025",
            "Dec 2025",
            "On track",
        ],
        [
            "3",
            "Carry out environmental visual audits in the three hotspot areas",
            "Neighbourhood Sergeant, Harbourside West",
            "May 2025",
            "Jul 2025",
            "Complete",
        ],
    ],
    "Drugs and Alcohol": [
        [
            "1",
            "Target county lines activity with Operation Harbour days of action",
            "DI Serious Organised Crime",
            "Apr 2025",
            "Ongoing",
            "On track",
        ],
        [
            "2",
            "Extend the Drugs Intervention Programme to the Harbourside custody suite",
            "Substance Misuse Service Manager",
            "Sep 2025",
            "Mar 2026",
            "Not started",
        ],
        [
            "3",
            "Issue naloxone kits to housing support workers and train them in their use",
            "Public Health Principal",
            "Jul 2025",
            "Q3 2025/26",
            "At risk",
        ],
    ],
    "Exploitation": [
        [
            "1",
            "Set up a weekly exploitation triage for children reported missing",
            "Missing and Exploitation Coordinator",
            "Apr 2025",
            "Jun 2025",
            "Complete",
        ],
        [
            "2",
            "Train hotel and taxi staff to spot signs of child exploitation",
            "Child Exploitation Lead",
            "Oct 2025",
            "Feb 2026",
            "Not started",
        ],
        [
            "3",
            "Map cuckooing cases and agree a response with housing providers",
            "Insp Harbourside Neighbourhoods",
            "Jun 2025",
            "Nov 2025",
            "On track",
        ],
    ],
}


def build_harbourside_tracker_xlsx() -> bytes:
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Cover"
    cover["A1"] = "Harbourside Community Safety Partnership Action Plan 2025/26"
    cover["A1"].font = Font(bold=True, size=16)
    cover["A3"] = "Owner: Harbourside CSP Board"
    cover["A4"] = "Version 1.2, agreed 3 April 2025"
    cover["A6"] = "Status key"
    cover["A7"], cover["B7"] = "On track", "Expected to finish by the end date"
    cover["A8"], cover["B8"] = "At risk", "May miss the end date"
    cover["A9"], cover["B9"] = "Not started", "Due to start later in the year"
    cover["A10"], cover["B10"] = "Complete", "Finished"
    for name, rows in HARBOURSIDE.items():
        sheet = book.create_sheet(name)
        sheet.append(HARBOURSIDE_HEADER)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
    return _xlsx_bytes(book)


DOCUMENTS: list[UnseenDocument] = [
    UnseenDocument("northbrook_csp_plan.docx", "docx", build_northbrook_csp_docx),
    UnseenDocument("avonshire_pcc_tracker.xlsx", "xlsx", build_pcc_tracker_xlsx),
    UnseenDocument("avonshire_police_programme.pdf", "pdf", build_force_programme_pdf),
    UnseenDocument("kingsmere_tracker_export.csv", "csv", build_tracker_export_csv),
    UnseenDocument("reoffending_pasted.txt", "text", build_pasted_text, is_text=True),
    UnseenDocument("wexcombe_safer_streets.xlsx", "xlsx", build_numeric_targets_xlsx),
    UnseenDocument("kingsmere_vawg_plan.docx", "docx", build_vawg_list_style_docx),
    UnseenDocument("avonshire_vru_plan.pdf", "pdf", build_vru_delivery_pdf),
    UnseenDocument("northbrook_youth_justice.docx", "docx", build_youth_justice_custom_style_docx),
    UnseenDocument("harbourside_csp_tracker.xlsx", "xlsx", build_harbourside_tracker_xlsx),
]
