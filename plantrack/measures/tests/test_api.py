from __future__ import annotations

import datetime as dt

import pytest

from plantrack.accounts.services import api_token_create
from plantrack.measures import services
from plantrack.measures.models import Reading

pytestmark = pytest.mark.django_db
D = dt.date


def _auth(user) -> dict:
    _, secret = api_token_create(actor=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def test_paths_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/plans/{plan_id}/measures" in paths
    assert "/api/v1/measures/{measure_id}/readings" in paths


def test_requests_without_credentials_get_401(client, world, measure):
    assert client.get(f"/api/v1/measures/{measure.pk}").status_code == 401


def test_list_measures_with_judgement(client, world, measure):
    services.reading_record(actor=world.owner, measure=measure, value="60", date=D(2024, 6, 1))
    data = client.get(f"/api/v1/plans/{world.plan.pk}/measures", headers=_auth(world.viewer))
    data = data.json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["name"] == "Volunteers recruited"
    assert item["judgement"]["status"] == "on_track" and "trajectory" in item["judgement"]["rule"]
    assert float(item["latest_reading"]["value"]) == 60
    assert [float(t["value"]) for t in item["targets"]] == [100]


def test_get_measure_and_readings(client, world, measure):
    services.reading_record(actor=world.owner, measure=measure, value="5", date=D(2024, 2, 1))
    services.reading_record(actor=world.owner, measure=measure, value="2", date=D(2024, 3, 1))
    headers = _auth(world.viewer)
    data = client.get(f"/api/v1/measures/{measure.pk}", headers=headers).json()
    assert [float(r["value"]) for r in data["readings"]] == [5, 2]
    assert data["judgement"]["status"] == "off_track"
    readings = client.get(f"/api/v1/measures/{measure.pk}/readings", headers=headers).json()
    assert readings["count"] == 2 and float(readings["items"][0]["value"]) == 2  # newest first


def test_create_reading(client, world, measure):
    response = client.post(
        f"/api/v1/measures/{measure.pk}/readings",
        {"value": "12.5", "date": "2024-04-01", "note": "from a script"},
        content_type="application/json",
        headers=_auth(world.owner),
    )
    assert response.status_code == 201, response.content
    assert response.json()["note"] == "from a script"
    assert Reading.objects.get().value == 12.5


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"value": "lots", "date": "2024-04-01"}, "value", "not a number"),
        ({"value": -4, "date": "2024-04-01"}, "value", "cannot be negative"),
        ({"value": 4, "date": "01/04/2024"}, "date", "YYYY-MM-DD"),
        ({"value": 4, "date": "2023-04-01"}, "date", "before the baseline"),
        ({"value": 4, "date": "2999-04-01"}, "date", "future"),
    ],
)
def test_bad_readings_get_422(client, world, measure, payload, field, message):
    response = client.post(
        f"/api/v1/measures/{measure.pk}/readings",
        payload,
        content_type="application/json",
        headers=_auth(world.manager),
    )
    assert response.status_code == 422
    assert message in " ".join(response.json()["detail"][field])
    assert not Reading.objects.exists()


def test_permissions(client, world, measure):
    outsider = _auth(world.outsider)
    assert (
        client.get(f"/api/v1/plans/{world.plan.pk}/measures", headers=outsider).status_code == 404
    )
    assert client.get(f"/api/v1/measures/{measure.pk}", headers=outsider).status_code == 404
    response = client.post(
        f"/api/v1/measures/{measure.pk}/readings",
        {"value": 1, "date": "2024-04-01"},
        content_type="application/json",
        headers=_auth(world.viewer),
    )
    assert response.status_code == 403
    assert not Reading.objects.exists()
