"""The public page, its downloads and feed: the same number of queries for 5 and 300 actions
and for 5 and 60 "you said, we did" (rendered afresh: tests run with a dummy cache); the
approvals lists the same for few and many waiting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plantrack.core.tests.factories import make_org, make_person
from plantrack.engagement.models import Activity, Outcome
from plantrack.plans.models import Action, ActionOrganisation, ActionOwner, Update
from plantrack.public.models import PublicOutcome, PublicUpdate

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


def _updates(published, total: int) -> None:
    action = published.world.action
    existing = Update.objects.filter(action=action).count()
    Update.objects.bulk_create(
        Update(action=action, date=dt.date(2026, 1, 1), rag="amber", narrative=f"Waiting {i}")
        for i in range(existing, total)
    )


def test_the_approvals_list_does_not_query_per_update(client, published):
    client.force_login(published.world.manager)
    url = "/public/manage/approvals/"
    _updates(published, 5)
    small = _count(client, url)
    _updates(published, 40)
    assert _count(client, url) == small


def _events(world, area, total: int) -> None:
    from plantrack.public.models import Event

    now = timezone.now()
    existing = Event.objects.count()
    Event.objects.bulk_create(
        Event(
            organisation=world.force,
            area=area,
            title=f"Van {i}",
            purpose="Meet the team",
            place="High street",
            starts_at=now + dt.timedelta(days=1 + i % 40),
            published_at=now,
        )
        for i in range(existing, total)
    )


@pytest.mark.parametrize("page", ["public:area_events", "public:events_manage"])
def test_the_events_lists_do_not_query_per_event(client, world, page):
    from django.urls import reverse

    from plantrack.core.tests.factories import make_user
    from plantrack.directory import services as directory

    admin = make_user("admin-q", is_superuser=True)
    force = directory.area_create(actor=admin, name="Met", level="force", organisation=world.force)
    borough = directory.area_create(actor=admin, name="Barnet", level="borough", parent=force)
    wards = [
        directory.area_create(actor=admin, name=f"Ward {n}", level="ward", parent=borough)
        for n in range(3)
    ]
    client.force_login(world.manager)
    url = reverse(page, args=[borough.pk]) if page == "public:area_events" else reverse(page)
    _events(world, wards[0], 5)
    small = _count(client, url)
    for ward in wards:
        _events(world, ward, 45 if ward is wards[0] else 60)
    _events(world, wards[2], 70)
    assert _count(client, url) == small


def _outcomes(outcomes, total: int, *, published: bool = False) -> None:
    """Completed activities linked to the plan (half of them through the owner's action),
    each with an outcome; published for the page when ``published``."""
    world = outcomes.published.world
    register = outcomes.forum.register
    existing = Activity.objects.filter(register=register).count()
    made = Activity.objects.bulk_create(
        Activity(register=register, title=f"Activity {i}", status="completed")
        for i in range(existing, total)
    )
    for i, activity in enumerate(made):
        if i % 2:
            activity.plans.add(world.plan)
        else:
            activity.actions.add(world.action)
    rows = Outcome.objects.bulk_create(
        Outcome(activity=a, you_said=f"Said {a.pk}", we_did="Did", date=dt.date(2026, 1, 1))
        for a in made
    )
    if published:
        now = timezone.now()
        PublicOutcome.objects.bulk_create(
            PublicOutcome(
                plan=world.plan,
                outcome=o,
                state="published",
                activity_title="Forum",
                you_said="Public said",
                we_did="Public did",
                decided_at=now,
                published_at=now,
            )
            for o in rows
        )


def test_the_approvals_list_does_not_query_per_outcome(client, outcomes):
    client.force_login(outcomes.published.world.manager)
    url = "/public/manage/approvals/"
    _outcomes(outcomes, 5)
    small = _count(client, url)
    _outcomes(outcomes, 60)  # more than a page
    assert _count(client, url) == small
    body = client.get(url).content.decode()
    assert body.count("/public/manage/outcomes/") == 25 and "Page 1 of 3" in body


@pytest.mark.parametrize("suffix", ["", "data.csv", "data.json"])
def test_the_public_plan_does_not_query_per_outcome(client, outcomes, suffix):
    url = "/public/plans/youth-strategy/" + suffix
    _outcomes(outcomes, 5, published=True)
    small = _count(client, url)
    _outcomes(outcomes, 60, published=True)
    assert _count(client, url) == small
    # The fixture's three activities count in ``total``: 57 made here, every one shown.
    assert client.get(url).content.decode("utf-8-sig").count("Public said") == 57
