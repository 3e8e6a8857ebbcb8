from __future__ import annotations

import contextlib
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from plantrack.budgets.models import BudgetLine
from plantrack.budgets.services import budgets_import
from plantrack.imports.budgets.parsed import ParsedBudget
from plantrack.imports.budgets.sections import match_section
from plantrack.imports.budgets.tables import find_budget_tables, parse_amount, read_budget_upload
from plantrack.imports.readers import read_file
from plantrack.imports.readers.text import read_text
from plantrack.imports.saving import budget_table_rows
from plantrack.imports.tables import Cell, Document, ImportFailed, Table
from plantrack.plans.services import section_create

D = Decimal
SEED = Path(__file__).resolve().parents[2] / "demo" / "seeds" / "004_9c707c14883fcd10.txt"


@pytest.fixture(scope="module")
def seed_budgets() -> list[ParsedBudget]:
    return find_budget_tables(read_text(SEED.name, SEED.read_text(encoding="utf-8")))


def _operating(budget: ParsedBudget) -> list[Decimal]:
    return [budget.total("operating", year) for year in (2013, 2014, 2015)]


def test_seed_has_three_budget_tables(seed_budgets):
    assert [b.title for b in seed_budgets] == ["NJP", "Community Coaches", "Conditional Cautions"]


def test_seed_njp_exactly(seed_budgets):
    njp = seed_budgets[0]
    assert njp.total("set_up") == D("25150")
    assert _operating(njp) == [D("16250"), D("32500"), D("16250")]
    coordinator = next(line for line in njp.lines if line.name == "NJP Coordinator")
    assert coordinator.category == "operating"
    assert coordinator.amounts == {2013: D("11250"), 2014: D("22500"), 2015: D("11250")}
    assert coordinator.assumption.startswith("0.5FTE @ team manager level")
    set_up = [line.name for line in njp.lines if line.category == "set_up"]
    assert set_up == [
        "Project management set up costs",
        "Training expenses",
        "Public engagement",
        "Launch Roadshow events",
        "Evaluation and ensuring sustainability",
    ]
    assert all(line.amounts.keys() == {2013} for line in njp.lines if line.category == "set_up")
    facilities = next(line for line in njp.lines if line.name == "Facilities / provisions")
    assert facilities.amounts == {} and "absorbed by partners" in facilities.assumption
    # The garbled header ("20", a blank) is inferred, and said so.
    assert any("“20”" in w and "2013/14" in w for w in njp.warnings)
    assert any("missing" in w and "2014/15" in w for w in njp.warnings)
    assert not any("add up" in w for w in njp.warnings)
    assert njp.notes == ["*Assumes go-live Oct '13"]


def test_seed_community_coaches_exactly(seed_budgets):
    coaches = seed_budgets[1]
    assert coaches.total("set_up") == D("43300")
    assert _operating(coaches) == [D("37500"), D("75000"), D("37500")]
    assert coaches.warnings == []  # a blank after 2013/14 is its merged cell: nothing to say


def test_seed_conditional_cautions_exactly(seed_budgets):
    cautions = seed_budgets[2]
    assert cautions.total("set_up") == D("29100")
    assert _operating(cautions) == [D("0"), D("0"), D("0")]
    assert not [line for line in cautions.lines if line.category != "set_up"]
    names = [line.name for line in cautions.lines]
    assert "Partner information protocols (consultancy)" in names
    assert "(consultancy)" not in names
    joined = next(line for line in cautions.lines if line.name.startswith("Partner information"))
    assert joined.amounts == {2013: D("5000")}
    assert any("“201” “3/14*”" in w for w in cautions.warnings)


def test_totals_check_warns_when_lines_do_not_add_up():
    text = (
        "Panels\t2013/14\t2014/15\tAssumptions\n"
        "\tOperating\tOperating\t\n"
        "Coordinator\t100\t200\tHalf a post\n"
        "Room hire\t50\t50\t\n"
        "Total\t150\t999\t\n"
    )
    (budget,) = find_budget_tables(read_text("t.txt", text))
    assert [w for w in budget.warnings if "add up" in w] == [
        "Panels: the lines add up to £250 for operating in 2014/15, but the table's total says "
        "£999."
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13650", D("13650")),
        ("£13,650", D("13650")),
        ("13,650.00", D("13650.00")),
        ("(500)", D("-500")),
        ("-500", D("-500")),
        ("-", D("0")),
        ("nil", D("0")),
        ("Nil", D("0")),
        ("£2k", D("2000")),
        ("", None),
        ("  ", None),
    ],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["TBC", "12a", "£", "1.2.3", "()", "--5"])
def test_parse_amount_refuses(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_year_inferred_in_middle_of_a_row_without_categories():
    text = "Line\t2013/14\t\t2015/16\nPosts\t1\t2\t3\n"
    (budget,) = find_budget_tables(read_text("t.txt", text))
    assert budget.lines[0].amounts == {2013: D(1), 2014: D(2), 2015: D(3)}
    assert any("taken as 2014/15" in w for w in budget.warnings)
    assert budget.title == "Budget in table 1 (from line 1)"


def test_amounts_in_both_categories_make_two_lines():
    text = "Hub\t2013/14\t\t2014/15\n\tSet-up\tOperating\tOperating\nRent\t10\t20\t30\n"
    (budget,) = find_budget_tables(read_text("t.txt", text))
    assert [(line.name, line.category, line.amounts) for line in budget.lines] == [
        ("Rent", "set_up", {2013: D(10)}),
        ("Rent", "operating", {2013: D(20), 2014: D(30)}),
    ]


def _xlsx(rows: list[list], title: str = "Budget") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_years_then_categories():
    data = _xlsx(
        [
            ["Community Coaches", "2013/14", None, "2014/15", "2015/16", "Assumptions"],
            [None, "Set-up", "Operating", "Operating", "Operating", None],
            ["Procurement", 9100, None, None, None, "PM costs"],
            ["Contract", None, 37500, 75000, 37500.5, "12 week interventions"],
            ["Total", 9100, 37500, 75000, 37500.5, None],
        ],
        title="Coaches",
    )
    (budget,) = read_budget_upload("budget.xlsx", data)
    assert budget.title == "Community Coaches"
    assert [(line.name, line.category, line.amounts) for line in budget.lines] == [
        ("Procurement", "set_up", {2013: D("9100")}),
        ("Contract", "operating", {2013: D("37500"), 2014: D("75000"), 2015: D("37500.5")}),
    ]
    assert budget.warnings == []


def test_xlsx_single_header_with_category_column():
    data = _xlsx(
        [
            ["Line", "Category", "2013/14", "2014/15", "Assumption"],
            ["Coordinator", "Staff", "£11,250", 22500, "0.5 FTE"],
            ["Launch", "Set-up", 1500, "-", "3 events"],
            ["Stationery", "Sundries", 100, 100, ""],
            ["Total", None, 12850, 22600, None],
        ],
        title="Neighbourhood Justice Panels",
    )
    (budget,) = read_budget_upload("budget.xlsx", data)
    assert budget.title == "Neighbourhood Justice Panels"  # the sheet's name
    assert [(line.name, line.category, line.amounts) for line in budget.lines] == [
        ("Coordinator", "staff", {2013: D("11250"), 2014: D("22500")}),
        ("Launch", "set_up", {2013: D("1500"), 2014: D("0")}),
        ("Stationery", "other", {2013: D("100"), 2014: D("100")}),
    ]
    assert any("Sundries" in w for w in budget.warnings)
    assert not any("add up" in w for w in budget.warnings)


def test_xlsx_with_wrong_total_warns():
    data = _xlsx(
        [["Line", "Category", "2013/14", "Assumption"], ["A", "Staff", 5, ""], ["Total", "", 6, ""]]
    )
    (budget,) = read_budget_upload("b.xlsx", data)
    assert any("add up to £5" in w and "£6" in w for w in budget.warnings)


def test_negative_amount_parses_with_warning_and_is_refused_on_saving(world):
    text = "Line\tCategory\t2013/14\nRefund\tOther\t(500)\n"
    budgets = read_budget_upload("t.txt", text.encode(), is_text=True)
    assert budgets[0].lines[0].amounts == {2013: D("-500")}
    assert any("negative" in w for w in budgets[0].warnings)
    with pytest.raises(ValidationError, match="Refund"):
        tables = [budget_table_rows(b, None) for b in budgets]
        budgets_import(actor=world.manager, plan=world.plan, tables=tables)
    assert not BudgetLine.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "is_text"),
    [
        ("x.txt", b"", True),
        ("x.txt", b"just some words\nno table here", True),
        ("x.txt", b"a\tb\nc\td\n", True),
        ("x.xlsx", b"PK\x03\x04 not really a zip", False),
        ("x.pdf", b"%PDF-1.4 broken", False),
        ("x.png", b"\x89PNG\r\n\x1a\n", False),
    ],
)
def test_garbage_gives_a_clean_error(name, data, is_text):
    with pytest.raises(ImportFailed):
        read_budget_upload(name, data, is_text=is_text)


cells = st.text(
    alphabet=st.sampled_from(list("0123456789/-*£,.()kKTotalSetupOperating \t")), max_size=12
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, max_size=7), max_size=12), st.booleans())
def test_never_raises_on_odd_tables(rows, with_header):
    if with_header:
        rows = [["T", "2013/14", "", "2015/16", "Assumptions"], ["", "Set-up", "Operating"], *rows]
    document = Document(
        name="x", tables=[Table(rows=[[Cell(t) for t in row] for row in rows], origin="t")]
    )
    for budget in find_budget_tables(document):
        ParsedBudget.from_dict(budget.to_dict())  # and survives being kept on its job


@settings(max_examples=100)
@given(st.text(max_size=300))
def test_text_never_raises_anything_but_import_failed(text):
    with contextlib.suppress(ImportFailed):
        read_budget_upload("x.txt", text.encode("utf-8", "replace"), is_text=True)


def test_round_trip_through_session_dict(seed_budgets):
    again = [ParsedBudget.from_dict(b.to_dict()) for b in seed_budgets]
    assert again == seed_budgets


def test_import_saves_all_into_matching_sections(world):
    njp = section_create(actor=world.manager, plan=world.plan, title="Neighbourhood Justice Panels")
    coaches = section_create(actor=world.manager, plan=world.plan, title="(B) Community Coaches")
    cautions = section_create(actor=world.manager, plan=world.plan, title="Conditional Cautions")
    sections = [world.section, njp, coaches, cautions]
    budgets = find_budget_tables(read_text(SEED.name, SEED.read_text(encoding="utf-8")))
    assert [match_section(b.title, sections) for b in budgets] == [njp, coaches, cautions]
    chosen = {"NJP": njp, "Community Coaches": coaches}
    lines = budgets_import(
        actor=world.manager,
        plan=world.plan,
        tables=[budget_table_rows(b, chosen.get(b.title)) for b in budgets],
    )
    assert len(lines) == sum(len(b.lines) for b in budgets)
    assert BudgetLine.objects.filter(section=njp).count() == len(budgets[0].lines)
    assert BudgetLine.objects.filter(section=None).count() == len(budgets[2].lines)


def test_match_section_refuses_weak_or_ambiguous():
    class S:
        def __init__(self, title):
            self.title = title

    a, b = S("Youth diversion"), S("Youth intelligence")
    assert match_section("Youth", [a, b]) is None  # ambiguous
    assert match_section("Budget", [a, b]) is None
    assert match_section("YD", [a, b]) is a


def test_xlsx_read_by_the_importer_reader_is_the_same_document():
    # find_budget_tables works on what the importer's readers give: no reader of its own.
    data = _xlsx([["Line", "Category", "2013/14"], ["A", "Staff", 5]])
    (budget,) = find_budget_tables(read_file("b.xlsx", data))
    assert budget.lines[0].amounts == {2013: D(5)}


def test_an_action_table_with_dates_in_financial_years_is_not_a_budget():
    text = (
        "Ref\tAction\tOwner\tReview date\tDeadline\tRAG\n"
        "TH1/4\tRefresh the victim survey\tPC Liam Hughes (45429)\tQ3 2024/25\tQ1 2025/26\tA\n"
        "TH1/5\tCommission the needs assessment\tPS Victor Lee\t2024/25\tBy end of 2025/26\tG\n"
        "TH1/6\tTrain 40 officers\tInsp Hall\tJune 2025\t2025/26\tR\n"
    )
    assert find_budget_tables(read_text("plan.txt", text)) == []
