"""The text reader: pasted tables and text extracted from PDF/Word files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plantrack.imports.readers.text import read_text

SEED_DIRS = [Path(__file__).parents[3] / ".." / "shared" / "seeds", Path("/work/shared/seeds")]
SEEDS = next((d for d in SEED_DIRS if d.is_dir()), None)
needs_seeds = pytest.mark.skipif(
    SEEDS is None, reason="the seed plans (shared/seeds beside the repository) are not here"
)


def seed_text(number: str) -> str:
    assert SEEDS is not None
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8")


def rows(table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def test_excel_paste_with_quoted_multiline_cells() -> None:
    text = (
        "Action\tOwner\tProgress\r\n"
        'Fix lights\tJo\t"12/05/25 – ordered\r\n03/06/25 – fitted"\r\n'
        '"Say ""hello"" to\tneighbours"\tSam\t\r\n'
    )
    doc = read_text("paste.txt", text)
    assert len(doc.tables) == 1
    assert rows(doc.tables[0]) == [
        ["Action", "Owner", "Progress"],
        ["Fix lights", "Jo", "12/05/25 – ordered\n03/06/25 – fitted"],
        ['Say "hello" to\tneighbours', "Sam", ""],
    ]


def test_a_quote_inside_an_unquoted_cell_is_just_a_character() -> None:
    doc = read_text("x.txt", '4.\tAnalysis of "demand" courses.\tAM\n"Your Area" page\tJo\n')
    assert rows(doc.tables[0]) == [
        ["4.", 'Analysis of "demand" courses.', "AM"],
        ['"Your Area" page', "Jo"],
    ]


def test_an_unclosed_quote_does_not_swallow_the_text() -> None:
    doc = read_text("x.txt", 'A\tB\n"open\tcell\nC\tD\n')
    assert rows(doc.tables[0]) == [["A", "B"], ['"open', "cell"], ["C", "D"]]


def test_paragraphs_split_tables_and_head_them() -> None:
    text = "Plan title\n\nRef\tAction\n1\tDo it\n\nSecond part\nRef\tAction\n2\tDo more\n"
    doc = read_text("x.txt", text)
    assert doc.paragraphs == ["Plan title", "Second part"]
    assert [t.heading for t in doc.tables] == ["Plan title", "Second part"]
    assert [len(t.rows) for t in doc.tables] == [2, 2]
    assert doc.tables[0].origin.startswith("table 1")


def test_blank_lines_between_pages_do_not_split_a_table() -> None:
    doc = read_text("x.txt", "Ref\tAction\n1\tDo it\n\n\f\n2\tDo more\n")
    assert len(doc.tables) == 1
    assert rows(doc.tables[0])[-1] == ["2", "Do more"]


def test_untabbed_line_between_rows_is_a_merged_row() -> None:
    # Word copies a merged section row as a plain line inside the table.
    doc = read_text("x.txt", "Ref\tAction\tOwner\nYouth\n1\tOpen hubs\tJo\n")
    (table,) = doc.tables
    youth = table.rows[1]
    assert [c.text for c in youth] == ["Youth", "", ""]
    assert [c.merged for c in youth] == [False, True, True]
    assert doc.paragraphs == []


def test_wrapped_paragraph_lines_are_joined() -> None:
    doc = read_text("x.txt", "Activity to Ensure Delivery\nof the strategy\n\nNext.\n")
    assert doc.paragraphs == ["Activity to Ensure Delivery of the strategy", "Next."]


@needs_seeds
def test_seed_001_is_one_table_under_its_title() -> None:
    doc = read_text("001.txt", seed_text("001"))
    assert len(doc.tables) == 1
    assert doc.tables[0].heading == "MPS Youth Strategy - Year 1 Action Plan (Corporate Actions)"
    first = rows(doc.tables[0])[0]
    assert first[0] == "Action Reference" and first[-1] == "Deadline"


@needs_seeds
def test_seed_003_keeps_broken_rows_for_structure() -> None:
    doc = read_text("003.txt", seed_text("003"))
    (table,) = doc.tables
    texts = [[c.strip() for c in r if c.strip()] for r in rows(table)]
    assert ["of the Neighbourhood Matters"] in texts
    assert ["accuracy to report regularly into charter governance board."] in texts


@needs_seeds
def test_seed_004_separates_governance_actions_and_budgets() -> None:
    doc = read_text("004.txt", seed_text("004"))
    assert [t.heading for t in doc.tables][1:] == [
        "5. Implementation Plans",
        "6. Project Budgets (funding bid to MOPAC)",
    ]
    assert "(B) Community Coaches" in doc.paragraphs


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    doc = read_text("x.txt", text)
    for table in doc.tables:
        assert table.rows and all(isinstance(c.text, str) for row in table.rows for c in row)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet='ab "\t\n\r', max_size=8), max_size=10).map("".join))
def test_never_raises_on_quote_and_tab_soup(text: str) -> None:
    read_text("x.txt", text)
