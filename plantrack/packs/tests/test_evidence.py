"""Board packs list the evidence on the updates they show: titles, with the file's type and
size or the link's site, in the preview, the PDF, the Word document and the workbook."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook

from plantrack.evidence import services as evidence
from plantrack.evidence.tests import samples
from plantrack.packs.render import common, render
from plantrack.packs.render.pdf import pack_html
from plantrack.packs.snapshot import build_snapshot
from plantrack.packs.tests.conftest import add_actions
from plantrack.plans.models import Action, Update

pytestmark = pytest.mark.django_db

PDF = samples.pdf_bytes() + b"%" * 800
LISTED = "Signed policy (PDF, 1.2 KB); Partnership page (link, www.example.org)"


def _with_evidence(pw) -> Update:
    """A green action (so the PDF shows its latest update, not an exception) whose latest
    update has a file and a link."""
    add_actions(pw.w, 1, rag="green")
    update = Update.objects.get(action__ref="EXTRA/0")
    evidence.evidence_attach_file(
        actor=pw.w.manager,
        target=update,
        upload=samples.upload("policy.pdf", PDF),
        title="Signed policy",
    )
    evidence.evidence_attach_link(
        actor=pw.w.manager,
        target=update,
        url="https://www.example.org/partnership",
        title="Partnership page",
    )
    return update


def _action(snapshot: dict, ref: str) -> dict:
    return next(
        a
        for part in snapshot["parts"]
        for section in part["sections"]
        for a in section["actions"]
        if a["ref"] == ref
    )


def test_the_snapshot_holds_the_evidence_of_each_latest_update(pw):
    _with_evidence(pw)
    snapshot, _ = build_snapshot(pw.body, pw.period, pw.meeting)
    listed = _action(snapshot, "EXTRA/0")["latest_update"]["evidence"]
    assert listed == [
        {"title": "Signed policy", "kind": "file", "type": "PDF", "size": len(PDF), "host": ""},
        {
            "title": "Partnership page",
            "kind": "link",
            "type": "Link",
            "size": 0,
            "host": "www.example.org",
        },
    ]
    assert common.evidence_text(_action(snapshot, "EXTRA/0")["latest_update"]) == LISTED
    assert _action(snapshot, "YC/INT/2")["latest_update"]["evidence"] == []


def test_a_snapshot_made_before_evidence_lists_none():
    assert common.evidence_text({"date": None, "text": "Old", "author": ""}) == ""
    assert common.evidence_text(None) == ""


def test_the_snapshot_reads_evidence_in_one_query_whatever_the_number_of_updates(pw):
    _with_evidence(pw)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            build_snapshot(pw.body, pw.period, pw.meeting)
        return len(queries)

    before = count()
    add_actions(pw.w, 5, rag="green")
    for update in Update.objects.filter(action__ref__startswith="EXTRA/"):
        evidence.evidence_attach_link(
            actor=pw.w.manager, target=update, url="https://example.org", title="Web"
        )
    assert count() == before


def test_every_output_lists_the_evidence(pw):
    _with_evidence(pw)
    snapshot, _ = build_snapshot(pw.body, pw.period, pw.meeting)
    expected = LISTED

    html = pack_html(snapshot)
    assert f"Evidence: {expected}" in html
    preview = render_to_string(
        "packs/_preview.html",
        {"s": snapshot, "summary_rows": [], "action_columns": common.ACTION_COLUMNS},
    )
    assert f"Evidence: {expected}" in preview

    with pdfplumber.open(io.BytesIO(render(snapshot, "pdf"))) as pdf:
        text = " ".join((page.extract_text() or "") for page in pdf.pages)
    assert "Evidence: Signed policy (PDF, 1.2 KB)" in " ".join(text.split())

    document = Document(io.BytesIO(render(snapshot, "docx")))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any(cell.endswith(f"\nEvidence: {expected}") for cell in cells)

    sheet = load_workbook(io.BytesIO(render(snapshot, "xlsx")))["Actions"]
    header = [c.value for c in sheet[1]]
    column = header.index("Evidence")
    values = [row[column].value for row in sheet.iter_rows(min_row=2)]
    assert expected in values
    assert Action.objects.filter(ref="EXTRA/0").exists()
