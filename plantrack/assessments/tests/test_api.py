"""The assessments API: read frameworks, cycles, returns and the heat map; answer, submit and
review through it; a fixed number of queries for 3 and 40 units."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.accounts.services import api_token_create
from plantrack.assessments.models import Unit
from plantrack.assessments.tests.test_cycle_views import _units

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def call(user, method, path, body=None):
        _, token = api_token_create(actor=user, name="t")
        headers = {"Authorization": f"Bearer {token}"}
        if method == "get":
            return client.get(f"/api/v1{path}", headers=headers)
        return getattr(client, method)(
            f"/api/v1{path}", body or {}, content_type="application/json", headers=headers
        )

    return call


def test_frameworks_and_their_items(api, world, fw):
    listed = api(world.outsider, "get", "/assessments/frameworks").json()
    assert [f["title"] for f in listed["items"]] == [fw.checklist.title]
    detail = api(world.outsider, "get", f"/assessments/frameworks/{fw.checklist.pk}").json()
    assert detail["status"] == "published" and len(detail["items"]) == 3
    assert detail["items"][1]["kind"] == "recurring" and detail["items"][1]["cadence_days"] == 21
    assert api(world.outsider, "get", f"/assessments/frameworks/{fw.draft.pk}").status_code == 404


def test_a_return_answered_submitted_and_reviewed_through_the_api(api, world, cw):
    items = list(cw.cycle.framework.items.order_by("position"))
    base = f"/assessments/returns/{cw.barnet.pk}"
    for item, level in zip(items, ("in_place", "partly", "not_applicable"), strict=True):
        body = {"level": level, "reason": "No custody suite" if level == "not_applicable" else ""}
        r = api(cw.barnet_assessor, "put", f"{base}/answers/{item.pk}", body)
        assert r.status_code == 200, r.content
    r = api(cw.barnet_assessor, "put", f"{base}/answers/{items[0].pk}", {"level": "sometimes"})
    assert r.status_code == 422
    r = api(cw.brent_assessor, "put", f"{base}/answers/{items[0].pk}", {"level": "planned"})
    assert r.status_code == 403
    r = api(cw.barnet_assessor, "post", f"{base}/submit")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    answer_id = r.json()["answers"][1]["id"]
    r = api(
        cw.reviewer,
        "post",
        f"/assessments/answers/{answer_id}/reviews",
        {"decision": "challenge", "text": "Show the posters"},
    )
    assert r.status_code == 201 and r.json()["review"] == "challenged"
    assert r.json()["notes"][0]["text"] == "Show the posters"
    cw.barnet.refresh_from_db()
    assert cw.barnet.status == Unit.Status.CHALLENGED
    cycle = api(cw.brent_assessor, "get", f"/assessments/cycles/{cw.cycle.pk}").json()
    assert {u["status"] for u in cycle["units"]} == {"challenged", "not_started"}
    heat = api(cw.reviewer, "get", f"/assessments/cycles/{cw.cycle.pk}/heat-map").json()
    barnet = next(row for row in heat["rows"] if row["unit_id"] == cw.barnet.pk)
    assert barnet["levels"] == ["in_place", "partly", "not_applicable"]
    assert barnet["percent"] == 50 and heat["adoption"][0] == [1, 1]
    assert api(world.outsider, "get", f"/assessments/cycles/{cw.cycle.pk}").status_code == 404


@pytest.mark.parametrize("path", ["/assessments/cycles/{}", "/assessments/cycles/{}/heat-map"])
def test_the_same_number_of_queries_for_3_and_40_units(api, client, world, fw, path):
    counts = []
    for n in (3, 40):
        cycle = _units(world, fw, n)
        url = path.format(cycle.pk)
        api(world.manager, "get", url)
        _, token = api_token_create(actor=world.manager, name="q")
        with CaptureQueriesContext(connection) as queries:
            r = client.get(f"/api/v1{url}", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
