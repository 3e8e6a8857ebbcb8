"""The phone pages with the personas: what each sees, an update and an activity sent as a
plain form and as the phone app sends them (JSON, an Idempotency-Key, a photo), a conflict,
and the manifest and service worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plantrack.engagement.models import Activity, Method, Output
from plantrack.evidence.models import Evidence
from plantrack.evidence.tests.samples import png_bytes
from plantrack.plans import services as plan_services
from plantrack.plans.models import Update

pytestmark = pytest.mark.django_db

HOME = reverse("mobile:home")
NEW_ACTIVITY = reverse("mobile:activity_new")
JSON = {"HTTP_ACCEPT": "application/json"}


def _update_url(world) -> str:
    return reverse("mobile:update", args=[world.action.pk])


def _photo(name: str = "scene.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def _post_update(client, world, key: str | None = None, **fields):
    headers = {name: fields.pop(name) for name in list(fields) if name.startswith("HTTP_")}
    data = {"rag": "amber", "narrative": "Met the youth panel.", "based_on": ""} | fields
    extra = (dict(JSON) if key else {}) | headers
    if key:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(_update_url(world), data, **extra)


# --- Home -----------------------------------------------------------------------------------


def test_home_lists_my_actions_and_activities(client, world, eng):
    client.force_login(world.owner)
    page = client.get(HOME).content.decode()
    assert "YC/INT/1" in page and _update_url(world) in page
    assert "YC/INT/2" not in page  # not theirs
    assert "Met Volunteer programme" in page  # the activity they own
    assert "Deaf link scheme" not in page
    assert NEW_ACTIVITY not in page  # not a register manager
    assert 'rel="manifest"' in page


def test_home_offers_recording_to_register_managers(client, world, eng):
    client.force_login(world.manager)
    assert NEW_ACTIVITY in client.get(HOME).content.decode()


def test_an_outsider_sees_nothing_of_the_plan(client, world, eng):
    client.force_login(world.outsider)
    page = client.get(HOME).content.decode()
    assert "YC/INT/1" not in page and "You own no open actions." in page


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get(HOME)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Updates --------------------------------------------------------------------------------


def test_the_form_is_based_on_the_latest_update(client, world):
    latest = plan_services.update_post(actor=world.owner, action=world.action, narrative="First")
    client.force_login(world.owner)
    page = client.get(_update_url(world)).content.decode()
    assert f'name="based_on" value="{latest.pk}"' in page
    assert 'capture="environment"' in page


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_post_is_refused(client, world, persona, status):
    client.force_login(getattr(world, persona))
    assert client.get(_update_url(world)).status_code == status
    assert _post_update(client, world).status_code == status
    assert not Update.objects.exists()


def test_a_plain_form_posts_and_returns_home(client, world):
    client.force_login(world.owner)
    response = _post_update(client, world)
    assert response.status_code == 302 and response["Location"] == HOME
    update = Update.objects.get()
    assert (update.narrative, update.rag, update.author) == (
        "Met the youth panel.",
        "amber",
        world.owner,
    )


def test_the_phone_sends_an_update_with_a_photo_once(client, world):
    client.force_login(world.owner)
    data = {"rag": "green", "narrative": "Posters up.", "based_on": "", "date": "2026-12-01"}
    first = client.post(
        _update_url(world), data | {"photo": _photo()}, **JSON, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == 201, first.content
    # The answer was lost: the phone sends the same entry again.
    again = client.post(
        _update_url(world), data | {"photo": _photo()}, **JSON, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    update = Update.objects.get()
    assert update.date == dt.date(2026, 12, 1)  # the day it was written, not sent
    assert Evidence.objects.filter(object_id=update.pk, mime_type="image/png").count() == 1


def test_the_key_on_another_entry_is_refused(client, world):
    client.force_login(world.owner)
    assert _post_update(client, world, key="k-2").status_code == 201
    other = _post_update(
        client, world, key="k-2", narrative="Something else", based_on=str(Update.objects.get().pk)
    )
    assert other.status_code == 422
    assert Update.objects.count() == 1


def test_a_conflict_saves_nothing_and_shows_the_newer_update(client, world):
    client.force_login(world.owner)
    seen = plan_services.update_post(actor=world.owner, action=world.action, narrative="Seen")
    newer = plan_services.update_post(
        actor=world.manager, action=world.action, narrative="Newer one"
    )
    response = _post_update(client, world, key="k-3", based_on=str(seen.pk))
    assert response.status_code == 409
    assert response.json()["latest"]["id"] == newer.pk
    assert response.json()["latest"]["narrative"] == "Newer one"
    assert Update.objects.count() == 2
    # The same key may be sent again once based on the newer update? No: another request is
    # another key; the phone makes a new one ("send mine anyway").
    assert _post_update(client, world, key="k-4", based_on=str(newer.pk)).status_code == 201
    assert Update.objects.count() == 3


def test_a_conflict_without_javascript_shows_the_form_again_based_on_the_newer(client, world):
    client.force_login(world.owner)
    seen = plan_services.update_post(actor=world.owner, action=world.action, narrative="Seen")
    newer = plan_services.update_post(
        actor=world.manager, action=world.action, narrative="Newer one"
    )
    page = _post_update(client, world, based_on=str(seen.pk)).content.decode()
    assert "was updated after you last saw it" in page and "Newer one" in page
    assert f'name="based_on" value="{newer.pk}"' in page
    assert "Met the youth panel." in page  # what they wrote is kept in the form


def test_an_invalid_entry_answers_what_to_correct(client, world):
    client.force_login(world.owner)
    response = _post_update(client, world, key="k-5", narrative="")
    assert response.status_code == 422
    assert response.json()["message"] == "Enter what has happened since the last update"
    assert not Update.objects.exists()


def test_a_future_date_is_refused(client, world):
    client.force_login(world.owner)
    response = _post_update(client, world, key="k-6", date="2099-01-01")
    assert response.status_code == 422 and "future" in response.json()["message"]


# --- Activities -----------------------------------------------------------------------------


def _activity(eng, **fields):
    method = Method.objects.get(name="Public meeting")
    return {
        "register": eng.register.pk,
        "title": "Street briefing, Burnt Oak Broadway",
        "ward": eng.ward.pk,
        "place": "Outside the library",
        "method": method.pk,
        "people_reached": "34",
    } | fields


def test_only_register_managers_may_record(client, world, eng):
    client.force_login(world.owner)
    assert client.get(NEW_ACTIVITY).status_code == 403
    assert client.post(NEW_ACTIVITY, _activity(eng)).status_code == 403


def test_the_form_offers_the_registers_wards_and_methods(client, world, eng):
    client.force_login(world.manager)
    page = client.get(NEW_ACTIVITY).content.decode()
    assert "Engagement activity register (Barnet Police)" in page
    assert "Burnt Oak (Barnet)" in page and "Public meeting" in page


def test_the_phone_records_an_activity_once(client, world, eng):
    client.force_login(world.manager)
    data = _activity(eng) | {"date": "2026-12-02"}
    first = client.post(
        NEW_ACTIVITY, data | {"photo": _photo()}, **JSON, HTTP_IDEMPOTENCY_KEY="a-1"
    )
    assert first.status_code == 201, first.content
    again = client.post(
        NEW_ACTIVITY, data | {"photo": _photo()}, **JSON, HTTP_IDEMPOTENCY_KEY="a-1"
    )
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    activity = Activity.objects.get(title="Street briefing, Burnt Oak Broadway")
    assert activity.status == Activity.Status.COMPLETED
    assert activity.start_earliest == dt.date(2026, 12, 2)
    assert activity.description == "Where: Outside the library"
    assert list(activity.areas.all()) == [eng.ward]
    assert [m.name for m in activity.methods.all()] == ["Public meeting"]
    output = Output.objects.get(activity=activity)
    assert (output.kind, output.count, output.area) == ("people_reached", 34, eng.ward)
    assert Evidence.objects.filter(object_id=activity.pk, title="Photo").count() == 1
    assert first.json()["url"] == activity.get_absolute_url()


def test_an_activity_without_a_title_is_refused_whole(client, world, eng):
    client.force_login(world.manager)
    before = Activity.objects.count()
    response = client.post(
        NEW_ACTIVITY, _activity(eng, title=""), **JSON, HTTP_IDEMPOTENCY_KEY="a-2"
    )
    assert response.status_code == 422
    assert response.json()["message"] == "Say what the activity was"
    assert Activity.objects.count() == before


def test_a_plain_activity_form_records_and_returns_home(client, world, eng):
    client.force_login(world.manager)
    response = client.post(NEW_ACTIVITY, _activity(eng, people_reached="", ward="", method=""))
    assert response.status_code == 302 and response["Location"] == HOME
    activity = Activity.objects.get(title="Street briefing, Burnt Oak Broadway")
    assert not activity.outputs.exists() and not activity.areas.exists()


def test_a_ward_of_another_organisation_is_refused(client, world, eng):
    from plantrack.directory import services as directory_services

    county = directory_services.area_create(
        actor=eng.admin, name="Shire", level="force", organisation=world.other_force
    )
    elsewhere = directory_services.area_create(
        actor=eng.admin, name="Market Ward", level="ward", parent=county
    )
    client.force_login(world.manager)
    response = client.post(NEW_ACTIVITY, _activity(eng, ward=elsewhere.pk), **JSON)
    assert response.status_code == 422


# --- The installable app ----------------------------------------------------------------------


def test_the_manifest_and_service_worker_need_no_sign_in(client):
    manifest = client.get(reverse("mobile:manifest"))
    assert manifest.status_code == 200
    assert manifest["Content-Type"] == "application/manifest+json"
    body = manifest.json()
    assert (body["start_url"], body["scope"], body["display"]) == ("/m/", "/m/", "standalone")
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
    worker = client.get(reverse("mobile:service_worker"))
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert "workbox-strategies.prod.js" in worker.content.decode()
    assert "no-cache" in worker["Cache-Control"]


# --- Found by a review of the phone pages (7 Dec) -------------------------------------------


def test_an_entry_entered_by_someone_else_is_not_sent_as_theirs(client, world):
    """Owen's entry, waiting on a shared phone, must not be saved under the manager's name."""
    client.force_login(world.manager)
    response = client.post(
        _update_url(world),
        {"rag": "amber", "narrative": "Written by Owen.", "based_on": ""},
        **JSON,
        HTTP_IDEMPOTENCY_KEY="u-1",
        HTTP_X_PLANTRACK_USER=str(world.owner.pk),
    )
    assert response.status_code == 409 and response.json()["wrong_user"] is True
    assert not Update.objects.exists()
    own = _post_update(client, world, key="u-2", HTTP_X_PLANTRACK_USER=str(world.manager.pk))
    assert own.status_code == 201


def test_a_key_on_a_plain_form_leaves_it_a_plain_form(client, world):
    """Without asking for JSON a form is answered as a form, and saved: never rolled back
    because its redirect is not an answer to keep."""
    client.force_login(world.owner)
    data = {"rag": "amber", "narrative": "Plain.", "based_on": ""}
    response = client.post(_update_url(world), data, HTTP_IDEMPOTENCY_KEY="p-1")
    assert response.status_code == 302
    assert Update.objects.filter(narrative="Plain.").count() == 1
    from plantrack.accounts.models import IdempotencyKey

    assert not IdempotencyKey.objects.exists()


def test_an_activity_dated_in_the_future_or_before_2000_is_refused(client, world, eng):
    client.force_login(world.manager)
    before = Activity.objects.count()
    for day, said in [("2099-01-01", "future"), ("0001-01-01", "before 2000")]:
        response = client.post(NEW_ACTIVITY, _activity(eng, date=day), **JSON)
        assert response.status_code == 422 and said in response.json()["message"]
    assert Activity.objects.count() == before


def test_based_on_an_update_that_is_not_there(client, world):
    """The action has no update: a based_on naming one is a conflict with nothing newer."""
    client.force_login(world.owner)
    response = _post_update(client, world, key="b-1", based_on="99999")
    assert response.status_code == 409 and response.json()["latest"] is None
    page = _post_update(client, world, based_on="99999").content.decode()
    assert "was updated after you last saw it" in page
    assert 'name="based_on" value="99999"' not in page
    assert _post_update(client, world, key="b-2", based_on="").status_code == 201


def test_a_photo_sent_again_is_one_request_whatever_the_boundary(world):
    """With CSRF checked (as in production) the form is read before the view, so the key's
    digest is of its fields and files; another multipart boundary is the same request."""
    from django.test import Client
    from django.test.client import encode_multipart

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    client.get(_update_url(world))
    token = client.cookies["csrftoken"].value
    data = {"rag": "green", "narrative": "Photo.", "based_on": ""}
    answers = []
    for boundary in ("BoUnDaRy-one", "another-boundary-2"):
        answers.append(
            client.post(
                _update_url(world),
                encode_multipart(boundary, data | {"photo": _photo()}),
                content_type=f"multipart/form-data; boundary={boundary}",
                HTTP_ACCEPT="application/json",
                HTTP_IDEMPOTENCY_KEY="c-1",
                HTTP_X_CSRFTOKEN=token,
            )
        )
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[1]["Idempotent-Replayed"] == "true"
    other_photo = client.post(
        _update_url(world),
        encode_multipart("b3", data | {"photo": _photo("other.png")}),
        content_type="multipart/form-data; boundary=b3",
        HTTP_ACCEPT="application/json",
        HTTP_IDEMPOTENCY_KEY="c-1",
        HTTP_X_CSRFTOKEN=token,
    )
    assert other_photo.status_code == 422
    assert Update.objects.count() == 1
