"""Narrative under a heading that names a section becomes the section's description."""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse

from plantrack.imports.parsed import (
    ParsedAction,
    ParsedImport,
    ParsedPlan,
    ParsedSection,
    from_store,
    to_store,
)
from plantrack.imports.pipeline import parse_bytes
from plantrack.imports.readers import read_file
from plantrack.imports.readers.text import read_text
from plantrack.imports.saving import import_parsed
from plantrack.imports.structure import parse_document
from plantrack.imports.structure.narrative import MAX_DESCRIPTION, title_key
from plantrack.imports.tables import Limits
from plantrack.imports.tests.test_text_reader import SEEDS, needs_seeds
from plantrack.plans.models import Section

PASTED = """Safer Streets Delivery Plan 2025/26

1. Scope

(A) Street Watch

- Recruit at least 20 volunteers by March 2026.
- Hold a walkabout in every ward each month.

(B) Youth Diversion

(C) Budget Notes

- Costs are shown in section 4 and belong to no initiative.

2. Actions

Ref\tAction\tOwner\tBy when
Street Watch
1\tSet up the Street Watch scheme\tPC Jones\tMarch 2026
2\tTrain the coordinators\tPC Jones\tMay 2026
Youth Diversion
3\tOpen the youth hub\tSgt Smith\tJune 2026
"""

STREET_WATCH = (
    "- Recruit at least 20 volunteers by March 2026.\n- Hold a walkabout in every ward each month."
)


def _sections(parsed: ParsedImport) -> dict[str, ParsedSection]:
    (plan,) = parsed.plans
    return {s.title: s for s in plan.sections}


def _docx() -> bytes:
    document = docx.Document()
    document.add_heading("Neighbourhood Policing Improvement Plan", 0)
    document.add_heading("Theme 1: Prevention", 1)
    document.add_paragraph("We will stop crime before it happens, with schools and youth services.")
    document.add_paragraph(
        "Train at least 30 officers in problem solving by December 2025.", style="List Bullet"
    )
    document.add_heading("Glossary", 1)  # names no section
    document.add_paragraph("ASB means anti-social behaviour.")
    document.add_heading("Prevention", 2)
    _table(document, [("P1", "Run a schools programme", "PC Green", "Dec 2025")])
    document.add_heading("Diversion", 2)
    _table(document, [("D1", "Open a youth hub", "Sgt Brown", "Mar 2026")])
    # After the table, not under the heading: it must not become Diversion's description.
    document.add_paragraph("Progress on these actions is reported to the board every quarter.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(document, rows) -> None:
    table = document.add_table(rows=0, cols=4)
    for row in [("Ref", "Action", "Owner", "Deadline"), *rows]:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def test_pasted_text_narrative_goes_to_the_section_its_heading_names():
    doc = read_text("plan.txt", PASTED)
    sections = _sections(parse_document(doc))
    assert list(sections) == ["Street Watch", "Youth Diversion"]
    assert sections["Street Watch"].description == STREET_WATCH
    # A heading with nothing under it before the next heading: no description.
    assert sections["Youth Diversion"].description == ""
    # The heading naming no section: its bullet is attached nowhere.
    everything = " ".join(s.description for s in sections.values())
    assert "belong to no initiative" not in everything
    assert len(sections["Street Watch"].actions) == 2


def test_docx_narrative_stops_at_the_next_heading_and_at_a_table():
    doc = read_file("plan.docx", _docx(), Limits())
    assert doc.tables[0].after_paragraphs is not None
    sections = _sections(parse_document(doc))
    assert list(sections) == ["Prevention", "Diversion"]
    assert sections["Prevention"].description == (
        "We will stop crime before it happens, with schools and youth services.\n"
        "Train at least 30 officers in problem solving by December 2025."
    )
    assert sections["Diversion"].description == ""
    assert "anti-social" not in sections["Prevention"].description


def test_text_after_a_table_is_not_narrative_of_the_heading_before_it():
    text = (
        "Prevention\n"
        "Ref\tAction\tOwner\n1\tRun a schools programme\tPC Green\n\n"
        "This paragraph comes after the table.\n"
    )
    (section,) = parse_document(read_text("x.txt", text)).plans[0].sections
    assert section.title == "Prevention" and section.description == ""


def test_the_first_heading_with_narrative_wins_and_the_default_section_is_never_described():
    text = (
        "Contents\nPrevention\nAppendix A\n\n"
        "Prevention\nWe will work with every school.\n\n"
        "PREVENTION\nA second description that is not used.\n\n"
        "Prevention\nRef\tAction\n1\tRun a schools programme\n"
    )
    (section,) = parse_document(read_text("x.txt", text)).plans[0].sections
    assert section.description == "We will work with every school."
    untitled = "Actions\nThese are our actions.\n\nRef\tAction\n1\tDo it\n"
    (section,) = parse_document(read_text("x.txt", untitled)).plans[0].sections
    assert section.description == ""


def test_a_long_narrative_is_cut_at_a_paragraph():
    paragraph = "We will keep working with partners on this. " * 20
    text = (
        "Prevention\n"
        + "\n".join([paragraph.strip()] * 20)
        + "\nPrevention\nRef\tAction\n1\tDo it\n"
    )
    (section,) = parse_document(read_text("x.txt", text)).plans[0].sections
    assert 0 < len(section.description) <= MAX_DESCRIPTION
    assert section.description.endswith("partners on this.")


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("(A) Neighbourhood Justice Panels", "Neighbourhood Justice Panels"),
        ("B. Community Coaches:", "Community Coaches"),
        ("3.2 Intelligence & Information (I&I)", "Intelligence and Information"),
        ("Theme 2: PROBLEM SOLVING", "Problem-Solving"),
        ("1. Visibility and accessibility", "Visibility & Accessibility"),
    ],
)
def test_headings_match_titles_after_normalising(heading, title):
    assert title_key(heading) == title_key(title)


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("Community Coaches Evaluation", "Community Coaches"),
        ("U.K. Policing", "K. Policing"),
        ("Prevention of Crime", "Prevention"),
    ],
)
def test_headings_with_other_words_do_not_match(heading, title):
    assert title_key(heading) != title_key(title)


def test_the_seed_scope_narrative_describes_its_initiatives():
    if SEEDS is None:
        pytest.skip(needs_seeds.kwargs["reason"])
    (path,) = SEEDS.glob("004_*.txt")
    parsed = parse_bytes(path.name, path.read_bytes(), is_text=True)
    sections = _sections(parsed)
    panels = sections["Neighbourhood Justice Panels"].description
    assert "at least 10 volunteers who will facilitate 200 panel interventions" in panels
    assert "(target 100 intervention per year)" in sections["Community Coaches"].description
    assert (
        "Partnership/ project governance"
        not in sections["Enhanced Integrated Offender Management"].description
    )
    assert "description" not in str(parsed.to_json())  # the CLI's JSON shape is fixed
    assert from_store(to_store(parsed)) == parsed


def test_stored_parses_without_descriptions_still_load():
    parsed = ParsedImport(
        file="x.txt",
        plans=[ParsedPlan("P", [ParsedSection("S", [ParsedAction(title="T")], "Scope")])],
    )
    stored = to_store(parsed)
    assert from_store(stored) == parsed
    del stored["plans"][0]["sections"][0]["description"]
    assert from_store(stored).plans[0].sections[0].description == ""


@pytest.mark.django_db
def test_saving_keeps_descriptions_and_a_reimport_fills_only_new_sections(world):
    parsed = parse_bytes("plan.txt", PASTED.encode(), is_text=True)
    (plan,) = import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    saved = {s.title: s.description for s in Section.objects.filter(plan=plan)}
    assert saved == {"Street Watch": STREET_WATCH, "Youth Diversion": ""}

    Section.objects.filter(plan=plan, title="Street Watch").update(description="Edited")
    again = parse_bytes("plan.txt", PASTED.encode(), is_text=True)
    again.plans[0].sections.append(
        ParsedSection("Night Safety", [ParsedAction(title="Walk home scheme")], "New scope")
    )
    import_parsed(actor=world.manager, parsed=again, owner_organisation=world.force, into_plan=plan)
    saved = {s.title: s.description for s in Section.objects.filter(plan=plan)}
    assert saved == {"Street Watch": "Edited", "Youth Diversion": "", "Night Safety": "New scope"}


@pytest.mark.django_db
def test_the_preview_shows_the_scope_under_the_section(client, world):
    client.force_login(world.manager)
    response = client.post(
        reverse("imports:new"),
        {"text": PASTED, "owner_organisation": world.force.pk, "plan_title": "Safer Streets"},
    )
    page = client.get(response["Location"]).content.decode()
    assert "Scope:</strong> - Recruit at least 20 volunteers by March 2026." in page
    assert page.count("Scope:</strong>") == 1  # Youth Diversion has none


# --- The plan's own narrative and period (issue 15, defect 9) ---------------------------------


def _seed(prefix: str) -> ParsedImport:
    if SEEDS is None:
        pytest.skip(needs_seeds.kwargs["reason"])
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return parse_bytes(path.name, path.read_bytes(), is_text=True)


def test_the_seed_context_and_objectives_become_the_plan_summary():
    (plan,) = _seed("004").plans
    assert plan.summary.startswith("Context\nThis document sets out the scope and plans")
    assert "\n\nObjectives\n- To implement the 4 initiatives" in plan.summary
    # The scope is the initiatives' own (their sections' descriptions), not the plan's.
    assert "Establishing a clear target group" not in plan.summary
    assert plan.period == ""


def test_the_seed_title_lines_give_the_plan_period():
    (plan,) = _seed("001").plans
    # The strategy runs 2003 - 2008; its year-one plan's own months win.
    assert plan.period == "April 2003 – March 2004"
    assert plan.summary == ""


@pytest.mark.parametrize(
    ("opening", "period"),
    [
        ("Community Safety Strategy 2022-2025\n\nAction Plan", "2022-2025"),
        ("Serious Violence Delivery Plan 2024/25", "2024/25"),
        ("Youth Justice Plan\n\nA plan for the borough", ""),
    ],
)
def test_a_period_is_read_from_the_opening_lines(opening, period):
    text = f"{opening}\n\nRef\tAction\tOwner\tDeadline\n1\tOpen a youth hub\tSgt Brown\tMar 2026\n"
    (plan,) = parse_bytes("plan.txt", text.encode(), is_text=True).plans
    assert plan.period == period


def test_stored_parses_keep_the_plan_narrative_and_load_without_it():
    parsed = ParsedImport(
        file="x.txt",
        plans=[ParsedPlan("P", [], summary="Context\nWhy", period="2024/25")],
    )
    stored = to_store(parsed)
    assert from_store(stored) == parsed
    del stored["plans"][0]["summary"], stored["plans"][0]["period"]
    assert from_store(stored).plans[0].summary == ""


@pytest.mark.django_db
def test_saving_keeps_the_plan_narrative_and_period(world):
    text = (
        "Safer Streets Action Plan April 2025 – March 2026\n\n1. Context\n\n"
        "Street crime rose in the town centre.\n\n2. Objectives\n\n- Cut street robbery.\n\n"
        "3. Actions\n\nRef\tAction\tOwner\tBy when\n1\tSet up Street Watch\tPC Jones\tMay 2026\n"
    )
    parsed = parse_bytes("plan.txt", text.encode(), is_text=True)
    (plan,) = import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    plan.refresh_from_db()
    assert plan.summary == (
        "Context\nStreet crime rose in the town centre.\n\nObjectives\n- Cut street robbery."
    )
    assert plan.period_text == "April 2025 – March 2026"
    assert str(plan.period_earliest) == "2025-04-01"
