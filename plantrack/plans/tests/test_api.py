from __future__ import annotations

import pytest

from plantrack.accounts.services import api_token_create, api_token_revoke
from plantrack.plans.models import Action, Update

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    _, secret = api_token_create(actor=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def test_openapi_document_is_public_json(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/plans",
        "/api/v1/actions",
        "/api/v1/actions/{action_id}/updates",
        "/api/v1/people",
        "/api/v1/organisations",
    ):
        assert path in paths


def test_requests_without_credentials_get_401(client, world):
    assert client.get("/api/v1/plans").status_code == 401
    response = client.get("/api/v1/plans", headers={"Authorization": "Bearer pt_wrong"})
    assert response.status_code == 401


def test_revoked_token_stops_working(client, world):
    token, secret = api_token_create(actor=world.viewer, name="script")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/plans", headers=headers).status_code == 200
    api_token_revoke(actor=world.viewer, token=token)
    assert client.get("/api/v1/plans", headers=headers).status_code == 401


def test_plans_list_with_counts(client, world):
    Action.objects.filter(pk=world.action.pk).update(rag="red")
    data = client.get("/api/v1/plans", headers=_auth(world.viewer)).json()
    assert data["count"] == 1
    plan = data["items"][0]
    assert plan["title"] == "Youth Strategy"
    assert plan["action_count"] == 2 and plan["red_count"] == 1 and plan["overdue_count"] == 1


def test_outsider_sees_nothing_and_gets_404(client, world):
    headers = _auth(world.outsider)
    assert client.get("/api/v1/plans", headers=headers).json()["count"] == 0
    assert client.get("/api/v1/actions", headers=headers).json()["count"] == 0
    assert client.get(f"/api/v1/plans/{world.plan.pk}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/actions/{world.action.pk}", headers=headers).status_code == 404
    response = client.get(f"/api/v1/actions?plan={world.plan.pk}", headers=headers)
    assert response.status_code == 404


def test_action_list_filters_and_pagination(client, world):
    Action.objects.filter(pk=world.action.pk).update(rag="red")
    headers = _auth(world.viewer)
    data = client.get(f"/api/v1/actions?plan={world.plan.pk}&rag=red", headers=headers).json()
    assert [a["ref"] for a in data["items"]] == ["YC/INT/1"]
    action = data["items"][0]
    assert action["due"] == {
        "text": "March 2004",
        "earliest": "2004-03-01",
        "latest": "2004-03-31",
        "kind": "by",
    }
    assert action["flags"]["overdue"] is True
    assert action["owners"][0]["display_name"] == "Insp. Owen Owner"
    assert action["lead_organisations"] == [{"id": world.force.pk, "name": "Barnet Police"}]
    page = client.get("/api/v1/actions?limit=1&offset=1", headers=headers).json()
    assert page["count"] == 2 and len(page["items"]) == 1


def test_action_detail(client, world):
    data = client.get(f"/api/v1/actions/{world.action.pk}", headers=_auth(world.viewer)).json()
    assert data["ref"] == "YC/INT/1"
    assert data["milestones"] == [] and data["depends_on"] == []


def test_owner_posts_an_update_through_the_api(client, world):
    response = client.post(
        f"/api/v1/actions/{world.action.pk}/updates",
        {"narrative": "Done via API", "rag": "green"},
        content_type="application/json",
        headers=_auth(world.owner),
    )
    assert response.status_code == 201, response.content
    assert response.json()["narrative"] == "Done via API"
    assert Action.objects.get(pk=world.action.pk).rag == "green"
    listed = client.get(
        f"/api/v1/actions/{world.action.pk}/updates", headers=_auth(world.viewer)
    ).json()
    assert listed["items"][0]["narrative"] == "Done via API"


def test_api_update_permissions_and_validation(client, world):
    url = f"/api/v1/actions/{world.action.pk}/updates"
    response = client.post(
        url, {"narrative": "x"}, content_type="application/json", headers=_auth(world.viewer)
    )
    assert response.status_code == 403
    response = client.post(
        url,
        {"narrative": "x", "rag": "purple"},
        content_type="application/json",
        headers=_auth(world.owner),
    )
    assert response.status_code == 422
    response = client.post(
        url,
        {"narrative": "x", "date": "2999-01-01"},
        content_type="application/json",
        headers=_auth(world.owner),
    )
    assert response.status_code == 422
    response = client.post(
        url, "{not json", content_type="application/json", headers=_auth(world.owner)
    )
    assert response.status_code in (400, 422)
    assert not Update.objects.exists()


def test_session_post_needs_csrf(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    response = client.post(
        f"/api/v1/actions/{world.action.pk}/updates",
        {"narrative": "x"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert not Update.objects.exists()


def test_people_and_organisations(client, world):
    headers = _auth(world.viewer)
    people = client.get("/api/v1/people?q=Owen", headers=headers).json()
    assert people["items"][0]["staff_number"] == ""
    assert people["items"][0]["display_name"] == "Insp. Owen Owner"
    orgs = client.get("/api/v1/organisations", headers=headers).json()
    assert {o["name"] for o in orgs["items"]} == {"Barnet Police", "Other Force"}
    org = client.get(f"/api/v1/organisations/{world.force.pk}", headers=headers).json()
    assert org["name"] == "Barnet Police"


def test_cached_plan_action_list_follows_changes(client, world, settings):
    from django.core.cache import cache

    from plantrack.plans.services import update_post

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    headers = _auth(world.viewer)
    url = f"/api/v1/actions?plan={world.plan.pk}&rag=red"
    assert client.get(url, headers=headers).json()["count"] == 0
    update_post(actor=world.owner, action=world.action, narrative="x", rag="red")
    data = client.get(url, headers=headers).json()
    assert data["count"] == 1 and data["items"][0]["rag"] == "red"
    outsider = _auth(world.outsider)
    assert client.get(url, headers=outsider).status_code == 404  # the cache never skips access


def test_limit_is_capped_and_bad_paging_is_refused(client, world):
    headers = _auth(world.viewer)
    assert len(client.get("/api/v1/actions?limit=500", headers=headers).json()["items"]) == 2
    assert client.get("/api/v1/actions?limit=100000", headers=headers).status_code == 422
    assert client.get("/api/v1/actions?limit=abc", headers=headers).status_code == 422


def test_list_and_detail_agree(client, world):
    headers = _auth(world.viewer)
    listed = client.get(f"/api/v1/actions?plan={world.plan.pk}", headers=headers).json()
    detail = client.get(f"/api/v1/actions/{world.action.pk}", headers=headers).json()
    item = next(i for i in listed["items"] if i["id"] == world.action.pk)
    assert {k: detail[k] for k in item} == item
