"""F3 and F4 for every export: no cell of any workbook is a formula (the plan title in A1
was), csv cells a spreadsheet would run are guarded and read back exactly, and text stored
with control characters before input was cleaned no longer breaks a download."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plantrack.budgets import services as budgets
from plantrack.budgets.models import BudgetLine
from plantrack.core.tests.factories import make_action, storable
from plantrack.imports import exports
from plantrack.imports.pipeline import parse_bytes
from plantrack.imports.readers.text import read_text
from plantrack.imports.saving import import_parsed
from plantrack.measures import services as measures
from plantrack.measures.models import Measure, Reading
from plantrack.plans import services
from plantrack.plans.models import Plan, Section, Update
from plantrack.plans.selectors import today

pytestmark = pytest.mark.django_db

FORMULAS = ["=1+1", "+1+1", "-1+2", "@SUM(A1)", '=HYPERLINK("http://evil","x")']


def _formula_plan(world, text: str) -> Plan:
    """Every text a user controls begins with ``text``."""
    Plan.objects.filter(pk=world.plan.pk).update(title=text)
    Section.objects.filter(pk=world.section.pk).update(title=f"{text} section")
    action = make_action(
        world.plan, world.manager, section=world.section, ref=text[:20], title=f"{text} title"
    )
    services.update_post(actor=world.manager, action=action, narrative=text, date=today())
    services.milestone_create(actor=world.manager, action=action, title=f"{text} milestone")
    line = budgets.budget_line_create(
        actor=world.manager,
        plan=world.plan,
        name=f"{text} line",
        assumption=text,
        amounts={2024: Decimal("100.00")},
    )
    budgets.spend_record(actor=world.manager, line=line, amount=Decimal("5"), note=text)
    measure = measures.measure_create(
        actor=world.manager,
        plan=world.plan,
        name=f"{text} measure",
        direction="increase",
        description=text,
    )
    measures.reading_record(
        actor=world.manager, measure=measure, value=Decimal(3), date=today(), note=text
    )
    world.plan.refresh_from_db()
    return world.plan


def _cells(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data))
    return [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("text", FORMULAS)
@pytest.mark.parametrize(
    "url_name", ["imports:export", "budgets:export", "measures:export"], ids=lambda n: n[:6]
)
def test_no_cell_of_any_export_is_a_formula(client, world, text, url_name):
    plan = _formula_plan(world, text)
    client.force_login(world.viewer)
    args = [plan.pk, "xlsx"] if url_name == "imports:export" else [plan.pk]
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == 200
    cells = _cells(response.content)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(isinstance(c.value, str) and c.value.startswith(text) for c in cells)


def test_the_plan_title_in_a1_is_text(world):
    plan = _formula_plan(world, "=1+1")
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(plan))).active
    assert (sheet["A1"].value, sheet["A1"].data_type) == ("=1+1", "s")


@pytest.mark.parametrize("text", [*FORMULAS, "'=already quoted", "''+two"])
def test_csv_guards_formula_cells_and_reads_them_back_exactly(world, text):
    action = make_action(world.plan, world.manager, section=world.section, ref="R/1", title=text)
    data = exports.to_csv(world.plan)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    row = next(r for r in rows if r[0] == "R/1")
    assert row[rows[0].index("Action")] == f"'{text}"
    parsed = parse_bytes("copy.csv", data)
    (copy,) = import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    assert copy.actions.get(ref="R/1").title == action.title


DIRTY = storable("Held\x0bover\x00 again\x07")


def test_budget_and_measure_exports_cope_with_stored_control_characters(client, world):
    _formula_plan(world, "Fine")
    BudgetLine.objects.update(assumption=DIRTY, name=f"Line {DIRTY}")
    Measure.objects.update(name=f"Measure {DIRTY}", description=DIRTY)
    Reading.objects.update(note=DIRTY[:20])
    Update.objects.update(narrative=DIRTY)
    client.force_login(world.viewer)
    for url in (
        reverse("budgets:export", args=[world.plan.pk]),
        reverse("measures:export", args=[world.plan.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        texts = [c.value for c in _cells(response.content) if isinstance(c.value, str)]
        assert any("Held\nover again" in t for t in texts), url
    response = client.get(reverse("imports:export", args=[world.plan.pk, "csv"]))
    assert response.status_code == 200
    assert b"\x00" not in response.content and b"\x0b" not in response.content


def test_pasted_tables_are_cleaned_cell_by_cell():
    doc = read_text("pasted", "Ref\tAction\nA/1\tOne\x0bline two\x00\nA/2\tTwo\x07\n")
    (table,) = doc.tables
    assert [c.text for c in table.rows[1]] == ["A/1", "One\nline two"]
    assert [c.text for c in table.rows[2]] == ["A/2", "Two"]
