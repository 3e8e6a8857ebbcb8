"""Decisions through the API: text cleaned of control characters and bounded (core.schemas);
a 1 MB decision used to be accepted, and a NUL stored."""

from __future__ import annotations

import pytest

from plantrack.accounts.services import api_token_create
from plantrack.governance.models import Decision

pytestmark = pytest.mark.django_db


def _post(client, gov, text: str):
    _, secret = api_token_create(actor=gov.secretary, name="t")
    return client.post(
        "/api/v1/decisions",
        data={"body_id": gov.group.pk, "text": text, "decided_on": "2024-05-14"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_a_megabyte_decision_is_refused(client, gov):
    before = Decision.objects.count()
    response = _post(client, gov, "x" * 1_000_000)
    assert response.status_code == 422
    assert "at most 20,000 characters" in response.content.decode()
    assert Decision.objects.count() == before


def test_control_characters_in_a_decision_are_cleaned(client, gov):
    response = _post(client, gov, "Agree\x00 the model\x0bby May")
    assert response.status_code == 201, response.content
    assert Decision.objects.get(pk=response.json()["id"]).text == "Agree the model\nby May"
