"""Measure lists must not make a query per measure: the same count for 2 and for 30."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.accounts.services import api_token_create
from plantrack.measures import selectors
from plantrack.measures.models import Measure, Reading, Target

pytestmark = pytest.mark.django_db


def _grow(world, total: int) -> None:
    existing = Measure.objects.filter(plan=world.plan).count()
    measures = Measure.objects.bulk_create(
        Measure(
            plan=world.plan,
            action=world.action if i % 2 else None,
            section=world.section,
            name=f"Measure {i}",
            direction=["increase", "decrease", "keep"][i % 3],
            baseline_value=Decimal(50),
            baseline_date=dt.date(2024, 1, 1),
        )
        for i in range(total - existing)
    )
    Target.objects.bulk_create(
        Target(
            measure=m,
            value=Decimal(
                100 if m.direction == "increase" else 0 if m.direction == "decrease" else 50
            ),
            date=dt.date(2025, 1, 1),
        )
        for m in measures
    )
    Reading.objects.bulk_create(
        Reading(measure=m, value=Decimal(40 + day), date=dt.date(2024, 2, day))
        for m in measures
        for day in (1, 2, 3)
    )


def _count(fn) -> int:
    fn()
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _for_2_and_30(world, fn) -> tuple[int, int]:
    _grow(world, 2)
    small = _count(fn)
    _grow(world, 30)
    return small, _count(fn)


def test_measures_page(client, world):
    client.force_login(world.viewer)
    url = reverse("measures:plan", args=[world.plan.pk])

    def fetch():
        response = client.get(url)
        assert response.status_code == 200
        return response

    small, large = _for_2_and_30(world, fetch)
    assert small == large
    assert fetch().content.decode().count("<svg") == 30


def test_measures_api_list(client, world):
    _, secret = api_token_create(actor=world.viewer, name="t")
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"/api/v1/plans/{world.plan.pk}/measures?limit=100"

    def fetch():
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        return response

    small, large = _for_2_and_30(world, fetch)
    assert small == large
    assert fetch().json()["count"] == 30


def test_summary_and_suggestions(world):
    small, large = _for_2_and_30(world, lambda: selectors.measures_summary(world.plan))
    assert small == large == 3
    assert (
        sum(
            selectors.measures_summary(world.plan)[s]
            for s in ("on_track", "at_risk", "off_track", "no_data")
        )
        == 30
    )
    assert _count(lambda: selectors.measure_suggestions_for_plan(world.plan)) == 3
