"""The clean-up page: probable duplicates, initials, placing units; its views; the export."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plantrack.core.tests.factories import make_action, make_org, make_person, make_user
from plantrack.directory import duplicates, services
from plantrack.directory.models import MergeRecord, Person

pytestmark = pytest.mark.django_db


def _pairs(found) -> set[frozenset[str]]:
    return {frozenset({str(p.first), str(p.second)}) for p in found}


# --- Finding duplicates ----------------------------------------------------------------------


def test_same_staff_number_is_a_pair_also_when_written_into_the_name(world):
    make_person(name="Ian Wiggett", staff_number="047113")
    make_person(name="DCI I. Wiggett", staff_number="47113")
    make_person(name="PS 1234 Ahmed Khan")
    make_person(name="Somebody Else", staff_number="1234")
    found = duplicates.person_duplicates(world.manager)
    assert frozenset({"Ian Wiggett", "DCI I. Wiggett"}) in _pairs(found)
    assert frozenset({"PS 1234 Ahmed Khan", "Somebody Else"}) in _pairs(found)
    assert any(p.reason == "same staff number 47113" for p in found)


def test_rank_variants_of_one_name_are_a_pair(world):
    make_person(name="PS Ahmed Khan")
    make_person(name="Ahmed Khan")
    make_person(name="Sgt A Khan")
    make_person(name="Amir Khan")  # another Khan: not offered with Ahmed
    make_person(name="Ahmad Khan")  # spelt alike
    pairs = _pairs(duplicates.person_duplicates(world.manager))
    assert frozenset({"PS Ahmed Khan", "Ahmed Khan"}) in pairs
    assert frozenset({"Sgt A Khan", "Ahmed Khan"}) in pairs
    assert frozenset({"Sgt A Khan", "Amir Khan"}) in pairs  # "A Khan" could be either
    assert frozenset({"Ahmed Khan", "Ahmad Khan"}) in pairs
    assert frozenset({"Ahmed Khan", "Amir Khan"}) not in pairs


def test_acronym_and_bracketed_acronym_are_a_pair(world):
    make_org("YJB")
    make_org("Youth Justice Board (YJB)")
    make_org("Youth Justice Board")
    make_org("Safer Neighbourhoods", short_name="SN")
    make_org("SN Team")
    pairs = _pairs(duplicates.organisation_duplicates(world.manager))
    assert frozenset({"YJB", "Youth Justice Board (YJB)"}) in pairs
    assert frozenset({"YJB", "Youth Justice Board"}) in pairs  # initials of the name
    assert frozenset({"Youth Justice Board", "Youth Justice Board (YJB)"}) in pairs
    assert not [p for p in pairs if "SN Team" in p]


def test_units_of_different_organisations_sharing_a_name_are_not_a_pair(world):
    make_org("OCC", parent=world.force)
    make_org("OCC", parent=world.other_force)
    assert not duplicates.organisation_duplicates(world.manager)


def test_a_dismissed_pair_is_not_offered_again(world):
    a, b = make_person(name="PS Ahmed Khan"), make_person(name="Ahmed Khan")
    services.duplicate_dismiss(actor=world.manager, kind="person", first_id=b.pk, second_id=a.pk)
    assert not duplicates.person_duplicates(world.manager)
    # Said twice: still one record.
    services.duplicate_dismiss(actor=world.manager, kind="person", first_id=a.pk, second_id=b.pk)


def test_merged_entries_are_not_offered(world):
    a, b = make_person(name="PS Ahmed Khan"), make_person(name="Ahmed Khan")
    services.person_merge(actor=make_user(is_superuser=True), keep=b, merged=a)
    assert not duplicates.person_duplicates(world.manager)


def test_initials_are_offered_the_people_of_the_same_plan_with_those_initials(world):
    initials = make_person(name="OO")  # the world's owner is Owen Owner
    cyrillic = make_person(name="\u041c\u041a")  # "МК" typed in Cyrillic
    make_person(name="Olive Oyl")  # matching initials, but in no plan of theirs
    make_action(world.plan, world.manager, owners=[initials, cyrillic])
    found = {m.person.pk: m.candidates for m in duplicates.initials_to_resolve(world.manager)}
    assert found[initials.pk] == [world.owner_person]
    assert found[cyrillic.pk] == []


def test_units_are_offered_beneath_their_organisation(world):
    met = make_org("Metropolitan Police Service", kind="police_force")
    cjpo = make_org("Met Police – CJPO")
    police_cjpo = make_org("Police (CJPO)")
    make_org("Youth Justice Board (YJB)")
    found = {p.organisation.name: p.parents for p in duplicates.placements(world.manager)}
    assert met in found[cjpo.name]
    assert world.force in found[police_cjpo.name] and met in found[police_cjpo.name]
    assert "Youth Justice Board (YJB)" not in found


# --- Pages -----------------------------------------------------------------------------------


def test_cleanup_page_lists_pairs_for_keepers_only(client, world):
    make_person(name="PS Ahmed Khan")
    make_person(name="Ahmed Khan")
    client.force_login(world.manager)
    response = client.get(reverse("directory:cleanup"))
    assert response.status_code == 200
    assert "PS Ahmed Khan" in response.content.decode()
    client.force_login(world.viewer)
    assert client.get(reverse("directory:cleanup")).status_code == 403
    assert client.post(reverse("directory:cleanup")).status_code == 405


def test_cleanup_page_queries_do_not_grow_with_pairs(client, world, django_assert_max_num_queries):
    client.force_login(world.manager)
    for n in range(3):
        make_person(name=f"PS Ahmed Khan{n}")
        make_person(name=f"Ahmed Khan{n}")
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("directory:cleanup"))
    for n in range(3, 40):
        make_person(name=f"PS Ahmed Khan{n}")
        make_person(name=f"Ahmed Khan{n}")
        make_org(f"Unit {n} (U{n})")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("directory:cleanup"))
    assert response.content.decode().count("Not the same") >= 40


def test_merge_page_shows_what_moves_and_merges(client, world):
    dupe = make_person(name="PS Owen Owner", organisation=world.force)
    make_action(world.plan, world.manager, owners=[dupe])
    client.force_login(world.manager)
    url = reverse("directory:person_merge")
    page = client.get(url, {"first": world.owner_person.pk, "second": dupe.pk})
    body = page.content.decode()
    assert page.status_code == 200
    assert "1 × action owners" in body
    response = client.post(
        url, {"first": world.owner_person.pk, "second": dupe.pk, "keep": "first"}
    )
    assert response.status_code == 302
    assert response["Location"] == world.owner_person.get_absolute_url()
    record = MergeRecord.objects.get()
    kept_page = client.get(world.owner_person.get_absolute_url()).content.decode()
    assert reverse("directory:merge_undo", args=[record.pk]) in kept_page
    merged_page = client.get(dupe.get_absolute_url()).content.decode()
    assert "This entry was merged into" in merged_page
    response = client.post(reverse("directory:merge_undo", args=[record.pk]))
    assert response.status_code == 302
    assert Person.objects.filter(pk=dupe.pk).exists()


def test_merge_page_refusal_is_shown_and_changes_nothing(client, world):
    admin = make_user(is_superuser=True)
    a = make_person(make_user("a"), name="Ann Able")
    b = make_person(make_user("b"), name="A Able")
    client.force_login(admin)
    response = client.post(
        reverse("directory:person_merge"), {"first": a.pk, "second": b.pk, "keep": "first"}
    )
    assert response.status_code == 200
    assert "Both entries are linked to a user account" in response.content.decode()
    assert not MergeRecord.objects.exists()


def test_merge_page_searches_for_the_other_entry(client, world):
    client.force_login(world.manager)
    response = client.get(
        reverse("directory:person_merge"), {"first": world.owner_person.pk, "q": "Owen"}
    )
    assert response.status_code == 200
    client.force_login(world.viewer)
    assert client.get(reverse("directory:person_merge")).status_code == 403


def test_outsider_cannot_merge_the_forces_people(client, world):
    dupe = make_person(name="PS Owen Owner", organisation=world.force)
    client.force_login(world.outsider)
    page = client.get(
        reverse("directory:person_merge"), {"first": world.owner_person.pk, "second": dupe.pk}
    )
    assert "You can merge only entries you may edit" in page.content.decode()
    response = client.post(
        reverse("directory:person_merge"),
        {"first": world.owner_person.pk, "second": dupe.pk, "keep": "first"},
    )
    assert response.status_code == 403
    assert not MergeRecord.objects.exists()


def test_dismiss_and_place_from_the_page(client, world):
    admin = make_user(is_superuser=True)
    a, b = make_person(name="PS Ahmed Khan"), make_person(name="Ahmed Khan")
    client.force_login(admin)
    response = client.post(
        reverse("directory:duplicate_dismiss"), {"kind": "person", "first": a.pk, "second": b.pk}
    )
    assert response.status_code == 302
    assert "Ahmed Khan" not in client.get(reverse("directory:cleanup")).content.decode()
    cjpo = make_org("Police (CJPO)")
    response = client.post(
        reverse("directory:organisation_place", args=[cjpo.pk]), {"parent": world.force.pk}
    )
    assert response.status_code == 302
    cjpo.refresh_from_db()
    assert cjpo.parent == world.force
    bad = client.post(reverse("directory:duplicate_dismiss"), {"kind": "person"})
    assert bad.status_code == 302


# --- Export ----------------------------------------------------------------------------------


def test_people_export_has_the_list_columns_and_no_contact_details(client, world):
    make_person(name="=HYPERLINK()", email="secret@example.org", phone="0123", spoc=True)
    merged = make_person(name="Merged Away")
    Person.objects.filter(pk=merged.pk).update(merged_into=world.owner_person)
    client.force_login(world.viewer)
    response = client.get(reverse("directory:people_export", args=["csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Post or job title", "Staff number", "Organisation", "SPOC"]
    text = response.content.decode()
    assert "secret@example.org" not in text and "0123" not in text
    assert "Merged Away" not in text
    assert "'=HYPERLINK()" in text
    assert client.get(reverse("directory:people_export", args=["pdf"])).status_code == 404


def test_organisation_export_as_xlsx(client, world):
    client.force_login(world.viewer)
    response = client.get(reverse("directory:organisations_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Short name", "Kind", "Part of", "People")
    assert ("Barnet Police", None, "Police force", None, 1) in rows


def test_export_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries):
    client.force_login(world.viewer)
    url = reverse("directory:people_export", args=["xlsx"])
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for n in range(30):
        make_person(name=f"Person {n}", organisation=make_org(f"Org {n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("directory:organisations_export", args=["csv"]))
