"""A header and first rows run together into the paragraph before a headerless table
(structure/runon.py), and the header words a workplan uses."""

from __future__ import annotations

import pytest

from plantrack.imports.pipeline import parse_bytes
from plantrack.imports.tables import ImportFailed

RUN_ON = (
    "Table 1: Work plan to deliver the strategy\n"
    "\n"
    "Work plan to deliver the strategy Action Lead Officer Link to Priorities Details "
    "Run a Community annual residents survey; Safety Publish the results; Team (CST) "
    "Reduce fear of crime and share what we learn with residents "
    "Youth Open two new youth clubs Service Board Improve youth provision Hold "
    "consultation sessions; (YSB) Report findings\n"
    "\n"
    "Train staff in engagement\tCommunity Safety Team (CST)\tReduce fear of crime\t"
    "Book trainer; Run course\n"
    "Fund a youth forum\tYouth Service Board (YSB)\tImprove youth provision\t"
    "Agree grant; Launch forum\n"
)


def _actions(text: str):
    parsed = parse_bytes("workplan.txt", text.encode("utf-8"), is_text=True)
    return parsed, [a for p in parsed.plans for s in p.sections for a in s.actions]


def test_rows_run_together_with_the_header_are_split_at_their_owners():
    parsed, actions = _actions(RUN_ON)
    assert [a.owner for a in actions] == [
        "Community Safety Team (CST)",
        "Youth Service Board (YSB)",
        "Community Safety Team (CST)",
        "Youth Service Board (YSB)",
    ]
    first, second = actions[0].title, actions[1].title
    assert first.startswith("Run a annual residents survey;")
    assert "Reduce fear of crime and share what we learn with residents" in first
    assert "Community" not in first and "(CST)" not in first
    assert second == (
        "Open two new youth clubs Improve youth provision Hold consultation sessions; "
        "Report findings"
    )
    assert any("ran together into one paragraph" in w for w in parsed.warnings)
    (columns,) = parsed.columns
    assert columns.headers == ["Action", "Lead Officer", "Link to Priorities", "Details"]
    assert columns.fields == ["title", "owner", "strategy_refs", "milestones"]
    # The table's own rows, under the header found in the paragraph.
    assert (actions[2].title, actions[2].strategy_refs, actions[2].milestones) == (
        "Train staff in engagement",
        "Reduce fear of crime",
        ["Book trainer", "Run course"],
    )


def test_without_an_owner_known_a_bracketed_acronym_ends_each_row():
    text = RUN_ON.replace("Community Safety Team (CST)\t", "Someone else\t").replace(
        "Youth Service Board (YSB)\t", "Another person\t"
    )
    _, actions = _actions(text)
    assert [a.owner for a in actions[:2]] == ["CST", "YSB"]
    assert actions[0].title.endswith("Team (CST)")
    assert actions[1].title.startswith("Reduce fear of crime")


def test_a_narrative_paragraph_before_a_table_is_not_a_header():
    text = (
        "The activities below have been designed to facilitate and assess the wide range of "
        "engagement activity carried out by individual units and boroughs, and to report on "
        "them every quarter to the programme board with the action owners present.\n"
        "\n"
        "Train staff\tCommunity Safety Team\tReduce fear of crime\tBook trainer\n"
    )
    with pytest.raises(ImportFailed, match="No actions"):
        parse_bytes("notes.txt", text.encode("utf-8"), is_text=True)


def test_details_beside_an_action_are_its_steps_and_link_to_is_a_cross_reference():
    parsed = parse_bytes(
        "plan.csv",
        b"Action,Owner,Link to strategy outcomes,Details\n"
        b"Publish standards,Insp. Jones,Outcome 2,Draft them; Consult; Publish\n",
    )
    (action,) = parsed.plans[0].sections[0].actions
    assert (action.title, action.strategy_refs) == ("Publish standards", "Outcome 2")
    assert action.milestones == ["Draft them", "Consult", "Publish"]
    alone = parse_bytes("plan.csv", b"Details,Owner\nPublish standards,Insp. Jones\n")
    assert alone.plans[0].sections[0].actions[0].title == "Publish standards"


def test_a_cross_reference_longer_than_its_field_is_kept_in_the_description():
    outcome = "Embedding community engagement " * 10
    parsed = parse_bytes(
        "plan.csv", f"Action,Owner,Link to strategy\nPublish,Insp. Jones,{outcome}\n".encode()
    )
    (action,) = parsed.plans[0].sections[0].actions
    assert action.strategy_refs is not None and len(action.strategy_refs) == 200
    assert action.description == f"Strategy cross-reference: {outcome.strip()}"
    assert any("strategy cross-reference is" in w for w in parsed.warnings)
