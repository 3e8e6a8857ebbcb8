"""Sending an update again safely (Idempotency-Key) and updates based on a stale latest one
(based_on → 409): what the phone app relies on when it sends entries kept offline."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from plantrack.accounts.idempotency import BAD_KEY, IN_PROGRESS, OTHER_REQUEST
from plantrack.accounts.models import IdempotencyKey
from plantrack.accounts.services import api_token_create
from plantrack.plans import services
from plantrack.plans.models import Action, Update

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(client, world):
    def call(user, body, key=None, action=None):
        _, secret = api_token_create(actor=user, name="phone")
        headers = {"Authorization": f"Bearer {secret}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return client.post(
            f"/api/v1/actions/{(action or world.action).pk}/updates",
            json.dumps(body),
            content_type="application/json",
            headers=headers,
        )

    return call


BODY = {"narrative": "Visited the site", "rag": "amber"}


def test_first_write_is_kept_and_a_repeat_is_replayed(post, world):
    first = post(world.owner, BODY, key="entry-1")
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first.headers
    kept = IdempotencyKey.objects.get()
    assert (kept.user, kept.key, kept.method, kept.status) == (world.owner, "entry-1", "POST", 201)
    assert kept.path == f"/api/v1/actions/{world.action.pk}/updates"

    again = post(world.owner, BODY, key="entry-1")
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Update.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_without_a_key_nothing_is_kept(post, world):
    assert post(world.owner, BODY).status_code == 201
    assert post(world.owner, BODY).status_code == 201
    assert Update.objects.count() == 2 and not IdempotencyKey.objects.exists()


def test_the_key_on_another_request_is_refused(post, world):
    assert post(world.owner, BODY, key="entry-1").status_code == 201
    other = post(world.owner, {**BODY, "narrative": "Something else"}, key="entry-1")
    assert other.status_code == 422
    assert other.json() == {"detail": {"__all__": [OTHER_REQUEST]}}
    elsewhere = post(world.owner, BODY, key="entry-1", action=world.other_action)
    assert elsewhere.status_code == 422
    assert Update.objects.count() == 1


def test_another_users_equal_key_is_another_key(post, world):
    assert post(world.owner, BODY, key="entry-1").status_code == 201
    theirs = post(world.manager, BODY, key="entry-1")
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert Update.objects.count() == 2
    assert IdempotencyKey.objects.filter(key="entry-1").count() == 2


@pytest.mark.parametrize("key", ["", "x" * 101, "café", "tab\there"])
def test_a_bad_key_is_400(post, world, key):
    response = post(world.owner, BODY, key=key)
    assert response.status_code == 400
    assert response.json() == {"detail": BAD_KEY}
    assert not Update.objects.exists() and not IdempotencyKey.objects.exists()


def test_the_longest_key_and_spaces_are_fine(post, world):
    assert post(world.owner, BODY, key="x" * 100).status_code == 201
    assert post(world.owner, BODY, key="offline entry 7").status_code == 201


def test_keys_expire_after_seven_days(post, world):
    assert post(world.owner, BODY, key="entry-1").status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(days=7, seconds=1))
    later = post(world.owner, BODY, key="entry-1")
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
    assert Update.objects.count() == 2
    # The expired row went (cleanup on each keyed write); the new one is kept.
    assert IdempotencyKey.objects.count() == 1


def test_a_keyed_write_clears_every_users_expired_keys(post, world):
    IdempotencyKey.objects.create(
        user=world.manager,
        key="old",
        method="POST",
        path="/x",
        body_digest="0" * 64,
        status=201,
        response="{}",
        created_at=timezone.now() - dt.timedelta(days=8),
    )
    assert post(world.owner, BODY, key="entry-1").status_code == 201
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["entry-1"]


def test_a_refused_request_keeps_nothing(post, world):
    refused = post(world.owner, {**BODY, "rag": "purple"}, key="entry-1")
    assert refused.status_code == 422
    assert not IdempotencyKey.objects.exists()
    assert post(world.owner, BODY, key="entry-1").status_code == 201
    forbidden = post(world.viewer, BODY, key="entry-2")
    assert forbidden.status_code == 403 and not IdempotencyKey.objects.filter(key="entry-2")


def test_a_repeat_while_the_first_is_being_answered_is_409(post, world):
    """Two requests with one key at once: the second finds the first's row (inserted first,
    unanswered until its transaction ends) and writes nothing. Real parallel requests cannot be
    run here (the tests' SQLite database is one in-memory connection, and SQLite lets one
    write transaction run at a time anyway); this is the state the second one meets on
    PostgreSQL if the first's row is visible unanswered (it never is: both commit together)."""
    IdempotencyKey.objects.create(
        user=world.owner,
        key="entry-1",
        method="POST",
        path=f"/api/v1/actions/{world.action.pk}/updates",
        body_digest="0" * 64,
        created_at=timezone.now(),
    )
    response = post(world.owner, BODY, key="entry-1")
    assert response.status_code == 409
    assert response.json() == {"detail": IN_PROGRESS}
    assert not Update.objects.exists()


# --- based_on: a newer update meanwhile is shown, never overwritten -------------------------


def test_based_on_the_latest_update_posts(post, world):
    first = post(world.owner, {**BODY, "based_on": None})
    assert first.status_code == 201, first.content
    second = post(world.owner, {**BODY, "narrative": "Next", "based_on": first.json()["id"]})
    assert second.status_code == 201
    assert Update.objects.count() == 2


def test_based_on_a_stale_update_is_409_naming_the_latest(post, world):
    seen = post(world.owner, {**BODY, "date": "2024-05-01"}).json()["id"]
    newer = post(world.manager, {"narrative": "Done", "rag": "green", "date": "2024-05-02"})
    newer_id = newer.json()["id"]
    stale = post(world.owner, {"narrative": "From the phone", "rag": "red", "based_on": seen})
    assert stale.status_code == 409
    assert stale.json()["latest"] == {
        "id": newer_id,
        "date": "2024-05-02",
        "rag": "green",
        "narrative": "Done",
    }
    assert "nothing was saved" in stale.json()["detail"]
    assert Update.objects.count() == 2
    assert Action.objects.get(pk=world.action.pk).rag == "green"


def test_based_on_none_when_there_is_an_update_is_409(post, world):
    post(world.manager, BODY)
    stale = post(world.owner, {"narrative": "From the phone", "based_on": None})
    assert stale.status_code == 409 and stale.json()["latest"]["narrative"] == BODY["narrative"]
    assert Update.objects.count() == 1


def test_without_based_on_the_last_write_still_wins(post, world):
    post(world.manager, BODY)
    assert post(world.owner, {"narrative": "From the phone"}).status_code == 201


def test_a_conflict_is_not_kept_with_its_key(post, world):
    post(world.manager, BODY)
    stale = post(world.owner, {"narrative": "Phone", "based_on": None}, key="entry-1")
    assert stale.status_code == 409
    latest = stale.json()["latest"]["id"]
    # The app shows the conflict; the person sends theirs again based on what they saw.
    again = post(world.owner, {"narrative": "Phone", "based_on": latest}, key="entry-1")
    assert again.status_code == 201
    assert Update.objects.count() == 2


def test_update_post_checks_based_on_in_the_service(world):
    update = services.update_post(
        actor=world.owner, action=world.action, narrative="One", based_on=None
    )
    with pytest.raises(services.UpdateConflict) as raised:
        services.update_post(actor=world.owner, action=world.action, narrative="Two", based_on=None)
    assert raised.value.latest == update
    services.update_post(
        actor=world.owner, action=world.action, narrative="Two", based_on=update.pk
    )
    assert Update.objects.count() == 2
