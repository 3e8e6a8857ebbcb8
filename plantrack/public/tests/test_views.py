"""The public pages, read signed out, and the pages where managers decide what they show."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from plantrack.plans import services as plan_services
from plantrack.public import services
from plantrack.public.models import PublicUpdate
from plantrack.public.tests.conftest import EDITED, SECRET

pytestmark = pytest.mark.django_db

PLAN_URL = "/public/plans/youth-strategy/"


def _never_shown(body: str, published) -> None:
    person = published.world.owner_person
    for secret in (SECRET, person.name, "Owen", "Mary", person.staff_number, person.email):
        assert secret not in body, secret
    assert person.phone not in body


def test_a_published_plan_is_read_signed_out_with_only_what_is_public(client, published):
    response = client.get(PLAN_URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    body = response.content.decode()
    assert "Create a policy" in body and "YC/INT/1" in body and "March 2004" in body
    assert EDITED in body
    assert "Youth Crime Lead, Barnet Police" in body  # the owner as a post
    _never_shown(body, published)
    assert "partners agreed the policy" not in body  # the internal text of the approved update


@pytest.mark.parametrize("suffix", ["data.csv", "data.json", "feed.atom"])
def test_the_downloads_and_feed_hold_what_the_page_shows(client, published, suffix):
    response = client.get(PLAN_URL + suffix)
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert EDITED in body and "Create a policy" in body
    _never_shown(body, published)


def test_the_json_is_shaped_by_section(client, published):
    data = json.loads(client.get(PLAN_URL + "data.json").content)
    action = data["sections"][0]["actions"][0]
    assert action["ref"] == "YC/INT/1" and action["owners"] == ["Youth Crime Lead, Barnet Police"]
    assert action["updates"] == [{"date": "2026-11-01", "rag": "amber", "text": EDITED}]


def test_the_feed_is_atom_with_one_entry_per_published_update(client, published):
    response = client.get(PLAN_URL + "feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert response.content.decode().count("<entry>") == 1


def test_unpublished_withdrawn_and_restricted_plans_are_not_found(client, published):
    world = published.world
    assert client.get("/public/plans/no-such-plan/").status_code == 404
    services.plan_unpublish(actor=world.manager, plan=world.plan, reason="Review")
    response = client.get(PLAN_URL)
    assert response.status_code == 404 and "no longer published" in response.content.decode()
    for suffix in ("data.csv", "data.json", "feed.atom"):
        assert client.get(PLAN_URL + suffix).status_code == 404
    services.plan_publish(actor=world.manager, plan=world.plan)
    plan_services.plan_update(actor=world.manager, plan=world.plan, visibility="restricted")
    assert client.get(PLAN_URL).status_code == 404
    assert "Youth Strategy" not in client.get("/public/").content.decode()


def test_a_withheld_action_leaves_the_page_and_the_downloads(client, published):
    world = published.world
    services.action_withhold(actor=world.manager, action=world.action, reason="Live operation")
    for suffix in ("", "data.csv", "data.json"):
        body = client.get(PLAN_URL + suffix).content.decode("utf-8-sig")
        assert "Create a policy" not in body and EDITED not in body
        assert "Track PYOs" in body
        assert "Live operation" not in body


def test_the_index_lists_published_plans_by_organisation_and_sign_in_links_to_it(client, published):
    body = client.get("/public/").content.decode()
    assert "Barnet Police" in body and PLAN_URL in body
    org = client.get(f"/public/organisations/{published.world.force.pk}/")
    assert PLAN_URL in org.content.decode()
    assert client.get(f"/public/organisations/{published.world.other_force.pk}/").status_code == 404
    assert "/public/" in client.get(reverse("login")).content.decode()
    assert client.get("/public/accessibility/").status_code == 200


def test_public_pages_carry_titles_descriptions_and_social_cards(client, published):
    body = client.get(PLAN_URL).content.decode()
    assert "<title>Youth Strategy – PlanTrack</title>" in body
    assert (
        '<meta name="description"' in body
        and 'property="og:title" content="Youth Strategy"' in body
    )
    assert 'type="application/atom+xml"' in body


def test_approving_an_update_through_the_pages_shows_it_signed_out(client, published):
    world, update = published.world, published.secret_update
    client.force_login(world.manager)
    page = client.get(reverse("public:approvals")).content.decode()
    assert "Suspect Darren Smith" in page
    url = reverse("public:update_decide", args=[update.pk])
    assert SECRET in client.get(url).content.decode()  # the form starts from the update's text
    response = client.post(url, {"do": "approve", "text": ""})
    assert "Write the text the public will read" in response.content.decode()
    response = client.post(url, {"do": "approve", "text": "An arrest was made."})
    assert response.status_code == 302
    client.logout()
    body = client.get(PLAN_URL).content.decode()
    assert "An arrest was made." in body and SECRET not in body


def test_the_manage_page_publishes_and_withdraws(client, world):
    plan_services.plan_update(actor=world.manager, plan=world.plan, visibility="public")
    client.force_login(world.manager)
    url = reverse("public:manage", args=[world.plan.pk])
    assert "This plan is not published" in client.get(url).content.decode()
    assert client.post(url, {"slug": "", "introduction": "Our promise"}).status_code == 302
    client.logout()
    assert "Our promise" in client.get(PLAN_URL).content.decode()
    client.force_login(world.manager)
    response = client.post(reverse("public:unpublish", args=[world.plan.pk]), {"reason": "Done"})
    assert response.status_code == 302
    assert client.get(PLAN_URL).status_code == 404


def test_others_who_see_the_plan_read_its_public_status_but_cannot_change_it(client, published):
    world = published.world
    client.force_login(world.owner)
    url = reverse("public:manage", args=[world.plan.pk])
    page = client.get(url).content.decode()
    assert PLAN_URL in page and "Only the plan's managers" in page
    assert client.post(url, {"slug": "x"}).status_code == 403
    decide = reverse("public:update_decide", args=[published.secret_update.pk])
    assert client.get(decide).status_code == 403
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_withholding_through_the_pages(client, published):
    world = published.world
    client.force_login(world.manager)
    url = reverse("public:action_withhold", args=[world.action.pk])
    assert "Say why" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Sensitive"}).status_code == 302
    manage = client.get(reverse("public:manage", args=[world.plan.pk])).content.decode()
    assert "Sensitive" in manage
    assert PublicUpdate.objects.count() == 1


def test_with_a_real_cache_a_change_shows_at_once(client, published, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "p"}
    }
    world = published.world
    assert "An arrest was made." not in client.get(PLAN_URL).content.decode()
    services.update_publish(
        actor=world.manager, update=published.secret_update, text="An arrest was made."
    )
    assert "An arrest was made." in client.get(PLAN_URL).content.decode()
    assert "An arrest was made." in client.get(PLAN_URL + "feed.atom").content.decode()
    services.action_withhold(actor=world.manager, action=world.action, reason="Sensitive")
    assert "Create a policy" not in client.get(PLAN_URL).content.decode()


def test_a_cached_page_names_its_own_host_and_no_query(client, published, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "h"}
    }
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    client.get(PLAN_URL, {"utm": "ATTACKER"})
    client.get(PLAN_URL + "feed.atom", {"x": "EVIL"})
    body = client.get(PLAN_URL).content.decode()
    assert "ATTACKER" not in body and 'href="http://testserver/public/plans/' in body
    assert "EVIL" not in client.get(PLAN_URL + "feed.atom").content.decode()
    other = client.get(PLAN_URL, HTTP_HOST="other.example").content.decode()
    assert "http://other.example/public/plans/youth-strategy/" in other


def test_a_response_setting_a_cookie_is_never_public():
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.test import RequestFactory

    from plantrack.core.middleware import PrivateCacheMiddleware

    def view(request):
        response = HttpResponse("ok")
        response["Cache-Control"] = "public, max-age=300"
        response.set_cookie("messages", "You were signed out")
        return response

    request = RequestFactory().get("/public/")
    request.user = AnonymousUser()
    response = PrivateCacheMiddleware(view)(request)
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


@pytest.mark.parametrize("suffix", ["data.json", "feed.atom"])
def test_open_data_times_are_to_the_second(client, published, suffix):
    """Microseconds say nothing to a reader, and six random digits read as a staff number to
    the demo's safety crawl (a CI run found a person's 5-digit staff number in one)."""
    body = client.get(f"/public/plans/youth-strategy/{suffix}").content.decode()
    assert re.search(r"\d{2}:\d{2}:\d{2}", body)
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d", body)
