"""The phone's home page reads the same number of queries for 5 and 60 actions and activities
(each action's latest update comes in the list's query), and the update form likewise however
many updates the action has."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.engagement.models import Activity, ActivityOwner
from plantrack.plans.models import Action, ActionOwner, Update

pytestmark = pytest.mark.django_db


def _grow(world, eng, total: int) -> None:
    plan = world.plan
    have = ActionOwner.objects.filter(person=world.owner_person).count()
    actions = Action.objects.bulk_create(
        Action(plan=plan, section=world.section, ref=f"M/{i}", title=f"Action {i}")
        for i in range(have, total)
    )
    ActionOwner.objects.bulk_create(
        ActionOwner(action=a, person=world.owner_person) for a in actions
    )
    Update.objects.bulk_create(
        Update(action=a, date=dt.date(2026, 1, 1), rag="green", narrative="n") for a in actions
    )
    activities = Activity.objects.bulk_create(
        Activity(register=eng.register, title=f"Activity {i}", status="completed")
        for i in range(have, total)
    )
    ActivityOwner.objects.bulk_create(
        ActivityOwner(activity=a, person=world.owner_person) for a in activities
    )


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_home_page_does_not_query_per_action_or_activity(client, world, eng):
    client.force_login(world.owner)
    _grow(world, eng, 5)
    small = _count(client, reverse("mobile:home"))
    _grow(world, eng, 60)
    assert _count(client, reverse("mobile:home")) == small
    assert client.get(reverse("mobile:home")).content.decode().count("Post an update") == 60


def test_the_update_form_does_not_query_per_update(client, world):
    client.force_login(world.owner)
    url = reverse("mobile:update", args=[world.action.pk])
    small = _count(client, url)
    Update.objects.bulk_create(
        Update(action=world.action, date=dt.date(2026, 1, d), narrative="n") for d in range(1, 29)
    )
    assert _count(client, url) == small
