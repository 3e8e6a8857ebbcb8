"""The stakeholder pages make the same number of queries for 3 and for 30 rows: the database
page (stakeholders), the contacts search, a stakeholder's page (its timeline, roles and
ratings) and a contact's page (their roles, bases and interactions)."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.core.tests.factories import make_org, make_person
from plantrack.engagement import services as engagement
from plantrack.stakeholders import duplicates
from plantrack.stakeholders.models import (
    Basis,
    Contact,
    FollowUp,
    Interaction,
    Purpose,
    Rating,
    Role,
    Stakeholder,
)
from plantrack.stakeholders.tests.conftest import days_ago

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 30
_seq = itertools.count(1)


def _count(fn) -> int:
    fn()  # warm up: the first call may write once (a session)
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _counts(grow, fn) -> tuple[int, int]:
    grow(FEW)
    few = _count(fn)
    grow(MANY)
    return few, _count(fn)


def _page(client, url, data=None):
    def fetch():
        response = client.get(url, data or {})
        assert response.status_code == 200
        return response

    return fetch


def _contacts(sh, n: int, prefix: str = "Contact") -> list[Contact]:
    made = [
        Contact(
            database=sh.database,
            name=f"{prefix} {k}",
            kind="representative",
            email=f"{prefix.lower()}{k}@example.org",
            phone="020 7946 0000",
        )
        for k in (next(_seq) for _ in range(n))
    ]
    for contact in made:
        duplicates.set_keys(contact)  # as the services write them: the search reads them
    return Contact.objects.bulk_create(made)


def _stakeholders(sh, n: int) -> list[Stakeholder]:
    """Stakeholders of new organisations, each with its own relationship owner, a rating and
    a missed contact."""
    people = [make_person(name=f"Owner {next(_seq)}", organisation=sh.database.organisation)]
    people += [make_person(name=f"Owner {next(_seq)}") for _ in range(2)]
    rows = []
    for i in range(n):
        rows.append(
            Stakeholder(
                database=sh.database,
                organisation=make_org(f"Partner {next(_seq)}"),
                category="community",
                owner=people[i % 3],
                influence=2,
                interest=3,
                contact_every_days=30,
                last_contact_on=days_ago(40),
                contact_due_on=days_ago(10),
            )
        )
    return Stakeholder.objects.bulk_create(rows)


def _interactions(sh, n: int, *, stakeholder, contacts, activity, staff) -> list[Interaction]:
    rows = Interaction.objects.bulk_create(
        Interaction(
            database=sh.database,
            stakeholder=stakeholder,
            kind="meeting",
            date=days_ago(1 + i),
            summary=f"Meeting {next(_seq)}",
            issues="Parking",
            activity=activity,
            recorded_by=sh.steward,
        )
        for i in range(n)
    )
    Through = Interaction.contacts.through
    Through.objects.bulk_create(
        Through(interaction=i, contact=c) for i in rows for c in contacts(i)
    )
    Staff = Interaction.staff.through
    Staff.objects.bulk_create(Staff(interaction=i, person=staff) for i in rows)
    FollowUp.objects.bulk_create(
        FollowUp(interaction=i, title="Send minutes", due_on=days_ago(-7), owner=staff)
        for i in rows
    )
    return rows


def _activity(world, sh):
    register = engagement.register_create(
        actor=sh.steward, organisation=world.force, title="Engagement register"
    )
    return engagement.activity_create(actor=sh.steward, register=register, title="Deaf link")


def test_database_page(client, sh):
    client.force_login(sh.steward)
    url = reverse("stakeholders:database", args=[sh.database.pk])

    def grow(total: int) -> None:
        _stakeholders(sh, total - Stakeholder.objects.filter(database=sh.database).count())

    few, many = _counts(grow, _page(client, url))
    assert few == many
    html = client.get(url).content.decode()
    assert f"Stakeholders ({MANY})" in html and "Owner" in html and "Overdue" in html
    # Filtered to the overdue, as a member reads it.
    client.force_login(sh.member)
    assert _count(_page(client, url, {"overdue": "on"})) == _count(
        _page(client, url, {"overdue": "on", "category": "community"})
    )


def test_contacts_search_page(client, sh):
    client.force_login(sh.steward)
    url = reverse("stakeholders:contacts", args=[sh.database.pk])

    def grow(total: int) -> None:
        existing = Contact.objects.filter(name__startswith="Contact ").count()
        added = _contacts(sh, total - existing)
        where = _stakeholders(sh, len(added))
        Role.objects.bulk_create(
            [
                Role(stakeholder=s, title="Chair", contact=c)
                for s, c in zip(where, added, strict=True)
            ]
            + [Role(stakeholder=sh.batca, title="Member", contact=c) for c in added]
        )

    few, many = _counts(grow, _page(client, url, {"q": "contact"}))
    assert few == many
    html = client.get(url, {"q": "contact"}).content.decode()
    assert f"({MANY})" in html and "Chair, Partner" in html
    # A search by address, which finds one of them, the same.
    one = Contact.objects.filter(name__startswith="Contact ").first()
    by_email = {"q": one.email.split("@")[0] + "@"}
    html = client.get(url, by_email).content.decode()
    assert "(1)" in html and one.name in html
    # One key to read instead of the name's three: fewer queries, never more.
    assert _count(_page(client, url, by_email)) <= many


def test_stakeholder_page(client, world, sh):
    client.force_login(sh.member)
    url = reverse("stakeholders:stakeholder", args=[sh.batca.pk])
    activity = _activity(world, sh)
    staff = world.owner_person

    def grow(total: int) -> None:
        n = total - Interaction.objects.filter(stakeholder=sh.batca).count()
        people = _contacts(sh, n, prefix="Member")
        _interactions(
            sh,
            n,
            stakeholder=sh.batca,
            contacts=lambda i: [sh.chair, people[i.pk % len(people)]],
            activity=activity,
            staff=staff,
        )
        Role.objects.bulk_create(
            Role(stakeholder=sh.batca, title=f"Role {next(_seq)}", contact=c) for c in people
        )
        Rating.objects.bulk_create(
            Rating(
                stakeholder=sh.batca,
                influence=2,
                interest=2,
                rated_on=days_ago(next(_seq)),
                rated_by=sh.steward,
            )
            for _ in range(n)
        )

    few, many = _counts(grow, _page(client, url))
    assert few == many
    html = client.get(url).content.decode()
    assert html.count("Took part:") == MANY and html.count("Our staff:") == MANY
    assert html.count("1 follow-up.") == MANY


def test_contact_page(client, world, sh):
    url = reverse("stakeholders:contact", args=[sh.chair.pk])
    activity = _activity(world, sh)

    def grow(total: int) -> None:
        n = total - Interaction.objects.filter(contacts=sh.chair).count()
        where = _stakeholders(sh, n)
        Role.objects.bulk_create(
            Role(stakeholder=s, title="Trustee", contact=sh.chair) for s in where
        )
        others = _contacts(sh, n, prefix="Attendee")
        _interactions(
            sh,
            n,
            stakeholder=None,
            contacts=lambda i: [sh.chair, others[i.pk % len(others)]],
            activity=activity,
            staff=world.owner_person,
        )
        purposes = Purpose.objects.bulk_create(
            Purpose(database=sh.database, name=f"Purpose {next(_seq)}") for _ in range(n)
        )
        Basis.objects.bulk_create(
            Basis(contact=sh.chair, purpose=p, kind="public_task") for p in purposes
        )

    # The data steward, who reads the details (each view logged), and a member, who does not.
    client.force_login(sh.steward)
    few, many = _counts(grow, _page(client, url))
    assert few == many
    html = client.get(url).content.decode()
    assert html.count("Trustee, ") == MANY and html.count("Took part:") == MANY
    assert "sam.madeup@example.org" in html and html.count("Public task") >= MANY
    client.force_login(sh.member)
    member = _count(_page(client, url))
    grow(MANY + 10)
    assert _count(_page(client, url)) == member
