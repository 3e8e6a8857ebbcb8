"""Lists must not make a query per row: the same number of queries for 5 and for 300 actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.accounts.services import api_token_create
from plantrack.core.tests.factories import make_org, make_person
from plantrack.plans import selectors
from plantrack.plans.models import Action, ActionOrganisation, ActionOwner, Update

pytestmark = pytest.mark.django_db


def _grow(world, total: int) -> None:
    """Bulk-add actions, each with two owners, two organisations and an update."""
    existing = world.plan.actions.count()
    support = make_org()
    people = [make_person() for _ in range(3)]
    actions = Action.objects.bulk_create(
        Action(
            plan=world.plan,
            section=world.section,
            ref=f"X/{i}",
            title=f"Action {i}",
            due_text="March 2004",
            due_latest=dt.date(2004, 3, 31),
            rag="red",
            last_update_on=dt.date(2026, 1, 1),
            update_due_on=dt.date(2026, 2, 1),
            position=100 + i,
        )
        for i in range(total - existing)
    )
    ActionOwner.objects.bulk_create(
        [ActionOwner(action=a, person=world.owner_person, position=0) for a in actions]
        + [ActionOwner(action=a, person=people[i % 3], position=1) for i, a in enumerate(actions)]
    )
    ActionOrganisation.objects.bulk_create(
        [ActionOrganisation(action=a, organisation=world.force, role="lead") for a in actions]
        + [ActionOrganisation(action=a, organisation=support, role="supporting") for a in actions]
    )
    Update.objects.bulk_create(
        Update(action=a, date=dt.date(2026, 1, 1), rag="red", narrative="n") for a in actions
    )


def _count(fn) -> int:
    fn()  # warm up: the first call may write once (a token's last-used time, a session)
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _counts_for_5_and_300(world, fn) -> tuple[int, int]:
    _grow(world, 5)
    small = _count(fn)
    _grow(world, 300)
    assert world.plan.actions.count() == 300
    return small, _count(fn)


def test_plan_page(client, world):
    client.force_login(world.manager)
    url = reverse("plans:detail", args=[world.plan.pk])

    def fetch():
        response = client.get(url)
        assert response.status_code == 200
        return response

    small, large = _counts_for_5_and_300(world, fetch)
    assert small == large
    assert "300 actions." in fetch().content.decode()


def test_plan_page_sorted_and_filtered(client, world):
    client.force_login(world.manager)
    url = reverse("plans:detail", args=[world.plan.pk])
    data = {"sort": "rag", "rag": ["red", "amber"], "overdue": "on", "update_due": "on"}
    small, large = _counts_for_5_and_300(world, lambda: client.get(url, data))
    assert small == large


def test_my_actions_on_the_home_page(client, world):
    client.force_login(world.owner)
    small, large = _counts_for_5_and_300(world, lambda: client.get(reverse("home")))
    assert small == large
    assert len(selectors.my_actions(world.owner)) == 299  # all but YC/INT/2, not theirs


def test_api_action_list(client, world):
    _, secret = api_token_create(actor=world.manager, name="bench")
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"/api/v1/actions?plan={world.plan.pk}&limit=500"

    def fetch():
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        return response

    small, large = _counts_for_5_and_300(world, fetch)
    assert small == large
    assert fetch().json()["count"] == 300


def test_my_actions_page(client, world):
    client.force_login(world.owner)
    url = reverse("plans:my_actions")
    small, large = _counts_for_5_and_300(world, lambda: client.get(url))
    assert small == large
    assert "299 open actions" in client.get(url).content.decode()


def test_plan_history_does_not_query_per_change(client, world):
    from plantrack.core.tests.factories import make_action
    from plantrack.plans.services import action_update

    client.force_login(world.manager)
    url = reverse("plans:history", args=[world.plan.pk])

    def add_changes(n: int) -> None:
        for _ in range(n):
            action = make_action(world.plan, world.manager, lead_organisations=[make_org()])
            action_update(actor=world.manager, action=action, owners=[make_person()])

    add_changes(2)
    small = _count(lambda: client.get(url))
    add_changes(20)
    assert _count(lambda: client.get(url)) == small


def test_bulk_page_lists_its_checkboxes_without_a_query_each(client, world):
    """The bulk page's checkbox list labels each action with its ref, section and title."""
    client.force_login(world.manager)
    url = reverse("plans:bulk", args=[world.plan.pk])
    small, large = _counts_for_5_and_300(world, lambda: client.get(url))
    assert small == large
    assert client.get(url).content.decode().count('name="actions"') == 300
