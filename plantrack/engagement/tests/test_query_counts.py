"""The register page and the API list make the same number of queries for 5 and 200
activities."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.accounts.services import api_token_create
from plantrack.engagement.models import Activity, ActivityOwner, Method

pytestmark = pytest.mark.django_db


def _grow(world, eng, total: int) -> None:
    """Bulk-add activities, each with an owner, two areas, a method and an action link."""
    existing = Activity.objects.filter(register=eng.register).count()
    activities = Activity.objects.bulk_create(
        Activity(
            register=eng.register,
            group=eng.group,
            title=f"Activity {i}",
            owner_text="SN team",
            status="running",
            level="consult",
            position=100 + i,
        )
        for i in range(total - existing)
    )
    ActivityOwner.objects.bulk_create(
        ActivityOwner(activity=a, person=world.owner_person) for a in activities
    )
    method = Method.objects.first()
    Through = Activity.areas.through
    Through.objects.bulk_create(
        [Through(activity=a, area=eng.ward) for a in activities]
        + [Through(activity=a, area=eng.brent) for a in activities]
    )
    Activity.methods.through.objects.bulk_create(
        Activity.methods.through(activity=a, method=method) for a in activities
    )
    Activity.actions.through.objects.bulk_create(
        Activity.actions.through(activity=a, action=world.action) for a in activities
    )


def _count(fn) -> int:
    fn()
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _counts(world, eng, fn) -> tuple[int, int]:
    _grow(world, eng, 5)
    few = _count(fn)
    _grow(world, eng, 200)
    return few, _count(fn)


def test_register_page(client, world, eng):
    client.force_login(world.viewer)
    url = reverse("engagement:register", args=[eng.register.pk])

    def page():
        response = client.get(url, {"area": eng.force_area.pk})
        assert response.status_code == 200

    few, many = _counts(world, eng, page)
    assert few == many


def test_api_list(client, world, eng):
    _, token = api_token_create(actor=world.viewer, name="t")
    headers = {"Authorization": f"Bearer {token}"}

    def listing():
        response = client.get(
            "/api/v1/engagement/activities",
            {"register_id": eng.register.pk, "limit": 100, "area": eng.barnet.pk},
            headers=headers,
        )
        assert response.status_code == 200 and response.json()["items"]

    few, many = _counts(world, eng, listing)
    assert few == many


def test_registers_list(client, world, eng):
    client.force_login(world.viewer)

    def page():
        assert client.get(reverse("engagement:registers")).status_code == 200

    few, many = _counts(world, eng, page)
    assert few == many
