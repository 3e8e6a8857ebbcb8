"""The board pack's optional engagement section: offered when the plans' organisations keep a
register, off unless asked for, totals only, in the preview and the three files."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pdfplumber
import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from plantrack.core.tests.factories import make_user
from plantrack.engagement import services as engagement
from plantrack.engagement.models import Method, Register
from plantrack.measures import services as measures
from plantrack.packs.engagement import pack_registers
from plantrack.packs.models import Pack
from plantrack.packs.render import render
from plantrack.packs.selectors import period_bounds
from plantrack.plans import services as plans
from plantrack.plans.selectors import today

pytestmark = pytest.mark.django_db

SECRET = "Confidential outreach to named families"


def _register(pw) -> Register:
    """The force's register: an activity running through the pack's period that reached 40
    people in it and delivers the owner's action (which has a measure), and a completed one."""
    w = pw.w
    start, _ = period_bounds(pw.period)
    register = engagement.register_create(actor=w.manager, organisation=w.force, title="Register")
    running = engagement.activity_create(
        actor=w.manager,
        register=register,
        title=SECRET,
        level="involve",
        methods=[Method.objects.get(name="Public meeting")],
        cost_amount=Decimal(1200),
        cost_period="one-off",
        actions=[w.action],
        status="running",
    )
    engagement.output_record(
        actor=w.manager, activity=running, kind="people_reached", count=40, date=start
    )
    done = engagement.activity_create(
        actor=w.manager, register=register, title="Leaflets", level="inform", aim="Tell people"
    )
    engagement.activity_update_post(
        actor=w.manager, activity=done, date=today(), narrative="Delivered"
    )
    engagement.activity_update(actor=w.manager, activity=done, status="completed")
    measure = measures.measure_create(
        actor=w.manager,
        plan=w.plan,
        action=w.action,
        name="Cadets enrolled",
        direction="increase",
        baseline_value=Decimal(10),
        baseline_date=start - dt.timedelta(days=100),
        targets=[(Decimal(50), start + dt.timedelta(days=300), "")],
    )
    measures.reading_record(actor=w.manager, measure=measure, value=Decimal(18), date=today())
    return register


def _prepare(client, pw, **data):
    client.force_login(pw.w.manager)
    client.post(reverse("packs:new", args=[pw.body.pk]), {"period": pw.period, **data})
    return Pack.objects.latest("pk")


def test_the_choice_is_offered_only_with_a_register_and_is_off(client, pw):
    url = reverse("packs:new", args=[pw.body.pk])
    client.force_login(pw.w.manager)
    assert "Include the engagement section" not in client.get(url).content.decode()
    _register(pw)
    html = client.get(url).content.decode()
    assert "Include the engagement section" in html and "Register (Barnet Police)" in html
    assert 'name="engagement"' in html and "checked" not in html.split('name="engagement"')[1][:40]
    pack = _prepare(client, pw)
    assert pack.engagement is False and pack.snapshot["engagement"] is None


def test_a_pack_with_engagement_holds_totals_not_activities(client, pw):
    _register(pw)
    pack = _prepare(client, pw, engagement="on")
    assert pack.status == Pack.Status.DRAFT and pack.engagement
    (section,) = pack.snapshot["engagement"]["registers"]
    assert section["title"] == "Register" and section["organisation"] == "Barnet Police"
    q = section["quantity"]
    assert (q["activities"], q["people_reached"], q["cost"]) == (2, 40, "1200.00")
    assert q["cost_per_person"] == "30.00"
    assert section["methods"][0] == ["Public meeting", 1]
    assert section["quality"]["count"] == 1 and section["quality"]["distribution"][2] == ["3", 1]
    (measure,) = section["benefits"]["measures"]
    assert measure["name"] == "Cadets enrolled" and measure["latest"] == "18"
    assert "<svg" in section["charts"]["levels"]
    assert SECRET not in json.dumps(pack.snapshot)  # no activity's title reaches the board
    html = client.get(reverse("packs:detail", args=[pack.pk])).content.decode()
    assert 'id="pack-engagement"' in html and "People reached" in html and SECRET not in html


def test_rebuilding_keeps_the_choice(client, pw):
    _register(pw)
    pack = _prepare(client, pw, engagement="on")
    client.post(reverse("packs:rebuild", args=[pack.pk]))
    pack.refresh_from_db()
    assert pack.snapshot["engagement"]["registers"]


def test_only_registers_the_preparer_reads_of_the_plans_organisations(pw):
    w = pw.w
    register = _register(pw)
    engagement.register_create(actor=w.outsider, organisation=w.other_force, title="Theirs")
    assert list(pack_registers([w.plan.pk], w.manager)) == [register]
    # A manager of the plan who is no member of the force does not read its register.
    stranger = make_user("stranger")
    plans.plan_role_set(actor=w.manager, plan=w.plan, user=stranger, role="manager")
    assert list(pack_registers([w.plan.pk], stranger)) == []
    assert list(pack_registers([w.plan.pk], None)) == []


def test_every_format_shows_the_section(client, pw):
    _register(pw)
    snapshot = _prepare(client, pw, engagement="on").snapshot
    document = Document(io.BytesIO(render(snapshot, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Engagement" in headings and "Register (Barnet Police)" in headings
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert {"People reached", "40", "Cadets enrolled (YC/INT/1)"} <= cells
    workbook = load_workbook(io.BytesIO(render(snapshot, "xlsx")))
    rows = list(workbook["Engagement"].iter_rows(values_only=True))
    assert ("Register (Barnet Police)", "Quantity", "People reached", 40) in rows
    assert workbook["Engagement measures"].max_row == 2
    with pdfplumber.open(io.BytesIO(render(snapshot, "pdf"))) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "Engagement" in text and "People reached" in text and SECRET not in text
    assert "Aim: the aim of the engagement is recorded." in text  # the rule, as on the page
