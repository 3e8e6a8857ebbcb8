"""Probable duplicates, merging two records of one person, and undoing the merge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from plantrack.core.tests.factories import build_world, make_org
from plantrack.stakeholders import duplicates, merges, privacy, services
from plantrack.stakeholders.duplicates import Person, compare
from plantrack.stakeholders.models import Basis, Contact, FollowUp, Interaction, Role
from plantrack.stakeholders.tests.test_privacy import every_value_holding

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        (
            Person("J Smith", email="js@example.org"),
            Person("John Smith", "JS@example.org"),
            "same email",
        ),
        (Person("Smith, John"), Person("John Smith"), "same name"),
        (Person("Dr Siân Évans"), Person("Sian Evans"), "same name"),
        (
            Person("Jon Smith", organisation="BATCA"),
            Person("John Smith", organisation="batca"),
            "similar name at the same organisation",
        ),
        (
            Person("John Smith", phone="020 7946 0001"),
            Person("Jon Smith", phone="+44 20 7946 0001"),
            "same phone",
        ),
    ],
)
def test_probable_duplicates_and_why(a, b, reason):
    match = compare(a, b)
    assert match is not None and reason in match.reasons


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (Person("John Smith"), Person("Jane Smith")),
        (Person("Ann Lee", phone="020 7946 0002"), Person("Robert Lee", phone="020 7946 0002")),
        (Person("Jon Smith"), Person("John Smith")),  # similar, but nothing else shared
        (Person("Sam"), Person("Sam")),  # one word: too common to say
    ],
)
def test_not_duplicates(a, b):
    assert compare(a, b) is None


@pytest.fixture
def two():
    w = build_world()
    database = services.database_create(actor=w.manager, organisation=w.force)
    partner = make_org("Tooting Traders")
    stakeholder = services.stakeholder_create(
        actor=w.manager, database=database, organisation=partner
    )
    kept = services.contact_create(
        actor=w.manager, database=database, name="John Smith", email="john@example.org"
    )
    other = services.contact_create(
        actor=w.manager,
        database=database,
        name="Smith, John",
        phone="020 7946 0123",
        address="2 Market Row",
        do_not_contact=True,
    )
    role = services.stakeholder_role_create(
        actor=w.manager, stakeholder=stakeholder, title="Chair", contact=other
    )
    interaction = services.interaction_log(
        actor=w.manager,
        database=database,
        stakeholder=stakeholder,
        date=dt.date(2026, 4, 1),
        summary="Traders' meeting",
        contacts=[other],
    )
    follow_up = services.interaction_follow_up_add(
        actor=w.manager,
        interaction=interaction,
        title="Send the rota",
        due_on=dt.date(2026, 5, 1),
        contact=other,
    )
    news = services.contact_list_create(actor=w.manager, database=database, name="News")
    services.contact_list_members_set(actor=w.manager, list_=news, contacts=[other])
    services.lawful_basis_set(
        actor=w.manager,
        contact=other,
        purpose=database.purposes.get(name="Community engagement"),
        kind="public_task",
    )
    w.database, w.kept, w.other, w.role = database, kept, other, role
    w.interaction, w.follow_up, w.news = interaction, follow_up, news
    return w


def test_pending_pairs_are_found_and_can_be_set_apart(two):
    pairs = list(duplicates.pending_pairs(two.database))
    assert [(p.first.pk, p.second.pk) for p in pairs] == [(two.kept.pk, two.other.pk)]
    merges.contacts_not_duplicate(actor=two.manager, first=two.other, second=two.kept)
    assert list(duplicates.pending_pairs(two.database)) == []


def test_a_merge_moves_everything_and_keeps_both_histories(two):
    merge = merges.contact_merge(actor=two.manager, kept=two.kept, other=two.other)
    kept = Contact.objects.get(pk=two.kept.pk)
    other = Contact.objects.get(pk=two.other.pk)
    assert other.state == Contact.State.MERGED
    assert (kept.email, kept.phone, kept.address) == (
        "john@example.org",
        "020 7946 0123",
        "2 Market Row",
    )
    assert kept.do_not_contact  # a "do not contact" on either record wins
    assert Role.objects.get(pk=two.role.pk).contact == kept
    assert list(Interaction.objects.get(pk=two.interaction.pk).contacts.all()) == [kept]
    assert FollowUp.objects.get(pk=two.follow_up.pk).contact == kept
    assert list(two.news.contacts.all()) == [kept]
    assert Basis.objects.get().contact == kept
    assert kept.last_interaction_on == dt.date(2026, 4, 1)
    assert other.history.count() >= 2 and kept.history.count() >= 2
    assert list(duplicates.pending_pairs(two.database)) == []

    merges.contact_merge_undo(actor=two.manager, merge=merge)
    kept.refresh_from_db()
    other.refresh_from_db()
    assert other.state == Contact.State.ACTIVE
    assert (kept.phone, kept.address, kept.do_not_contact) == ("", "", False)
    assert Role.objects.get(pk=two.role.pk).contact == other
    assert list(Interaction.objects.get(pk=two.interaction.pk).contacts.all()) == [other]
    assert FollowUp.objects.get(pk=two.follow_up.pk).contact == other
    assert list(two.news.contacts.all()) == [other]
    assert Basis.objects.get().contact == other
    with pytest.raises(ValidationError, match="already been undone"):
        merges.contact_merge_undo(actor=two.manager, merge=merge)


def test_a_merge_that_would_lose_a_lawful_basis_is_refused(two):
    services.lawful_basis_set(
        actor=two.manager,
        contact=two.kept,
        purpose=two.database.purposes.get(name="Community engagement"),
        kind="legitimate",
    )
    with pytest.raises(ValidationError, match="lose a lawful-basis record"):
        merges.contact_merge(actor=two.manager, kept=two.kept, other=two.other)
    assert Contact.objects.get(pk=two.other.pk).state == Contact.State.ACTIVE
    assert Role.objects.get(pk=two.role.pk).contact_id == two.other.pk


def test_erasing_a_merged_person_erases_both_records(two):
    merges.contact_merge(actor=two.manager, kept=two.kept, other=two.other)
    Contact.objects.filter(pk=two.kept.pk).update(name="John Smith")
    FollowUp.objects.filter(pk=two.follow_up.pk).update(owner=two.owner_person)
    privacy.contact_erase(actor=two.manager, contact=Contact.objects.get(pk=two.kept.pk))
    assert not Contact.objects.filter(pk__in=[two.kept.pk, two.other.pk]).exists()
    assert (
        every_value_holding("John Smith", "Smith, John", "020 7946 0123", "john@example.org") == []
    )
