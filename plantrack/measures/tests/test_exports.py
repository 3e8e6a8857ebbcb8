from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from plantrack.measures import services

pytestmark = pytest.mark.django_db


def _measure(world, name):
    return services.measure_create(
        actor=world.manager,
        plan=world.plan,
        action=world.action,
        name=name,
        direction="increase",
        unit="count",
        baseline_value="0",
        baseline_date=dt.date(2026, 1, 1),
        targets=[("100", dt.date(2027, 1, 1), "by Jan 27")],
    )


def test_measures_and_readings_download_as_a_workbook(client, world):
    measure = _measure(world, '=HYPERLINK("http://x")')
    services.reading_record(
        actor=world.manager, measure=measure, value="50", date=dt.date(2026, 6, 1)
    )
    client.force_login(world.viewer)
    response = client.get(reverse("measures:export", args=[world.plan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-measures.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Measures"].iter_rows(values_only=True))
    assert rows[1][0] == '=HYPERLINK("http://x")'  # kept as text, never a formula
    assert book["Measures"].cell(row=2, column=1).data_type == "s"
    assert rows[1][8] == 50 and rows[1][10] == "On track"
    readings = list(book["Readings"].iter_rows(values_only=True))
    assert readings[1][1:3] == ("2026-06-01", 50)
    client.force_login(world.outsider)
    assert client.get(reverse("measures:export", args=[world.plan.pk])).status_code == 404
    assert client.post(reverse("measures:export", args=[world.plan.pk])).status_code in (404, 405)


def test_the_export_costs_the_same_queries_for_few_and_many(client, world):
    client.force_login(world.manager)
    url = reverse("measures:export", args=[world.plan.pk])
    counts = []
    for n in (2, 10):
        for i in range(n):
            _measure(world, f"M{n}-{i}")
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
    assert counts[0] == counts[1]
