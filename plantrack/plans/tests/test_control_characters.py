"""F3: a control character in an update (Word's manual line break through the form, a NUL
through the API) used to make the plan's xlsx export answer 500 and every board pack fail,
for good, since updates are append-only. Input is normalised now, and every writer copes
with rows stored before that."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plantrack.accounts.services import api_token_create
from plantrack.core.tests.factories import storable
from plantrack.plans.models import Action, Milestone, Plan, Section, Update
from plantrack.plans.selectors import today

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    _, secret = api_token_create(actor=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def _export(client, plan) -> bytes:
    response = client.get(reverse("imports:export", args=[plan.pk, "xlsx"]))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_manual_line_break_through_the_form_is_a_line_break(client, world):
    client.force_login(world.owner)
    url = reverse("plans:update_create", args=[world.action.pk])
    response = client.post(
        url,
        {
            "date": today().isoformat(),
            "rag": "amber",
            "status": "in_progress",
            "narrative": "Policy drafted\x0bSent to legal\x0cSigned off\r\nDone\x07",
        },
    )
    assert response.status_code == 302
    assert Update.objects.get().narrative == "Policy drafted\nSent to legal\nSigned off\nDone"
    client.force_login(world.viewer)
    sheet = load_workbook(io.BytesIO(_export(client, world.plan))).active
    assert any("Sent to legal" in str(c.value) for row in sheet.iter_rows() for c in row)


def test_nul_through_the_api_is_dropped(client, world):
    response = client.post(
        f"/api/v1/actions/{world.action.pk}/updates",
        {"narrative": "Half\x00 done", "rag": "amber"},
        content_type="application/json",
        headers=_auth(world.owner),
    )
    assert response.status_code == 201, response.content
    assert Update.objects.get().narrative == "Half done"
    client.force_login(world.viewer)
    _export(client, world.plan)


def test_nothing_but_control_characters_is_an_empty_narrative(client, world):
    response = client.post(
        f"/api/v1/actions/{world.action.pk}/updates",
        {"narrative": "\x00\x01"},
        content_type="application/json",
        headers=_auth(world.owner),
    )
    assert response.status_code in (400, 422)
    assert not Update.objects.exists()


DIRTY = storable("Line one\x0bline two\x00 and a bell\x07 \x1b[31m")


@pytest.fixture
def dirty_rows(world):
    """Rows stored before input was normalised: written past the services on purpose."""
    Update.objects.create(action=world.action, date=today(), rag="red", narrative=DIRTY)
    Action.objects.filter(pk=world.action.pk).update(
        title=f"Title {DIRTY}", description=DIRTY, rag="red", last_update_on=today()
    )
    Plan.objects.filter(pk=world.plan.pk).update(title=f"Plan {DIRTY}", summary=DIRTY)
    Section.objects.filter(pk=world.section.pk).update(title=f"Section {DIRTY}")
    Milestone.objects.create(action=world.action, title=f"Milestone {DIRTY}", position=1)
    return world


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_exports_cope_with_control_characters_already_stored(client, dirty_rows, fmt):
    client.force_login(dirty_rows.viewer)
    response = client.get(reverse("imports:export", args=[dirty_rows.plan.pk, fmt]))
    assert response.status_code == 200
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
        assert any("line two" in t for t in texts)
        assert not any("\x00" in t or "\x0b" in t or "\x07" in t for t in texts)


def test_action_and_plan_pages_still_show(client, dirty_rows):
    client.force_login(dirty_rows.viewer)
    for url in (
        reverse("plans:action", args=[dirty_rows.action.pk]),
        reverse("plans:detail", args=[dirty_rows.plan.pk]),
    ):
        assert client.get(url).status_code == 200


def test_the_migration_cleans_rows_stored_before(dirty_rows):
    """Updates are append-only, so a bad one could not be deleted: the data migration cleans
    what was stored instead (0005_clean_stored_control_characters)."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("plantrack.plans.migrations.0005_clean_stored_control_characters")
    migration.clean_stored_text(apps, None)
    cleaned = "Line one\nline two and a bell [31m"
    assert Update.objects.get().narrative == cleaned
    action = Action.objects.get(pk=dirty_rows.action.pk)
    assert (action.title, action.description) == (f"Title {cleaned}", cleaned)
    assert Plan.objects.get(pk=dirty_rows.plan.pk).summary == cleaned
    assert Section.objects.get(pk=dirty_rows.section.pk).title == f"Section {cleaned}"
    assert Milestone.objects.get().title == f"Milestone {cleaned}"
    # The other action, which had nothing to clean, is untouched.
    assert Action.objects.get(pk=dirty_rows.other_action.pk).title == dirty_rows.other_action.title
