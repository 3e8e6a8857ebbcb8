"""What a signed-in user sees is not kept by browsers or proxies; what is meant to be cached is."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from plantrack.accounts.services import api_token_create
from plantrack.core.middleware import PrivateCacheMiddleware
from plantrack.reminders import services as reminders

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_signed_in_pages_are_private_and_not_stored(client, world):
    client.force_login(world.viewer)
    for url in (
        reverse("home"),
        reverse("plans:detail", args=[world.plan.pk]),
        reverse("plans:action", args=[world.action.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= _directives(response), url


def test_htmx_fragments_and_redirects_are_private_too(client, world):
    client.force_login(world.viewer)
    url = reverse("plans:detail", args=[world.plan.pk])
    response = client.get(url, headers={"hx-request": "true"})
    assert {"private", "no-store"} <= _directives(response)
    response = client.post(reverse("accounts:tokens"), {"name": ""})
    assert {"private", "no-store"} <= _directives(response)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_downloads_are_private_and_not_stored(client, world, fmt):
    client.force_login(world.viewer)
    response = client.get(reverse("imports:export", args=[world.plan.pk, fmt]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert {"private", "no-store"} <= _directives(response)


def test_api_answers_to_a_token_are_private_and_not_stored(client, world):
    _, secret = api_token_create(actor=world.viewer, name="script")
    response = client.get(
        f"/api/v1/plans/{world.plan.pk}", headers={"authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


def test_calendar_feeds_keep_their_own_caching_and_304s(client, world):
    feed = reminders.feed_create(actor=world.viewer, scope="plan", plan=world.plan)
    url = reverse("reminders:feed_ics", args=[feed.token])
    response = client.get(url)
    assert response.status_code == 200
    # The calendar program may keep it for an hour, but no shared cache (the URL is a secret).
    assert _directives(response) == {"private", "max-age=3600"}
    again = client.get(url, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    assert _directives(again) == {"private", "max-age=3600"}
    # Opened in a signed-in browser it is still the feed's own header.
    client.force_login(world.viewer)
    assert _directives(client.get(url)) == {"private", "max-age=3600"}


def test_static_files_stay_cacheable_for_signed_in_users(client, world):
    client.force_login(world.viewer)
    response = client.get("/static/dist/plantrack.css")
    assert response.status_code == 200
    assert "no-store" not in _directives(response)
    assert "private" not in _directives(response)


def test_the_sign_in_page_is_not_stored():
    from django.test import Client

    response = Client().get(reverse("login"))
    assert "no-store" in _directives(response)


def _through_middleware(header: str | None, user) -> HttpResponse:
    response = HttpResponse("x")
    if header is not None:
        response["Cache-Control"] = header
    request = RequestFactory().get("/")
    request.user = user
    return PrivateCacheMiddleware(lambda request: response)(request)


def test_a_public_header_on_private_data_is_made_private(world):
    response = _through_middleware("public, max-age=600", world.viewer)
    assert _directives(response) == {"private", "max-age=600"}


def test_a_deliberate_private_header_is_kept(world):
    response = _through_middleware("private, max-age=60", world.viewer)
    assert _directives(response) == {"private", "max-age=60"}
    response = _through_middleware("no-cache, no-store, must-revalidate", world.viewer)
    assert _directives(response) == {"no-cache", "no-store", "must-revalidate"}


def test_anonymous_answers_are_left_alone():
    assert "Cache-Control" not in _through_middleware(None, AnonymousUser())
    assert _directives(_through_middleware("public, max-age=600", AnonymousUser())) == {
        "public",
        "max-age=600",
    }
