"""Plan and section summaries: the numbers, the page, the API and their query counts."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.accounts.services import api_token_create
from plantrack.budgets.tests.helpers import make_line
from plantrack.core.tests.factories import make_action
from plantrack.measures import services as measure_services
from plantrack.plans import services as plan_services
from plantrack.reports.charts import summary_charts
from plantrack.reports.selectors import plan_report, quarter_ends

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 22)


def _post(world, action, day, rag):
    plan_services.update_post(
        actor=world.manager, action=action, narrative=f"{rag} on {day}", rag=rag, date=day
    )


def test_quarter_ends_are_the_last_four_complete_financial_quarters():
    assert quarter_ends(ON) == [
        ("2025/26-Q3", dt.date(2025, 12, 31)),
        ("2025/26-Q4", dt.date(2026, 3, 31)),
        ("2026/27-Q1", dt.date(2026, 6, 30)),
        ("2026/27-Q2", dt.date(2026, 9, 30)),
    ]
    # On the first day of a quarter the quarter just ended is the last one.
    assert quarter_ends(dt.date(2026, 4, 1))[-1] == ("2025/26-Q4", dt.date(2026, 3, 31))
    assert quarter_ends(dt.date(2026, 3, 31))[-1] == ("2025/26-Q3", dt.date(2025, 12, 31))


def test_rag_at_each_quarter_end_comes_from_the_dated_updates(world):
    _post(world, world.action, dt.date(2025, 11, 1), "red")
    _post(world, world.action, dt.date(2026, 5, 1), "amber")
    _post(world, world.action, dt.date(2026, 10, 1), "green")
    _post(world, world.other_action, dt.date(2026, 2, 1), "blue")
    report = plan_report(world.plan, on=ON)
    rows = [(r["label"], r["red"], r["amber"], r["green"], r["blue"]) for r in report.quarters]
    assert rows == [
        ("2025/26-Q3", 1, 0, 0, 0),
        ("2025/26-Q4", 1, 0, 0, 1),
        ("2026/27-Q1", 0, 1, 0, 1),
        ("2026/27-Q2", 0, 1, 0, 1),
        ("Now", 0, 0, 1, 1),
    ]


def test_delivery_counts_by_section_and_completion(world):
    other = plan_services.section_create(actor=world.manager, plan=world.plan, title="Diversion")
    for n in range(3):
        make_action(world.plan, world.manager, section=other, title=f"Divert {n}", rag="red")
    plan_services.action_update(actor=world.manager, action=world.action, status="complete")
    report = plan_report(world.plan, on=ON)
    assert report.delivery["action_count"] == 5
    assert report.delivery["complete_count"] == 1 and report.delivery["complete_share"] == 20
    assert report.delivery["red_count"] == 3
    by_title = {row["section"].title: row for row in report.sections}
    assert list(by_title) == ["Intelligence", "Diversion"]
    assert by_title["Diversion"]["red_count"] == 3 and by_title["Intelligence"]["action_count"] == 2


def test_a_section_summary_keeps_to_its_measures_and_budget(world):
    other = plan_services.section_create(actor=world.manager, plan=world.plan, title="Diversion")
    measure_services.measure_create(
        actor=world.manager,
        plan=world.plan,
        action=world.action,
        name="Volunteers",
        direction="increase",
        unit="count",
        baseline_value=Decimal(0),
        baseline_date=dt.date(2026, 1, 1),
        targets=[(Decimal(100), dt.date(2027, 1, 1), "by Jan 27")],
    )
    make_line(world, "Coordinator", {2026: Decimal("1000")})
    make_line(world, "Panels", {2026: Decimal("500"), 2027: Decimal("250")}, section=other)
    plan = plan_report(world.plan, on=ON)
    assert plan.measures["total"] == 1
    assert plan.budget["total"]["budget"] == Decimal("1750")
    section = plan_report(world.plan, other, on=ON)
    assert section.measures["total"] == 0 and section.delivery["action_count"] == 0
    assert section.budget["total"]["budget"] == Decimal("750")
    assert [row["label"] for row in section.budget["by_year"]] == ["2026/27", "2027/28"]
    assert "over" in section.budget["by_year"][0]
    intelligence = plan_report(world.plan, world.section, on=ON)
    assert intelligence.measures["total"] == 1
    assert intelligence.budget["total"]["budget"] == Decimal("1000")


def test_the_charts_are_svg_with_a_text_alternative(world):
    _post(world, world.action, dt.date(2026, 5, 1), "amber")
    make_line(world, "Coordinator", {2026: Decimal("1000")})
    charts = summary_charts(plan_report(world.plan, on=ON))
    assert set(charts) == {"quarters", "measures", "budget", "sections"}
    for name in ("quarters", "budget", "sections"):
        svg = ET.fromstring(charts[name])
        assert svg.get("role") == "img"
        assert svg.find("{http://www.w3.org/2000/svg}title") is not None
    assert charts["measures"] == ""  # no measures: the page says so instead


def test_summary_pages_for_each_persona(client, world):
    url = reverse("reports:plan", args=[world.plan.pk])
    section_url = reverse("reports:section", args=[world.section.pk])
    for user in (world.manager, world.viewer):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert "Delivery by section" in body and 'aria-current="page"' in body
        assert reverse("reports:section", args=[world.section.pk]) in body
        assert client.get(section_url).status_code == 200
    assert client.post(url).status_code == 405
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    assert client.get(section_url).status_code == 404


def test_summary_in_the_api(client, world):
    _post(world, world.action, dt.date(2026, 5, 1), "amber")
    make_line(world, "Coordinator", {2026: Decimal("1000")})
    token = api_token_create(actor=world.viewer, name="t")[1]
    headers = {"Authorization": f"Bearer {token}"}
    data = client.get(f"/api/v1/plans/{world.plan.pk}/summary", headers=headers).json()
    assert data["delivery"]["action_count"] == 2
    assert data["sections"][0]["title"] == "Intelligence"
    assert data["quarters"][-1]["label"] == "Now"
    assert data["budget"]["total"]["budget"] == "1000.00"
    section = client.get(f"/api/v1/sections/{world.section.pk}/summary", headers=headers)
    assert section.status_code == 200 and section.json()["section_id"] == world.section.pk
    outsider = api_token_create(actor=world.outsider, name="t")[1]
    denied = client.get(
        f"/api/v1/plans/{world.plan.pk}/summary", headers={"Authorization": f"Bearer {outsider}"}
    )
    assert denied.status_code == 404


def _grow(world, n: int) -> None:
    section = plan_services.section_create(actor=world.manager, plan=world.plan, title=f"S{n}")
    for i in range(n):
        action = make_action(world.plan, world.manager, section=section, title=f"A{n}-{i}")
        _post(world, action, dt.date(2026, 5, 1), "amber")
        measure = measure_services.measure_create(
            actor=world.manager,
            plan=world.plan,
            action=action,
            name=f"M{n}-{i}",
            direction="increase",
            unit="count",
            baseline_value=Decimal(0),
            baseline_date=dt.date(2026, 1, 1),
            targets=[(Decimal(10), dt.date(2027, 1, 1), "Jan 27")],
        )
        measure_services.reading_record(
            actor=world.manager, measure=measure, value="3", date=dt.date(2026, 6, 1)
        )
        make_line(world, f"L{n}-{i}", {2026: Decimal("10")}, section=section)


def test_the_summary_page_costs_the_same_queries_for_few_and_many(client, world):
    client.force_login(world.manager)
    url = reverse("reports:plan", args=[world.plan.pk])
    counts = []
    for n in (2, 12):
        _grow(world, n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_cached_summary_shows_every_change(client, world, real_cache):
    client.force_login(world.viewer)
    url = reverse("reports:plan", args=[world.plan.pk])
    measure = measure_services.measure_create(
        actor=world.manager,
        plan=world.plan,
        action=world.action,
        name="Volunteers",
        direction="increase",
        unit="count",
        baseline_value=Decimal(0),
        baseline_date=dt.date(2026, 1, 1),
        targets=[(Decimal(100), dt.date(2027, 1, 1), "by Jan 27")],
    )
    assert "No data" in client.get(url).content.decode()
    measure_services.reading_record(
        actor=world.manager, measure=measure, value="95", date=dt.date(2026, 6, 1)
    )
    assert "On track" in client.get(url).content.decode()
    make_line(world, "Coordinator", {2026: Decimal("1234")})
    assert "£1,234" in client.get(url).content.decode()
    _post(world, world.action, dt.date(2026, 5, 1), "red")
    body = client.get(url).content.decode()
    assert "No action had a RAG rating" not in body
