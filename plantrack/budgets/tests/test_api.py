from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from plantrack.accounts.services import api_token_create
from plantrack.budgets import services
from plantrack.budgets.models import Spend
from plantrack.budgets.tests.helpers import make_line
from plantrack.core.tests.factories import make_org, make_plan

pytestmark = pytest.mark.django_db
D = Decimal


def _auth(user) -> dict:
    _, secret = api_token_create(actor=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def test_openapi_lists_budget_paths(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/plans/{plan_id}/budget/lines",
        "/api/v1/plans/{plan_id}/budget/summary",
        "/api/v1/plans/{plan_id}/funding",
        "/api/v1/plans/{plan_id}/budget/spend",
    ):
        assert path in paths


def test_list_lines_with_amounts_and_spend(client, world):
    line = make_line(world, assumption="Half a post")
    services.spend_record(actor=world.manager, line=line, amount=D("99.50"), financial_year=2013)
    response = client.get(
        f"/api/v1/plans/{world.plan.pk}/budget/lines", headers=_auth(world.viewer)
    )
    assert response.status_code == 200
    (item,) = response.json()
    assert item["name"] == "Coordinator" and item["section"] == "Intelligence"
    assert item["amounts"] == [
        {"financial_year": 2013, "label": "2013/14", "amount": "11250.00"},
        {"financial_year": 2014, "label": "2014/15", "amount": "22500.00"},
    ]
    assert item["spend"] == [{"financial_year": 2013, "label": "2013/14", "amount": "99.50"}]


def test_summary(client, world):
    line = make_line(world)
    services.spend_record(actor=world.manager, line=line, amount=D("30000"), financial_year=2014)
    data = client.get(
        f"/api/v1/plans/{world.plan.pk}/budget/summary", headers=_auth(world.viewer)
    ).json()
    assert data["years"] == [2013, 2014]
    assert data["total"] == {"budget": "33750.00", "spend": "30000.00", "variance": "3750.00"}
    assert [(f["kind"], f["scope"], f["year"]) for f in data["flags"]] == [
        ("over", "plan", 2014),
        ("over", "line", 2014),
    ]


def test_funding_list(client, world):
    services.funding_create(
        actor=world.manager,
        plan=world.plan,
        funder=make_org("MOPAC"),
        title="Panels",
        amount=D("100"),
        status="submitted",
        date=dt.date(2024, 1, 1),
    )
    data = client.get(f"/api/v1/plans/{world.plan.pk}/funding", headers=_auth(world.viewer)).json()
    assert data[0]["funder"]["name"] == "MOPAC" and data[0]["status"] == "submitted"
    assert data[0]["steps"][0]["date"] == "2024-01-01"


def test_record_spend(client, world):
    line = make_line(world)
    url = f"/api/v1/plans/{world.plan.pk}/budget/spend"
    payload = {"line_id": line.pk, "amount": "12.50", "financial_year": "2013/14", "note": "n"}
    response = client.post(
        url, payload, content_type="application/json", headers=_auth(world.manager)
    )
    assert response.status_code == 201, response.content
    assert response.json()["label"] == "2013/14"
    assert Spend.objects.get().amount == D("12.50")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "1", "financial_year": "2013/15"}, "financial_year"),
        ({"amount": "1", "financial_year": 1066}, "financial_year"),
        ({"amount": "1", "line_id": 999999}, "line_id"),
        ({"amount": "1", "date_recorded": "2999-01-01"}, "date_recorded"),
    ],
)
def test_record_spend_bad_input_is_422_with_a_message(client, world, payload, field):
    line = make_line(world)
    body = {"line_id": line.pk, **payload}
    response = client.post(
        f"/api/v1/plans/{world.plan.pk}/budget/spend",
        body,
        content_type="application/json",
        headers=_auth(world.manager),
    )
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert not Spend.objects.exists()


def test_record_spend_garbage_is_422(client, world):
    response = client.post(
        f"/api/v1/plans/{world.plan.pk}/budget/spend",
        {"line_id": "x", "amount": "lots"},
        content_type="application/json",
        headers=_auth(world.manager),
    )
    assert response.status_code == 422


def test_permissions(client, world):
    line = make_line(world)
    url = f"/api/v1/plans/{world.plan.pk}/budget/spend"
    payload = {"line_id": line.pk, "amount": "1"}
    viewer = client.post(url, payload, content_type="application/json", headers=_auth(world.viewer))
    assert viewer.status_code == 403
    for path in ("budget/lines", "budget/summary", "funding"):
        response = client.get(
            f"/api/v1/plans/{world.plan.pk}/{path}", headers=_auth(world.outsider)
        )
        assert response.status_code == 404
    outsider = client.post(
        url, payload, content_type="application/json", headers=_auth(world.outsider)
    )
    assert outsider.status_code == 404
    # A line of another plan cannot be reached through this one.
    other = make_plan(world.manager, world.force, title="Other")
    response = client.post(
        f"/api/v1/plans/{other.pk}/budget/spend",
        payload,
        content_type="application/json",
        headers=_auth(world.manager),
    )
    assert response.status_code == 422
    assert client.get(f"/api/v1/plans/{world.plan.pk}/funding").status_code == 401
