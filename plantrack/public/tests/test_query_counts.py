"""The public page, its downloads and feed: the same number of queries for 5 and 300 actions
(rendered afresh: tests run with a dummy cache)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plantrack.core.tests.factories import make_org, make_person
from plantrack.plans.models import Action, ActionOrganisation, ActionOwner, Update
from plantrack.public.models import PublicUpdate

pytestmark = pytest.mark.django_db


def _grow(published, total: int) -> None:
    plan = published.world.plan
    existing = Action.objects.filter(plan=plan).count()
    org = make_org()
    person = make_person(post="Sergeant", organisation=org)
    actions = Action.objects.bulk_create(
        Action(plan=plan, section=published.world.section, ref=f"X/{i}", title=f"Action {i}")
        for i in range(existing, total)
    )
    ActionOwner.objects.bulk_create(ActionOwner(action=a, person=person) for a in actions)
    ActionOrganisation.objects.bulk_create(
        ActionOrganisation(action=a, organisation=org, role="lead") for a in actions
    )
    updates = Update.objects.bulk_create(
        Update(action=a, date=dt.date(2026, 1, 1), rag="green", narrative="n") for a in actions
    )
    now = timezone.now()
    PublicUpdate.objects.bulk_create(
        PublicUpdate(update=u, state="published", text="Public", decided_at=now, published_at=now)
        for u in updates
    )


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("suffix", ["", "data.csv", "data.json", "feed.atom"])
def test_the_public_plan_does_not_query_per_action(client, published, suffix):
    url = "/public/plans/youth-strategy/" + suffix
    _grow(published, 5)
    small = _count(client, url)
    _grow(published, 300)
    assert _count(client, url) == small
    if suffix == "data.json":
        assert sum(len(s["actions"]) for s in client.get(url).json()["sections"]) == 300
