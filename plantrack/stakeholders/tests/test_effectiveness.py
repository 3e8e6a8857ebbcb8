"""The "how good are our lists?" page: per borough, from what the database holds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from plantrack.core.tests.factories import build_world, make_user
from plantrack.directory import services as directory
from plantrack.stakeholders import effectiveness, services
from plantrack.stakeholders.models import Contact

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 6)


@pytest.fixture
def lists():
    w = build_world()
    database = services.database_create(actor=w.manager, organisation=w.force)
    admin = make_user("admin", is_superuser=True)
    force = directory.area_create(actor=admin, name="Met", level="force")
    wandsworth = directory.area_create(
        actor=admin, name="Wandsworth", level="borough", parent=force
    )
    balham = directory.area_create(actor=admin, name="Balham", level="ward", parent=wandsworth)
    tooting = directory.area_create(actor=admin, name="Tooting", level="ward", parent=wandsworth)
    barnet = directory.area_create(actor=admin, name="Barnet", level="borough", parent=force)

    def add(name, areas, **fields):
        return services.contact_create(
            actor=w.manager, database=database, name=name, areas=areas, **fields
        )

    # In two Wandsworth wards: counted once there.
    sam = add("Sam Madeup", [balham, tooting], email="sam@example.org", verified_on=TODAY)
    services.lawful_basis_set(
        actor=w.manager,
        contact=sam,
        purpose=database.purposes.first(),
        kind="public_task",
    )
    add("Sam Madeup", [balham], email="sam@example.org")  # a probable duplicate
    alex = add("Alex Notreal", [barnet], email="alex@example.org")
    services.contact_update(actor=w.manager, contact=alex, email_bounced_on=TODAY)
    add("Jo Fictional", [], verified_on=TODAY - dt.timedelta(days=400))
    idle = add("Grace Testperson", [barnet])
    Contact.objects.filter(pk=idle.pk).update(review_from=TODAY - dt.timedelta(days=1))
    w.database = database
    return w


def test_each_borough_is_measured_from_what_the_database_holds(lists):
    rows = {r.borough: r for r in effectiveness.measure(lists.database, today=TODAY)}
    wandsworth, barnet, none, total = (
        rows["Wandsworth"],
        rows["Barnet"],
        rows[effectiveness.NO_AREA],
        rows["All boroughs"],
    )
    assert (wandsworth.contacts, wandsworth.verified, wandsworth.no_basis) == (2, 1, 1)
    assert wandsworth.duplicates == 1 and barnet.duplicates == 0
    assert (barnet.contacts, barnet.bounced, barnet.idle) == (2, 1, 1)
    assert (none.contacts, none.verified) == (1, 0)  # confirmed over a year ago
    assert (total.contacts, total.no_basis, total.duplicates) == (5, 4, 1)
    assert list(rows)[-1] == "All boroughs"


def test_the_page_is_for_those_who_keep_the_lists(lists, client):
    url = reverse("stakeholders:effectiveness", args=[lists.database.pk])
    client.force_login(lists.manager)
    response = client.get(url)
    assert response.status_code == 200 and "Wandsworth" in response.content.decode()
    client.force_login(lists.outsider)
    assert client.get(url).status_code == 404
