"""Cell readers: RAG, look-alike letters, milestones, updates, owners and agencies.

Pure Python: no database.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plantrack.imports.cells import (
    OwnerRef,
    normalise_lookalikes,
    rag_from_fill,
    read_rag,
    split_agencies,
    split_milestones,
    split_owners,
    split_updates,
    update_segments,
)

# --- RAG -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rag"),
    [
        ("R", "red"),
        ("a", "amber"),
        ("G", "green"),
        ("B", "blue"),
        ("Red", "red"),
        ("AMBER", "amber"),
        ("green ", "green"),
        ("Blue", "blue"),
        ("A/G", "amber"),
        ("Amber/Green", "amber"),
        ("G - on track", "green"),
        ("RAG: Red", "red"),
        ("On track", "green"),
        ("At risk", "amber"),
        ("Off track", "red"),
        ("Complete", "blue"),
        ("Completed", "blue"),
        ("", None),
        ("Not started", None),
        ("Rabbit", None),
    ],
)
def test_rag_from_words_and_letters(text: str, rag: str | None) -> None:
    assert read_rag(text).rag == rag


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Not started", "not_started"),
        ("Not yet started", "not_started"),
        ("Complete", "complete"),
        ("Ongoing", "ongoing"),
        ("In progress", "in_progress"),
        ("Cancelled", "cancelled"),
        ("Green", None),
    ],
)
def test_lifecycle_words_are_statuses(text: str, status: str | None) -> None:
    assert read_rag(text).status == status


@pytest.mark.parametrize("letter", ["\u0391", "\u0410"])  # Greek Alpha, Cyrillic A
def test_lookalike_rag_letter_is_read_and_flagged(letter: str) -> None:
    reading = read_rag(letter)
    assert reading.rag == "amber"
    assert reading.lookalike


def test_latin_rag_letter_is_not_flagged() -> None:
    assert not read_rag("A").lookalike


@pytest.mark.parametrize(
    ("fill", "rag"),
    [
        ("FF0000", "red"),
        ("FFC7CE", "red"),  # Excel's pale "Bad" style
        ("C00000", "red"),
        ("FFC000", "amber"),
        ("FFFF00", "amber"),
        ("FFEB9C", "amber"),  # Excel's "Neutral"
        ("00B050", "green"),
        ("C6EFCE", "green"),  # Excel's "Good"
        ("92D050", "green"),
        ("0070C0", "blue"),
        ("9BC2E6", "blue"),
        ("FFFFFF", None),
        ("D9D9D9", None),
        ("000000", None),
        ("7030A0", None),  # purple
        ("not-hex", None),
        (None, None),
    ],
)
def test_rag_from_fill_colour(fill: str | None, rag: str | None) -> None:
    assert rag_from_fill(fill) == rag


def test_text_wins_over_fill_and_fill_fills_in() -> None:
    assert read_rag("G", "FF0000").rag == "green"
    assert read_rag("", "FF0000").rag == "red"


# --- Look-alike letters ----------------------------------------------------------------------


def test_cyrillic_initials_are_read_as_latin() -> None:
    assert normalise_lookalikes("\u041c\u041a") == ("MK", True)  # Cyrillic "МК"
    assert normalise_lookalikes("MK") == ("MK", False)


def test_real_cyrillic_and_greek_words_are_left_alone() -> None:
    # Each has letters with no Latin twin.
    assert normalise_lookalikes("Москва")[1] is False
    assert normalise_lookalikes("Αθήνα")[1] is False


def test_mixed_script_reference_is_fixed() -> None:
    assert normalise_lookalikes("\u0399NT/1")[0] == "INT/1"  # Greek capital Iota


# --- Milestones ------------------------------------------------------------------------------


def test_milestones_split_by_line_bullet_and_semicolon() -> None:
    assert split_milestones("• Draft policy\n• Consult; Publish") == [
        "Draft policy",
        "Consult",
        "Publish",
    ]
    assert split_milestones("1. Scope\n2. Build") == ["Scope", "Build"]


def test_milestones_run_together_by_lost_line_break() -> None:
    assert split_milestones("Publication of PolicyTraining of source units") == [
        "Publication of Policy",
        "Training of source units",
    ]
    assert split_milestones("Meet McDonald") == ["Meet McDonald"]


# --- Updates ---------------------------------------------------------------------------------


def test_compact_date_prefix() -> None:
    updates, warnings = split_updates("290622 \u2013 SP&I reformatting calendar")
    assert [(u.date, u.text) for u in updates] == [
        (dt.date(2022, 6, 29), "SP&I reformatting calendar")
    ]
    assert warnings == []


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("12/05/25 \u2013 Survey done", dt.date(2025, 5, 12)),
        ("03.06.2025: Survey done", dt.date(2025, 6, 3)),
        ("12 May 2025: Survey done", dt.date(2025, 5, 12)),
        ("290622 - Survey done", dt.date(2022, 6, 29)),
    ],
)
def test_date_prefix_forms(text: str, date: dt.date) -> None:
    updates, _ = split_updates(text)
    assert [(u.date, u.text) for u in updates] == [(date, "Survey done")]


def test_one_update_per_line_with_continuation_lines() -> None:
    text = "12/05/25 – Survey done\nresults shared\n03.06.2025: Contractor appointed"
    updates, _ = split_updates(text)
    assert [(u.date, u.text) for u in updates] == [
        (dt.date(2025, 5, 12), "Survey done\nresults shared"),
        (dt.date(2025, 6, 3), "Contractor appointed"),
    ]


def test_run_together_updates_are_split_at_sentence_ends() -> None:
    text = "290622 – Review started. 050722 – Options agreed; 12 July 2022: Sign-off."
    updates, _ = split_updates(text)
    assert [(u.date, u.text) for u in updates] == [
        (dt.date(2022, 6, 29), "Review started."),
        (dt.date(2022, 7, 5), "Options agreed;"),
        (dt.date(2022, 7, 12), "Sign-off."),
    ]


def test_a_date_inside_a_sentence_does_not_split() -> None:
    updates, _ = split_updates("Panel met on 12 May 2025 with partners")
    assert [(u.date, u.text) for u in updates] == [(None, "Panel met on 12 May 2025 with partners")]


def test_invalid_prefix_keeps_text_undated_and_warns() -> None:
    updates, warnings = split_updates("296023 \u2013 13 stations have doorbells installed")
    assert [(u.date, u.text) for u in updates] == [
        (None, "296023 \u2013 13 stations have doorbells installed")
    ]
    assert len(warnings) == 1 and "296023" in warnings[0]


def test_text_without_prefix_is_one_undated_update() -> None:
    updates, _ = split_updates("Requires funding for Origin data. Acorn data already available.")
    assert [(u.date, u.text) for u in updates] == [
        (None, "Requires funding for Origin data. Acorn data already available.")
    ]


def test_empty_update_cell() -> None:
    assert split_updates("") == ([], [])
    assert split_updates("  \n ") == ([], [])


def _squeeze(text: str) -> str:
    return "".join(text.split())


_update_text = st.lists(
    st.one_of(
        st.text(max_size=30),
        st.sampled_from(["290622 – ", "12/05/25 - ", "03.06.2025: ", "12 May 2025: ", "296023 – "]),
        st.sampled_from([". ", "\n", "; ", " "]),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_update_text)
def test_update_splitting_loses_nothing(text: str) -> None:
    """Prefixes and texts of the segments, whitespace aside, spell the input exactly: a
    split can only move text into a date prefix, never drop or reorder it."""
    segments = update_segments(text)
    assert _squeeze("".join(s.prefix + s.text for s in segments)) == _squeeze(text)
    for segment in segments:
        assert (segment.date is None) == (segment.prefix == "")


@settings(max_examples=200, deadline=None)
@given(_update_text)
def test_split_updates_keeps_every_word_outside_prefixes(text: str) -> None:
    updates, _ = split_updates(text)
    kept = _squeeze("".join(u.text for u in updates))
    prefixes = _squeeze("".join(s.prefix for s in update_segments(text)))
    assert len(kept) + len(prefixes) == len(_squeeze(text))


# --- Owners ----------------------------------------------------------------------------------


def _people(text: str) -> list[tuple]:
    return [(r.rank, r.name, r.staff_number, r.post, r.supporting) for r in split_owners(text)]


def test_rank_name_and_staff_number() -> None:
    assert _people("DCI Ian Wiggett (47113)") == [("DCI", "Ian Wiggett", "47113", "", False)]


def test_two_officers_in_one_cell() -> None:
    assert _people("Commander Stephen Roberts (69876) C/I Craig Mitchell (63675)") == [
        ("Commander", "Stephen Roberts", "69876", "", False),
        ("C/I", "Craig Mitchell", "63675", "", False),
    ]


def test_team_post_and_two_people() -> None:
    assert _people("Corporate Comms Supt Paley / CI Preece") == [
        ("", "", "", "Corporate Comms", False),
        ("Supt", "Paley", "", "", False),
        ("CI", "Preece", "", "", False),
    ]


@pytest.mark.parametrize("text", ["SNT Ch Insps", "PSST Supt", "OCC Ch Insp", "LPA Supts"])
def test_unit_and_rank_is_a_post(text: str) -> None:
    assert _people(text) == [("", "", "", text, False)]


def test_initials_with_supporting_post() -> None:
    assert _people("AM") == [("", "AM", "", "", False)]
    assert _people("MK (with PM support)") == [
        ("", "MK", "", "", False),
        ("", "", "", "PM", True),
    ]


def test_cyrillic_initials_in_owner() -> None:
    assert _people("\u041c\u041a") == [("", "MK", "", "", False)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ch. Insp. Craig Mitchell (63675)", [("Ch. Insp.", "Craig Mitchell", "63675")]),
        ("A/Supt. lan Jenkins (60883)", [("A/Supt.", "lan Jenkins", "60883")]),
        ("DS Michael Gordon- Gibson (64368)", [("DS", "Michael Gordon-Gibson", "64368")]),
        # HIDOs: the team she leads, her post (issue 15), not a second owner.
        ("Alison Collins (67945) HIDOs", [("", "Alison Collins", "67945")]),
        ("Supt Hancox PSST Inspector", [("Supt", "Hancox", ""), ("", "", "")]),
    ],
)
def test_people_as_written_in_plans(text: str, expected: list[tuple]) -> None:
    assert [(r.rank, r.name, r.staff_number) for r in split_owners(text)] == expected


def test_post_before_a_name_is_that_persons_post() -> None:
    refs = split_owners("CiP manager Sophie Paley Gary Shepherd")
    assert [(r.name, r.post) for r in refs] == [
        ("Sophie Paley", "CiP manager"),
        ("Gary Shepherd", ""),
    ]


def test_bare_rank_after_and_borrows_the_unit() -> None:
    assert [r.post for r in split_owners("PSST Supt & Inspector")] == [
        "PSST Supt",
        "PSST Inspector",
    ]


def test_placeholders_and_annotations_name_nobody() -> None:
    assert split_owners("TBC (depend on 4. above)") == []
    assert [r.post for r in split_owners("Digital Services (APP)")] == ["Digital Services"]
    assert split_owners("") == []


def test_owner_ref_keeps_raw_words() -> None:
    (ref,) = split_owners("DCI Ian Wiggett (47113)")
    assert isinstance(ref, OwnerRef)
    assert ref.raw == "DCI Ian Wiggett (47113)"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_split_owners_never_raises(text: str) -> None:
    for ref in split_owners(text):
        assert ref.name or ref.post


# --- Agencies --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Police (TP, Youth Policy) DfES Youth Justice Board",
            ["Police (TP, Youth Policy)", "DfES", "Youth Justice Board"],
        ),
        (
            "Police (Drugs Directorate) GOL (Youth Crime Unit) Primary Care Trusts",
            ["Police (Drugs Directorate)", "GOL (Youth Crime Unit)", "Primary Care Trusts"],
        ),
        ("Police (TP, Youth Policy) (DCC4)", ["Police (TP, Youth Policy) (DCC4)"]),
        (
            "Police (TP, Youth Policy) Youth Crime Task Force Youth Justice Board (YJB)",
            ["Police (TP, Youth Policy)", "Youth Crime Task Force", "Youth Justice Board (YJB)"],
        ),
        (
            "Police (TP, Youth Policy) African / Caribbean Business Network Asian Business Network",
            [
                "Police (TP, Youth Policy)",
                "African / Caribbean Business Network",
                "Asian Business Network",
            ],
        ),
        (
            "Police (TP, Problem Solving Team) Crime and Disorder Reduction Partnerships (CDRPs)",
            [
                "Police (TP, Problem Solving Team)",
                "Crime and Disorder Reduction Partnerships (CDRPs)",
            ],
        ),
        ("London Voluntary Services Council (LVSC)", ["London Voluntary Services Council (LVSC)"]),
        ("Police / Council; NHS Trust", ["Police", "Council", "NHS Trust"]),
        (
            "Youth Offending Service and Victim Support",
            ["Youth Offending Service", "Victim Support"],
        ),
        ("Children and Young Persons Unit, DfES", ["Children and Young Persons Unit", "DfES"]),
        ("", []),
    ],
)
def test_split_agencies(text: str, names: list[str]) -> None:
    assert split_agencies(text) == names


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_split_agencies_never_raises_and_keeps_words(text: str) -> None:
    names = split_agencies(text)
    assert all(name.strip() for name in names)


# --- Issue 15, defect 8: one owner written three ways ------------------------------------------


@pytest.mark.parametrize(
    ("text", "owners"),
    [
        # A collar number between the rank and the name.
        ("PS 1234 Ahmed Khan", [("Ahmed Khan", "PS", "1234", "")]),
        # A team acronym after a named person is the team she leads, not a person.
        ("Alison Collins (67945) HIDOs", [("Alison Collins", "", "67945", "HIDOs")]),
        # One plural rank shared by two units: the inspectors of both, one post.
        ("PSST and PSH Insps", [("", "", "", "PSST and PSH Insps")]),
        # Still two owners where two are written.
        ("PS Smith and PC Jones", [("Smith", "PS", "", ""), ("Jones", "PC", "", "")]),
        ("AM and MK", [("AM", "", "", ""), ("MK", "", "", "")]),
    ],
)
def test_owners_written_with_numbers_teams_and_shared_ranks(text, owners):
    found = split_owners(text)
    assert [(r.name, r.rank, r.staff_number, r.post) for r in found] == owners
