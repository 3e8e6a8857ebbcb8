"""The three outputs, read back: the PDF's text and pages, the Word document's structure and
the workbook's sheets, against the numbers in the database."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from plantrack.packs.render import render
from plantrack.packs.snapshot import build_snapshot
from plantrack.packs.tests.conftest import add_actions, add_off_track_measure
from plantrack.plans.models import Action
from plantrack.plans.selectors import plan_summary

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]
PAGES = REPO / "test-artifacts" / "pack-pages"
needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")), reason="poppler-utils missing"
)


@pytest.fixture
def snapshot(pw) -> dict:
    add_actions(pw.w, 3, rag="amber")
    add_off_track_measure(pw, action=pw.w.action)
    snapshot, _ = build_snapshot(pw.body, pw.period, pw.meeting)
    return snapshot


def _figure(text: str, label: str) -> str:
    match = re.search(rf"^\s*{re.escape(label)}\s+(\S.*?)\s*$", text, re.MULTILINE)
    assert match, f"{label!r} not in the PDF's text"
    return match.group(1)


@needs_poppler
def test_pdf_text_matches_the_database(pw, snapshot, tmp_path):
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(render(snapshot, "pdf"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    counts = plan_summary(pw.w.plan)
    assert _figure(text, "Actions") == str(Action.objects.filter(plan=pw.w.plan).count())
    assert _figure(text, "Red (open)") == str(counts["red_count"]) == "1"
    assert _figure(text, "Amber (open)") == str(counts["amber_count"]) == "3"
    assert _figure(text, "Overdue") == str(counts["overdue_count"])
    assert _figure(text, "Measures on track") == "1 of 2"
    assert "Youth Board: board pack for" in text
    # Reading order without -layout, so that a wrapped cell reads as one run of words.
    raw = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(raw.split())
    assert "Agree the delivery model." in flat
    assert "£12,000" in flat and "£2,500.50" in flat
    assert "Page 2 of" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info
    assert re.search(r"Title:\s+Youth Board: board pack", info)


@needs_poppler
def test_pdf_pages_render_to_images(snapshot, tmp_path):
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(render(snapshot, "pdf", draft=True))
    PAGES.mkdir(parents=True, exist_ok=True)
    for old in PAGES.glob("pack-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(PAGES / "pack")], check=True)
    pages = sorted(PAGES.glob("pack-*.png"))
    assert len(pages) >= 4
    assert all(p.stat().st_size > 1000 for p in pages)


def test_docx_has_heading_styles_and_header_rows(snapshot):
    doc = Document(io.BytesIO(render(snapshot, "docx")))
    headings = [
        (p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings[0] == ("Heading 1", snapshot["title"])
    assert ("Heading 2", "Exceptions") in headings
    assert ("Heading 2", "Youth Strategy") in headings
    assert ("Heading 3", "Actions: Intelligence") in headings
    assert ("Heading 2", "Decisions log") in headings
    assert doc.core_properties.title == snapshot["title"]
    assert doc.core_properties.language == "en-GB"
    for table in doc.tables:
        header = table.rows[0]._tr
        assert (
            header.trPr is not None
            and header.trPr.find(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
            )
            is not None
        )
    exceptions = next(t for t in doc.tables if t.rows[0].cells[0].text == "Plan")
    assert [c.text for c in exceptions.rows[0].cells][-1] == "Commentary"
    assert len(exceptions.rows) == 1 + len(snapshot["exceptions"])


def test_xlsx_opens_with_a_sheet_per_part(snapshot):
    book = load_workbook(io.BytesIO(render(snapshot, "xlsx")))
    assert book.sheetnames == [
        "Summary",
        "RAG by quarter",
        "Exceptions",
        "Actions",
        "Measures",
        "Budget",
        "Decisions",
    ]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Actions"] == snapshot["summary"]["delivery"]["action_count"] == 5
    assert summary["Amber (open)"] == 3
    assert book["Actions"].max_row == 1 + 5
    budget = list(book["Budget"].iter_rows(min_row=2, values_only=True))
    assert budget[0][2:5] == (12000, 2500.5, 9499.5)


def test_pdf_shows_each_action_once(pw):
    """Exceptions come first with their commentary; the section registers list the rest."""
    from plantrack.packs.render.pdf import pack_html

    add_actions(pw.w, 2, rag="green")
    snapshot, _ = build_snapshot(pw.body, pw.period, pw.meeting)
    html = pack_html(snapshot)
    excepted = {e["ref"] for e in snapshot["exceptions"] if e["kind"] == "action"}
    everyone = {
        a["ref"] for part in snapshot["parts"] for s in part["sections"] for a in s["actions"]
    }
    assert excepted and excepted < everyone
    for ref in everyone:
        assert html.count(f"<td>{ref}</td>") == 1, ref
    register = everyone - excepted
    assert (
        f"{len(register)} of {len(everyone)} actions; the other {len(excepted)} are in the "
        "exceptions" in html
    )


def test_pdf_says_when_a_section_is_all_exceptions(snapshot):
    from plantrack.packs.render.pdf import pack_html

    section = snapshot["parts"][0]["sections"][0]
    excepted = {e["action_id"] for e in snapshot["exceptions"]}
    assert all(a["id"] in excepted for a in section["actions"])
    count = len(section["actions"])
    assert f"All {count} actions of {section['title']} are in the exceptions." in pack_html(
        snapshot
    )


def test_pdf_gives_a_measure_exception_its_judgement_not_a_missing_commentary(pw):
    add_off_track_measure(pw)  # not tied to an action: nobody writes commentary on it
    snapshot, _ = build_snapshot(pw.body, pw.period, pw.meeting)
    from plantrack.packs.render.pdf import pack_html

    measure = next(e for e in snapshot["exceptions"] if e["kind"] == "measure")
    html = pack_html(snapshot)
    row = html[html.index(f"<td>{measure['title']}</td>") :]
    row = row[: row.index("</tr>")]
    assert f"Judgement: {measure['detail']}" in row
    assert "No commentary yet" not in row
    assert "target by" in row


def test_exceptions_and_decisions_say_which_section_a_repeated_ref_belongs_to(pw):
    """Issue 15, defect 4: seed 004 restarts its numbering per initiative, so the exceptions
    read "1 Present proposals…" twice with nothing to tell them apart; the decisions list
    likewise ("Action 5: BASBAG agree delivery model" twice)."""
    from plantrack.core.tests.factories import make_action
    from plantrack.governance.models import Decision
    from plantrack.governance.templatetags.governance_tags import subject_label
    from plantrack.packs.render.pdf import pack_html
    from plantrack.plans import services as plans

    w = pw.w
    first = plans.section_create(actor=w.manager, plan=w.plan, title="Initiative 1: Lead")
    second = plans.section_create(actor=w.manager, plan=w.plan, title="Initiative 2: Partners")
    repeated = []
    for section in (first, second):
        action = make_action(
            w.plan, w.manager, section=section, ref="1", title="Present proposals to the board"
        )
        plans.update_post(
            actor=w.manager, action=action, narrative="Late.", rag="red", status="in_progress"
        )
        repeated.append(action)
    Decision.objects.create(
        body=pw.body,
        action=repeated[1],
        subject_plan=w.plan,
        text="Agree the proposals.",
        decided_on=pw.meeting.date - dt.timedelta(days=7),
    )
    snapshot, _ = build_snapshot(pw.body, pw.period, pw.meeting)

    rows = [e for e in snapshot["exceptions"] if e["title"] == "Present proposals to the board"]
    assert sorted(e["section"] for e in rows) == ["Initiative 1: Lead", "Initiative 2: Partners"]
    html = pack_html(snapshot)
    doc = Document(io.BytesIO(render(snapshot, "docx")))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    for section in ("Initiative 1: Lead", "Initiative 2: Partners"):
        assert f"{w.plan.title}: {section}" in html
        assert f"{w.plan.title}: {section}" in cells
    decision = Decision.objects.get(text="Agree the proposals.")
    assert subject_label(decision.subject) == (
        "Action 1 (Initiative 2: Partners): Present proposals to the board"
    )
    assert [d["about"] for d in snapshot["decisions"] if d["text"] == "Agree the proposals."] == [
        "Action 1 (Initiative 2: Partners): Present proposals to the board"
    ]


def test_a_part_gives_the_plan_period_and_narrative_or_the_section_scope(pw):
    """Issue 15, defect 9: a plan's context and objectives and a section's scope reach the
    pack, in HTML and Word, with the plan's period."""
    from plantrack.governance.models import Oversight
    from plantrack.packs.render.pdf import pack_html
    from plantrack.plans import services as plans

    w = pw.w
    plans.plan_update(
        actor=w.manager,
        plan=w.plan,
        period_text="April 2025 – March 2026",
        summary="Context\nRobbery rose in the town centre.\n\nObjectives\n- Cut street robbery",
    )
    snapshot, _ = build_snapshot(pw.body, pw.period, pw.meeting)
    (part,) = [p for p in snapshot["parts"] if p["plan_id"] == w.plan.pk]
    assert part["period"] == "April 2025 – March 2026"
    html = pack_html(snapshot)
    assert "April 2025 – March 2026" in html
    assert '<h4 class="govuk-heading-s">Objectives</h4>' in html
    assert "<li>Cut street robbery</li>" in html
    doc = Document(io.BytesIO(render(snapshot, "docx")))
    texts = [p.text for p in doc.paragraphs]
    assert "Robbery rose in the town centre." in texts
    assert "Cut street robbery" in texts

    section = plans.section_create(
        actor=w.manager, plan=w.plan, title="Street Watch", description="Recruit 20 volunteers."
    )
    Oversight.objects.filter(body=pw.body, plan=w.plan).update(section=section)
    snapshot, _ = build_snapshot(pw.body, pw.period, pw.meeting)
    (part,) = [p for p in snapshot["parts"] if p["plan_id"] == w.plan.pk]
    assert part["about"] == "Recruit 20 volunteers."
