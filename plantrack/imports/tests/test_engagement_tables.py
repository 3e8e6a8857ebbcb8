"""Engagement registers read from documents: seed 002's Table 2, the same register as a
workbook, a CSV, a Word table and pasted text, and what is not a register."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from fpdf import FPDF

from plantrack.imports.engagement.columns import REGISTER_COLUMNS, register_field
from plantrack.imports.engagement.groups import labelled_group
from plantrack.imports.engagement.parsed import ParsedRegister
from plantrack.imports.engagement.tables import title_cell
from plantrack.imports.parsed import from_store, to_store
from plantrack.imports.pipeline import parse_bytes, parse_register_bytes
from plantrack.imports.tables import Cell, ImportFailed
from plantrack.imports.tests.test_structure import SEEDS

# Seed 002 lives beside the repository (shared/seeds), or with the demo seeds once loaded.
_DEMO_SEED = Path(__file__).resolve().parents[2] / "demo" / "seeds"
SEED_002 = next(
    (p for d in (_DEMO_SEED, SEEDS) if d is not None for p in d.glob("002_*.txt")), None
)
needs_seed_002 = pytest.mark.skipif(SEED_002 is None, reason="seed 002 is not here")

TITLE = (
    "Example of the variety of MPS Engagement Activity currently taking place across "
    "Operational Command Units (OCUs) and Boroughs (BOCUs)"
)
GROUPS = {
    "Serious Crime Directorate (SCD)": 4,
    "Diversity & Citizen Focus Directorate": 2,
    "Safer Neighbourhood Central Unit Initiatives": 2,
    "Individual Borough Based Initiatives": 10,
}
# Seed 002 writes no status, IAP2 level or dates (a register exported by PlanTrack does).
NOT_WRITTEN = {"status": None, "level": None, "start": None, "end": None}
# Four activities of seed 002 as the CLI prints them: a cell wrapped over five lines without
# a cost cell, and the three costs written (£9,000 a year; £2,500 and £1,500, no period
# written: one-off).
CROYDON = {
    "group": "Serious Crime Directorate (SCD)",
    "title": "Croydon Safer college week",
    "owner": "SCD8 Crime Reduction & Partnership Unit",
    "cost_text": None,
    "cost_gbp": None,
    "cost_period": None,
    "business_plan_link": (
        "Prevention in compliance with Reduction of gun crime through increasing awareness"
    ),
    "communities": (
        "Disproportionate amount of gun crime within the black community Age range of "
        "victim/perpetrators Impact of gun crime on young people College within gun crime "
        "hotspot Students from other gun crime boroughs"
    ),
    "aim": (
        "To discuss the work of Trident/Trafalgar To increase awareness of gun crime without "
        "raising the fear of gun crime To understand the complexities To encourage young "
        "people to make informed decisions To encourage the use of crimestoppers To discuss "
        "the legislation & inherent dangers involving use of guns To maximise community "
        "interaction"
    ),
    "method": (
        "Powerpoint presentation with audio/visual aids Distribution of literature & "
        "merchandise (Trident/Trafalgar) Q&A Session"
    ),
    **NOT_WRITTEN,
}
MYAG = {
    "group": "Diversity & Citizen Focus Directorate",
    "title": "Ongoing engagement with Met Youth Advisory Group (MYAG)",
    "owner": "Age Diversity Strand, Diversity Central Team",
    "cost_text": "£900 0 p.a",
    "cost_gbp": 9000,
    "cost_period": "year",
    "business_plan_link": "Part of Age Diversity business plan 2006/7",
    "communities": "Young people 14-25",
    "aim": (
        "To give young people a voice in policing the capital and breaking down barriers "
        "between police and young people"
    ),
    "method": (
        "Distribution of strategic and corporate consultation documents and draft MPS "
        "policies and procedures. Regular meetings and working groups"
    ),
    **NOT_WRITTEN,
}
DEAF_LINK = {
    "group": "Individual Borough Based Initiatives",
    "title": (
        "Research and implement Deaf link scheme to engage Deaf, Deafened and hard of hearing "
        "community"
    ),
    "owner": "Diversity Officer & SN teams Barnet BOCU (SX)",
    "cost_text": "£250 0",
    "cost_gbp": 2500,
    "cost_period": "one-off",
    "business_plan_link": "Reduction in crime and fear of crime",
    "communities": (
        "Deaf, Deafened and hard of hearing community. Targeted with RNID, JDA and social services"
    ),
    "aim": (
        "To increase awareness of services available. For BSL trained officers to engage "
        "with local community, breaking down barriers and building cohesion"
    ),
    "method": "Public Meeting Q&A Session with questionnaire e-mails",
    **NOT_WRITTEN,
}
THIRD_PARTY = {
    "group": "Individual Borough Based Initiatives",
    "title": (
        "3 rd party reporting scheme. Empower public to take 3PR (crime) reports and forward "
        "to police with with regards hate crime"
    ),
    "owner": "Diversity Officer & SN teams Training Unit Barnet BOCU (SX)",
    "cost_text": "£150 0",
    "cost_gbp": 1500,
    "cost_period": "one-off",
    "business_plan_link": "Reduction in crime and fear of crime",
    "communities": (
        "BME and faith community groups whom their member's respect. Local authority "
        "housing officers and housing associations. Victim Support LGBT groups"
    ),
    "aim": (
        "To enable victims of Faith, Race, LGBT, DV, Disability to report hate crimes to "
        "police via a 3 rd party as per Stephen Lawrence enquiry recommendations."
    ),
    "method": (
        "Met with some existing sites, identified training need and police trainers "
        "delivered one day courses. Expanded sites to cover all six areas of diversity."
    ),
    **NOT_WRITTEN,
}
REPRESENTATIVE = [CROYDON, MYAG, DEAF_LINK, THIRD_PARTY]
HEADER = REGISTER_COLUMNS
FIELDS = ["title", "owner", "cost_text", "business_plan_link", "communities", "aim", "method"]


def _seed_002():
    assert SEED_002 is not None
    return parse_bytes(SEED_002.name, SEED_002.read_bytes(), is_text=True)


# --- Seed 002 -------------------------------------------------------------------------------


@needs_seed_002
def test_seed_002_register_has_18_activities_in_4_groups():
    (register,) = _seed_002().to_json()["engagement"]
    assert register["title"] == TITLE
    activities = register["activities"]
    assert len(activities) == 18
    counts: dict[str, int] = {}
    for activity in activities:
        counts[activity["group"]] = counts.get(activity["group"], 0) + 1
    assert counts == GROUPS
    assert list(counts) == list(GROUPS)  # in document order
    for expected in REPRESENTATIVE:
        assert expected in activities
    assert [a["title"] for a in activities[-2:]] == [
        "Latin American Awareness Event",
        "'Get Scene, Get Heard'",
    ]


@needs_seed_002
def test_seed_002_register_warnings_name_the_costs_read_from_split_numbers():
    parsed = _seed_002()
    split = [w for w in parsed.warnings if "split by a space" in w]
    assert len(split) == 3 and all("table 2" in w for w in split)
    assert any("read as the engagement register" in w for w in parsed.warnings)
    # The register table is not read as actions too.
    titles = [a.title for p in parsed.plans for s in p.sections for a in s.actions]
    assert "Operation Quadrant" not in titles


@needs_seed_002
def test_seed_002_workplan_imports_as_a_plan_of_10_actions():
    parsed = _seed_002()
    (plan,) = parsed.plans
    actions = [a for s in plan.sections for a in s.actions]
    assert len(actions) == 10
    ctset = "Communities Together Strategic Engagement Team (CTSET)"
    cfpt = "Citizen Focus Programme Team (CFPT)"
    # The first two rows ran together with the header into one paragraph: each is one
    # action, its owner found, its text kept whole, and the preview says so.
    infrastructure, database = actions[:2]
    assert infrastructure.owner == database.owner == ctset
    for word in ("managing", "engagement", "infrastructure", "performance"):
        assert word in infrastructure.title
    for word in ("Develop and implement corporate Stakeholder", "Database"):
        assert word in database.title
    assert "Ongoing monitoring of set up and implementation of database." in database.title
    assert any("ran together into one paragraph" in w for w in parsed.warnings)
    assert [(a.title, a.owner) for a in actions[2:]] == [
        (
            "Facilitate participation in MPS engagement activities by ensuring community "
            "members have understanding of requirement of activities & have skills needed to "
            "take part.",
            cfpt,
        ),
        ("Set minimum standards around MPS engagement activity", ctset),
        (
            "Revise Consultation Web pages to provide a channel through which engagement "
            "activities can be publicised",
            cfpt,
        ),
        (
            "Ensure toolkit of methods available to MPS personnel to enable them to undertake "
            "effective consultation and engagement activity",
            ctset,
        ),
        ("Ensure effective engagement training rolled out to all relevant MPS staff", cfpt),
        (
            "Increase partnership opportunities and amount of MPS activity carried out in "
            "partnership with other London agencies",
            cfpt,
        ),
        (
            "Maximise volunteering initiatives and amount of MPS activity carried out by "
            "community members (IE14)",
            ctset,
        ),
        ("Maximise use of Community Engagement Intelligence", ctset),
    ]
    # The link to the strategy's outcomes is the cross-reference; the details, the steps.
    standards = actions[3]
    assert standards.strategy_refs == (
        "Ensures capacity for community engagement – puts standards in place to ensure the "
        "real picture matches the theory"
    )
    assert standards.milestones == [
        "Write draft minimum standards around engagement activity",
        "Consult on minimum standards",
        "Finalise minimum standards taking account of consultation findings",
        "Publish minimum standards",
    ]
    # An owner cell holding its neighbours' text: the owner, then the link it pushed out.
    toolkit = actions[5]
    assert toolkit.strategy_refs == (
        "Community engagement – ensure staff are able to use methods appropriate to situation"
    )
    assert toolkit.description is not None and "sultation and" in toolkit.description
    assert all(a.strategy_refs for a in actions[2:])


@needs_seed_002
def test_seed_002_parse_is_kept_on_the_job_whole():
    parsed = _seed_002()
    again = from_store(to_store(parsed))
    assert again.to_json() == parsed.to_json()
    assert again.engagement[0].activities[5].cost_gbp == Decimal(9000)


# --- The same register in other formats -----------------------------------------------------


def _register_rows() -> list[list[str]]:
    """The representative activities as a register is laid out: a title, then under each
    group its header and its activities; cells wrapped onto several lines, as typed in Excel."""
    rows: list[list[str]] = [[f"Table 2: {TITLE}"]]
    group = None
    for activity in REPRESENTATIVE:
        if activity["group"] != group:
            group = activity["group"]
            rows += [["Business Group Engagement Priorities:", group], HEADER]
        cells = [activity[name] or "" for name in FIELDS]
        cells[4] = cells[4].replace(" Age range", "\nAge range")
        rows.append(cells)
    return rows


def _json(data: bytes, name: str, *, is_text: bool = False) -> dict:
    (register,) = parse_bytes(name, data, is_text=is_text).to_json()["engagement"]
    return register


def test_register_from_a_workbook():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Engagement"
    for row in _register_rows():
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    register = _json(out.getvalue(), "register.xlsx")
    assert register == {"title": TITLE, "activities": REPRESENTATIVE}


def test_register_from_a_csv():
    out = io.StringIO()
    csv.writer(out).writerows(_register_rows())
    register = _json(out.getvalue().encode("utf-8"), "register.csv")
    assert register == {"title": TITLE, "activities": REPRESENTATIVE}


def test_register_from_a_word_table():
    document = docx.Document()
    document.add_paragraph(f"Table 2: {TITLE}")
    rows = _register_rows()[1:]
    table = document.add_table(rows=len(rows), cols=len(HEADER))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    register = _json(out.getvalue(), "register.docx")
    assert register == {"title": TITLE, "activities": REPRESENTATIVE}


def test_register_from_a_pdf_table():
    pdf = FPDF(orientation="L")
    pdf.add_page()
    pdf.set_font("helvetica", size=7)
    pdf.multi_cell(0, 5, f"Table 2: {TITLE}")
    with pdf.table() as table:
        header = table.row()
        for text in HEADER:
            header.cell(text)
        group = None
        for activity in REPRESENTATIVE:
            if activity["group"] != group:
                group = activity["group"]
                row = table.row()
                row.cell(f"Business Group Engagement Priorities: {group}", colspan=len(HEADER))
            row = table.row()
            for name in FIELDS:
                row.cell(activity[name] or "")
    register = _json(bytes(pdf.output()), "register.pdf")
    assert register == {"title": TITLE, "activities": REPRESENTATIVE}


def test_register_from_pasted_text():
    lines = [_register_rows()[0][0]]
    for row in _register_rows()[1:]:
        lines.append("\t".join(f'"{c}"' if "\n" in c else c for c in row))
    register = _json("\n".join(lines).encode("utf-8"), "pasted table.txt", is_text=True)
    assert register == {"title": TITLE, "activities": REPRESENTATIVE}


# --- Columns, rows and bad input ------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Priority/ Activity", "title"),
        ("Engagement activity", "title"),
        ("Initiative", "title"),
        ("Task Owner", "owner"),
        ("Lead officer", "owner"),
        ("Cost (£)", "cost"),
        ("Budget", "cost"),
        ("Link to B/OCU business plan", "business_plan_link"),
        ("Business plan link", "business_plan_link"),
        ("Communities Targeted/ Rationale", "communities"),
        ("Target audience", "communities"),
        ("Engagement Aim", "aim"),
        ("Objectives", "aim"),
        ("Engagement Method Used", "method"),
        ("How", "method"),
        ("Deadline", None),
    ],
)
def test_register_columns_by_their_words(header, field):
    assert register_field(header) == field


def _pasted(*rows: str) -> bytes:
    return "\n".join(rows).encode("utf-8")


def test_an_unreadable_cost_is_kept_as_text_with_a_warning():
    parsed = parse_bytes(
        "pasted.txt",
        _pasted(
            "Activity\tOwner\tCost\tCommunities targeted\tAim\tMethod",
            "Street briefings\tSN team\t£2k-£3k\tResidents\tHear concerns\tMeet on the street",
            "Youth forum\tYouth Service\tNil\tYoung people\tGive a voice\tMonthly meetings",
        ),
        is_text=True,
    )
    briefings, forum = parsed.to_json()["engagement"][0]["activities"]
    assert (briefings["cost_text"], briefings["cost_gbp"]) == ("£2k-£3k", None)
    assert any("“£2k-£3k” is a range" in w for w in parsed.warnings)
    assert (forum["cost_text"], forum["cost_gbp"], forum["cost_period"]) == ("Nil", 0, None)


def test_an_activity_row_with_no_title_is_reported_not_imported():
    parsed = parse_bytes(
        "pasted.txt",
        _pasted(
            "Activity\tOwner\tCost\tCommunities targeted\tAim\tMethod",
            "\tSN team\t£500\tResidents\tHear concerns\tMeet on the street",
            "Youth forum\tYouth Service\t£300\tYoung people\tGive a voice\tMonthly meetings",
            "\tCouncil\t£200\tTenants\tListen\tSurgery",
        ),
        is_text=True,
    )
    (register,) = parsed.engagement
    assert [a.title for a in register.activities] == ["Youth forum"]
    assert register.activities[0].cost_gbp == Decimal(300)
    no_title = [w for w in parsed.warnings if "an activity with no title" in w]
    assert len(no_title) == 2 and "row 2" in no_title[0] and "row 4" in no_title[1]


def test_a_register_beside_a_plan_is_not_read_as_actions():
    parsed = parse_bytes(
        "both.txt",
        _pasted(
            "Ref\tAction\tOwner\tDeadline",
            "1\tPublish the strategy\tInsp. Jones\tMarch 2025",
            "",
            "Engagement register",
            "Activity\tOwner\tAim\tMethod\tCommunities",
            "Youth forum\tYouth Service\tGive a voice\tMonthly meetings\tYoung people",
        ),
        is_text=True,
    )
    (plan,) = parsed.plans
    assert [a.title for s in plan.sections for a in s.actions] == ["Publish the strategy"]
    (register,) = parsed.engagement
    assert register.title == "Engagement register"
    assert [(a.title, a.aim) for a in register.activities] == [("Youth forum", "Give a voice")]


def test_group_rows_spanning_the_table_and_split_by_extraction():
    parsed = parse_bytes(
        "groups.txt",
        _pasted(
            "Activity\tOwner\tCost\tCommunities targeted\tAim\tMethod",
            "Business Group E\tngagement Priorit\tties:\tSafer Neighbourhoo"
            "\tl od Central Unit Initiativ\tes",
            "Key individual survey\tCentral SN Unit\t\tWard residents\tMeasure progress\tSurvey",
            "Borough initiatives",
            "Deaf link\tBarnet BOCU (SX)\t£2,500\tDeaf community\tAwareness\tPublic meeting",
        ),
        is_text=True,
    )
    (register,) = parsed.engagement
    assert [(a.group, a.title) for a in register.activities] == [
        ("Safer Neighbourhood Central Unit Initiatives", "Key individual survey"),
        ("Borough initiatives", "Deaf link"),
    ]


def test_a_plan_file_is_not_a_register_in_one_line():
    data = _pasted("Ref\tAction\tOwner", "1\tPublish the strategy\tInsp. Jones")
    with pytest.raises(ImportFailed) as failed:
        parse_register_bytes("plan.txt", data, is_text=True)
    message = str(failed.value)
    assert "No register of engagement activities was found in plan.txt" in message
    assert "\n" not in message


def test_a_file_with_neither_actions_nor_a_register_fails_in_one_line():
    with pytest.raises(ImportFailed) as failed:
        parse_bytes("notes.txt", _pasted("Minutes\tof the meeting", "Present\tAll"), is_text=True)
    assert str(failed.value) == (
        "No actions, engagement activities or checklists were found in notes.txt."
    )


def test_register_json_round_trip():
    parsed = parse_bytes(
        "r.txt",
        _pasted(
            "Activity\tOwner\tCost\tCommunities targeted\tAim\tMethod",
            "Youth forum\tYouth Service\t£2.5k pa\tYoung people\tGive a voice\tMeetings",
        ),
        is_text=True,
    )
    (register,) = parsed.engagement
    assert ParsedRegister.from_dict(register.to_dict()) == register
    assert register.activities[0].to_json()["cost_gbp"] == 2500
    assert register.activities[0].cost_period == "year"


def test_status_level_and_dates_are_read_in_a_register_s_words():
    parsed = parse_bytes(
        "r.txt",
        _pasted(
            "Activity\tAim\tMethod\tStatus\tLevel of engagement\tStart date\tEnd date",
            "Youth forum\tGive a voice\tMeetings\tOngoing\tConsultation\tApril 2025\tMarch 2026",
            "Street surgery\tHear concerns\tStalls\tComplete\tInform\t\t",
            "Ward panel\tSet priorities\tMeetings\tDone\tInvolve\t\t",
            "Open day\tMeet us\tStalls\tPostponed\tTell\t\t",
        ),
        is_text=True,
    )
    forum, surgery, panel, day = parsed.engagement[0].activities
    assert (forum.status, forum.level, forum.start, forum.end) == (
        "running",
        "consult",
        "April 2025",
        "March 2026",
    )
    assert (surgery.status, surgery.level) == ("completed", "inform")
    # A completed involvement needs its "you said, we did", which a register does not hold.
    assert (panel.status, panel.level) == ("running", "involve")
    assert (day.status, day.level) == ("", "")
    warnings = "\n".join(parsed.warnings)
    assert "row 4: completed in the document, imported as running" in warnings
    assert "status “Postponed” is not one PlanTrack knows; imported as planned." in warnings
    assert "IAP2 level “Tell” is not one PlanTrack knows; left out." in warnings


@pytest.mark.parametrize(
    ("cells", "group"),
    [
        (["Business Group Engagement Priorities:", "", "Youth Service"], "Youth Service"),
        (["Borough initiatives: Barnet"], "Barnet"),
        # Text further along than three cells after the label: an activity's row.
        (["Youth team: litter pick", "", "", "", "", "", "", "Cancelled"], None),
        (["Youth team: litter pick", "SN team", "", "", "", "Cancelled"], None),
    ],
)
def test_a_labelled_group_s_name_is_in_the_three_cells_after_its_label(cells, group):
    assert labelled_group([Cell(text) for text in cells]) == group


@pytest.mark.parametrize(
    ("title", "cell"),
    [
        ("Engagement activity 2025", "Engagement activity 2025"),
        ("Barnet Borough: engagement", "Table 1: Barnet Borough: engagement"),
        ("Appendix 3 - engagement", "Table 1: Appendix 3 - engagement"),
        ("Sheet 1", "Table 1: Sheet 1"),
    ],
)
def test_a_title_cell_reads_back_as_the_title(title, cell):
    assert title_cell(title) == cell
    rows = [cell, "Exported\t2 activities", "Activity\tAim\tMethod", "Forum\tGive a voice\tMeet"]
    (register,) = parse_bytes("r.txt", _pasted(*rows), is_text=True).engagement
    assert register.title == title
