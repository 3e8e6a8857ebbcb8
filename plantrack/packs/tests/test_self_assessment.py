"""The board pack's optional self-assessment section: offered when a cycle concerns the plans'
organisations, off unless asked for, figures only, in the preview and the three files."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass

import pdfplumber
import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from plantrack.assessments import cycles, services
from plantrack.assessments.models import Cycle, Unit
from plantrack.core.tests.factories import make_org, make_user
from plantrack.directory.models import Membership, Organisation
from plantrack.directory.selectors import forget_organisation_ids
from plantrack.packs.models import Pack
from plantrack.packs.render import render
from plantrack.packs.self_assessment import pack_cycles
from plantrack.plans import services as plans
from plantrack.plans.selectors import today

pytestmark = pytest.mark.django_db

COMMENT = "PC Secret Name runs it alone"
ITEMS = [
    "Appointment of a SPOC at PCSO/PC/PS level to run the scheme locally;",
    "Publicity material in front offices;",
    "Publicity material in custody suites;",
]


@dataclass
class Assessed:
    cycle: Cycle
    barnet: Unit
    brent: Unit


def _framework(actor, organisation, title="Good practice check list"):
    framework = services.framework_import(
        actor=actor,
        organisation=organisation,
        title=title,
        items=[services.ImportedItem(text) for text in ITEMS],
    )
    services.framework_status_set(actor=actor, framework=framework, status="published")
    return framework


def _cycle(actor, framework, units, title, opens_on) -> Cycle:
    return cycles.cycle_create(
        actor=actor,
        framework=framework,
        title=title,
        opens_on=opens_on,
        due_on=opens_on + dt.timedelta(days=90),
        units=units,
    )


def _assessed(pw) -> Assessed:
    """The force (which owns the pack's plan) keeps a checklist; two boroughs answered it last
    year and this year. Barnet claims its SPOC in place (nobody is in the directory: the data
    disagrees), with a comment the board must not read."""
    w = pw.w
    framework = _framework(w.manager, w.force)
    boroughs = [make_org("Barnet BOCU", parent=w.force), make_org("Brent BOCU", parent=w.force)]
    on = today()
    last = _cycle(w.manager, framework, boroughs, "Last year", on - dt.timedelta(days=400))
    cycle = _cycle(w.manager, framework, boroughs, "This year", on - dt.timedelta(days=30))
    assessor = make_user("barnet-spoc")
    Membership.objects.create(user=assessor, organisation=boroughs[0])
    items = list(framework.items.order_by("position"))
    for each, levels in ((last, ("planned", "in_place", "in_place")), (cycle, ("in_place",) * 2)):
        unit = each.units.get(organisation=boroughs[0])
        cycles.unit_assessors_set(actor=w.manager, unit=unit, assessors=[assessor])
        for item, level in zip(items, levels, strict=False):
            cycles.answer_save(actor=assessor, unit=unit, item=item, level=level, comment=COMMENT)
    cycles.answer_save(
        actor=assessor,
        unit=cycle.units.get(organisation=boroughs[0]),
        item=items[2],
        level="not_applicable",
        reason="No custody suite in the borough",
    )
    return Assessed(
        cycle,
        cycle.units.get(organisation=boroughs[0]),
        cycle.units.get(organisation=boroughs[1]),
    )


def _prepare(client, pw, **data) -> Pack:
    client.force_login(pw.w.manager)
    client.post(reverse("packs:new", args=[pw.body.pk]), {"period": pw.period, **data})
    return Pack.objects.latest("pk")


def test_the_choice_is_offered_only_with_a_cycle_and_is_off(client, pw):
    url = reverse("packs:new", args=[pw.body.pk])
    client.force_login(pw.w.manager)
    assert "Include the self-assessment section" not in client.get(url).content.decode()
    _assessed(pw)
    html = client.get(url).content.decode()
    assert "Include the self-assessment section" in html
    assert "The latest cycle of Good practice check list: This year" in html
    field = html.split('name="self_assessment"')[1][:40]
    assert "checked" not in field
    pack = _prepare(client, pw)
    assert pack.self_assessment is False and pack.snapshot["self_assessment"] is None
    detail = client.get(reverse("packs:detail", args=[pack.pk])).content.decode()
    assert 'id="pack-self-assessment"' not in detail


def test_a_pack_with_the_section_holds_figures_not_answers(client, pw):
    _assessed(pw)
    pack = _prepare(client, pw, self_assessment="on")
    assert pack.status == Pack.Status.DRAFT and pack.self_assessment
    (cycle,) = pack.snapshot["self_assessment"]["cycles"]
    assert (cycle["title"], cycle["framework"], cycle["keeper"]) == (
        "This year",
        "Good practice check list",
        "Barnet Police",
    )
    assert cycle["compared"] and cycle["target"] == 80 and cycle["is_open"]
    barnet, brent = cycle["units"]
    assert (barnet["name"], barnet["in_place"], barnet["applicable"]) == ("Barnet BOCU", 2, 2)
    assert barnet["percent"] == 100 and barnet["disagreements"] == 1
    assert barnet["meets_target"]  # no item is mandatory
    assert (barnet["better"], barnet["worse"], barnet["same"]) == (1, 0, 1)
    assert brent["answered"] == 0 and brent["percent"] is None and brent["status"] == "not_started"
    assert [(i["number"], i["in_place"], i["applicable"]) for i in cycle["items"]] == [
        (1, 1, 1),
        (2, 1, 1),
        (3, 0, 0),
    ]
    text = json.dumps(pack.snapshot)
    assert COMMENT not in text and "No custody suite" not in text and "0 SPOCs" not in text
    html = client.get(reverse("packs:detail", args=[pack.pk])).content.decode()
    assert 'id="pack-self-assessment"' in html and "Good practice check list: This year" in html
    assert "Barnet BOCU" in html and "100%" in html and COMMENT not in html


def test_rebuilding_keeps_the_choice(client, pw):
    _assessed(pw)
    pack = _prepare(client, pw, self_assessment="on")
    client.post(reverse("packs:rebuild", args=[pack.pk]))
    pack.refresh_from_db()
    assert pack.snapshot["self_assessment"]["cycles"]


def test_only_the_latest_cycle_the_preparer_reads_of_the_plans_organisations(pw):
    w = pw.w
    assessed = _assessed(pw)
    on = today()
    assert pack_cycles([w.plan.pk], w.manager, on) == [assessed.cycle]
    # A cycle not opened yet waits; another force's framework is not the plans'.
    boroughs = [assessed.barnet.organisation]
    _cycle(w.manager, assessed.cycle.framework, boroughs, "Next year", on + dt.timedelta(days=30))
    theirs = make_user("their-keeper")
    Membership.objects.create(user=theirs, organisation=w.other_force)
    their_unit = [make_org("Their borough", parent=w.other_force)]
    _cycle(
        theirs, _framework(theirs, w.other_force), their_unit, "Theirs", on - dt.timedelta(days=5)
    )
    assert pack_cycles([w.plan.pk], w.manager, on) == [assessed.cycle]
    # A new version continues the framework: its cycle replaces the old version's.
    newer = services.framework_new_version(actor=w.manager, framework=assessed.cycle.framework)
    services.framework_status_set(actor=w.manager, framework=newer, status="published")
    replacing = _cycle(w.manager, newer, boroughs, "Version 2", on - dt.timedelta(days=1))
    assert pack_cycles([w.plan.pk], w.manager, on) == [replacing]
    # A manager of the plan who reads no cycle of the force's has none.
    stranger = make_user("stranger")
    plans.plan_role_set(actor=w.manager, plan=w.plan, user=stranger, role="manager")
    assert pack_cycles([w.plan.pk], stranger, on) == []
    assert pack_cycles([w.plan.pk], None, on) == []
    assert pack_cycles([], w.manager, on) == []


def test_a_cycle_the_plans_organisation_answered_as_a_unit(pw):
    """A national framework sent to the force: the force's board sees that cycle too, when
    the person preparing reads it (here as the force's assessor)."""
    w = pw.w
    national = make_org("National Council")
    Organisation.objects.filter(pk=w.force.pk).update(parent=national)
    keeper = make_user("national-keeper")
    Membership.objects.create(user=keeper, organisation=national)
    forget_organisation_ids(keeper)
    framework = _framework(keeper, national, title="National standards")
    cycle = _cycle(keeper, framework, [w.force], "National", today() - dt.timedelta(days=3))
    assert pack_cycles([w.plan.pk], w.manager, today()) == []
    cycles.unit_assessors_set(actor=keeper, unit=cycle.units.get(), assessors=[w.manager])
    assert pack_cycles([w.plan.pk], w.manager, today()) == [cycle]


def test_every_format_shows_the_section(client, pw):
    _assessed(pw)
    snapshot = _prepare(client, pw, self_assessment="on").snapshot
    document = Document(io.BytesIO(render(snapshot, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Self-assessment" in headings
    assert "Good practice check list: This year" in headings
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert {"Barnet BOCU", "100%", "Data disagrees (≠ data)", "1 of 1 units (100%)"} <= cells
    workbook = load_workbook(io.BytesIO(render(snapshot, "xlsx")))
    rows = list(workbook["Self-assessment"].iter_rows(values_only=True))
    assert rows[1][2:10] == ("Barnet BOCU", "In draft", 3, 3, 2, 2, 100, 80)
    assert rows[1][12:] == (1, 1, 0, 1)
    assert workbook["Self-assessment items"].max_row == 4
    with pdfplumber.open(io.BytesIO(render(snapshot, "pdf"))) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "Self-assessment" in text and "Barnet BOCU" in text and "100%" in text
    assert "≠ data" in text and COMMENT not in text
