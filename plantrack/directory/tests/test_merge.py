"""Merging directory entries: every link follows, duplicates are dropped and kept, an undo
puts everything back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.core.tests.factories import make_org, make_person, make_user
from plantrack.directory import merging, services
from plantrack.directory.models import Membership, MergeRecord, Organisation, Person
from plantrack.directory.selectors import forget_organisation_ids, organisation_ids_for
from plantrack.governance import services as governance
from plantrack.plans.models import ActionOrganisation, ActionOwner

pytestmark = pytest.mark.django_db


def _links(entry) -> dict[str, set[int]]:
    """Every row pointing at ``entry``, by link."""
    found = {}
    for link in merging.links_to(type(entry)):
        ids = set(
            link.model._base_manager.filter(**{link.field.attname: entry.pk}).values_list(
                "pk", flat=True
            )
        )
        if ids:
            found[link.key] = ids
    return found


@pytest.fixture
def dupe(world):
    """ "PS Ahmed Khan" owning the world's second action and sitting on a board, a duplicate of
    the owner."""
    person = make_person(name="PS Ahmed Khan", organisation=world.force)
    from plantrack.plans import services as plans

    plans.action_update(actor=world.manager, action=world.other_action, owners=[person])
    admin = make_user(is_superuser=True)
    body = governance.body_create(actor=admin, name="Youth Board", chair=person)
    governance.body_member_add(actor=admin, body=body, person=person, role="Member")
    return person


def test_merge_moves_every_link_and_undo_restores_them(world, dupe):
    before_keep, before_merged = _links(world.owner_person), _links(dupe)
    assert "plans.actionowner.person" in before_merged
    assert "governance.body.chair" in before_merged

    record = services.person_merge(actor=world.manager, keep=world.owner_person, merged=dupe)

    assert _links(dupe) == {}
    after = _links(world.owner_person)
    for key, ids in before_merged.items():
        assert ids <= after[key]
    dupe = Person.all_objects.get(pk=dupe.pk)
    assert dupe.merged_into == world.owner_person
    assert not Person.objects.filter(pk=dupe.pk).exists()  # gone from lists and pickers
    assert record.moved["plans.actionowner.person"]
    assert dupe.history.first().merged_into_id == world.owner_person.pk  # audited

    services.merge_undo(actor=world.manager, record=record)

    assert _links(dupe) == before_merged
    assert _links(world.owner_person) == before_keep
    assert Person.objects.filter(pk=dupe.pk).exists()
    record.refresh_from_db()
    assert record.undone_by == world.manager
    with pytest.raises(ValidationError, match="already been undone"):
        services.merge_undo(actor=world.manager, record=record)


def test_a_duplicate_link_is_dropped_and_restored_by_undo(world, dupe):
    from plantrack.plans import services as plans

    # Both own the world's first action: one ownership must go.
    plans.action_update(actor=world.manager, action=world.action, owners=[world.owner_person, dupe])
    duplicate = ActionOwner.objects.get(action=world.action, person=dupe)
    record = services.person_merge(actor=world.manager, keep=world.owner_person, merged=dupe)

    assert not ActionOwner.objects.filter(pk=duplicate.pk).exists()
    assert ActionOwner.objects.filter(action=world.action, person=world.owner_person).count() == 1
    assert [item["link"] for item in record.dropped] == ["plans.actionowner.person"]

    services.merge_undo(actor=world.manager, record=record)
    restored = ActionOwner.objects.get(pk=duplicate.pk)
    assert restored.person_id == dupe.pk and restored.action_id == world.action.pk


def test_a_duplicate_nothing_hangs_on_is_dropped(world):
    from plantrack.reminders.models import PersonDigest

    a = make_person(name="Ann Able", organisation=world.force)
    b = make_person(name="A Able", organisation=world.force)
    PersonDigest.objects.create(person=a, last_sent_on=dt.date(2026, 1, 1))
    PersonDigest.objects.create(person=b, last_sent_on=dt.date(2026, 2, 1))
    plan = merging.merge_plan(a, b)
    assert not plan.refusals and plan.dropped_counts() == [("Person digests", 1)]


def test_a_duplicate_other_records_hang_on_refuses_the_merge(world):
    from plantrack.directory.models import Area
    from plantrack.stakeholders.models import Database, Stakeholder

    admin = make_user(is_superuser=True)
    a, b = make_org("Youth Justice Board"), make_org("YJB")
    database = Database.objects.create(organisation=world.force)
    Stakeholder.objects.create(database=database, organisation=a)
    on_b = Stakeholder.objects.create(database=database, organisation=b)
    on_b.areas.add(Area.objects.create(name="Barnet", level="borough"))
    with pytest.raises(ValidationError, match="other records hang on"):
        services.organisation_merge(actor=admin, keep=a, merged=b)
    assert Organisation.objects.filter(pk=b.pk).exists()
    assert Stakeholder.objects.filter(pk=on_b.pk).exists()


def test_organisation_merge_moves_people_memberships_and_leads(world):
    admin = make_user(is_superuser=True)
    yjb = make_org("YJB")
    member = make_user("yjb_member")
    Membership.objects.create(user=member, organisation=yjb)
    ActionOrganisation.objects.create(action=world.other_action, organisation=yjb, role="lead")
    person = make_person(name="Yvonne", organisation=yjb)
    board = make_org("Youth Justice Board (YJB)")

    counts = dict(merging.merge_plan(board, yjb).counts())
    assert counts == {"Action organisations": 1, "Memberships": 1, "People": 1}

    record = services.organisation_merge(actor=admin, keep=board, merged=yjb)
    person.refresh_from_db()
    assert person.organisation == board
    forget_organisation_ids(member)
    assert board.pk in organisation_ids_for(member)
    assert not Organisation.objects.filter(pk=yjb.pk).exists()

    services.merge_undo(actor=admin, record=record)
    person.refresh_from_db()
    assert person.organisation == yjb
    forget_organisation_ids(member)
    assert organisation_ids_for(member) == {yjb.pk}


def test_the_same_member_of_both_keeps_one_membership_until_undone(world):
    admin = make_user(is_superuser=True)
    twin = make_org("Barnet Police (BP)")
    Membership.objects.create(user=world.manager, organisation=twin)
    record = services.organisation_merge(actor=admin, keep=world.force, merged=twin)
    assert Membership.objects.filter(user=world.manager).count() == 1
    services.merge_undo(actor=admin, record=record)
    assert Membership.objects.filter(user=world.manager, organisation=twin).exists()


def test_merging_into_a_unit_beneath_it_is_refused(world):
    admin = make_user(is_superuser=True)
    unit = make_org("CJPO", parent=world.force)
    with pytest.raises(ValidationError, match="sits beneath"):
        services.organisation_merge(actor=admin, keep=unit, merged=world.force)
    assert Organisation.objects.filter(pk=world.force.pk).exists()


def test_only_keepers_of_both_entries_merge(world, dupe):
    other = make_person(name="Ahmed Khan", organisation=world.other_force)
    with pytest.raises(PermissionDenied):
        # The outsider keeps the other force's entries, not the force's.
        services.person_merge(actor=world.outsider, keep=other, merged=dupe)
    with pytest.raises(PermissionDenied):
        services.person_merge(actor=world.viewer, keep=world.owner_person, merged=dupe)
    assert Person.objects.filter(pk=dupe.pk).exists()


def test_a_user_account_link_moves_only_for_a_site_admin(world):
    linked = make_person(make_user("ahmed"), name="Ahmed Khan", organisation=world.force)
    initials = make_person(name="AK", organisation=world.force)
    with pytest.raises(PermissionDenied, match="user account"):
        services.person_merge(actor=world.manager, keep=initials, merged=linked)
    admin = make_user(is_superuser=True)
    record = services.person_merge(actor=admin, keep=initials, merged=linked)
    initials.refresh_from_db()
    assert initials.user.username == "ahmed"
    services.merge_undo(actor=admin, record=record)
    linked.refresh_from_db()
    initials.refresh_from_db()
    assert linked.user.username == "ahmed" and initials.user is None


def test_both_linked_to_user_accounts_is_refused(world):
    admin = make_user(is_superuser=True)
    other = make_person(make_user("twin"), name="Owen Owner", organisation=world.force)
    with pytest.raises(ValidationError, match="Both entries are linked"):
        services.person_merge(actor=admin, keep=world.owner_person, merged=other)


def test_undo_waits_for_a_later_merge_of_the_kept_entry(world, dupe):
    third = make_person(name="Ahmed K", organisation=world.force)
    first = services.person_merge(actor=world.manager, keep=world.owner_person, merged=dupe)
    admin = make_user(is_superuser=True)
    services.person_merge(actor=admin, keep=third, merged=world.owner_person)
    with pytest.raises(ValidationError, match="undo that merge first"):
        services.merge_undo(actor=world.manager, record=first)


def test_merge_a_merged_entry_is_refused(world, dupe):
    services.person_merge(actor=world.manager, keep=world.owner_person, merged=dupe)
    other = make_person(name="Someone", organisation=world.force)
    dupe = Person.all_objects.get(pk=dupe.pk)
    with pytest.raises(ValidationError, match="already been merged"):
        services.person_merge(actor=world.manager, keep=other, merged=dupe)
    assert MergeRecord.objects.count() == 1


def test_merging_an_entry_with_itself_is_refused(world):
    with pytest.raises(ValidationError, match="two different"):
        services.person_merge(
            actor=world.manager, keep=world.owner_person, merged=world.owner_person
        )


def test_parent_set_places_an_imported_unit(world):
    admin = make_user(is_superuser=True)
    cjpo = make_org("Police (CJPO)")
    services.organisation_parent_set(actor=admin, organisation=cjpo, parent=world.force)
    cjpo.refresh_from_db()
    assert cjpo.parent == world.force
    with pytest.raises(PermissionDenied):
        services.organisation_parent_set(
            actor=world.outsider, organisation=cjpo, parent=world.other_force
        )


def test_links_are_found_in_every_app():
    keys = {link.key for link in merging.links_to(Person)}
    assert {
        "plans.actionowner.person",
        "governance.bodymember.person",
        "governance.body.chair",
        "engagement.activityowner.person",
        "stakeholders.interaction_staff.person",
    } <= keys
    assert not [k for k in keys if "historical" in k or "merged_into" in k]
    org_keys = {link.key for link in merging.links_to(Organisation)}
    assert {"plans.plan.owner_organisation", "directory.membership.organisation"} <= org_keys
