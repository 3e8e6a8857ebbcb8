"""The directory is a trust boundary: who may move and edit organisations and people, and where
mail may go (security issue 10, findings F1 and F2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from plantrack.core.tests.factories import make_org, make_person, make_user
from plantrack.directory import services
from plantrack.directory.models import Membership, Organisation, Person
from plantrack.directory.selectors import forget_organisation_ids
from plantrack.plans.models import Plan
from plantrack.plans.selectors import plans_visible_to

pytestmark = pytest.mark.django_db


def _org_plan(world) -> Plan:
    Plan.objects.filter(pk=world.plan.pk).update(visibility=Plan.Visibility.ORGANISATION)
    return world.plan


def _organisation_form(organisation: Organisation, **changes) -> dict:
    data = {
        "name": organisation.name,
        "short_name": organisation.short_name,
        "kind": organisation.kind,
        "parent": organisation.parent_id or "",
        "email": organisation.email,
        "website": organisation.website,
    }
    data.update(changes)
    return data


# --- F1: organisations ----------------------------------------------------------------------


def test_outsider_cannot_move_another_force_beneath_their_own_to_read_its_plans(client, world):
    plan = _org_plan(world)
    assert plan not in plans_visible_to(world.outsider)
    client.force_login(world.outsider)
    url = reverse("directory:organisation_edit", args=[world.force.pk])
    response = client.post(url, _organisation_form(world.force, parent=world.other_force.pk))
    assert response.status_code == 403
    assert Organisation.objects.get(pk=world.force.pk).parent_id is None
    forget_organisation_ids(world.outsider)
    assert plan not in plans_visible_to(world.outsider)
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=world.outsider, organisation=world.force, parent=world.other_force
        )
    assert Organisation.objects.get(pk=world.force.pk).parent_id is None


def test_outsider_cannot_rename_another_organisation(client, world):
    client.force_login(world.outsider)
    url = reverse("directory:organisation_edit", args=[world.force.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, _organisation_form(world.force, name="Renamed"))
    assert response.status_code == 403
    assert Organisation.objects.get(pk=world.force.pk).name == "Barnet Police"


def test_member_cannot_move_their_unit_beneath_an_organisation_they_do_not_belong_to(world):
    unit = services.organisation_create(actor=world.manager, name="Youth unit", parent=world.force)
    forget_organisation_ids(world.manager)
    with pytest.raises(PermissionDenied, match="members of both"):
        services.organisation_update(
            actor=world.manager, organisation=unit, parent=world.other_force
        )
    assert Organisation.objects.get(pk=unit.pk).parent_id == world.force.pk


def test_member_of_both_places_may_move_and_the_move_is_audited(client, world):
    both = make_user("both", first_name="Bo", last_name="Th")
    Membership.objects.create(user=both, organisation=world.force)
    Membership.objects.create(user=both, organisation=world.other_force)
    unit = make_org("Schools team", parent=world.force)
    services.organisation_update(actor=both, organisation=unit, parent=world.other_force)
    assert Organisation.objects.get(pk=unit.pk).parent_id == world.other_force.pk
    record = Organisation.history.filter(id=unit.pk).latest("history_date")
    assert (record.history_user, record.parent_id) == (both, world.other_force.pk)
    client.force_login(world.viewer)
    page = client.get(reverse("directory:organisation", args=[unit.pk])).content.decode()
    assert "Bo Th" in page  # who moved it, in the history panel


def test_site_admin_may_move_any_organisation(world):
    admin = make_user(is_superuser=True)
    services.organisation_update(actor=admin, organisation=world.force, parent=world.other_force)
    assert Organisation.objects.get(pk=world.force.pk).parent_id == world.other_force.pk


def test_new_organisation_goes_beneath_ones_own_only(world):
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=world.outsider, name="Sleeper", parent=world.force)
    assert not Organisation.objects.filter(name="Sleeper").exists()
    partner = services.organisation_create(actor=world.outsider, name="Youth charity")
    assert partner.parent is None  # partners are added at the top


def test_parent_choices_are_the_users_own_organisations(client, world):
    make_org("Somewhere else")
    client.force_login(world.manager)
    form = client.get(reverse("directory:organisation_create")).context["form"]
    assert list(form.fields["parent"].queryset) == [world.force]


def test_edit_link_only_for_those_who_may_edit(client, world):
    url = reverse("directory:organisation", args=[world.force.pk])
    edit = reverse("directory:organisation_edit", args=[world.force.pk])
    client.force_login(world.outsider)
    assert edit not in client.get(url).content.decode()
    client.force_login(world.manager)
    assert edit in client.get(url).content.decode()


# --- F2: people and where mail goes ---------------------------------------------------------


def _person_form(person: Person, **changes) -> dict:
    data = {
        "name": person.name,
        "rank": person.rank,
        "job_title": person.job_title,
        "post": person.post,
        "staff_number": person.staff_number,
        "organisation": person.organisation_id or "",
        "email": person.email,
        "phone": person.phone,
    }
    data.update(changes)
    return data


def test_outsider_cannot_redirect_an_owners_mail(client, world):
    client.force_login(world.outsider)
    url = reverse("directory:person_edit", args=[world.owner_person.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, _person_form(world.owner_person, email="spy@evil.example"))
    assert response.status_code == 403
    assert Person.objects.get(pk=world.owner_person.pk).email == ""
    with pytest.raises(PermissionDenied):
        services.person_update(
            actor=world.outsider, person=world.owner_person, email="spy@evil.example"
        )


def test_colleague_cannot_change_the_address_of_someone_who_owns_actions(client, world):
    with pytest.raises(PermissionDenied, match="email address"):
        services.person_update(
            actor=world.manager, person=world.owner_person, email="other@example.org"
        )
    # The rest of the entry is theirs to keep; the address field is shown but locked.
    person = Person.objects.get(pk=world.owner_person.pk)
    services.person_update(actor=world.manager, person=person, post="SNT Insp")
    client.force_login(world.manager)
    form = client.get(reverse("directory:person_edit", args=[world.owner_person.pk])).context[
        "form"
    ]
    assert form.fields["email"].disabled
    stored = Person.objects.get(pk=world.owner_person.pk)
    assert (stored.post, stored.email) == ("SNT Insp", "")


def test_the_person_themselves_or_an_admin_sets_a_verified_address(world):
    services.person_update(actor=world.owner, person=world.owner_person, email="owen@force.example")
    assert Person.objects.get(pk=world.owner_person.pk).verified_email == "owen@force.example"
    admin = make_user(is_superuser=True)
    services.person_update(actor=admin, person=world.owner_person, email="owen2@force.example")
    assert Person.objects.get(pk=world.owner_person.pk).verified_email == "owen2@force.example"
    assert mail.outbox == []  # nothing to confirm


def test_a_new_address_gets_no_mail_until_its_holder_confirms_it(
    client, world, django_capture_on_commit_callbacks
):
    person = make_person(name="Dee Partner", organisation=world.force)
    with django_capture_on_commit_callbacks(execute=True):
        services.person_update(actor=world.manager, person=person, email="dee@council.example")
    person.refresh_from_db()
    assert person.email == "dee@council.example" and person.verified_email == ""
    assert [m.to for m in mail.outbox] == [["dee@council.example"]]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/verify-email/" in line)
    path = link[link.index("/directory/") :]

    client.logout()  # the holder need not have an account
    page = client.get(path)
    assert page.status_code == 200 and "Confirm my email address" in page.content.decode()
    person.refresh_from_db()
    assert person.verified_email == ""  # opening the link (a mail scanner) confirms nothing
    assert client.post(path).status_code == 200
    person.refresh_from_db()
    assert person.verified_email == "dee@council.example"


def test_a_link_stops_working_once_the_address_changes(client, world):
    person = make_person(name="Dee Partner", organisation=world.force)
    services.person_update(actor=world.manager, person=person, email="dee@council.example")
    token = services.email_verification_token(person)
    services.person_update(actor=world.manager, person=person, email="dee2@council.example")
    response = client.post(reverse("directory:email_verify", args=[token]))
    assert response.status_code == 400
    assert "no longer recorded" in response.content.decode()
    assert Person.objects.get(pk=person.pk).verified_email == ""
    assert client.get(reverse("directory:email_verify", args=["garbage"])).status_code == 400


def test_confirmation_can_be_sent_again_from_the_person_page(
    client, world, django_capture_on_commit_callbacks
):
    person = make_person(name="Dee Partner", organisation=world.force)
    Person.objects.filter(pk=person.pk).update(email="dee@council.example")
    client.force_login(world.manager)
    page = client.get(reverse("directory:person", args=[person.pk])).content.decode()
    assert "Not verified" in page
    url = reverse("directory:person_email_verification_send", args=[person.pk])
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert [m.to for m in mail.outbox] == [["dee@council.example"]]
    client.force_login(world.outsider)
    assert client.post(url).status_code == 403


def test_only_admins_link_people_to_user_accounts(world):
    person = make_person(name="Dee Partner", organisation=world.force)
    with pytest.raises(PermissionDenied):
        services.person_update(actor=world.manager, person=person, user=world.viewer)
    with pytest.raises(PermissionDenied):
        services.person_create(actor=world.manager, name="Sock", user=world.viewer)


def test_people_are_placed_only_in_ones_own_organisations(world):
    person = make_person(name="Dee Partner", organisation=world.force)
    with pytest.raises(PermissionDenied):
        services.person_update(actor=world.manager, person=person, organisation=world.other_force)
    assert Person.objects.get(pk=person.pk).organisation_id == world.force.pk


# --- Review findings: planted addresses, inactive users, placement at creation ------------------


def test_an_outsider_cannot_plant_a_verified_address_on_a_future_owner(world):
    from plantrack.imports.cells import OwnerRef
    from plantrack.imports.matching import DirectoryMatcher
    from plantrack.plans import services as plans
    from plantrack.reminders.digest import gather

    # A member of another force adds "DCI Jane Smith", in their own force and with no
    # organisation, and confirms both addresses from their own mailbox.
    theirs = services.person_create(
        actor=world.outsider,
        name="Jane Smith",
        rank="DCI",
        organisation=world.other_force,
        email="evil@example.org",
    )
    loose = services.person_create(
        actor=world.outsider, name="Jane Smith", rank="DCI", email="evil2@example.org"
    )
    for planted in (theirs, loose):
        services.person_email_verify(token=services.email_verification_token(planted))
    # The force's manager imports a plan naming DCI Jane Smith as an owner: another force's
    # entry is never taken for theirs.
    matcher = DirectoryMatcher(actor=world.manager, home=world.force)
    assert matcher.person(OwnerRef(name="Jane Smith", rank="DCI")) != theirs
    # An entry of no organisation may be matched (or chosen by hand), but gets no mail.
    plans.action_update(actor=world.manager, action=world.action, owners=[loose])
    addresses = {r.email for r in gather(dt.date(2025, 6, 2)).recipients}
    assert not addresses & {"evil@example.org", "evil2@example.org"}


def test_no_chase_goes_to_a_deactivated_user(world):
    from plantrack.directory.selectors import mail_address

    world.owner.email = "owen@force.example"
    world.owner.is_active = False
    world.owner.save()
    assert mail_address(Person.objects.select_related("user").get(pk=world.owner_person.pk)) == ""


def test_creating_a_person_places_them_only_in_ones_own_organisations_and_asks_to_confirm(
    world, django_capture_on_commit_callbacks
):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=world.outsider, name="Sleeper", organisation=world.force)
    assert not Person.objects.filter(name="Sleeper").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.person_create(
            actor=world.manager, name="New Colleague", organisation=world.force, email="n@x.org"
        )
    assert [m.to for m in mail.outbox] == [["n@x.org"]]


def test_the_confirmation_page_is_not_kept_by_caches(client, world):
    person = make_person(name="Dee Partner", organisation=world.force, email="dee@x.org")
    response = client.get(
        reverse("directory:email_verify", args=[services.email_verification_token(person)])
    )
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_plan_is_given_only_to_an_organisation_one_belongs_to(world):
    from plantrack.plans import services as plans

    with pytest.raises(PermissionDenied):
        plans.plan_update(
            actor=world.manager, plan=world.plan, owner_organisation=world.other_force
        )
    assert Plan.objects.get(pk=world.plan.pk).owner_organisation == world.force


def test_renaming_a_plans_owner_moves_the_plans_version(world):
    from plantrack.core.tests.factories import make_plan

    unit = make_org("Youth Offending Team", parent=world.force)
    forget_organisation_ids(world.manager)
    plan = make_plan(world.manager, unit, title="YOT plan")  # owned, no action names the unit
    before = Plan.objects.get(pk=plan.pk).version
    services.organisation_update(actor=world.manager, organisation=unit, name="YOT")
    assert Plan.objects.get(pk=plan.pk).version > before
