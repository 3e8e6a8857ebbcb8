"""Exporting a plan and importing the file gives the same plan; exports are formula-safe."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plantrack.core.tests.factories import make_action, make_org, make_person
from plantrack.imports import exports
from plantrack.imports.pipeline import parse_bytes
from plantrack.imports.saving import import_parsed
from plantrack.plans import services
from plantrack.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_plan(world):
    partner = make_org("Youth Justice Board")
    second = services.section_create(actor=world.manager, plan=world.plan, title="Diversion")
    wiggett = make_person(name="Ian Wiggett", rank="DCI", staff_number="47113")
    action = make_action(
        world.plan,
        world.manager,
        section=second,
        ref="YC/DIV/1",
        strategy_refs="5.1 – 5.3",
        description="Funded by the Home Office.\nRuns in 12 boroughs.",
        title='=HYPERLINK("http://evil") develop a training package',
        owner_text="DCI Ian Wiggett (47113)",
        owners=[wiggett],
        lead_organisations=[world.force],
        supporting_organisations=[partner],
        review_text="June 2003",
        due_text="Q3 2022/23",
        start_text="Commence Nov 22",
        status="in_progress",
        rag="amber",
        milestones=["Training package developed"],
    )
    services.update_post(
        actor=world.manager,
        action=action,
        narrative="Package drafted",
        rag="amber",
        date=dt.date(2022, 6, 29),
    )
    services.update_post(
        actor=world.manager,
        action=action,
        narrative="+44 pilots booked",
        rag="red",
        date=dt.date(2022, 9, 1),
    )
    return world.plan


# Issue 15, defect 10: the strategy cross-reference ("5.1 – 5.3") and the description were
# not exported, so a round trip lost them.
FIELDS = (
    "ref",
    "strategy_refs",
    "title",
    "description",
    "start_text",
    "review_text",
    "due_text",
    "rag",
    "status",
)


def _snapshot(plan: Plan) -> list:
    rows = []
    for action in plan.actions.order_by("section__position", "position"):
        rows.append(
            (
                action.section.title if action.section else "",
                *(getattr(action, name) for name in FIELDS),
                # Owners without a written cell are exported by name, which the copy keeps as text.
                action.owner_text
                or "; ".join(o.person.display_name for o in action.ownerships.all()),
                sorted(o.person.display_name for o in action.ownerships.all()),
                sorted((a.role, a.organisation.name) for a in action.agencies.all()),
                sorted((u.date, u.narrative) for u in action.updates.all()),
                [m.title for m in action.milestones.all()],
            )
        )
    return rows


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_gives_the_same_plan(world, rich_plan, fmt):
    data = getattr(exports, f"to_{fmt}")(rich_plan)
    parsed = parse_bytes(f"copy.{fmt}", data)
    (copy,) = import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    assert _snapshot(copy) == _snapshot(rich_plan)


def test_xlsx_cells_are_strings_never_formulas(rich_plan):
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(rich_plan))).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith(("=", "+"))]
    assert risky and all(c.data_type == "s" for c in risky)


def test_csv_guards_formula_like_cells(rich_plan):
    text = exports.to_csv(rich_plan).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert '"=HYPERLINK' not in text and ",=HYPERLINK" not in text


def test_json_export(rich_plan):
    data = json.loads(exports.to_json(rich_plan))
    diversion = next(s for s in data["sections"] if s["title"] == "Diversion")
    action = diversion["actions"][0]
    assert action["ref"] == "YC/DIV/1" and action["due_latest"] == "2022-12-31"
    assert action["supporting_organisations"] == ["Youth Justice Board"]
    assert len(action["updates"]) == 2


def test_export_pages_respect_access(client, world, rich_plan):
    url = reverse("imports:export", args=[rich_plan.pk, "xlsx"])
    client.force_login(world.viewer)
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert client.get(reverse("imports:export", args=[rich_plan.pk, "exe"])).status_code == 404
    assert client.post(url).status_code == 405
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
