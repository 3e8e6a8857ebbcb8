"""The register page's lists and the API's list of a register are cached under the register's
version and the areas (selectors.register_cache_key): every write that changes what they show
must show at once, and no reader may be served what another may not see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plantrack.accounts.services import api_token_create
from plantrack.directory.services import area_update
from plantrack.engagement import services
from plantrack.engagement.models import Method

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_cache")]


def _page(client, user, register, **query) -> str:
    client.force_login(user)
    url = reverse("engagement:register", args=[register.pk])
    return client.get(url, query).content.decode()


def _api(client, user, **query) -> dict:
    _, token = api_token_create(actor=user, name="t")
    headers = {"Authorization": f"Bearer {token}"}
    return client.get("/api/v1/engagement/activities", query, headers=headers).json()


def test_the_register_page_shows_each_change_at_once(client, world, eng):
    assert "Deaf link scheme" in _page(client, world.viewer, eng.register)
    services.activity_create(
        actor=world.manager, register=eng.register, title="Street briefing at the mosque"
    )
    assert "Street briefing at the mosque" in _page(client, world.viewer, eng.register)
    # A place renamed (no register write) and a method renamed in the admin's list.
    area_update(actor=eng.admin, area=eng.ward, code="W9")
    method = Method.objects.get(name="Public meeting")
    method.name = "Public meeting (open)"
    services.list_entry_save(actor=eng.admin, entry=method)
    html = _page(client, world.viewer, eng.register)
    assert "W9" in html and "Public meeting (open)" in html


def test_the_cached_list_keeps_each_readers_own_controls(client, world, eng):
    manager = _page(client, world.manager, eng.register, area=eng.barnet.pk)
    viewer = _page(client, world.viewer, eng.register, area=eng.barnet.pk)
    add = reverse("engagement:activity_create", args=[eng.register.pk])
    assert add in manager and add not in viewer
    assert "Deaf link scheme" in viewer and "Met Volunteer programme" not in viewer
    # Another query is another entry.
    assert "Met Volunteer programme" in _page(client, world.viewer, eng.register, area="")


def test_the_api_list_of_a_register_shows_each_change_at_once(client, world, eng):
    first = _api(client, world.viewer, register_id=eng.register.pk)
    assert first["count"] == 2
    services.activity_update(actor=world.manager, activity=eng.activity, aim="Hear concerns")
    again = _api(client, world.viewer, register_id=eng.register.pk)
    assert [a["aim"] for a in again["items"] if a["id"] == eng.activity.pk] == ["Hear concerns"]


def test_an_outsider_is_never_served_the_cached_list(client, world, eng):
    assert _api(client, world.manager, register_id=eng.register.pk)["count"] == 2
    assert _api(client, world.outsider, register_id=eng.register.pk) == {"items": [], "count": 0}


def test_a_list_item_has_the_shape_of_the_activity_itself(client, world, eng):
    services.activity_update(
        actor=world.manager,
        activity=eng.activity,
        actions=[world.action],
        owners=[world.owner_person],
        areas=[eng.ward, eng.brent],
    )
    items = _api(client, world.viewer, register_id=eng.register.pk)["items"]
    item = next(a for a in items if a["id"] == eng.activity.pk)
    _, token = api_token_create(actor=world.viewer, name="t")
    detail = client.get(
        f"/api/v1/engagement/activities/{eng.activity.pk}",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert item == {key: detail[key] for key in item}
    assert item["owner_ids"] == [world.owner_person.pk]
    assert item["action_ids"] == [world.action.pk]
    assert set(item["area_ids"]) == {eng.ward.pk, eng.brent.pk}
