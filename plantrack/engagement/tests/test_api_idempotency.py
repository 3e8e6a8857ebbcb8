"""Recording an activity again safely with an Idempotency-Key (the phone app's offline
entries; the mechanics are tested with updates in plans/tests/test_api_idempotency.py)."""

from __future__ import annotations

import json

import pytest

from plantrack.accounts.idempotency import OTHER_REQUEST
from plantrack.accounts.models import IdempotencyKey
from plantrack.accounts.services import api_token_create
from plantrack.engagement.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(client, world, eng):
    def call(user, body, key=None):
        _, secret = api_token_create(actor=user, name="phone")
        headers = {"Authorization": f"Bearer {secret}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return client.post(
            "/api/v1/engagement/activities",
            json.dumps({"register_id": eng.register.pk, **body}),
            content_type="application/json",
            headers=headers,
        )

    return call


def test_recording_an_activity_twice_with_one_key_writes_it_once(record, world):
    before = Activity.objects.count()
    first = record(world.manager, {"title": "Street briefing"}, key="a-1")
    assert first.status_code == 201, first.content
    again = record(world.manager, {"title": "Street briefing"}, key="a-1")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Activity.objects.count() == before + 1


def test_the_key_on_another_activity_is_refused(record, world):
    before = Activity.objects.count()
    assert record(world.manager, {"title": "Street briefing"}, key="a-1").status_code == 201
    other = record(world.manager, {"title": "Ward walk"}, key="a-1")
    assert other.status_code == 422 and other.json()["detail"]["__all__"] == [OTHER_REQUEST]
    assert Activity.objects.count() == before + 1


def test_a_refused_activity_keeps_no_key(record, world):
    assert record(world.outsider, {"title": "Not mine"}, key="a-1").status_code == 404
    assert record(world.manager, {"title": "x", "status": "nonsense"}, key="a-2").status_code == 422
    assert not IdempotencyKey.objects.exists()


def test_a_bad_key_is_400(record, world):
    assert record(world.manager, {"title": "Street briefing"}, key="x" * 101).status_code == 400
