"""The contacts search: a first name, a surname or a whole name by the start of its words, and
an address by its start for those who may read addresses."""

from __future__ import annotations

import pytest

from plantrack.core.tests.factories import build_world
from plantrack.stakeholders import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    w = build_world()
    w.db = services.database_create(actor=w.manager, organisation=w.force)
    for name, email in [
        ("Sam Madeup", "sam@example.org"),
        ("Dr Siân Évans", "sian@example.org"),
        ("Smith, John", "john@example.org"),
        ("Samantha Other", "other@example.org"),
    ]:
        services.contact_create(actor=w.manager, database=w.db, name=name, email=email)
    return w


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("sam", ["Sam Madeup", "Samantha Other"]),
        ("Made", ["Sam Madeup"]),
        ("sam made", ["Sam Madeup"]),
        ("Madeup Sam", ["Sam Madeup"]),
        ("sian", ["Dr Siân Évans"]),
        ("EVANS", ["Dr Siân Évans"]),
        ("john", ["Smith, John"]),
        ("john smith", ["Smith, John"]),
        ("xyz", []),
        ("--", []),
    ],
)
def test_names_are_found_by_the_start_of_their_words(people, q, names):
    found = selectors.contacts_search(people.db, q, by_email=False)
    assert [c.name for c in found] == names


def test_an_address_is_searched_only_for_those_who_may_read_it(people):
    assert [c.name for c in selectors.contacts_search(people.db, "SAM@ex", by_email=True)] == [
        "Sam Madeup"
    ]
    assert list(selectors.contacts_search(people.db, "sam@ex", by_email=False)) == []
