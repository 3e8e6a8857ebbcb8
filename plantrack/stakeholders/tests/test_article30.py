"""The record of processing activities (UK GDPR art 30): its figures match what the database
holds, only data stewards open it (403 to others who see the database, 404 to those who do
not), it downloads as xlsx and JSON, and it costs the same queries for 3 contacts and 40."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from plantrack.core.tests.factories import make_org, make_user
from plantrack.directory.models import Area, Membership
from plantrack.directory.selectors import forget_organisation_ids
from plantrack.engagement.models import Community, OrganisationCommunity
from plantrack.stakeholders import article30, privacy, services
from plantrack.stakeholders.models import (
    AccessLog,
    Basis,
    Contact,
    DatabaseRole,
    Erasure,
    RetentionRule,
)
from plantrack.stakeholders.tests.conftest import days_ago

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ward() -> Area:
    return Area.objects.get_or_create(name="Tooting", parent=None, defaults={"level": "ward"})[0]


def _read(sh, contact: Contact, how: str, *, days: int = 0) -> AccessLog:
    entry = AccessLog.objects.create(
        database=sh.database, contact_id=contact.pk, user=sh.steward, how=how
    )
    if days:
        AccessLog.objects.filter(pk=entry.pk).update(at=timezone.now() - dt.timedelta(days=days))
    return entry


@pytest.fixture
def held(sh):
    """The personas' database with something in every section of the record:
    - the chair (representative: name, email, phone, address) held for community engagement on
      public task, and for the newsletter on consent, since withdrawn;
    - the officer (professional: name, email, phone) for community engagement on legitimate
      interests;
    - a resident with notes and an area, on the newsletter by consent, from another
      organisation's list and given the privacy notice;
    - a business contact with no lawful basis, from another list, owed the notice;
    - an elected member under retention review, one resident anonymised and one erased.
    """
    steward = sh.steward
    ward = _ward()
    services.lawful_basis_set(
        actor=steward, contact=sh.chair, purpose=sh.community, kind="public_task"
    )
    consent = dict(
        kind="consent",
        consent_on=days_ago(100),
        consent_source="Sign-up sheet",
        consent_wording="Send me the newsletter",
    )
    chair_news = services.lawful_basis_set(
        actor=steward, contact=sh.chair, purpose=sh.newsletter, **consent
    )
    services.consent_withdraw(actor=steward, basis=chair_news, on=days_ago(5))
    services.lawful_basis_set(
        actor=steward, contact=sh.officer, purpose=sh.community, kind="legitimate"
    )
    resident = services.contact_create(
        actor=steward,
        database=sh.database,
        name="Robin Resident",
        kind="resident",
        notes="Prefers evening meetings",
        areas=[ward],
        from_third_party=True,
    )
    services.lawful_basis_set(actor=steward, contact=resident, purpose=sh.newsletter, **consent)
    notice = services.privacy_notice_create(
        actor=steward,
        database=sh.database,
        version="v1",
        published_on=days_ago(200),
        text="How we use your details.",
        url="https://example.org/privacy",
    )
    services.privacy_notice_create(
        actor=steward, database=sh.database, version="v2", published_on=days_ago(10), text="New."
    )
    services.privacy_notice_given(actor=steward, contacts=[resident], notice=notice, on=days_ago(3))
    business = services.contact_create(
        actor=steward,
        database=sh.database,
        name="Blake Business",
        kind="business",
        from_third_party=True,
        received_on=days_ago(40),
    )
    elected = services.contact_create(
        actor=steward, database=sh.database, name="Ellis Elected", kind="elected"
    )
    Contact.objects.filter(pk=elected.pk).update(state=Contact.State.REVIEW)
    gone = services.contact_create(
        actor=steward, database=sh.database, name="Ashley Anonymous", kind="resident"
    )
    privacy.contact_anonymise(actor=steward, contact=gone, reason=Erasure.Reason.STEWARD)
    erased = services.contact_create(
        actor=steward, database=sh.database, name="Eden Erased", kind="other"
    )
    case = privacy.subject_access_request_open(
        actor=steward, contact=erased, received_on=days_ago(50)
    )
    privacy.subject_access_request_close(
        actor=steward, case=case, status="answered", on=days_ago(5)
    )
    privacy.contact_erase(actor=steward, contact=erased)
    # An older request, and one open and overdue.
    old = privacy.subject_access_request_open(
        actor=steward, contact=sh.chair, received_on=days_ago(500)
    )
    privacy.subject_access_request_close(actor=steward, case=old, status="closed", on=days_ago(480))
    privacy.subject_access_request_open(actor=steward, contact=sh.officer, received_on=days_ago(40))
    # Reads: two pages, an export, a subject-access export; one read too old to count, and one
    # by someone who has since lost every role.
    _read(sh, sh.chair, AccessLog.How.PAGE)
    _read(sh, sh.officer, AccessLog.How.PAGE)
    _read(sh, resident, AccessLog.How.EXPORT)
    _read(sh, sh.chair, AccessLog.How.SUBJECT_ACCESS)
    _read(sh, sh.chair, AccessLog.How.PAGE, days=400)
    former = make_user("former")
    AccessLog.objects.create(
        database=sh.database, contact_id=sh.chair.pk, user=former, how=AccessLog.How.PAGE
    )
    youth = Community.objects.create(name="Young people 14–25")
    elders = Community.objects.create(name="Older residents")
    OrganisationCommunity.objects.create(organisation=sh.batca_org, community=youth)
    OrganisationCommunity.objects.create(organisation=sh.batca_org, community=elders)
    return {"resident": resident, "business": business, "elected": elected, "notice": notice}


# --- The figures ----------------------------------------------------------------------------


def test_the_controller_and_purposes(sh, held):
    record = article30.build(sh.database)
    assert record.controller.organisation == "Barnet Police"
    assert record.controller.dpo_contact == "DPO, Barnet Police"
    community, newsletter = record.purposes
    assert community.name == "Community engagement"
    assert community.default_basis == "public_task"
    assert [(b.kind, b.contacts, b.is_default) for b in community.bases] == [
        ("public_task", 1, True),
        ("legitimate", 1, False),
    ]
    assert (community.contacts, community.in_force, community.consent.given) == (2, 2, 0)
    assert [(s.kind, s.contacts) for s in community.subjects] == [
        ("professional", 1),
        ("representative", 1),
    ]
    assert {d.field: d.contacts for d in community.data} == {
        "name": 2,
        "email": 2,
        "phone": 2,
        "address": 1,
    }
    assert newsletter.default_basis == "consent"
    assert [(b.kind, b.contacts, b.is_default) for b in newsletter.bases] == [("consent", 2, True)]
    assert (newsletter.consent.given, newsletter.consent.withdrawn) == (2, 1)
    assert newsletter.in_force == 1
    # The chair withdrew: only the resident is held for the newsletter.
    assert [(s.kind, s.contacts) for s in newsletter.subjects] == [("resident", 1)]
    assert {d.field: d.contacts for d in newsletter.data} == {"name": 1, "notes": 1, "areas": 1}
    assert {(b.kind, b.contacts) for b in record.bases} == {
        ("public_task", 1),
        ("legitimate", 1),
        ("consent", 2),
    }
    assert (record.consent.given, record.consent.withdrawn) == (2, 1)


def test_subjects_data_and_retention(sh, held):
    record = article30.build(sh.database)
    # chair, officer, resident, business, elected; the anonymised one is not held.
    assert record.contacts_held == 5
    # The business contact has no basis at all; the elected member neither.
    assert record.contacts_without_basis == 2
    assert {s.kind: (s.held, s.under_review, s.anonymised) for s in record.subjects} == {
        "representative": (1, 0, 0),
        "professional": (1, 0, 0),
        "resident": (1, 0, 1),
        "business": (1, 0, 0),
        "elected": (1, 1, 0),
    }
    assert {d.field: d.contacts for d in record.data} == {
        "name": 5,
        "email": 2,
        "phone": 2,
        "address": 1,
        "notes": 1,
        "areas": 1,
    }
    assert "No special-category data" in record.special_category
    assert (record.communities_organisations, record.communities) == (1, 2)
    assert record.transfers.startswith("None.")
    rules = {r.kind: (r.months, r.warning_days, r.held, r.under_review) for r in record.retention}
    assert rules["resident"] == (24, 30, 1, 0)
    assert rules["elected"] == (48, 30, 1, 1)
    assert rules["other"] == (24, 30, 0, 0)
    assert (record.contacts_under_review, record.contacts_anonymised) == (1, 1)


def test_a_kind_with_no_retention_rule_is_shown_without_a_period(sh, held):
    RetentionRule.objects.filter(database=sh.database, kind="business").delete()
    row = next(r for r in article30.build(sh.database).retention if r.kind == "business")
    assert (row.months, row.warning_days, row.held) == (None, None, 1)


def test_recipients(sh, held):
    recipients = article30.build(sh.database).recipients
    assert {r.role: r.users for r in recipients.roles} == {
        "contact_manager": 1,
        "data_steward": 1,
    }
    assert (recipients.stakeholders, recipients.stakeholders_with_owner) == (2, 1)
    assert (recipients.relationship_owners, recipients.relationship_owners_signing_in) == (1, 1)
    # The manager and the viewer (members of the force), the owner (a relationship owner) and
    # the site admin; not the outsider nor the former reader.
    assert (recipients.can_open, recipients.members, recipients.site_admins) == (4, 2, 1)
    assert {r.how: (r.reads, r.readers) for r in recipients.reads} == {
        "page": (3, 2),
        "export": (1, 1),
        "sar": (1, 1),
    }
    assert (recipients.reads_total, recipients.readers_total) == (5, 2)
    assert recipients.readers_without_role == 1


def test_members_of_the_organisations_above_can_open_it(sh):
    """A member of an organisation sees the databases of every unit beneath it: the record
    counts them, however deep the tree (five levels a query)."""
    chain = [make_org(f"Level {n}") for n in range(7)]
    for child, parent in itertools.pairwise(chain):
        child.parent = parent
        child.save()
    sh.database.organisation.parent = chain[0]
    sh.database.organisation.save()
    top_member = make_user("top")
    Membership.objects.create(user=top_member, organisation=chain[-1])
    forget_organisation_ids(top_member)
    assert article30._organisation_and_above(sh.database.organisation) == {
        sh.database.organisation.pk,
        *(o.pk for o in chain),
    }
    assert article30.build(sh.database).recipients.members == 3


def test_notices_requests_and_erasures(sh, held):
    record = article30.build(sh.database)
    assert [(n.version, n.contacts) for n in record.notices.versions] == [("v2", 0), ("v1", 1)]
    # All but the resident were given none; the business contact is owed one, overdue.
    assert record.notices.contacts_given_none == 4
    assert (record.notices.owed, record.notices.overdue) == (1, 1)
    requests = record.requests
    # The older request (500 days ago) is outside the period.
    assert (requests.received, requests.answered, requests.answered_late) == (2, 1, 1)
    assert (requests.closed_unanswered, requests.open) == (0, 1)
    assert (requests.open_now, requests.open_overdue) == (1, 1)
    assert {e.reason: e.count for e in record.erasures} == {
        "request": 1,
        "retention": 0,
        "steward": 1,
    }
    assert record.erasures_total == 2


def test_an_answer_on_its_due_day_is_not_late(sh):
    case = privacy.subject_access_request_open(
        actor=sh.steward, contact=sh.chair, received_on=days_ago(40)
    )
    privacy.subject_access_request_close(
        actor=sh.steward, case=case, status="answered", on=case.due_on
    )
    assert article30.build(sh.database).requests.answered_late == 0


def test_security_measures_state_what_the_code_does(sh, held):
    measures = {m.name: m.detail for m in article30.build(sh.database).security}
    assert "email, phone, address and notes" in measures["Need to know"]
    assert "5 read(s)" in measures["Access log"]
    assert "contacts" in measures["Audit history"]
    assert "lawful bases" not in measures["Audit history"]  # their label is "bases"
    assert "bases" in measures["Audit history"]
    assert "2 erasure(s)" in measures["Erasure and anonymisation reach the history"]
    # Tests run with development settings.
    assert "do not require HTTPS" in measures["Encryption in transit"]


def test_a_withdrawn_basis_set_again_is_in_force(sh):
    basis = services.lawful_basis_set(
        actor=sh.steward,
        contact=sh.officer,
        purpose=sh.newsletter,
        kind="consent",
        consent_on=days_ago(9),
        consent_source="Email",
        consent_wording="Yes please",
    )
    services.consent_withdraw(actor=sh.steward, basis=basis, on=days_ago(2))
    assert article30.build(sh.database).purposes[1].in_force == 0
    services.lawful_basis_set(
        actor=sh.steward, contact=sh.officer, purpose=sh.newsletter, kind="public_task"
    )
    newsletter = article30.build(sh.database).purposes[1]
    assert newsletter.in_force == 1
    assert [(b.kind, b.is_default) for b in newsletter.bases] == [("public_task", False)]


def test_a_basis_recorded_on_an_anonymised_contact_is_not_counted(sh, held):
    """Anonymisation deletes the bases and lawful_basis_set refuses an anonymised contact; a
    basis written around the services (an old row) is still left out of the record."""
    gone = Contact.objects.get(database=sh.database, state=Contact.State.ANONYMISED)
    Basis.objects.create(contact=gone, purpose=sh.community, kind="public_task")
    community = article30.build(sh.database).purposes[0]
    assert community.contacts == 2


def test_another_database_is_not_counted(sh, held, world):
    other = services.database_create(actor=world.outsider, organisation=world.other_force)
    contact = services.contact_create(
        actor=world.outsider, database=other, name="Someone Else", email="else@example.org"
    )
    services.lawful_basis_set(
        actor=world.outsider,
        contact=contact,
        purpose=other.purposes.get(name="Community engagement"),
        kind="public_task",
    )
    AccessLog.objects.create(database=other, contact_id=contact.pk, user=world.outsider, how="page")
    record = article30.build(other)
    assert record.contacts_held == 1
    assert record.recipients.reads_total == 1
    assert record.purposes[0].contacts == 1
    assert article30.build(sh.database).contacts_held == 5


# --- The page and the export ----------------------------------------------------------------


def _url(sh, name="stakeholders:record", **kwargs):
    return reverse(name, kwargs={"pk": sh.database.pk, **kwargs})


def test_the_steward_sees_the_record(client, sh, held):
    client.force_login(sh.steward)
    response = client.get(_url(sh))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Record of processing activities",
        "DPO, Barnet Police",
        "Community engagement",
        "Legitimate interests: 1",
        "Given by 2, withdrawn by 1",
        "Transfers outside the UK",
        "None. PlanTrack makes no transfer",
        "No special-category data",
        "recorded for 1 stakeholder organisation (2 communities in all)",
        "v1",
        reverse("stakeholders:record_export", args=[sh.database.pk, "xlsx"]),
        reverse("stakeholders:record_export", args=[sh.database.pk, "json"]),
    ):
        assert text in html, text
    # Counts, never people or groups: no contact's name or details are on the page.
    for secret in (
        "Older residents",
        "Sam Madeup",
        "sam.madeup@example.org",
        "020 7946 0123",
        "Robin Resident",
    ):
        assert secret not in html
    # Reading the record is no read of anyone's details.
    assert AccessLog.objects.count() == 6


def test_a_missing_dpo_contact_is_flagged(client, sh):
    sh.database.dpo_contact = ""
    sh.database.save()
    client.force_login(sh.steward)
    html = client.get(_url(sh)).content.decode()
    assert "Not recorded" in html
    assert reverse("stakeholders:database_edit", args=[sh.database.pk]) in html


def test_a_contact_manager_who_is_no_steward_is_refused(client, sh):
    manager = make_user("contacts")
    services.database_role_add(
        actor=sh.steward, database=sh.database, user=manager, role=DatabaseRole.Role.CONTACT_MANAGER
    )
    client.force_login(manager)
    assert client.get(_url(sh)).status_code == 403
    assert client.get(_url(sh, "stakeholders:record_export", fmt="xlsx")).status_code == 403


@pytest.mark.parametrize("who", ["member", "owner", "admin"])
def test_others_who_see_the_database_are_refused(client, sh, who):
    client.force_login(getattr(sh, who))
    assert client.get(_url(sh)).status_code == 403
    assert client.get(_url(sh, "stakeholders:record_export", fmt="json")).status_code == 403


def test_an_outsider_gets_404(client, sh):
    client.force_login(sh.outsider)
    assert client.get(_url(sh)).status_code == 404
    assert client.get(_url(sh, "stakeholders:record_export", fmt="json")).status_code == 404


def test_the_export_as_xlsx(client, sh, held):
    client.force_login(sh.steward)
    response = client.get(_url(sh, "stakeholders:record_export", fmt="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith(
        'attachment; filename="record-of-processing-barnet-police-'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Record",
        "Purposes",
        "Lawful bases",
        "Data subjects",
        "Personal data",
        "Retention",
        "Security",
        "Privacy notices",
        "Requests and erasures",
        "Recipients",
    ]
    summary = {row[0]: row[1] for row in book["Record"].iter_rows(values_only=True)}
    assert summary["Controller"] == "Barnet Police"
    assert summary["Data protection officer"] == "DPO, Barnet Police"
    assert summary["Contacts held"] == 5
    assert summary["Transfers outside the UK"].startswith("None.")
    bases = list(book["Lawful bases"].iter_rows(values_only=True))
    assert ("Newsletter", "Consent", 2, "yes") in bases
    assert ("All purposes", "Consent", 2, None) in bases
    assert AccessLog.objects.count() == 6


def test_the_export_as_json(client, sh, held):
    client.force_login(sh.steward)
    response = client.get(_url(sh, "stakeholders:record_export", fmt="json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].endswith('.json"')
    data = json.loads(response.content)
    assert data["controller"] == {
        "organisation": "Barnet Police",
        "dpo_contact": "DPO, Barnet Police",
    }
    newsletter = data["purposes"][1]
    assert newsletter["consent"] == {"given": 2, "withdrawn": 1, "in_force": 1}
    assert data["transfers"].startswith("None.")
    assert data["recipients"]["reads_total"] == 5
    assert data["period_to"] == timezone.localdate().isoformat()


def test_an_unknown_format_is_404(client, sh):
    client.force_login(sh.steward)
    assert client.get(_url(sh, "stakeholders:record_export", fmt="csv")).status_code == 404


# --- Queries --------------------------------------------------------------------------------


def _grow(sh, n: int, start: int) -> None:
    """``n`` more contacts of every kind, each with a basis, a read, a notice and an area."""
    ward = _ward()
    kinds = ["representative", "professional", "resident", "business", "elected", "other"]
    contacts = Contact.objects.bulk_create(
        Contact(
            database=sh.database,
            name=f"Grown {k}",
            kind=kinds[k % len(kinds)],
            email=f"grown{k}@example.org",
            notes="x" if k % 2 else "",
            state=Contact.State.REVIEW if k % 5 == 0 else Contact.State.ACTIVE,
        )
        for k in range(start, start + n)
    )
    Contact.areas.through.objects.bulk_create(
        Contact.areas.through(contact_id=c.pk, area_id=ward.pk) for c in contacts
    )
    purposes = [sh.community, sh.newsletter]
    Basis.objects.bulk_create(
        Basis(
            contact=c,
            purpose=purposes[i % 2],
            kind="consent" if i % 2 else "public_task",
            consent_on=days_ago(5) if i % 2 else None,
            withdrawn_on=days_ago(1) if i % 4 == 1 else None,
        )
        for i, c in enumerate(contacts)
    )
    AccessLog.objects.bulk_create(
        AccessLog(database=sh.database, contact_id=c.pk, user=sh.steward, how=how)
        for c in contacts
        for how in ("page", "export")
    )


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_the_same_queries_for_3_and_40_contacts(client, sh):
    client.force_login(sh.steward)
    url = _url(sh)
    client.get(url)  # warm up: the first request may write the session

    def page():
        assert client.get(url).status_code == 200

    def export():
        assert client.get(_url(sh, "stakeholders:record_export", fmt="xlsx")).status_code == 200

    _grow(sh, 3, 0)
    few = (_queries(lambda: article30.build(sh.database)), _queries(page), _queries(export))
    _grow(sh, 37, 3)
    many = (_queries(lambda: article30.build(sh.database)), _queries(page), _queries(export))
    assert Contact.objects.filter(database=sh.database).count() == 42
    assert few == many
    # A small fixed number: one aggregate per section, or near it.
    assert few[0] <= 16, few
