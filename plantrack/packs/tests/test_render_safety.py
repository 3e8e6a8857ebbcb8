"""F3 and F4 for board packs: text stored with control characters (before input was cleaned)
no longer makes every pack fail, and no cell of the pack workbook is a formula."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from plantrack.core.tests.factories import storable
from plantrack.governance.models import Decision
from plantrack.packs import services
from plantrack.packs.models import Pack
from plantrack.packs.render import render
from plantrack.packs.snapshot import build_snapshot
from plantrack.packs.tests.conftest import make_pack
from plantrack.plans.models import Action, Update
from plantrack.plans.selectors import today

pytestmark = pytest.mark.django_db

DIRTY = storable("Slipped\x0bagain\x00 \x07\x1b[0m\ufffe")
FORMULAS = ('=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)")


@pytest.fixture
def dirty(pw):
    """Rows written past the services, as they were before input was cleaned."""
    w = pw.w
    Update.objects.create(action=w.action, date=today(), rag="red", narrative=DIRTY)
    Action.objects.filter(pk=w.action.pk).update(
        title=f"Create a policy {DIRTY}", rag="red", last_update_on=today()
    )
    Decision.objects.filter(body=pw.body).update(text=f"Agreed {DIRTY}")
    return pw


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_each_format_renders_with_control_characters_stored(dirty, fmt):
    snapshot, _ = build_snapshot(dirty.body, dirty.period, dirty.meeting)
    data = render(snapshot, fmt)
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(data))
        texts = [
            c.value for s in book for row in s.iter_rows() for c in row if isinstance(c.value, str)
        ]
        assert any("Slipped\nagain" in t for t in texts)
    if fmt == "docx":
        doc = Document(io.BytesIO(data))
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        assert any(c.startswith("Agreed Slipped") for c in cells)
    if fmt == "pdf":
        assert data.startswith(b"%PDF")


def test_the_pack_builds(dirty):
    pack = make_pack(dirty)
    pack.refresh_from_db()
    assert pack.status != Pack.Status.FAILED, pack.error
    assert services.pack_file(pack, "xlsx")


@pytest.mark.parametrize("text", FORMULAS)
def test_no_cell_of_the_pack_workbook_is_a_formula(pw, text):
    w = pw.w
    Action.objects.filter(pk=w.action.pk).update(title=text, ref=text, rag="red")
    Update.objects.create(action=w.action, date=today(), rag="red", narrative=text)
    Decision.objects.filter(body=pw.body).update(text=text)
    snapshot, _ = build_snapshot(pw.body, pw.period, pw.meeting)
    book = load_workbook(io.BytesIO(render(snapshot, "xlsx")))
    cells = [c for s in book for row in s.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == text for c in cells)
