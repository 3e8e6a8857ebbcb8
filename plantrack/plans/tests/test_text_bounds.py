"""Every text field is bounded (core/text.py: titles 1,000 characters, narratives and
descriptions 20,000): a 1 MB action title and a NUL used to be accepted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plantrack.core.text import TEXT_MAX, TITLE_MAX
from plantrack.imports.pipeline import parse_bytes
from plantrack.imports.saving import import_parsed
from plantrack.plans import services
from plantrack.plans.models import Action, Update

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * 1_000_000


def _post_action(client, world, title: str):
    client.force_login(world.manager)
    return client.post(
        reverse("plans:action_create", args=[world.plan.pk]),
        {"section": world.section.pk, "title": title, "status": "not_started"},
    )


def test_a_megabyte_action_title_is_refused_by_the_form(client, world):
    before = Action.objects.count()
    response = _post_action(client, world, MEGABYTE)
    assert response.status_code == 200
    assert "at most 1000 characters" in response.content.decode()
    assert Action.objects.count() == before


def test_a_nul_in_an_action_title_is_dropped(client, world):
    response = _post_action(client, world, "Map\x00 the\x0bgangs")
    assert response.status_code == 302
    assert Action.objects.filter(title="Map the\ngangs").exists()


def test_the_models_refuse_what_the_forms_would(world):
    """Services validate with full_clean, so the API and importers are bounded too."""
    with pytest.raises(ValidationError) as raised:
        services.action_create(actor=world.manager, plan=world.plan, title="t" * (TITLE_MAX + 1))
    assert "title" in raised.value.error_dict
    with pytest.raises(ValidationError):
        services.update_post(
            actor=world.manager, action=world.action, narrative="n" * (TEXT_MAX + 1)
        )
    with pytest.raises(ValidationError):
        services.milestone_create(
            actor=world.manager, action=world.action, title="m" * (TITLE_MAX + 1)
        )
    with pytest.raises(ValidationError):
        services.section_create(
            actor=world.manager, plan=world.plan, title="S", description="d" * (TEXT_MAX + 1)
        )
    assert not Update.objects.exists()


def test_an_overlong_imported_cell_is_cut_with_a_warning(world):
    long_title = "Deliver " + "and deliver " * 200  # 2,408 characters
    long_update = "Progress " * 3000  # 27,000 characters
    data = (
        "Ref,Action,Progress\r\n"
        f'A/1,"{long_title}","01/04/2022 – {long_update}"\r\n'
        "A/2,Short action,\r\n"
    ).encode()
    parsed = parse_bytes("long.csv", data)
    assert any("only the first 1,000 are kept" in w for w in parsed.warnings)
    assert any("only the first 20,000 are kept" in w for w in parsed.warnings)
    (plan,) = import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    action = plan.actions.get(ref="A/1")
    assert len(action.title) == TITLE_MAX and action.title.endswith("…")
    (update,) = action.updates.all()
    assert len(update.narrative) <= TEXT_MAX and update.date == dt.date(2022, 4, 1)
