"""The structure stage: tables of cells to plans, sections and actions.

The seed plans (real text extracted from PDF and Word files) are checked against the demo
data, a careful hand transcription of the same plans. Pure Python: no database.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantrack.imports.lookalikes import collapse, normalise_lookalikes
from plantrack.imports.parsed import FIELDS, ParsedAction, ParsedImport
from plantrack.imports.pipeline import parse_bytes
from plantrack.imports.readers.text import read_text
from plantrack.imports.structure import header_field, join_fragments, parse_document, title_case
from plantrack.imports.tables import Cell, Document, ImportFailed, Table

SEED_DIRS = [Path(__file__).parents[3] / ".." / "shared" / "seeds", Path("/work/shared/seeds")]
SEEDS = next((d for d in SEED_DIRS if d.is_dir()), None)
needs_seeds = pytest.mark.skipif(
    SEEDS is None, reason="the seed plans (shared/seeds beside the repository) are not here"
)
ANSWERS = Path(__file__).parents[2] / "demo" / "data"
ANSWER_FILES = {
    "001": "youth_strategy_2003.json",
    "003": "community_charter_2022.json",
    "004": "safer_communities_2013.json",
}

_parsed: dict[str, ParsedImport] = {}


def seed(number: str) -> ParsedImport:
    """Each seed parsed once per test run."""
    if number not in _parsed:
        assert SEEDS is not None
        (path,) = SEEDS.glob(f"{number}_*.txt")
        _parsed[number] = parse_document(read_text(path.name, path.read_text(encoding="utf-8")))
    return _parsed[number]


def actions(parsed: ParsedImport) -> list[ParsedAction]:
    return [a for plan in parsed.plans for s in plan.sections for a in s.actions]


def sections(parsed: ParsedImport) -> list[tuple[str, int]]:
    return [(s.title, len(s.actions)) for plan in parsed.plans for s in plan.sections]


def by_ref(parsed: ParsedImport, ref: str) -> ParsedAction:
    return next(a for a in actions(parsed) if a.ref == ref)


def table(rows: list[list[str]], **kwargs) -> Table:
    return Table(
        [[Cell(t) for t in row] for row in rows], origin=kwargs.pop("origin", "t"), **kwargs
    )


# --- Seed 001: a PDF with a header repeated on every page ------------------------------------


@needs_seeds
def test_seed_001_plan_sections_and_counts() -> None:
    parsed = seed("001")
    assert [p.title for p in parsed.plans] == [
        "MPS Youth Strategy - Year 1 Action Plan (Corporate Actions)"
    ]
    assert sections(parsed) == [
        ("Intelligence", 10),
        ("Investigation", 9),
        ("Diversion", 22),
        ("Problem-Solving", 5),
        ("Targeting", 6),
        ("Forensics", 1),
    ]


@needs_seeds
def test_seed_001_fields_as_written() -> None:
    parsed = seed("001")
    first = by_ref(parsed, "YC/INT/1")
    assert first.owner == "DCI Ia Wiggett (47113)"
    assert first.due_text == "March 2004"
    assert first.due == dt.date(2004, 3, 31)
    assert first.review_text == "September 2003"
    assert first.strategy_refs == "5.1 – 5.3"
    assert first.lead == "Police (TPHQ, Intelligence and Targeting)"
    # The section word glued to the action text starts the section and leaves the action.
    assert by_ref(parsed, "YC/INV/1").title.startswith("Ensure that police officers")
    # An extra bullet column in one repeated header does not shift the milestones.
    assert by_ref(parsed, "YC/INT/9").milestones == ["GOL appointed Health Liaison Officer"]


@needs_seeds
def test_seed_001_records_each_distinct_header() -> None:
    columns = seed("001").columns
    assert columns[0].headers[:3] == [
        "Action Reference Number",
        "Strategy Cross Reference",
        "Action",
    ]
    assert columns[0].fields == [
        "ref",
        "strategy_refs",
        "title",
        "lead",
        "owner",
        "milestones",
        "review",
        "due",
    ]
    assert len(columns) == 2  # the same header stacked over three rows is not new


# --- Seed 003: page breaks inside rows, unnumbered rows, look-alike RAG ------------------------


@needs_seeds
def test_seed_003_sections_and_counts() -> None:
    parsed = seed("003")
    assert [p.title for p in parsed.plans] == [
        "Local Policing Community Charter Delivery Plan (July 2022)"
    ]
    assert sections(parsed) == [
        ("Responding to communities", 7),
        ("Prevention", 5),
        ("Vulnerability", 4),
        ("Relationships", 5),
        ("Partnerships", 6),
        ("Visibility and accessibility", 9),
    ]


@needs_seeds
def test_seed_003_unnumbered_rows_are_actions_and_broken_rows_are_joined() -> None:
    found = actions(seed("003"))
    assert [a.ref for a in found[:8]] == ["1", "2", "3", None, None, None, None, "8"]
    assert found[2].title.endswith(
        "proportionate use of the Neighbourhood Matters survey function "
        "with SNTs and Problem Solving Hubs."
    )
    assert found[3].title.startswith("Reinvigorate role of PSST")
    assert found[-1].title.endswith(
        "front counter information accuracy to report regularly into charter governance board."
    )
    assert found[-1].rag is None


@needs_seeds
def test_seed_003_rag_with_greek_alpha_is_amber_and_warned() -> None:
    parsed = seed("003")
    assert by_ref(parsed, "16").rag == "amber"
    assert any("row" in w and "another alphabet" in w for w in parsed.warnings)


@needs_seeds
def test_seed_003_dated_and_invalid_updates() -> None:
    parsed = seed("003")
    assert [(u.date, u.text[:20]) for u in by_ref(parsed, "1").updates] == [
        (dt.date(2022, 6, 29), "SP&I reformatting ca")
    ]
    assert [(u.date, u.text) for u in by_ref(parsed, "32").updates] == [
        (None, "296023 – 13 stations have doorbells installed")
    ]
    assert any("296023" in w for w in parsed.warnings)


# --- Seed 004: a Word file with list labels, odd numbers and budget tables ---------------------


@needs_seeds
def test_seed_004_sections_and_counts() -> None:
    assert sections(seed("004")) == [
        ("Neighbourhood Justice Panels", 22),
        ("Community Coaches", 17),
        ("Conditional Cautions", 15),
        ("Enhanced Integrated Offender Management", 13),
    ]


@needs_seeds
def test_seed_004_numbers_kept_as_written() -> None:
    refs = [a.ref for a in actions(seed("004"))]
    assert refs[14:18] == ["15", "13", "14", "15"]  # numbering restarts after a page
    assert refs.count("64") == 1
    assert refs[22:28] == ["1", "2", "3", "4", "4", "5"]
    assert "17" in refs


@needs_seeds
def test_seed_004_budget_and_governance_tables_are_not_actions() -> None:
    parsed = seed("004")
    assert not any("costs" in a.title for a in actions(parsed))
    skipped = [w for w in parsed.warnings if "not an action table" in w]
    assert len(skipped) == 2
    assert any("Project Budgets" in w for w in skipped)


@needs_seeds
def test_seed_004_cyrillic_initials_read_as_latin_with_warning() -> None:
    parsed = seed("004")
    coaches = parsed.plans[0].sections[1].actions
    assert coaches[0].owner == "MK"
    assert any("'МК'" in w and "'MK'" in w for w in parsed.warnings)


# --- Agreement with the hand transcription ---------------------------------------------------


def _answer_key(number: str) -> list[tuple[str, dict]]:
    data = json.loads((ANSWERS / ANSWER_FILES[number]).read_text(encoding="utf-8"))
    return [(s["title"], a) for s in data["sections"] for a in s["actions"]]


def _agreement(number: str) -> dict[str, tuple[int, int, list]]:
    parsed = seed(number)
    got = [(s.title, a) for plan in parsed.plans for s in plan.sections for a in s.actions]
    key = _answer_key(number)
    assert len(got) == len(key)
    checks = {
        "section": lambda ks, k, gs, g: ks == gs,
        "ref": lambda ks, k, gs, g: k["ref"] == g.ref,
        # The key keeps Cyrillic "МК" as written; the importer reads it as "MK" (and warns).
        "owner": lambda ks, k, gs, g: (
            normalise_lookalikes(k["owner_text"] or "")[0] == (g.owner or "")
        ),
        "due": lambda ks, k, gs, g: k["due_text"] == g.due_text,
        "review": lambda ks, k, gs, g: k["review_text"] == g.review_text,
        "rag": lambda ks, k, gs, g: k["rag"] == g.rag,
        "updates": lambda ks, k, gs, g: (
            [(u["date"], collapse(u["text"])) for u in k["updates"]]
            == [(u.date.isoformat() if u.date else None, collapse(u.text)) for u in g.updates]
        ),
        "title": lambda ks, k, gs, g: collapse(k["title"]) == collapse(g.title),
    }
    result = {}
    for name, check in checks.items():
        misses = [
            (k.get("ref"), g.ref)
            for (ks, k), (gs, g) in zip(key, got, strict=True)
            if not check(ks, k, gs, g)
        ]
        result[name] = (len(key) - len(misses), len(key), misses)
    return result


@needs_seeds
@pytest.mark.parametrize("number", sorted(ANSWER_FILES))
def test_agrees_with_the_hand_transcription(number: str) -> None:
    for name, (agreed, total, misses) in _agreement(number).items():
        assert agreed == total, f"{number} {name}: {agreed}/{total}, misses {misses[:5]}"


# --- General rules on tables unlike the seeds ------------------------------------------------

EXCEL_PASTE = (
    "Community Safety Action Plan 2024/25\n"
    "\n"
    "What we will do\tWho\tBy when\tStatus\tProgress\n"
    "Safer streets\t\t\t\t\n"
    "Install new CCTV in the town centre\tJane Smith\tMarch 2025\tGreen\t"
    '"12/05/24 – Survey complete\n03.06.2024: Contractor appointed"\n'
    '"Run a ""Know your neighbour""\nweek"\tCommunity Team\tSummer 2024\tAmber\tPlanning started\n'
    "Youth\n"
    "Open two youth hubs\tYouth Service\t31/12/2024\tNot started\t\n"
    "Key: Green = on track\t\t\t\t\n"
)


def test_generic_excel_paste() -> None:
    parsed = parse_document(read_text("paste.txt", EXCEL_PASTE))
    (plan,) = parsed.plans
    assert plan.title == "Community Safety Action Plan 2024/25"
    assert [(s.title, len(s.actions)) for s in plan.sections] == [
        ("Safer streets", 2),
        ("Youth", 1),
    ]
    cctv, week, hubs = (a for s in plan.sections for a in s.actions)
    assert (cctv.owner, cctv.due_text, cctv.due, cctv.rag) == (
        "Jane Smith",
        "March 2025",
        dt.date(2025, 3, 31),
        "green",
    )
    assert [(u.date, u.text) for u in cctv.updates] == [
        (dt.date(2024, 5, 12), "Survey complete"),
        (dt.date(2024, 6, 3), "Contractor appointed"),
    ]
    assert week.title == 'Run a "Know your neighbour" week'
    assert (hubs.rag, hubs.status) == (None, "not_started")
    assert parsed.columns[0].fields == ["title", "owner", "due", "rag", "updates"]
    assert any("key" in w for w in parsed.warnings)


def test_several_plans_fills_and_a_theme_column() -> None:
    doc = Document(
        "plans.xlsx",
        tables=[
            Table(
                [
                    [Cell("Theme"), Cell("Action"), Cell("Lead Officer"), Cell("RAG")],
                    [Cell("Roads"), Cell("Fix potholes"), Cell("AB"), Cell("", fill="FF0000")],
                    [Cell(""), Cell("Paint lines"), Cell("CD"), Cell("", fill="C6EFCE")],
                    [Cell("Parks"), Cell("Plant trees"), Cell("EF"), Cell("", fill="FFEB9C")],
                ],
                origin="sheet Highways",
                heading="Highways Delivery Plan 2023",
            ),
            Table(
                [
                    [Cell("Ref"), Cell("Action"), Cell("Deadline")],
                    [Cell("Housing"), Cell("", merged=True), Cell("", merged=True)],
                    [Cell("1"), Cell("Build homes"), Cell("2026")],
                ],
                origin="sheet Housing",
                heading="Housing Action Plan",
            ),
            Table(
                [
                    [Cell("Version"), Cell("Date"), Cell("Author")],
                    [Cell("1"), Cell("2024"), Cell("Me")],
                ],
                origin="sheet Control",
                heading="Document control",
            ),
        ],
    )
    parsed = parse_document(doc)
    assert [p.title for p in parsed.plans] == ["Highways Delivery Plan 2023", "Housing Action Plan"]
    highways, housing = parsed.plans
    assert [(s.title, [a.rag for a in s.actions]) for s in highways.sections] == [
        ("Roads", ["red", "green"]),
        ("Parks", ["amber"]),
    ]
    assert [(s.title, [a.ref for a in s.actions]) for s in housing.sections] == [("Housing", ["1"])]
    assert any("sheet Control" in w and "not an action table" in w for w in parsed.warnings)


def test_plan_title_and_column_overrides() -> None:
    doc = Document(
        "x.csv",
        tables=[table([["No", "Task", "Person", "Notes"], ["1", "Write it", "Al", "Drafted"]])],
    )
    parsed = parse_document(doc, {"Person": "lead", "Notes": "ignore"}, "My plan")
    (action,) = actions(parsed)
    assert parsed.plans[0].title == "My plan"
    assert (action.owner, action.lead, action.updates) == (None, "Al", [])
    assert parsed.columns[0].headers == ["No", "Task", "Person", "Notes"]
    assert parsed.columns[0].fields == ["ref", "title", "lead", "ignore"]


def test_overrides_rescue_a_table_without_recognised_headers() -> None:
    doc = Document(
        "x.csv", tables=[table([["Item", "Thing"], ["1", "Write it"], ["2", "Send it"]])]
    )
    assert actions(parse_document(doc)) == []
    parsed = parse_document(doc, {"Thing": "title"})
    assert [a.title for a in actions(parsed)] == ["Write it", "Send it"]


def test_an_unknown_field_in_overrides_is_warned_not_fatal() -> None:
    doc = Document("x.csv", tables=[table([["Ref", "Action"], ["1", "Go"]])])
    parsed = parse_document(doc, {"Ref": "colour"})
    assert [a.ref for a in actions(parsed)] == ["1"]
    assert any("colour" in w for w in parsed.warnings)


def test_status_column_of_rag_words_is_the_rag_and_lifecycle_words_stay_status() -> None:
    rag_doc = Document("x", tables=[table([["Action", "Status"], ["A", "R"], ["B", "Green"]])])
    assert [a.rag for a in actions(parse_document(rag_doc))] == ["red", "green"]
    status_doc = Document(
        "x", tables=[table([["Action", "Status"], ["A", "Not started"], ["B", "Complete"]])]
    )
    assert [(a.rag, a.status) for a in actions(parse_document(status_doc))] == [
        (None, "not_started"),
        ("blue", "complete"),
    ]


def test_a_target_column_of_dates_is_the_deadline_and_one_of_targets_stays_notes() -> None:
    """Issue 18, item 1: a column's role is decided by its cells where its header names none.
    Before, a "Target" column of dates was kept as notes and the plan lost its deadlines."""
    dated = Document(
        "x",
        tables=[
            table(
                [
                    ["Action", "Lead Officer", "Target"],
                    ["Recruit volunteers", "Insp Lee", "Q3 2024/25"],
                    ["Open the hub", "Sgt Khan", "Mar-25"],
                    ["Train the staff", "PC Hale", "By Oct 24"],
                    ["Review the scheme", "Insp Lee", "30/06/2025"],
                ]
            )
        ],
    )
    assert [a.due_text for a in actions(parse_document(dated))] == [
        "Q3 2024/25",
        "Mar-25",
        "By Oct 24",
        "30/06/2025",
    ]
    targets = Document(
        "x",
        tables=[
            table(
                [
                    ["Action", "Lead Officer", "Target"],
                    ["Reach young people", "Insp Lee", "30k by Dec 22"],
                    ["Cut repeat victims", "Sgt Khan", "20% fewer by March 2025"],
                    ["Hold surgeries", "PC Hale", "12"],
                ]
            )
        ],
    )
    read = actions(parse_document(targets))
    assert [a.due_text for a in read] == [None, None, None]
    assert "30k by Dec 22" in (read[0].description or "")
    # With a deadline column of its own, a "Target" column of dates is left as it was.
    both = Document(
        "x",
        tables=[
            table(
                [
                    ["Action", "Deadline", "Target"],
                    ["Open the hub", "Mar-25", "Jun-25"],
                    ["Train the staff", "Oct 24", "Dec 24"],
                ]
            )
        ],
    )
    assert [a.due_text for a in actions(parse_document(both))] == ["Mar-25", "Oct 24"]


def test_owner_and_lead_are_told_apart_by_their_cells_whatever_the_headers() -> None:
    """Issue 18, item 2. Before, "Lead" (organisations) was read as the owner and the
    "Responsible Officer" column, a second owner column, was dropped."""
    doc = Document(
        "x",
        tables=[
            table(
                [
                    ["Action", "Lead", "Responsible Officer"],
                    ["Open the hub", "Islington Council", "Head of Community Safety"],
                    ["Train the staff", "Metropolitan Police Service", "Det Supt Jane Morris"],
                    ["Map the hotspots", "MPS / LBI", "ASB Co-ordinator"],
                ]
            )
        ],
    )
    assert [(a.owner, a.lead) for a in actions(parse_document(doc))] == [
        ("Head of Community Safety", "Islington Council"),
        ("Det Supt Jane Morris", "Metropolitan Police Service"),
        ("ASB Co-ordinator", "MPS / LBI"),
    ]
    # "Project Lead" holding job titles is the owner; "Lead Partner" the lead.
    posts = Document(
        "x",
        tables=[
            table(
                [
                    ["Action", "Lead Partner", "Project Lead"],
                    ["Open the hub", "Probation", "Reducing Reoffending Manager"],
                    ["Train the staff", "Youth Offending Service", "Chief Inspector"],
                ]
            )
        ],
    )
    assert [(a.owner, a.lead) for a in actions(parse_document(posts))] == [
        ("Reducing Reoffending Manager", "Probation"),
        ("Chief Inspector", "Youth Offending Service"),
    ]
    alone = Document(
        "x",
        tables=[
            table(
                [
                    ["Action", "Project Lead", "Deadline"],
                    ["Open the hub", "Community Safety Manager", "Mar-25"],
                    ["Train the staff", "Insp Lee", "Oct 24"],
                ]
            )
        ],
    )
    assert [a.owner for a in actions(parse_document(alone))] == [
        "Community Safety Manager",
        "Insp Lee",
    ]


def test_continuation_versus_unnumbered_action() -> None:
    doc = Document(
        "x",
        tables=[
            table(
                [
                    ["Ref", "Action", "Owner", "Due", "RAG"],
                    ["1", "Publish the policy to all", "Jo", "May 24", "G"],
                    ["", "staff and partners", "", "", ""],
                    ["", "Brief the board", "Sam", "June 24", "A"],
                    ["2", "Train staff", "Al", "July 24", "R"],
                ]
            )
        ],
    )
    found = actions(parse_document(doc))
    assert [(a.ref, a.title) for a in found] == [
        ("1", "Publish the policy to all staff and partners"),
        (None, "Brief the board"),
        ("2", "Train staff"),
    ]


def test_stacked_and_repeated_headers_and_split_section_titles() -> None:
    doc = Document(
        "x",
        tables=[
            table(
                [
                    ["Action", "Action", "Lead", "By"],
                    ["no.", "", "", "when"],
                    ["", "", "COMMUN", "ICATION"],
                    ["1.", "Write a plan", "AB", "May 2024"],
                    ["Action no.", "Action", "Lead", "By when"],
                    ["2.", "Agree it", "CD", "June 2024"],
                    ["", "Conclu", "sion", ""],
                    ["3.", "Close", "EF", "July 2024"],
                ]
            )
        ],
    )
    parsed = parse_document(doc)
    assert sections(parsed) == [("Communication", 2), ("Conclusion", 1)]
    assert [a.ref for a in actions(parsed)] == ["1", "2", "3"]
    assert parsed.columns[0].headers == ["Action no.", "Action", "Lead", "By when"]


def test_rows_that_are_not_actions_are_dropped_with_a_warning() -> None:
    doc = Document(
        "x",
        tables=[
            table(
                [
                    ["Ref", "Action", "Cost"],
                    ["1", "Buy vans", "2000"],
                    ["Total", "", "2000"],
                    ["Note: costs exclude VAT", "", ""],
                ]
            )
        ],
    )
    parsed = parse_document(doc)
    assert [a.title for a in actions(parsed)] == ["Buy vans"]
    assert len([w for w in parsed.warnings if "not an action" in w]) == 2


def test_headerless_page_continues_the_previous_table() -> None:
    first = table([["Ref", "Action", "Due"], ["1", "Start", "May 2024"]], origin="page 1")
    second = table([["2", "Finish", "June 2024"]], origin="page 2")
    assert [a.ref for a in actions(parse_document(Document("x", tables=[first, second])))] == [
        "1",
        "2",
    ]


def test_numbered_section_rows_over_numbered_actions() -> None:
    doc = Document(
        "plan.xlsx",
        tables=[
            table(
                [
                    ["Community Safety Partnership Plan 2024-27", "", "", "", ""],
                    ["Ref", "Objective / Action", "Lead Officer", "Target Date", "Status"],
                    ["1", "Reducing reoffending", "", "", ""],
                    ["1.1", "Expand IOM cohort", "DI Smith", "Q2 2024/25", "On track"],
                    ["1.2", "Launch mentoring", "Probation Lead", "Sept 2024", "Delayed"],
                    ["2", "Safer streets", "", "", ""],
                    ["2.1", "Street lighting audit", "Highways", "March 2025", "Complete"],
                    ["3", "Bid for funding", "OPCC", "", ""],
                ]
            )
        ],
    )
    parsed = parse_document(doc)
    assert parsed.plans[0].title == "Community Safety Partnership Plan 2024-27"
    assert [(s.title, [(a.ref, a.rag) for a in s.actions]) for s in parsed.plans[0].sections] == [
        ("Reducing reoffending", [("1.1", "green"), ("1.2", "red")]),
        ("Safer streets", [("2.1", "blue"), ("3", None)]),
    ]


def test_sheet_names_are_sections() -> None:
    header = ["Ref", "Action", "Owner"]
    doc = Document(
        "plan.xlsx",
        tables=[
            table([header, ["1", "Fix lights", "Jo"]], origin="sheet Roads", heading="Roads"),
            table([header, ["2", "Plant trees", "Al"]], origin="sheet Parks", heading="Parks"),
        ],
    )
    assert sections(parse_document(doc)) == [("Roads", 1), ("Parks", 1)]


def test_lookalike_letters_in_references_are_read_as_latin_and_warned() -> None:
    doc = Document("x", tables=[table([["Ref", "Action"], ["\u0399NT/1", "Go"]], origin="t")])
    parsed = parse_document(doc)
    assert [a.ref for a in actions(parsed)] == ["INT/1"]
    assert any(w.startswith("t, row 2") and "another alphabet" in w for w in parsed.warnings)


def test_document_title_from_paragraphs_when_tables_have_no_heading() -> None:
    doc = Document(
        "x",
        tables=[table([["Ref", "Action"], ["1", "Go"]])],
        paragraphs=["Appendix 2: DRAFT Town Centre Action Plan", "Intro text."],
    )
    assert parse_document(doc).plans[0].title == "Town Centre Action Plan"


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("Community Engagement Strategy.", "Community Engagement Strategy"),
        ("Town Centre Action Plan 2022/23.", "Town Centre Action Plan 2022/23"),
        ("Action Plan for the U.K.", "Action Plan for the U.K."),
        ("Action Plan of Acme Ltd.", "Action Plan of Acme Ltd."),
        ("Action Plan...", "Action Plan..."),
        ("Appendix 2: Town Centre Action Plan", "Town Centre Action Plan"),
    ],
)
def test_a_plan_title_drops_a_trailing_full_stop(line: str, title: str) -> None:
    doc = Document("x", tables=[table([["Ref", "Action"], ["1", "Go"]])], paragraphs=[line])
    assert parse_document(doc).plans[0].title == title


# --- Helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Ref", "ref"),
        ("Action no.", "ref"),
        ("Action Reference Number", "ref"),
        ("#", "ref"),
        ("What we will do", "title"),
        ("Charter Recommendation", "title"),
        ("Owner/s", "owner"),
        ("Lead", "owner"),
        ("Lead Officer", "owner"),
        ("Lead and Supporting Agencies", "lead"),
        ("Partners", "lead"),
        ("By when", "due"),
        ("Target date", "due"),
        ("Review Date", "review"),
        ("Start", "start"),
        ("RAG", "rag"),
        ("Status", "status"),
        ("Progress", "updates"),
        ("Update June 2022", "updates"),
        ("Milestones / Progress", "milestones"),
        ("Strategy Cross Reference", "strategy_refs"),
        ("Theme", "section"),
        ("Budget", None),
    ],
)
def test_header_words(header: str, field: str | None) -> None:
    assert header_field(header)[0] == field


def test_join_fragments_of_split_titles() -> None:
    assert join_fragments(["INTELLI", "GENCE"]) == ("INTELLIGENCE", True)
    assert join_fragments(["Vulnera", "ability"]) == ("Vulnerability", True)
    assert join_fragments(["(C) Con", "Conditional Cautions"])[0] == "(C) Conditional Cautions"
    assert join_fragments(["Theme 2", "Safer roads"]) == ("Theme 2 Safer roads", False)


def test_title_case_of_capitals() -> None:
    assert title_case("PROBLEM-SOLVING") == "Problem-Solving"
    assert title_case("ASB AND CCTV") == "ASB and CCTV"
    assert title_case("Mixed Case") == "Mixed Case"


# --- Never raises ----------------------------------------------------------------------------

_CELL_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            "Ref",
            "Action",
            "Owner",
            "Lead",
            "By when",
            "RAG",
            "Status",
            "Progress",
            "Theme",
            "Action no.",
            "no.",
            "1.",
            "(B) Con 1.",
            "(C) Con",
            "YC/INT/1",
            "INVESTIGATION Ensure that",
            "INTELLI",
            "GENCE",
            "hbourhood Panels",
            "of the rest",
            "Total",
            "•",
            "R",
            "\u0391",
            "\u041c\u041a",
            "March 2024",
            "290622 – done",
            "296023 – x",
            "Ongoing",
        ]
    ),
    st.text(max_size=20),
)
_CELL = st.builds(
    Cell,
    text=_CELL_TEXT,
    fill=st.one_of(st.none(), st.sampled_from(["FF0000", "FFFFFF", "00B050", "zz"])),
    merged=st.booleans(),
)
_TABLE = st.builds(
    Table,
    rows=st.lists(st.lists(_CELL, max_size=6), max_size=8),
    origin=st.just("t"),
    heading=st.one_of(st.none(), _CELL_TEXT, st.just("Some Action Plan")),
)
_DOCUMENT = st.builds(
    Document,
    name=st.just("random"),
    tables=st.lists(_TABLE, max_size=4),
    paragraphs=st.lists(st.one_of(_CELL_TEXT, st.just("(B) Community Coaches")), max_size=4),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    _DOCUMENT,
    st.one_of(st.none(), st.dictionaries(_CELL_TEXT, st.sampled_from(sorted(FIELDS)), max_size=3)),
    st.one_of(st.none(), st.text(max_size=10)),
)
def test_parse_document_never_raises(doc: Document, overrides, title) -> None:
    parsed = parse_document(doc, overrides, title)
    assert parsed.plans
    for action in actions(parsed):
        assert action.title.strip()
        assert action.rag in (None, "red", "amber", "green", "blue")
    for column_map in parsed.columns:
        assert set(column_map.fields) <= set(FIELDS)
        assert len(column_map.fields) == len(column_map.headers)


# --- Description and notes columns (issue 15: export and import the same shape; unknown
# columns kept as notes rather than dropped) -------------------------------------------------


def _one_plan(text: str):
    (plan,) = parse_bytes("plan.txt", text.encode(), is_text=True).plans
    return [a for s in plan.sections for a in s.actions]


def test_a_description_column_is_the_action_description():
    (action,) = _one_plan(
        "Ref\tAction\tDescription\tOwner\tDeadline\n"
        "1\tOpen a youth hub\tA drop-in for 11-18s in the town centre\tSgt Brown\tMar 2026\n"
    )
    assert action.title == "Open a youth hub"
    assert action.description == "A drop-in for 11-18s in the town centre"


def test_a_description_column_alone_is_the_action():
    (action,) = _one_plan(
        "Ref\tDescription\tOwner\tDeadline\n1\tOpen a youth hub\tSgt Brown\tMar 2026\n"
    )
    assert action.title == "Open a youth hub"
    assert action.description is None


def test_unknown_columns_are_kept_as_notes_under_their_header():
    (action,) = _one_plan(
        "Ref\tAction\tOwner\tFunding source\tWard\tDeadline\n"
        "1\tOpen a youth hub\tSgt Brown\tHome Office grant\tNorth\tMar 2026\n"
    )
    assert action.title == "Open a youth hub"
    assert action.owner == "Sgt Brown"
    assert action.due_text == "Mar 2026"
    assert action.description == "Funding source: Home Office grant\nWard: North"


def test_a_table_of_only_an_action_and_unknown_columns_is_not_an_action_table():
    with pytest.raises(ImportFailed, match="No actions"):
        parse_bytes("plan.txt", b"Action\tFunding source\nOpen a youth hub\tGrant\n", is_text=True)


def _word_plan_with_headings() -> bytes:
    """A partnership plan in Word: each priority's heading, then its table. The headings are
    numbered, in a heading style, a custom style and a numbered list item."""
    import io

    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    custom = document.styles.add_style("Priority Title", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = document.styles["Normal"]
    custom.font.bold = True
    document.add_paragraph("Safer Kingsbury Partnership Plan 2025-28", style="Title")

    def priority(rows) -> None:
        table = document.add_table(rows=0, cols=3)
        for row in [["Ref", "Action", "Deadline"], *rows]:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text

    document.add_paragraph("1. Early Help and Prevention", style="Heading 2")
    priority([["EH1", "Open a family hub in each locality", "Mar-26"]])
    document.add_paragraph("Tackling Serious Violence", style="Priority Title")
    priority([["SV1", "Map knife crime hotspots each quarter", "Q2 2025/26"]])
    listed = document.add_paragraph("Reducing Reoffending", style="List Number")
    numbering = OxmlElement("w:numPr")
    level = OxmlElement("w:ilvl")
    level.set(qn("w:val"), "0")
    numbering.append(level)
    listed._p.get_or_add_pPr().append(numbering)
    priority([["RR1", "Offer mentoring to every young person leaving custody", "Ongoing"]])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_word_sections_come_from_the_heading_before_each_table() -> None:
    """Issue 18, item 3: numbered headings, custom and list styles name the sections."""
    parsed = parse_bytes("plan.docx", _word_plan_with_headings())
    assert sections(parsed) == [
        ("Early Help and Prevention", 1),
        ("Tackling Serious Violence", 1),
        ("Reducing Reoffending", 1),
    ]


@pytest.mark.parametrize(
    "key",
    [
        [["Key", "", ""], ["R", "Not on track, action needed", ""], ["G", "On track", ""]],
        [
            ["R", "Red: not on track", ""],
            ["A", "Amber - at risk", ""],
            ["B", "Blue (complete)", ""],
        ],
        [["Total", "2 actions", ""], ["Notes: dates are indicative", "", ""]],
    ],
    ids=["after a Key row", "colours and their meanings", "totals and notes"],
)
def test_a_key_after_a_table_is_not_actions(key) -> None:
    """Issue 18, item 4: before, "R | Red: not on track" rows were read as actions."""
    rows = [["Ref", "Action", "Owner"], ["1", "Open the hub", "Insp Lee"], *key]
    rows += [["2", "Train the staff", "Sgt Khan"]]
    parsed = parse_document(Document("x", tables=[table(rows)]))
    assert [(a.ref, a.title) for a in actions(parsed)] == [
        ("1", "Open the hub"),
        ("2", "Train the staff"),
    ]
    assert sum("looks like a key" in w for w in parsed.warnings) == len(key)


def test_the_first_tables_heading_wins_over_the_documents_title() -> None:
    """Before the first table come the document's title, then the section's heading: in a
    style of its own, larger but not bold, or a list item followed by a sentence. Before,
    the title (a heading style) was taken and the section lost."""
    import io

    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    document = docx.Document()
    theme = document.styles.add_style("Plan Theme", WD_STYLE_TYPE.PARAGRAPH)
    theme.base_style = document.styles["Normal"]
    theme.font.size = Pt(14)
    document.add_paragraph("Northbrook Youth Justice Plan 2025-26", style="Title")
    document.add_paragraph("Reducing first-time entrants", style="Plan Theme")
    table = document.add_table(rows=0, cols=2)
    for row in [["Ref", "Action"], ["FTE1", "Offer triage to every child arrested"]]:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    document.add_paragraph("Prevention", style="List Number")
    document.add_paragraph("The actions below stop harm before it starts.")
    table = document.add_table(rows=0, cols=2)
    for row in [["Ref", "Action"], ["P1", "Run healthy relationships lessons in every school"]]:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)

    parsed = parse_bytes("plan.docx", out.getvalue())

    assert sections(parsed) == [("Reducing first-time entrants", 1), ("Prevention", 1)]
    assert parsed.plans[0].title == "Northbrook Youth Justice Plan 2025-26"
