"""A NUL character in an address or a search answers 400 (422 on the API, as documented for bad
parameters), not 500: PostgreSQL refuses NUL in any string it is given, so a search for it
crashed there (issue 10, F3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plantrack.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/people?q=%00",
        "/api/v1/organisations?q=a%00b",
        "/api/v1/actions?q=%00",
    ],
)
def test_api_search_with_nul_is_refused_as_a_bad_parameter(client, world, path):
    _, secret = api_token_create(actor=world.manager, name="t")
    response = client.get(path, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"][0]["msg"]


def test_pages_and_feeds_with_nul_are_a_bad_request(client, world):
    client.force_login(world.viewer)
    response = client.get(reverse("directory:people"), {"q": "a\x00b"})
    assert response.status_code == 400
    client.logout()
    assert client.get("/reminders/calendar/abc%00def.ics").status_code == 400
    assert client.get("/directory/verify-email/ab%00cd/").status_code == 400


def test_a_nul_in_a_cookie_is_a_bad_request(client, world):
    # Django turns \000 in a quoted cookie value into a NUL, and the session key is looked up.
    client.cookies["sessionid"] = '"\\000abcdefghijkl"'
    assert client.get("/").status_code == 400
