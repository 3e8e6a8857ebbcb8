from __future__ import annotations

import pytest
from django.urls import reverse

from plantrack.core.tests.factories import make_org
from plantrack.stakeholders import services
from plantrack.stakeholders.models import (
    AccessLog,
    Basis,
    Contact,
    DatabaseRole,
    FollowUp,
    Interaction,
    Role,
    Stakeholder,
)
from plantrack.stakeholders.tests.conftest import days_ago

pytestmark = pytest.mark.django_db

OVERDUE = 'govuk-tag--red">Overdue'


def _as(client, user):
    client.force_login(user)
    return client


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _form_data(form) -> dict:
    """What a browser posts for a form as it was shown (its initial values)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def _log(sh, *, days: int, **fields) -> Interaction:
    fields.setdefault("stakeholder", sh.batca)
    fields.setdefault("contacts", [sh.chair])
    return services.interaction_log(
        actor=sh.steward,
        database=sh.database,
        date=days_ago(days),
        summary=fields.pop("summary", f"Met {days} days ago"),
        **fields,
    )


def _refusal(response) -> str:
    """What a form page that should have redirected said instead."""
    html = response.content.decode()
    start = html.find("govuk-error-summary")
    return html[start : start + 800] if start >= 0 else html[:800]


def _logs(user) -> int:
    return AccessLog.objects.filter(user=user).count()


# --- Who reads what -------------------------------------------------------------------------


def test_contact_page_shows_details_to_the_steward_and_logs_each_view(client, sh):
    url = reverse("stakeholders:contact", args=[sh.chair.pk])
    c = _as(client, sh.steward)
    html = _html(c.get(url))
    assert "sam.madeup@example.org" in html and "020 7946 0123" in html
    assert "1 Example Road" in html and "No lawful basis recorded" in html
    assert list(AccessLog.objects.values_list("user_id", "contact_id", "how")) == [
        (sh.steward.pk, sh.chair.pk, "page")
    ]
    _html(c.get(url))
    assert _logs(sh.steward) == 2


def test_contact_page_shows_details_to_the_relationship_owner_of_where_they_hold_a_role(client, sh):
    c = _as(client, sh.owner)
    html = _html(c.get(reverse("stakeholders:contact", args=[sh.chair.pk])))
    assert "sam.madeup@example.org" in html and "020 7946 0123" in html
    # The owner reads the details but does not change the contact.
    assert reverse("stakeholders:contact_edit", args=[sh.chair.pk]) not in html
    assert _logs(sh.owner) == 1
    # RNID's officer holds no role at BATCA: the owner sees the name, not the details.
    html = _html(c.get(reverse("stakeholders:contact", args=[sh.officer.pk])))
    assert "Morgan Specimen" in html
    assert "morgan.specimen@example.org" not in html and "020 7946 0456" not in html
    assert _logs(sh.owner) == 1


@pytest.mark.parametrize("persona", ["member", "admin"])
def test_contact_page_hides_details_from_readers_without_a_need_to_know(client, sh, persona):
    services.lawful_basis_set(
        actor=sh.steward, contact=sh.chair, purpose=sh.community, kind="public_task"
    )
    _log(sh, days=3, summary="Planning meeting for the sports day")
    user = getattr(sh, persona)
    html = _html(_as(client, user).get(reverse("stakeholders:contact", args=[sh.chair.pk])))
    assert "Sam Madeup" in html and "Chair" in html
    assert "Planning meeting for the sports day" in html
    for personal in ("sam.madeup@example.org", "020 7946 0123", "1 Example Road", "Public task"):
        assert personal not in html
    assert "shown only to contact managers, data stewards and the relationship owner" in html
    assert not AccessLog.objects.exists()


def test_outsider_gets_404_everywhere(client, world, sh):
    interaction = _log(sh, days=3)
    follow_up = services.interaction_follow_up_add(
        actor=sh.steward,
        interaction=interaction,
        title="Send minutes",
        due_on=days_ago(-7),
        owner=world.owner_person,
    )
    c = _as(client, sh.outsider)
    db, stakeholder, contact = sh.database.pk, sh.batca.pk, sh.chair.pk
    for name, args in (
        ("stakeholders:database", [db]),
        ("stakeholders:database_edit", [db]),
        ("stakeholders:roles", [db]),
        ("stakeholders:access_log", [db]),
        ("stakeholders:contacts", [db]),
        ("stakeholders:contact_create", [db]),
        ("stakeholders:stakeholder_create", [db]),
        ("stakeholders:stakeholder", [stakeholder]),
        ("stakeholders:stakeholder_edit", [stakeholder]),
        ("stakeholders:interaction_create", [stakeholder]),
        ("stakeholders:role_create", [stakeholder]),
        ("stakeholders:role_edit", [sh.chair_role.pk]),
        ("stakeholders:contact", [contact]),
        ("stakeholders:contact_edit", [contact]),
        ("stakeholders:basis_set", [contact]),
        ("stakeholders:interaction", [interaction.pk]),
        ("stakeholders:follow_up_create", [interaction.pk]),
    ):
        assert c.get(reverse(name, args=args)).status_code == 404, name
    assert c.post(reverse("stakeholders:follow_up_done", args=[follow_up.pk])).status_code == 404
    assert not FollowUp.objects.get(pk=follow_up.pk).done
    assert not AccessLog.objects.exists()
    html = _html(c.get(reverse("stakeholders:databases")))
    assert "Barnet Police" not in html


@pytest.mark.parametrize("persona", ["member", "admin"])
def test_readers_without_a_role_get_403_on_writes(client, world, sh, persona):
    c = _as(client, getattr(sh, persona))
    html = _html(c.get(reverse("stakeholders:database", args=[sh.database.pk])))
    assert "Balham &amp; Tooting Community Association" in html and "RNID" in html
    assert "Add a stakeholder" not in html and "Add a contact" not in html
    db, stakeholder, contact = sh.database.pk, sh.batca.pk, sh.chair.pk
    for name, args in (
        ("stakeholders:database_edit", [db]),
        ("stakeholders:access_log", [db]),
        ("stakeholders:contact_create", [db]),
        ("stakeholders:stakeholder_create", [db]),
        ("stakeholders:stakeholder_edit", [stakeholder]),
        ("stakeholders:stakeholder_rate", [stakeholder]),
        ("stakeholders:interaction_create", [stakeholder]),
        ("stakeholders:role_create", [stakeholder]),
        ("stakeholders:role_edit", [sh.chair_role.pk]),
        ("stakeholders:contact_edit", [contact]),
        ("stakeholders:basis_set", [contact]),
    ):
        assert c.get(reverse(name, args=args)).status_code == 403, name
    response = c.post(
        reverse("stakeholders:contact_create", args=[db]), {"name": "Sneaked in", "kind": "other"}
    )
    assert response.status_code == 403
    response = c.post(
        reverse("stakeholders:interaction_create", args=[stakeholder]),
        {"kind": "meeting", "date": days_ago(1).isoformat(), "summary": "Sneaked in"},
    )
    assert response.status_code == 403
    assert not Contact.objects.filter(name="Sneaked in").exists()
    assert not Interaction.objects.exists()


def test_the_site_admin_gives_roles_but_a_member_does_not(client, sh):
    url = reverse("stakeholders:roles", args=[sh.database.pk])
    assert _as(client, sh.member).get(url).status_code == 403
    response = _as(client, sh.admin).post(url, {"username": "viewer", "role": "contact_manager"})
    assert response.status_code == 302
    assert DatabaseRole.objects.filter(user=sh.member, role="contact_manager").exists()


def test_the_relationship_owner_logs_but_does_not_edit(client, sh):
    c = _as(client, sh.owner)
    html = _html(c.get(reverse("stakeholders:stakeholder", args=[sh.batca.pk])))
    assert "Log an interaction" in html and "Add a role" not in html
    assert c.get(reverse("stakeholders:interaction_create", args=[sh.batca.pk])).status_code == 200
    assert c.get(reverse("stakeholders:stakeholder_edit", args=[sh.batca.pk])).status_code == 403
    assert c.get(reverse("stakeholders:contact_create", args=[sh.database.pk])).status_code == 403
    # RNID is not theirs.
    assert c.get(reverse("stakeholders:interaction_create", args=[sh.rnid.pk])).status_code == 403


def test_wrong_method(client, sh):
    interaction = _log(sh, days=3)
    c = _as(client, sh.steward)
    assert c.post(reverse("stakeholders:databases")).status_code == 405
    assert c.post(reverse("stakeholders:database", args=[sh.database.pk])).status_code == 405
    assert c.post(reverse("stakeholders:stakeholder", args=[sh.batca.pk])).status_code == 405
    assert c.post(reverse("stakeholders:contact", args=[sh.chair.pk])).status_code == 405
    assert c.post(reverse("stakeholders:contacts", args=[sh.database.pk])).status_code == 405
    assert c.post(reverse("stakeholders:interaction", args=[interaction.pk])).status_code == 405
    assert c.put(reverse("stakeholders:contact_create", args=[sh.database.pk])).status_code == 405
    role = DatabaseRole.objects.filter(database=sh.database).first()
    url = reverse("stakeholders:role_remove", args=[sh.database.pk, role.pk])
    assert c.get(url).status_code == 405
    follow_up = services.interaction_follow_up_add(
        actor=sh.steward,
        interaction=interaction,
        title="Send minutes",
        due_on=days_ago(-7),
        contact=sh.chair,
    )
    assert c.get(reverse("stakeholders:follow_up_done", args=[follow_up.pk])).status_code == 405
    assert not FollowUp.objects.get(pk=follow_up.pk).done
    # Nothing was read by the refused requests.
    assert not AccessLog.objects.exists()


# --- Contacts search ------------------------------------------------------------------------


def test_contacts_are_searched_by_email_only_by_those_who_keep_them(client, sh):
    url = reverse("stakeholders:contacts", args=[sh.database.pk])
    by_email = {"q": "sam.madeup@"}
    html = _html(_as(client, sh.steward).get(url, by_email))
    assert "Sam Madeup" in html and "Morgan Specimen" not in html
    for reader in (sh.member, sh.owner, sh.admin):
        html = _html(_as(client, reader).get(url, by_email))
        assert "Sam Madeup" not in html and "No contacts match" in html
        assert "Searching by email is for contact managers and data stewards" in html
        # By name, everyone who reads the database finds them, with the role they hold.
        html = _html(client.get(url, {"q": "madeup"}))
        assert "Sam Madeup" in html and "Chair, Balham &amp; Tooting" in html
        assert "Morgan Specimen" not in html
    assert not AccessLog.objects.exists()


# --- Stakeholders ---------------------------------------------------------------------------


def test_stakeholder_page_shows_the_timeline_and_whether_contact_is_overdue(client, world, sh):
    _log(
        sh,
        days=40,
        summary="Planning meeting for the summer sports day",
        issues="Parking near the mosque on Fridays",
        staff=[world.owner_person],
    )
    _log(sh, days=75, kind="event", summary="Fundraising event", contacts=[])
    url = reverse("stakeholders:stakeholder", args=[sh.batca.pk])
    html = _html(_as(client, sh.member).get(url))
    assert "Planning meeting for the summer sports day" in html
    assert "Parking near the mosque" in html and "Fundraising event" in html
    assert "Took part: " in html and "Sam Madeup" in html
    assert "Our staff: Insp. Owen Owner." in html
    assert html.index("Planning meeting") < html.index("Fundraising event")
    assert OVERDUE in html and "Log an interaction" not in html
    assert "sam.madeup@example.org" not in html
    _log(sh, days=2, summary="Catch-up call", kind="call")
    html = _html(client.get(url))
    assert "Catch-up call" in html and OVERDUE not in html and "Met</strong>" in html
    # RNID has no expected frequency.
    html = _html(client.get(reverse("stakeholders:stakeholder", args=[sh.rnid.pk])))
    assert "No interactions recorded yet" in html and OVERDUE not in html


def test_database_page_flags_overdue_stakeholders_and_filters_them(client, sh):
    _log(sh, days=40)
    url = reverse("stakeholders:database", args=[sh.database.pk])
    html = _html(_as(client, sh.member).get(url))
    assert OVERDUE in html and "RNID" in html
    html = _html(client.get(url, {"overdue": "on"}))
    assert "Balham &amp; Tooting" in html and "RNID" not in html


def test_steward_adds_a_stakeholder(client, world, sh):
    organisation = make_org("Chessington schools cluster")
    response = _as(client, sh.steward).post(
        reverse("stakeholders:stakeholder_create", args=[sh.database.pk]),
        {
            "organisation": organisation.pk,
            "category": "education",
            "owner": world.owner_person.pk,
            "contact_every_days": "120",
            "notes": "Year 6 visits",
        },
    )
    stakeholder = Stakeholder.objects.get(organisation=organisation)
    assert response.status_code == 302 and response.url == stakeholder.get_absolute_url()
    assert stakeholder.database == sh.database and stakeholder.category == "education"
    assert stakeholder.owner == world.owner_person and stakeholder.contact_every_days == 120
    assert stakeholder.contact_due_on == days_ago(0)
    # An organisation already a stakeholder is not offered again.
    response = client.post(
        reverse("stakeholders:stakeholder_create", args=[sh.database.pk]),
        {"organisation": sh.batca_org.pk, "category": "other"},
    )
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert Stakeholder.objects.filter(organisation=sh.batca_org).count() == 1


def test_steward_adds_a_contact(client, sh):
    response = _as(client, sh.steward).post(
        reverse("stakeholders:contact_create", args=[sh.database.pk]),
        {
            "name": "Pat Partner",
            "kind": "resident",
            "email": "Pat.Partner@Example.org",
            "phone": "020 7946 0999",
            "source": "Wandsworth ward panel list 2026",
            "from_third_party": "on",
            "by_email": "on",
        },
    )
    contact = Contact.objects.get(name="Pat Partner")
    assert response.status_code == 302 and response.url == contact.get_absolute_url()
    assert contact.database == sh.database and contact.email == "pat.partner@example.org"
    assert contact.by_email and not contact.by_phone
    assert contact.notice_due_on == days_ago(-30)


def test_a_role_is_added_with_a_new_contact(client, sh):
    url = reverse("stakeholders:role_create", args=[sh.batca.pk])
    c = _as(client, sh.steward)
    response = c.post(
        url,
        {
            "title": "Treasurer",
            "new_name": "Alex Notreal",
            "new_email": "Alex@Example.org",
            "new_phone": "020 7946 0777",
        },
    )
    assert response.status_code == 302 and response.url == sh.batca.get_absolute_url()
    role = Role.objects.get(stakeholder=sh.batca, title="Treasurer")
    assert role.contact.name == "Alex Notreal" and role.contact.database == sh.database
    assert role.contact.email == "alex@example.org" and role.contact.phone == "020 7946 0777"
    # A chosen contact and a new one at once is refused, and adds no one.
    contacts = Contact.objects.count()
    response = c.post(url, {"title": "Secretary", "contact": sh.chair.pk, "new_name": "Casey"})
    assert response.status_code == 200 and "not both" in response.content.decode()
    assert Contact.objects.count() == contacts
    assert not Role.objects.filter(title="Secretary").exists()
    html = _html(c.get(sh.batca.get_absolute_url()))
    assert "Treasurer" in html and "Alex Notreal" in html


def test_a_role_is_handed_to_a_new_contact_through_its_edit_form(client, sh):
    """The chair changes: the role stays, the new chair is named on its edit form."""
    url = reverse("stakeholders:role_edit", args=[sh.chair_role.pk])
    c = _as(client, sh.steward)
    data = _form_data(c.get(url).context["form"])
    data.pop("contact")
    data.update(new_name="Jordan Example", new_email="jordan@example.org")
    response = c.post(url, data)
    assert response.status_code == 302, _refusal(response)
    role = Role.objects.get(pk=sh.chair_role.pk)
    assert role.title == "Chair" and role.contact.name == "Jordan Example"
    assert Contact.objects.filter(name="Jordan Example").count() == 1


def test_a_refused_role_edit_adds_no_new_contact(client, sh):
    """Someone else renamed the role while the form was open: the edit is refused as a
    conflict, and the new holder named on it is not added as a contact either."""
    url = reverse("stakeholders:role_edit", args=[sh.chair_role.pk])
    c = _as(client, sh.steward)
    data = _form_data(c.get(url).context["form"])
    services.stakeholder_role_update(actor=sh.steward, role=sh.chair_role, title="Co-chair")
    data.pop("contact")
    data.update(new_name="Jordan Example", new_email="jordan@example.org")
    response = c.post(url, data)
    assert response.status_code == 200 and "Someone else" in response.content.decode()
    assert Role.objects.get(pk=sh.chair_role.pk).contact == sh.chair
    assert not Contact.objects.filter(name="Jordan Example").exists()


def test_a_changed_email_on_the_edit_form_clears_the_bounce(client, sh):
    services.contact_update(actor=sh.steward, contact=sh.chair, email_bounced_on=days_ago(3))
    url = reverse("stakeholders:contact_edit", args=[sh.chair.pk])
    c = _as(client, sh.steward)
    data = _form_data(c.get(url).context["form"])
    assert data["email_bounced_on"] == days_ago(3).isoformat()
    data["email"] = "sam@example.net"
    response = c.post(url, data)
    assert response.status_code == 302, _refusal(response)
    chair = Contact.objects.get(pk=sh.chair.pk)
    assert chair.email == "sam@example.net"
    assert chair.email_bounced_on is None


def test_an_interaction_is_logged_through_the_form(client, world, sh):
    response = _as(client, sh.owner).post(
        reverse("stakeholders:interaction_create", args=[sh.batca.pk]),
        {
            "kind": "meeting",
            "date": days_ago(3).isoformat(),
            "summary": "Planning meeting with the chair",
            "issues": "Parking",
            "contacts": [sh.chair.pk],
            "staff": [world.owner_person.pk],
        },
    )
    interaction = Interaction.objects.get()
    assert response.status_code == 302 and response.url == interaction.get_absolute_url()
    assert interaction.stakeholder == sh.batca and interaction.recorded_by == sh.owner
    assert list(interaction.contacts.all()) == [sh.chair]
    assert list(interaction.staff.all()) == [world.owner_person]
    assert Stakeholder.objects.get(pk=sh.batca.pk).last_contact_on == days_ago(3)
    assert Contact.objects.get(pk=sh.chair.pk).last_interaction_on == days_ago(3)
    html = _html(client.get(interaction.get_absolute_url()))
    assert "Planning meeting with the chair" in html and "Sam Madeup" in html


def test_an_interaction_with_a_contact_is_logged_from_their_page(client, sh):
    response = _as(client, sh.steward).post(
        reverse("stakeholders:contact_interaction_create", args=[sh.officer.pk]),
        {
            "kind": "call",
            "date": days_ago(1).isoformat(),
            "summary": "Called about the Deaf link",
            "contacts": [sh.officer.pk],
        },
    )
    assert response.status_code == 302
    interaction = Interaction.objects.get()
    assert interaction.stakeholder is None and list(interaction.contacts.all()) == [sh.officer]
    assert Contact.objects.get(pk=sh.officer.pk).last_interaction_on == days_ago(1)


def test_a_follow_up_is_added_and_marked_done(client, world, sh):
    interaction = _log(sh, days=2)
    c = _as(client, sh.owner)
    response = c.post(
        reverse("stakeholders:follow_up_create", args=[interaction.pk]),
        {
            "title": "Send the minutes",
            "due_on": days_ago(-7).isoformat(),
            "owner": world.owner_person.pk,
        },
    )
    assert response.status_code == 302 and response.url == interaction.get_absolute_url()
    follow_up = FollowUp.objects.get()
    assert follow_up.owner == world.owner_person and not follow_up.done
    html = _html(c.get(interaction.get_absolute_url()))
    assert "Send the minutes" in html and "Mark done" in html
    # A member reads it but does not close it.
    member = _as(client, sh.member)
    assert "Mark done" not in _html(member.get(interaction.get_absolute_url()))
    done = reverse("stakeholders:follow_up_done", args=[follow_up.pk])
    assert member.post(done).status_code == 403
    assert not FollowUp.objects.get(pk=follow_up.pk).done
    response = _as(client, sh.owner).post(done)
    assert response.status_code == 302
    assert FollowUp.objects.get(pk=follow_up.pk).done
    html = _html(client.get(interaction.get_absolute_url()))
    assert 'govuk-tag--green">Done' in html and "Mark done" not in html


def test_a_follow_up_without_an_owner_is_a_form_error(client, sh):
    interaction = _log(sh, days=2)
    response = _as(client, sh.steward).post(
        reverse("stakeholders:follow_up_create", args=[interaction.pk]),
        {"title": "Nobody's", "due_on": days_ago(-7).isoformat()},
    )
    assert response.status_code == 200 and "Say who owns the follow-up" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_consent_without_its_details_is_a_form_error_and_changes_nothing(client, sh):
    url = reverse("stakeholders:basis_set", args=[sh.chair.pk])
    c = _as(client, sh.steward)
    response = c.post(
        url,
        {"purpose": sh.newsletter.pk, "kind": "consent", "consent_source": "At the ward panel"},
    )
    html = _html(response)
    assert "govuk-error-summary" in html and "Consent needs this" in html
    assert not Basis.objects.exists()
    response = c.post(
        url,
        {
            "purpose": sh.newsletter.pk,
            "kind": "consent",
            "consent_on": days_ago(1).isoformat(),
            "consent_source": "At the ward panel",
            "consent_wording": "Send me the newsletter",
        },
    )
    assert response.status_code == 302 and response.url == sh.chair.get_absolute_url()
    basis = Basis.objects.get()
    assert basis.kind == "consent" and basis.consent_on == days_ago(1)


# --- The directory ---------------------------------------------------------------------------


def test_organisation_page_shows_it_as_a_stakeholder_with_the_last_contact(client, sh):
    _log(sh, days=3)
    last = days_ago(3)
    url = reverse("directory:organisation", args=[sh.batca_org.pk])
    for reader in (sh.member, sh.owner, sh.steward):
        html = _html(_as(client, reader).get(url))
        assert "As a stakeholder" in html
        assert f"{last.day} {last:%b %Y}" in html
        assert sh.batca.get_absolute_url() in html and "Owen Owner" in html
    html = _html(_as(client, sh.outsider).get(url))
    assert "As a stakeholder" not in html
    # An organisation that is no one's stakeholder has no such section.
    html = _html(
        _as(client, sh.member).get(reverse("directory:organisation", args=[make_org().pk]))
    )
    assert "As a stakeholder" not in html
