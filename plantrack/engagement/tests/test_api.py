from __future__ import annotations

import pytest

from plantrack.accounts.services import api_token_create
from plantrack.engagement.models import Activity, Output

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, world, eng):
    def call(user, method, path, body=None, **query):
        _, token = api_token_create(actor=user, name="t")
        headers = {"Authorization": f"Bearer {token}"}
        if method == "get":
            return client.get(f"/api/v1{path}", query, headers=headers)
        return getattr(client, method)(
            f"/api/v1{path}", body or {}, content_type="application/json", headers=headers
        )

    return call


def test_list_filters_by_area_with_places_inside(api, world, eng):
    found = api(world.viewer, "get", "/engagement/activities", area=eng.barnet.pk).json()
    assert [a["title"] for a in found["items"]] == ["Deaf link scheme"]
    item = found["items"][0]
    assert item["cost_amount"] == "2500.00" and item["cost_period"] == "one-off"
    assert item["area_ids"] == [eng.ward.pk] and item["methods"] == ["Public meeting"]
    everything = api(world.viewer, "get", "/engagement/activities", area=eng.force_area.pk)
    assert everything.json()["count"] == 2
    assert api(world.outsider, "get", "/engagement/activities").json()["count"] == 0


def test_create_update_and_record_through_the_api(api, world, eng):
    r = api(
        world.manager,
        "post",
        "/engagement/activities",
        {
            "register_id": eng.register.pk,
            "title": "Street briefing at the Sikh temple",
            "group_id": eng.group.pk,
            "area_ids": [eng.ward.pk],
            "action_ids": [world.action.pk],
            "recurrence": "fortnightly",
            "level": "consult",
            "status": "running",
        },
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["action_ids"] == [world.action.pk]
    r = api(world.manager, "patch", f"/engagement/activities/{pk}", {"aim": "Hear concerns"})
    assert r.status_code == 200 and r.json()["aim"] == "Hear concerns"
    assert r.json()["recurrence"] == "fortnightly"  # fields not sent are kept
    r = api(
        world.manager,
        "post",
        f"/engagement/activities/{pk}/outputs",
        {"kind": "people_reached", "count": 40, "area_id": eng.ward.pk},
    )
    assert r.status_code == 201
    r = api(world.manager, "patch", f"/engagement/activities/{pk}", {"status": "completed"})
    assert r.status_code == 422 and "you said" in r.content.decode()
    r = api(
        world.manager,
        "post",
        f"/engagement/activities/{pk}/outcomes",
        {"you_said": "Parking", "we_did": "Enforcement visits"},
    )
    assert r.status_code == 201
    r = api(world.manager, "patch", f"/engagement/activities/{pk}", {"status": "completed"})
    assert r.status_code == 200
    detail = api(world.viewer, "get", f"/engagement/activities/{pk}").json()
    assert detail["outputs"][0]["count"] == 40 and detail["outcomes"][0]["we_did"]


def test_refusals(api, world, eng):
    r = api(world.viewer, "patch", f"/engagement/activities/{eng.activity.pk}", {"aim": "x"})
    assert r.status_code == 403
    r = api(world.outsider, "get", f"/engagement/activities/{eng.activity.pk}")
    assert r.status_code == 404
    r = api(
        world.manager,
        "post",
        "/engagement/activities",
        {"register_id": eng.register.pk, "title": "X", "area_ids": [999999]},
    )
    assert r.status_code == 422
    assert not Activity.objects.filter(title="X").exists()
    r = api(
        world.owner,
        "post",
        f"/engagement/activities/{eng.owned.pk}/outputs",
        {"kind": "other", "count": 3},
    )
    assert r.status_code == 422 and not Output.objects.exists()


def test_areas_api(api, world, eng):
    r = api(world.viewer, "get", "/areas", parent=eng.barnet.pk)
    assert [a["name"] for a in r.json()["items"]] == ["Burnt Oak", "Colindale North"]
    r = api(
        world.manager,
        "post",
        "/areas",
        {"name": "Hendon", "level": "ward", "parent_id": eng.barnet.pk},
    )
    assert r.status_code == 201
    r = api(world.manager, "post", "/areas", {"name": "Kent", "level": "force"})
    assert r.status_code == 403
    r = api(
        world.manager,
        "post",
        "/areas",
        {"name": "Bad", "level": "borough", "parent_id": eng.ward.pk},
    )
    assert r.status_code == 422
