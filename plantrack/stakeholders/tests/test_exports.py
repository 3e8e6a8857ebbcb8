"""Mailing-list exports: who is left out and why, lists inside lists, the access log."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plantrack.core.tests.factories import build_world
from plantrack.stakeholders import exports, privacy, services
from plantrack.stakeholders.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailing_world():
    w = build_world()
    db = services.database_create(actor=w.manager, organisation=w.force)
    engagement = db.purposes.get(name="Community engagement")
    newsletter = db.purposes.get(name="Newsletter")
    residents = services.contact_list_create(actor=w.manager, database=db, name="Residents")
    affected = services.contact_list_create(
        actor=w.manager, database=db, name="Directly affected", parent=residents
    )

    def person(name, list_, basis=engagement, **fields):
        contact = services.contact_create(actor=w.manager, database=db, name=name, **fields)
        if basis is not None:
            services.lawful_basis_set(
                actor=w.manager, contact=contact, purpose=basis, kind="public_task"
            )
        services.contact_list_add(actor=w.manager, list_=list_, contact=contact)
        return contact

    w.ok = person("Ada Reachable", residents, email="ada@example.org", address="1 Road")
    w.below = person("Ben Below", affected, email="ben@example.org")
    person("Cy Refused", residents, email="cy@example.org", do_not_contact=True)
    person("Di Nobasis", residents, basis=None, email="di@example.org")
    person("Ed Nomail", residents, by_email=False, email="ed@example.org")
    person("Flo Noaddress", residents)
    bounced = person("Gus Bounced", residents, email="gus@example.org")
    services.contact_update(actor=w.manager, contact=bounced, email_bounced_on=dt.date(2026, 11, 1))
    gone = person("Hal Gone", residents, email="hal@example.org")
    privacy.contact_anonymise(actor=w.manager, contact=gone, reason="steward")
    consented = person("Ivy Withdrawn", residents, basis=None, email="ivy@example.org")
    basis = services.lawful_basis_set(
        actor=w.manager,
        contact=consented,
        purpose=newsletter,
        kind="consent",
        consent_on=dt.date(2026, 1, 1),
        consent_source="Form",
        consent_wording="Send me news",
    )
    services.consent_withdraw(actor=w.manager, basis=basis, on=dt.date(2026, 6, 1))
    w.db, w.residents, w.newsletter = db, residents, newsletter
    return w


def test_an_email_list_leaves_out_who_may_not_be_emailed_and_says_why(mailing_world):
    found = exports.mailing(mailing_world.db, channel="email", list_=mailing_world.residents)
    assert [c.name for c in found.contacts] == ["Ada Reachable", "Ben Below"]  # the sub-list too
    assert dict(found.left_out) == {
        "do_not_contact": 1,
        "no_basis": 2,  # none recorded; a withdrawn consent
        "channel": 1,
        "no_address": 1,
        "bounced": 1,
    }  # the anonymised contact left every list


def test_the_whole_database_leaves_out_the_anonymised(mailing_world):
    found = exports.mailing(mailing_world.db, channel="email")
    assert found.left_out["hidden"] == 1 and len(found.contacts) == 2


def test_a_purpose_needs_a_basis_for_that_purpose(mailing_world):
    found = exports.mailing(
        mailing_world.db,
        channel="email",
        list_=mailing_world.residents,
        purpose=mailing_world.newsletter,
    )
    assert found.contacts == []


def test_post_needs_an_address(mailing_world):
    found = exports.mailing(mailing_world.db, channel="post", list_=mailing_world.residents)
    assert [c.name for c in found.contacts] == ["Ada Reachable"]


def test_the_download_holds_only_those_reachable_and_is_logged(mailing_world, client):
    client.force_login(mailing_world.manager)
    url = reverse("stakeholders:list_export", args=[mailing_world.residents.pk, "csv"])
    response = client.get(url, {"channel": "email"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["name", "email", "role"],
        ["Ada Reachable", "ada@example.org", ""],
        ["Ben Below", "ben@example.org", ""],
    ]
    assert "do_not_contact=1" in response["X-Left-Out"]
    assert AccessLog.objects.filter(how="export").count() == 2
    xlsx = client.get(url.replace(".csv", ".xlsx"), {"channel": "email"})
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Mailing list", "Left out"]
    assert ["Asked not to be contacted", 1] in [
        [c.value for c in row] for row in book["Left out"].iter_rows()
    ]


def test_the_list_page_shows_the_reasons(mailing_world, client):
    client.force_login(mailing_world.manager)
    page = client.get(reverse("stakeholders:list", args=[mailing_world.residents.pk]))
    text = page.content.decode()
    assert "No lawful basis in force: 2" in text and "2 contacts" in text
    client.force_login(mailing_world.outsider)
    assert (
        client.get(reverse("stakeholders:list", args=[mailing_world.residents.pk])).status_code
        == 404
    )
