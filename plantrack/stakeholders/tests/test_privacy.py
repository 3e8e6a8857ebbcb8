"""Erasure, anonymisation, retention and subject access: the data-protection rules."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from plantrack.core.tests.factories import build_world, make_org, make_user
from plantrack.directory.models import Membership
from plantrack.engagement import services as engagement
from plantrack.stakeholders import mentions, privacy, services, subject_access
from plantrack.stakeholders.models import (
    AccessLog,
    Contact,
    DatabaseRole,
    Erasure,
    Interaction,
    Role,
    SubjectAccessRequest,
)

pytestmark = pytest.mark.django_db

NAME = "Priya Erasable"
EMAIL = "priya.erasable@example.org"
PHONE = "020 7946 0999"


def every_value_holding(*needles: str) -> list[tuple[str, str]]:
    """(table, value) for every value in every table of the database — history tables, the
    audit log, task results and all — that holds one of the needles, ignoring case."""
    found = []
    lowered = [n.lower() for n in needles]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    text = value.decode(errors="ignore") if isinstance(value, bytes) else str(value)
                    if any(n in text.lower() for n in lowered):
                        found.append((table, text[:120]))
    return found


@pytest.fixture
def world():
    w = build_world()
    database = services.database_create(actor=w.manager, organisation=w.force)
    partner = make_org("Balham Residents' Association")
    stakeholder = services.stakeholder_create(
        actor=w.manager,
        database=database,
        organisation=partner,
        owner=w.owner_person,
        notes=f"Met {NAME} at the ward panel",
    )
    contact = services.contact_create(
        actor=w.manager,
        database=database,
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        address="1 Example Road",
        notes="Prefers evening calls",
        kind="representative",
    )
    # A change, so the contact's audit history holds more than one row.
    services.contact_update(actor=w.manager, contact=contact, phone=PHONE, notes="Chair since 2025")
    role = services.stakeholder_role_create(
        actor=w.manager, stakeholder=stakeholder, title="Chair", contact=contact
    )
    interaction = services.interaction_log(
        actor=w.manager,
        database=database,
        stakeholder=stakeholder,
        date=dt.date(2026, 5, 1),
        summary=f"{NAME} raised parking; write to {EMAIL}.",
        issues=f"Call back on {PHONE}",
        contacts=[contact],
    )
    services.interaction_update(
        actor=w.manager, interaction=interaction, summary=f"{NAME} raised parking again."
    )
    staff_follow_up = services.interaction_follow_up_add(
        actor=w.manager,
        interaction=interaction,
        title=f"Send {NAME} the minutes",
        due_on=dt.date(2026, 6, 1),
        owner=w.owner_person,
    )
    done = services.interaction_follow_up_add(
        actor=w.manager,
        interaction=interaction,
        title="Circulate the survey",
        due_on=dt.date(2026, 5, 20),
        contact=contact,
    )
    services.interaction_follow_up_update(actor=w.manager, follow_up=done, done=True)
    purpose = database.purposes.get(name="Newsletter")
    services.lawful_basis_set(
        actor=w.manager,
        contact=contact,
        purpose=purpose,
        kind="consent",
        consent_on=dt.date(2026, 1, 5),
        consent_source=f"Form signed by {NAME}",
        consent_wording="Send me the newsletter",
    )
    newsletter = services.contact_list_create(actor=w.manager, database=database, name="News")
    services.contact_list_members_set(actor=w.manager, list_=newsletter, contacts=[contact])
    register = engagement.register_create(actor=w.manager, organisation=w.force, title="Reg")
    activity = engagement.activity_create(
        actor=w.manager,
        register=register,
        title="Ward panel",
        description=f"Chaired by {NAME}",
    )
    engagement.activity_update_post(
        actor=w.manager,
        activity=activity,
        date=dt.date(2026, 5, 2),
        rag="green",
        narrative=f"Contact number {PHONE} for the venue",
    )
    services.personal_data_read(actor=w.manager, contact=contact, how="page")
    case = privacy.subject_access_request_open(
        actor=w.manager, contact=contact, received_on=dt.date(2026, 5, 3)
    )
    w.database, w.stakeholder, w.contact, w.role = database, stakeholder, contact, role
    w.interaction, w.activity, w.case = interaction, activity, case
    w.staff_follow_up = staff_follow_up
    return w


def test_erasure_leaves_nothing_about_the_person_in_any_table(world):
    assert every_value_holding(NAME, EMAIL, PHONE), "the scenario must name the person"

    erasure = privacy.contact_erase(actor=world.manager, contact=world.contact)

    assert every_value_holding(NAME, EMAIL, PHONE) == []
    assert not Contact.objects.filter(pk=world.contact.pk).exists()
    # The organisation's history stays; the role is vacant, the case names no one.
    assert Interaction.objects.filter(pk=world.interaction.pk).exists()
    assert Role.objects.get(pk=world.role.pk).contact is None
    assert SubjectAccessRequest.objects.get(pk=world.case.pk).contact is None
    # The log holds the number only, and what was removed.
    assert erasure.contact_id == world.contact.pk
    assert erasure.rows["stakeholders_contact"] == 1
    assert erasure.rows["stakeholders_historicalcontact"] >= 2
    assert erasure.reason == Erasure.Reason.REQUEST


def test_erasure_moves_the_database_version_so_cached_pages_are_not_served(world):
    before = type(world.database).objects.get(pk=world.database.pk).version
    privacy.contact_erase(actor=world.manager, contact=world.contact)
    assert type(world.database).objects.get(pk=world.database.pk).version > before


def test_erasure_asks_for_a_new_owner_of_an_open_follow_up_first(world):
    alone = services.interaction_follow_up_add(
        actor=world.manager,
        interaction=world.interaction,
        title="Bring the petition",
        due_on=dt.date(2026, 7, 1),
        contact=world.contact,
    )
    with pytest.raises(ValidationError, match="new owner"):
        privacy.contact_erase(actor=world.manager, contact=world.contact)
    assert Contact.objects.filter(pk=world.contact.pk).exists()
    assert not Erasure.objects.exists()

    services.interaction_follow_up_update(
        actor=world.manager, follow_up=alone, owner=world.owner_person, contact=None
    )
    privacy.contact_erase(actor=world.manager, contact=world.contact)
    assert every_value_holding(NAME, EMAIL, PHONE) == []


def test_only_data_stewards_erase(world):
    manager_only = make_user("contactmanager")
    services.database_role_add(
        actor=world.manager, database=world.database, user=manager_only, role="contact_manager"
    )
    for user in (manager_only, world.owner, make_user("admin", is_superuser=True)):
        with pytest.raises(PermissionDenied):
            privacy.contact_erase(actor=user, contact=world.contact)
    assert Contact.objects.filter(pk=world.contact.pk).exists()


def test_subject_access_export_holds_every_place_the_person_appears(world):
    data = subject_access.collect(world.contact)
    text = json.dumps(data)

    assert data["contact"]["email"] == EMAIL and data["contact"]["phone"] == PHONE
    assert data["roles"] == [
        {"role": "Chair", "organisation": "Balham Residents' Association", "since": None}
    ]
    assert [b["purpose"] for b in data["lawful_bases"]] == ["Newsletter"]
    assert data["lists"] == ["News"]
    assert [i["id"] for i in data["interactions"]] == [world.interaction.pk]
    assert [f["title"] for f in data["follow_ups_owned"]] == ["Circulate the survey"]
    where = {(m["record"], m["field"]) for m in data["mentions"]}
    assert where >= {
        ("stakeholders.Interaction", "summary"),
        ("stakeholders.Interaction", "issues"),
        ("stakeholders.FollowUp", "title"),
        ("stakeholders.Stakeholder", "notes"),
        ("engagement.Activity", "description"),
        ("engagement.ActivityUpdate", "narrative"),
    }
    # The first summary, since changed, is in the audit history: the export shows it.
    assert "raised parking; write to" in text
    assert len(data["history_of_their_record"]) >= 2
    assert [r["how"] for r in data["who_read_their_details"]] == ["Contact page"]
    # The readable export opens, one sheet per section.
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(subject_access.as_xlsx(data)))
    assert {"About", "Contact", "Interactions", "Mentions"} <= set(book.sheetnames)


def test_subject_access_export_view_is_for_stewards_and_logged(world, client):
    url = reverse("stakeholders:subject_access_export", args=[world.contact.pk, "json"])
    client.force_login(world.manager)
    response = client.get(url)
    assert response.status_code == 200
    assert json.loads(response.content)["contact"]["name"] == NAME
    assert AccessLog.objects.filter(contact_id=world.contact.pk, how="sar").count() == 1

    manager_only = make_user("contactmanager")
    services.database_role_add(
        actor=world.manager, database=world.database, user=manager_only, role="contact_manager"
    )
    client.force_login(manager_only)
    assert client.get(url).status_code == 403
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    assert AccessLog.objects.filter(contact_id=world.contact.pk, how="sar").count() == 1


def test_a_request_is_due_one_calendar_month_after_receipt(world):
    case = privacy.subject_access_request_open(
        actor=world.manager, contact=world.contact, received_on=dt.date(2027, 1, 31)
    )
    assert case.due_on == dt.date(2027, 2, 28)
    assert world.case.due_on == dt.date(2026, 6, 3)


def _idle(contact: Contact, last: dt.date) -> None:
    Contact.objects.filter(pk=contact.pk).update(
        created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        last_interaction_on=last,
        verified_on=None,
    )
    from plantrack.stakeholders import retention

    retention.schedule_ids([contact.pk])


def test_retention_puts_idle_contacts_up_for_review_then_anonymises_them(world):
    Interaction.objects.filter(pk=world.interaction.pk).update(date=dt.date(2022, 1, 10))
    _idle(world.contact, dt.date(2022, 1, 10))
    contact = Contact.objects.get(pk=world.contact.pk)
    assert contact.review_from == dt.date(2025, 1, 10)  # a representative: 36 months

    report = privacy.retention_run(on=dt.date(2026, 12, 1))
    contact.refresh_from_db()
    assert (report.put_up_for_review, report.anonymised) == (1, 0)
    assert contact.state == Contact.State.REVIEW
    assert contact.anonymise_on == dt.date(2026, 12, 31)

    assert privacy.retention_run(on=dt.date(2026, 12, 30)).anonymised == 0
    report = privacy.retention_run(on=dt.date(2026, 12, 31))
    contact.refresh_from_db()
    assert report.anonymised == 1
    assert contact.is_anonymised and contact.name == privacy.ANONYMISED_NAME
    assert every_value_holding(NAME, EMAIL, PHONE) == []
    # The organisation-level history stays, with an anonymised participant.
    assert list(Interaction.objects.filter(stakeholder=world.stakeholder)) == [world.interaction]
    assert Erasure.objects.get(contact_id=contact.pk).reason == Erasure.Reason.RETENTION


SECOND = "Tomasz Batchable"


def _second_contact(world) -> tuple[Contact, Interaction]:
    """Another contact at another organisation, whose interaction names both people, and an
    engagement activity (in both their places: the database's register) naming both."""
    elsewhere = services.stakeholder_create(
        actor=world.manager, database=world.database, organisation=make_org("Tooting Youth Club")
    )
    other = services.contact_create(
        actor=world.manager, database=world.database, name=SECOND, kind="representative"
    )
    theirs = services.interaction_log(
        actor=world.manager,
        database=world.database,
        stakeholder=elsewhere,
        date=dt.date(2026, 5, 6),
        summary=f"{SECOND} asked whether {NAME} would join.",
        contacts=[other],
    )
    engagement.activity_update(
        actor=world.manager,
        activity=world.activity,
        description=f"Chaired by {NAME}, minutes by {SECOND}",
    )
    return other, theirs


def test_a_batch_finds_for_each_contact_what_a_search_of_them_alone_finds(world):
    other, theirs = _second_contact(world)
    contacts = list(Contact.objects.filter(pk__in=[world.contact.pk, other.pk]))
    together = mentions.find_many(contacts)
    for contact in contacts:
        assert together[contact.pk] == list(mentions.find(contact))
    # Their interaction names Priya, but is not in her places (she took no part, and held no
    # role there): the batch keeps to each contact's own places, as the search of one does.
    assert not any(m.pk == theirs.pk for m in together[world.contact.pk] if m.model is Interaction)
    assert any(m.pk == theirs.pk for m in together[other.pk] if m.model is Interaction)


def test_many_interactions_are_searched_by_a_subquery_with_the_same_result(world, monkeypatch):
    other, _ = _second_contact(world)
    contacts = list(Contact.objects.filter(pk__in=[world.contact.pk, other.pk]))
    as_list = mentions.find_many(contacts)
    monkeypatch.setattr(mentions.Scope, "MANY", 0)
    assert not isinstance(mentions.Scope(contacts).interactions, list)
    assert mentions.find_many(contacts) == as_list
    assert as_list[world.contact.pk] and as_list[other.pk]


def test_the_nightly_run_anonymises_a_batch_and_a_text_naming_two_loses_both(world):
    other, _ = _second_contact(world)
    Interaction.objects.update(date=dt.date(2022, 1, 10))
    for contact in (world.contact, other):
        _idle(contact, dt.date(2022, 1, 10))
    privacy.retention_run(on=dt.date(2026, 12, 1))
    report = privacy.retention_run(on=dt.date(2026, 12, 31))
    assert report.anonymised == 2
    description = type(world.activity).objects.get(pk=world.activity.pk).description
    assert description == f"Chaired by {mentions.REDACTED}, minutes by {mentions.REDACTED}"
    assert every_value_holding(EMAIL, PHONE, SECOND) == []
    # Left only where a search of her alone does not look (the other's interaction, above).
    left = {table for table, _ in every_value_holding(NAME)}
    assert left == {"stakeholders_interaction", "stakeholders_historicalinteraction"}
    logs = Erasure.objects.filter(reason=Erasure.Reason.RETENTION)
    assert {e.contact_id for e in logs} == {world.contact.pk, other.pk}
    assert all(e.rows.get("engagement_activity") for e in logs)


def test_a_steward_keeps_a_contact_under_review_with_a_reason(world):
    _idle(world.contact, dt.date(2022, 1, 10))
    Interaction.objects.filter(pk=world.interaction.pk).update(date=dt.date(2022, 1, 10))
    privacy.retention_run(on=dt.date(2026, 12, 1))
    contact = Contact.objects.get(pk=world.contact.pk)
    with pytest.raises(ValidationError):
        privacy.retention_keep(actor=world.manager, contact=contact, reason=" ")
    privacy.retention_keep(actor=world.manager, contact=contact, reason="Still chair")
    contact.refresh_from_db()
    assert contact.state == Contact.State.ACTIVE and contact.kept_reason == "Still chair"
    assert contact.review_from > dt.date(2026, 12, 1)
    assert privacy.retention_run(on=dt.date(2027, 1, 31)).anonymised == 0


def test_a_shorter_retention_period_reschedules_that_kind(world):
    _idle(world.contact, dt.date(2025, 6, 1))
    privacy.retention_rule_set(
        actor=world.manager,
        database=world.database,
        kind="representative",
        months=6,
        warning_days=10,
    )
    assert Contact.objects.get(pk=world.contact.pk).review_from == dt.date(2025, 12, 1)


def test_erasure_is_applied_again_after_a_restore(world):
    privacy.contact_erase(actor=world.manager, contact=world.contact)
    entries = [{"contact_id": e.contact_id, "reason": e.reason} for e in Erasure.objects.all()]
    # A restore from last night's backup brings the row back.
    Contact.objects.create(
        pk=world.contact.pk, database=world.database, name=NAME, email=EMAIL, phone=PHONE
    )
    done = privacy.reapply(entries=entries)
    assert done.erased == 1
    assert not Contact.objects.filter(pk=world.contact.pk).exists()
    assert every_value_holding(NAME, EMAIL, PHONE) == []


def test_the_erasure_command_exports_and_reapplies(world, tmp_path):
    from django.core.management import call_command

    privacy.contact_erase(actor=world.manager, contact=world.contact)
    path = tmp_path / "erasures.json"
    call_command("stakeholder_erasures", export=str(path))
    assert NAME not in path.read_text() and EMAIL not in path.read_text()
    Contact.objects.create(pk=world.contact.pk, database=world.database, name=NAME)
    call_command("stakeholder_erasures", reapply=str(path))
    assert not Contact.objects.filter(pk=world.contact.pk).exists()


def test_a_short_name_is_not_redacted_from_other_records(world):
    short = services.contact_create(actor=world.manager, database=world.database, name="Sam")
    services.interaction_log(
        actor=world.manager,
        database=world.database,
        stakeholder=world.stakeholder,
        date=dt.date(2026, 5, 5),
        summary="Sam from the council and Samantha from the school attended.",
        contacts=[short],
    )
    privacy.contact_erase(actor=world.manager, contact=short)
    assert Interaction.objects.filter(summary__contains="Samantha").exists()


def test_the_nightly_command_runs_retention(world):
    from io import StringIO

    from django.core.management import call_command

    _idle(world.contact, dt.date(2022, 1, 10))
    Interaction.objects.filter(pk=world.interaction.pk).update(date=dt.date(2022, 1, 10))
    out = StringIO()
    call_command("stakeholder_retention", date="2026-12-01", stdout=out)
    assert "1 contact(s) put up for review" in out.getvalue()


def test_a_relationship_owner_reads_personal_fields_only_of_their_stakeholders_contacts(world):
    member = make_user("member")
    Membership.objects.create(user=member, organisation=world.force)
    with pytest.raises(PermissionDenied):
        services.personal_data_read(actor=member, contact=world.contact, how="page")
    services.personal_data_read(actor=world.owner, contact=world.contact, how="page")
    elsewhere = services.contact_create(actor=world.manager, database=world.database, name="Al B")
    with pytest.raises(PermissionDenied):
        services.personal_data_read(actor=world.owner, contact=elsewhere, how="page")
    assert AccessLog.objects.filter(user=world.owner).count() == 1
    assert DatabaseRole.objects.filter(user=world.owner).count() == 0


def test_the_edit_form_is_a_logged_read_of_personal_fields(world, client):
    client.force_login(world.manager)
    before = AccessLog.objects.filter(contact_id=world.contact.pk).count()
    response = client.get(reverse("stakeholders:contact_edit", args=[world.contact.pk]))
    assert response.status_code == 200 and EMAIL in response.content.decode()
    assert AccessLog.objects.filter(contact_id=world.contact.pk).count() == before + 1


def test_a_kind_with_no_retention_rule_still_comes_up_for_review(world):
    from plantrack.stakeholders.models import RetentionRule

    RetentionRule.objects.filter(database=world.database, kind="representative").delete()
    Interaction.objects.filter(pk=world.interaction.pk).update(date=dt.date(2022, 1, 10))
    _idle(world.contact, dt.date(2022, 1, 10))
    report = privacy.retention_run(on=dt.date(2026, 12, 1))
    assert report.put_up_for_review == 1
    assert Contact.objects.get(pk=world.contact.pk).anonymise_on == dt.date(2026, 12, 31)


def test_an_anonymised_contact_takes_no_lawful_basis(world):
    privacy.contact_anonymise(actor=world.manager, contact=world.contact, reason="steward")
    contact = Contact.objects.get(pk=world.contact.pk)
    with pytest.raises(ValidationError, match="no lawful basis"):
        services.lawful_basis_set(
            actor=world.manager,
            contact=contact,
            purpose=world.database.purposes.first(),
            kind="public_task",
        )


def test_rating_a_stakeholder_held_from_before_an_interaction_keeps_the_last_contact(world):
    """A copy read before the interaction was logged must not put the old last contact back."""
    from plantrack.stakeholders.models import Stakeholder

    stale = Stakeholder.objects.get(pk=world.stakeholder.pk)
    services.interaction_log(
        actor=world.manager,
        database=world.database,
        stakeholder=world.stakeholder,
        date=dt.date(2026, 11, 30),
        summary="Another meeting",
    )
    services.stakeholder_rate(
        actor=world.manager,
        stakeholder=stale,
        influence=3,
        interest=3,
        rated_on=dt.date(2026, 12, 1),
    )
    services.stakeholder_update(actor=world.manager, stakeholder=stale, notes="Close partner")
    assert Stakeholder.objects.get(pk=stale.pk).last_contact_on == dt.date(2026, 11, 30)


def test_the_cached_timeline_shows_a_new_interaction_and_forgets_an_erased_name(
    world, client, real_cache
):
    url = reverse("stakeholders:stakeholder", args=[world.stakeholder.pk])
    client.force_login(world.manager)
    assert NAME in client.get(url).content.decode()  # cached now
    services.interaction_log(
        actor=world.manager,
        database=world.database,
        stakeholder=world.stakeholder,
        date=dt.date(2026, 5, 9),
        summary="A brand new meeting",
    )
    assert "A brand new meeting" in client.get(url).content.decode()
    privacy.contact_erase(actor=world.manager, contact=world.contact)
    assert NAME not in client.get(url).content.decode()


def test_the_cached_contacts_list_and_search_show_a_new_contact_and_forget_an_erased_one(
    world, client, real_cache
):
    url = reverse("stakeholders:contacts", args=[world.database.pk])
    client.force_login(world.manager)
    assert NAME in client.get(url).content.decode()  # cached now
    assert NAME in client.get(url, {"q": "priya"}).content.decode()
    services.contact_create(actor=world.manager, database=world.database, name="Priya Newcomer")
    assert "Priya Newcomer" in client.get(url).content.decode()
    found = client.get(url, {"q": "priya"}).content.decode()
    assert "Priya Newcomer" in found and NAME in found
    assert "Priya Newcomer" not in client.get(url, {"q": "tomasz"}).content.decode()
    privacy.contact_erase(actor=world.manager, contact=world.contact)
    assert NAME not in client.get(url).content.decode()
    assert NAME not in client.get(url, {"q": "priya"}).content.decode()
