from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.core.tests.factories import make_org, make_person, make_user
from plantrack.directory import services
from plantrack.directory.models import Organisation, Person
from plantrack.directory.selectors import forget_organisation_ids, organisation_ids_for

pytestmark = pytest.mark.django_db


def test_member_of_a_force_belongs_to_its_units(world):
    unit = make_org("TP, Youth Policy", parent=world.force)
    team = make_org("Schools team", parent=unit)
    forget_organisation_ids(world.manager)
    assert {world.force.pk, unit.pk, team.pk} <= organisation_ids_for(world.manager)


def test_organisation_cannot_sit_beneath_itself(world):
    unit = make_org("Unit", parent=world.force)
    forget_organisation_ids(world.manager)
    with pytest.raises(ValidationError):
        services.organisation_update(actor=world.manager, organisation=world.force, parent=unit)
    assert Organisation.objects.get(pk=world.force.pk).parent is None


def test_same_name_is_allowed_under_different_parents_but_not_twice_under_one(world):
    admin = make_user(is_superuser=True)
    services.organisation_create(actor=world.manager, name="OCC", parent=world.force)
    services.organisation_create(actor=admin, name="OCC", parent=world.other_force)
    with pytest.raises(ValidationError):
        services.organisation_create(actor=world.manager, name="occ", parent=world.force)


def test_person_needs_a_name_or_a_post(world):
    with pytest.raises(ValidationError):
        services.person_create(actor=world.manager, name=" ", post="")
    post_only = services.person_create(actor=world.manager, post="SNT Ch Insps")
    assert post_only.display_name == "SNT Ch Insps"


def test_people_without_any_membership_or_role_cannot_edit_the_directory(world):
    stranger = make_user()
    with pytest.raises(PermissionDenied):
        services.person_create(actor=stranger, name="Someone")


def test_person_changes_are_audited_and_shown(client, world):
    person = services.person_create(
        actor=world.manager,
        name="Ian Wiggett",
        rank="DCI",
        staff_number="47113",
        organisation=world.force,
    )
    services.person_update(actor=world.manager, person=person, post="Head of Intelligence")
    client.force_login(world.viewer)
    page = client.get(reverse("directory:person", args=[person.pk])).content.decode()
    assert "DCI Ian Wiggett" in page and "47113" in page
    assert "Head of Intelligence" in page and "Mary Manager" in page


def test_shared_staff_number_is_pointed_out(client, world):
    a = make_person(name="Philip Burke", staff_number="62819")
    make_person(name="Andy Briars", staff_number="62819")
    client.force_login(world.viewer)
    page = client.get(reverse("directory:person", args=[a.pk])).content.decode()
    assert "also recorded for" in page and "Andy Briars" in page


def test_directory_pages_and_search(client, world):
    client.force_login(world.viewer)
    assert "Barnet Police" in client.get(reverse("directory:organisations")).content.decode()
    body = client.get(reverse("directory:people"), {"q": "owen"}).content.decode()
    assert "Owen Owner" in body
    org = client.get(reverse("directory:organisation", args=[world.force.pk])).content.decode()
    assert "Owen Owner" in org


def test_viewer_without_membership_cannot_open_edit_pages(client, world):
    client.force_login(world.viewer)
    assert client.get(reverse("directory:person_create")).status_code == 403
    response = client.post(reverse("directory:organisation_create"), {"name": "X", "kind": "other"})
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="X").exists()


def test_manager_adds_a_person_through_the_form(client, world):
    client.force_login(world.manager)
    response = client.post(
        reverse("directory:person_create"),
        {"name": "Sophie Paley", "post": "CiP Manager", "organisation": world.force.pk},
    )
    assert response.status_code == 302
    assert Person.objects.filter(name="Sophie Paley", post="CiP Manager").exists()


def test_wrong_method(client, world):
    client.force_login(world.manager)
    assert client.post(reverse("directory:people")).status_code == 405
    assert client.delete(reverse("directory:person_create")).status_code == 405


def test_people_list_query_count_does_not_grow(client, world):
    client.force_login(world.viewer)
    url = reverse("directory:people")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        return len(ctx.captured_queries)

    for _ in range(3):
        make_person(organisation=make_org())
    small = count()
    for _ in range(40):
        make_person(organisation=make_org())
    assert count() == small


def test_user_admin_page_lists_memberships(client, world):
    admin_user = make_user(is_superuser=True, is_staff=True)
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/user/{world.outsider.pk}/change/").content.decode()
    assert "memberships-TOTAL_FORMS" in page and world.other_force.name in page
