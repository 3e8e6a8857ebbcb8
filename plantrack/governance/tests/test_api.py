from __future__ import annotations

import pytest

from plantrack.accounts.services import api_token_create
from plantrack.governance import services
from plantrack.governance.models import Decision
from plantrack.governance.tests.helpers import PAST

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    _, secret = api_token_create(actor=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def test_openapi_lists_governance_paths(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/bodies",
        "/api/v1/bodies/{body_id}",
        "/api/v1/bodies/{body_id}/meetings",
        "/api/v1/decisions",
    ):
        assert path in paths


def test_list_and_get_bodies(client, world, gov):
    response = client.get("/api/v1/bodies", headers=_auth(world.viewer))
    assert response.status_code == 200
    items = {b["name"]: b for b in response.json()["items"]}
    assert items["Barnet Anti-Social Behaviour Action Group"]["reports_to_id"] == gov.board.pk
    assert items["Partnership Board"]["reports_to_id"] is None
    body = client.get(f"/api/v1/bodies/{gov.group.pk}", headers=_auth(world.viewer)).json()
    assert body["members"] == [
        {
            "person": {"id": gov.group.members.get().pk, "display_name": "Sam Secretary"},
            "role": "Group secretary",
        }
    ]
    assert body["oversees"][0]["section_id"] == world.section.pk
    assert body["oversees"][0]["lead"]["display_name"] == "Insp. Owen Owner"
    hidden = client.get(f"/api/v1/bodies/{gov.group.pk}", headers=_auth(world.outsider)).json()
    assert hidden["oversees"] == []
    assert client.get("/api/v1/bodies/999999", headers=_auth(world.viewer)).status_code == 404
    assert client.get("/api/v1/bodies").status_code == 401


def test_list_meetings(client, world, gov):
    response = client.get(f"/api/v1/bodies/{gov.group.pk}/meetings", headers=_auth(world.viewer))
    (meeting,) = response.json()["items"]
    assert meeting["title"] == "May meeting" and meeting["date"] == "2024-05-14"


def test_record_and_list_decisions(client, world, gov):
    headers = _auth(gov.secretary)
    response = client.post(
        "/api/v1/decisions",
        data={
            "body_id": gov.group.pk,
            "text": "BASBAG agree delivery model",
            "decided_on": "2024-05-14",
            "kind": "sign_off",
            "action_id": world.action.pk,
            "meeting_id": gov.meeting.pk,
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["subject"] == {"kind": "action", "id": world.action.pk, "plan_id": world.plan.pk}
    assert data["meeting_id"] == gov.meeting.pk
    listed = client.get(f"/api/v1/decisions?plan={world.plan.pk}", headers=_auth(world.viewer))
    assert [d["text"] for d in listed.json()["items"]] == ["BASBAG agree delivery model"]
    assert (
        client.get(
            f"/api/v1/decisions?plan={world.plan.pk}", headers=_auth(world.outsider)
        ).status_code
        == 404
    )
    assert client.get("/api/v1/decisions", headers=_auth(world.outsider)).json()["items"] == []


@pytest.mark.parametrize(
    "payload",
    [
        {"decided_on": "2999-01-01"},
        {"kind": "maybe"},
        {"text": ""},
        {"action_id": 999999},
        {"action_id": 0, "plan_id": 0},
        {"meeting_id": 999999},
        {"agenda_item_id": 999999},
    ],
)
def test_record_decision_bad_input_is_422(client, world, gov, payload):
    body = {"body_id": gov.group.pk, "text": "x", "decided_on": "2024-05-14", **payload}
    if payload.get("plan_id") == 0:
        body.update(action_id=world.action.pk, plan_id=world.plan.pk)
    response = client.post(
        "/api/v1/decisions",
        data=body,
        content_type="application/json",
        headers=_auth(gov.secretary),
    )
    assert response.status_code == 422, response.content
    assert not Decision.objects.exists()


def test_record_decision_needs_a_keeper(client, world, gov):
    response = client.post(
        "/api/v1/decisions",
        data={"body_id": gov.group.pk, "text": "x", "decided_on": "2024-05-14"},
        content_type="application/json",
        headers=_auth(world.manager),
    )
    assert response.status_code == 403
    services.decision_record(actor=gov.admin, body=gov.group, text="ok", decided_on=PAST)
    assert Decision.objects.count() == 1
