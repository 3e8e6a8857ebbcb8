"""The contacts search: a first name, a surname or a whole name by the start of its words, and
an address by its start for those who may read addresses."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from plantrack.core.tests.factories import build_world
from plantrack.stakeholders import selectors, services
from plantrack.stakeholders.models import Contact

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


def test_a_search_is_counted_and_paged_in_name_order_without_hidden_contacts(people):
    for name in ["Sam Zeta", "Sam Alpha", "Sam Gone", "Sam Twin"]:
        services.contact_create(actor=people.manager, database=people.db, name=name)
    Contact.objects.filter(name="Sam Gone").update(state=Contact.State.ANONYMISED)
    Contact.objects.filter(name="Sam Twin").update(state=Contact.State.MERGED)
    found = selectors.contacts_search(people.db, "sam", by_email=False)
    names = ["Sam Alpha", "Sam Madeup", "Sam Zeta", "Samantha Other"]
    assert len(found) == 4
    assert [c.name for c in found] == names
    assert [c.name for c in found[1:3]] == names[1:3]
    assert found[3].name == "Samantha Other"
    with pytest.raises(IndexError):
        found[4]
    page = Paginator(found, 3).get_page(2)
    assert [c.name for c in page] == ["Samantha Other"]
    assert page.paginator.num_pages == 2
