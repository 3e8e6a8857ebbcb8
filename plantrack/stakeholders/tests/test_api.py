"""The stakeholder database's API: the pages' need-to-know rule (a contact's personal fields
only for contact managers, data stewards and the relationship owner, each read logged; null for
everyone else), creating contacts and logging interactions, the steward's subject-access export
and erasure, and the same number of queries for few and many rows in every list."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.accounts.services import api_token_create
from plantrack.core.tests.factories import make_org, make_person
from plantrack.engagement import services as engagement
from plantrack.stakeholders import duplicates, services
from plantrack.stakeholders.models import (
    AccessLog,
    Contact,
    Database,
    DatabaseRole,
    Erasure,
    FollowUp,
    Interaction,
    List,
    Role,
    Stakeholder,
)
from plantrack.stakeholders.tests.conftest import days_ago

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 30
_seq = itertools.count(1)


@pytest.fixture
def api(client):
    tokens: dict[int, str] = {}

    def call(user, method, path, body=None, **query):
        if user.pk not in tokens:
            _, tokens[user.pk] = api_token_create(actor=user, name="t")
        headers = {"Authorization": f"Bearer {tokens[user.pk]}"}
        if method == "get":
            return client.get(f"/api/v1{path}", query, headers=headers)
        return getattr(client, method)(
            f"/api/v1{path}", body or {}, content_type="application/json", headers=headers
        )

    return call


def _reads(user, contact, how=AccessLog.How.API) -> int:
    return AccessLog.objects.filter(user=user, contact_id=contact.pk, how=how).count()


def _meeting(sh, **fields) -> Interaction:
    fields.setdefault("stakeholder", sh.batca)
    fields.setdefault("contacts", [sh.chair])
    return services.interaction_log(
        actor=sh.steward, database=sh.database, date=days_ago(2), summary="Ward panel", **fields
    )


# --- Databases and stakeholders -------------------------------------------------------------


def test_databases_are_those_one_can_read(api, sh):
    [row] = api(sh.member, "get", "/stakeholders/databases").json()["items"]
    assert row["id"] == sh.database.pk and row["organisation"] == "Barnet Police"
    assert row["stakeholder_count"] == 2 and row["contact_count"] == 2
    assert row["dpo_contact"] == "DPO, Barnet Police"
    assert api(sh.owner, "get", "/stakeholders/databases").json()["count"] == 1
    assert api(sh.admin, "get", "/stakeholders/databases").json()["count"] == 1
    assert api(sh.outsider, "get", "/stakeholders/databases").json()["count"] == 0


def test_stakeholders_filtered_as_on_the_page(api, sh):
    url = f"/stakeholders/databases/{sh.database.pk}/stakeholders"
    names = lambda r: [s["organisation"] for s in r.json()["items"]]  # noqa: E731
    assert names(api(sh.member, "get", url)) == ["Balham & Tooting Community Association", "RNID"]
    assert names(api(sh.member, "get", url, q="tooting")) == [sh.batca_org.name]
    assert names(api(sh.member, "get", url, q="BATCA")) == [sh.batca_org.name]
    assert names(api(sh.member, "get", url, category="charity")) == ["RNID"]
    assert names(api(sh.member, "get", url, overdue="true")) == []
    Stakeholder.objects.filter(pk=sh.batca.pk).update(contact_due_on=days_ago(3))
    overdue = api(sh.member, "get", url, overdue="true").json()["items"]
    assert [s["id"] for s in overdue] == [sh.batca.pk] and overdue[0]["overdue"] is True
    assert overdue[0]["owner"]["display_name"].endswith("Owen Owner")
    assert overdue[0]["category"] == "residents"
    assert api(sh.outsider, "get", url).status_code == 404


def test_a_stakeholder_with_its_roles_and_latest_interactions(api, sh):
    _meeting(sh)
    r = api(sh.member, "get", f"/stakeholders/stakeholders/{sh.batca.pk}")
    assert r.status_code == 200
    data = r.json()
    assert [(x["title"], x["contact"]["name"]) for x in data["roles"]] == [("Chair", "Sam Madeup")]
    [meeting] = data["latest_interactions"]
    assert meeting["summary"] == "Ward panel" and meeting["contacts"][0]["name"] == "Sam Madeup"
    # Names only: no personal field of the chair is in a stakeholder's read.
    assert "sam.madeup@" not in r.content.decode() and "0123" not in r.content.decode()
    assert not AccessLog.objects.exists()
    assert api(sh.outsider, "get", f"/stakeholders/stakeholders/{sh.batca.pk}").status_code == 404


def test_lists(api, sh):
    parent = services.contact_list_create(actor=sh.steward, database=sh.database, name="Residents")
    child = services.contact_list_create(
        actor=sh.steward, database=sh.database, name="Directly affected", parent=parent
    )
    services.contact_list_members_set(
        actor=sh.steward, list_=child, contacts=[sh.chair, sh.officer], stakeholders=[sh.batca]
    )
    rows = api(sh.member, "get", f"/stakeholders/databases/{sh.database.pk}/lists").json()
    assert [(x["name"], x["parent_id"], x["contact_count"]) for x in rows["items"]] == [
        ("Directly affected", parent.pk, 2),
        ("Residents", None, 0),
    ]
    assert rows["items"][0]["stakeholder_count"] == 1
    url = f"/stakeholders/databases/{sh.database.pk}/lists"
    assert api(sh.outsider, "get", url).status_code == 404


# --- Need to know ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["member", "admin"])
def test_personal_fields_are_null_for_readers_without_a_need_to_know(api, sh, persona):
    user = getattr(sh, persona)
    r = api(user, "get", f"/contacts/{sh.chair.pk}")
    assert r.status_code == 200
    data = r.json()
    assert data["name"] == "Sam Madeup" and data["personal"] is False
    assert data["roles"] == [
        {
            "id": sh.chair_role.pk,
            "title": "Chair",
            "stakeholder_id": sh.batca.pk,
            "organisation": sh.batca_org.name,
        }
    ]
    for field in ("email", "phone", "address", "notes", "by_email", "source", "lawful_bases"):
        assert data[field] is None, field
    body = r.content.decode()
    assert "sam.madeup" not in body and "0123" not in body and "Example Road" not in body
    assert not AccessLog.objects.exists()


def test_a_steward_reads_the_personal_fields_and_the_read_is_logged(api, sh):
    services.lawful_basis_set(
        actor=sh.steward, contact=sh.chair, purpose=sh.community, kind="public_task"
    )
    data = api(sh.steward, "get", f"/contacts/{sh.chair.pk}").json()
    assert data["personal"] is True
    assert (data["email"], data["phone"], data["address"]) == (
        "sam.madeup@example.org",
        "020 7946 0123",
        "1 Example Road",
    )
    assert data["by_email"] is True and data["source"] == ""
    assert data["lawful_bases"][0]["purpose"] == "Community engagement"
    assert _reads(sh.steward, sh.chair) == 1
    api(sh.steward, "get", f"/contacts/{sh.chair.pk}")
    assert _reads(sh.steward, sh.chair) == 2  # every read


def test_the_relationship_owner_reads_only_the_contacts_holding_its_roles(api, sh):
    chair = api(sh.owner, "get", f"/contacts/{sh.chair.pk}").json()
    assert chair["personal"] is True and chair["email"] == "sam.madeup@example.org"
    assert _reads(sh.owner, sh.chair) == 1
    # The officer holds a role at RNID, whose relationship the owner does not keep.
    officer = api(sh.owner, "get", f"/contacts/{sh.officer.pk}").json()
    assert officer["personal"] is False and officer["email"] is None
    assert not AccessLog.objects.filter(contact_id=sh.officer.pk).exists()


def test_a_contact_of_a_database_one_cannot_read_is_404(api, sh):
    assert api(sh.outsider, "get", f"/contacts/{sh.chair.pk}").status_code == 404
    assert not AccessLog.objects.exists()


def test_contacts_search_by_address_only_for_who_keeps_contacts(api, sh):
    def found(user, **query):
        r = api(user, "get", "/contacts", **query)
        assert r.status_code == 200
        assert "@example.org" not in r.content.decode()  # never a personal field in the list
        return [c["name"] for c in r.json()["items"]]

    db = {"database_id": sh.database.pk}
    assert found(sh.member, **db) == ["Morgan Specimen", "Sam Madeup"]
    assert found(sh.member, q="sam", **db) == ["Sam Madeup"]
    assert found(sh.member, q="sam.madeup@", **db) == []
    assert found(sh.member, q="sam.madeup@") == []
    assert found(sh.owner, q="sam.madeup@", **db) == []
    assert found(sh.steward, q="sam.madeup@", **db) == ["Sam Madeup"]
    assert found(sh.steward, q="SAM.MADEUP@") == ["Sam Madeup"]
    assert found(sh.outsider) == []
    r = api(sh.outsider, "get", "/contacts", **db)
    assert r.status_code == 404
    row = api(sh.member, "get", "/contacts", q="morgan").json()["items"][0]
    assert row["roles"][0]["organisation"] == "RNID" and "email" not in row


# --- Creating a contact ---------------------------------------------------------------------


def test_a_contact_manager_adds_a_contact(api, world, sh):
    r = api(
        sh.steward,
        "post",
        "/contacts",
        {
            "database_id": sh.database.pk,
            "name": "  Alex Example ",
            "kind": "resident",
            "email": "Alex.Example@Example.org",
            "from_third_party": True,
        },
    )
    assert r.status_code == 201, r.content
    data = r.json()
    contact = Contact.objects.get(pk=data["id"])
    assert contact.name == "Alex Example" and contact.email == "alex.example@example.org"
    assert contact.notice_due_on is not None  # queued for the privacy notice
    assert data["personal"] is True and data["email"] == "alex.example@example.org"
    assert _reads(sh.steward, contact) == 1  # the answer carries the personal fields


@pytest.mark.parametrize(
    ("persona", "status"), [("member", 403), ("owner", 403), ("admin", 403), ("outsider", 404)]
)
def test_adding_a_contact_is_refused_to_who_does_not_keep_contacts(api, sh, persona, status):
    body = {"database_id": sh.database.pk, "name": "Alex Example"}
    assert api(getattr(sh, persona), "post", "/contacts", body).status_code == status
    assert not Contact.objects.filter(name="Alex Example").exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"area_ids": [999999]}, "area_ids", "name no area"),
    ],
)
def test_bad_input_for_a_contact_is_a_422_saying_what_is_wrong(api, sh, body, field, message):
    r = api(
        sh.steward, "post", "/contacts", {"database_id": sh.database.pk, "name": "Alex", **body}
    )
    assert r.status_code == 422
    assert message in " ".join(r.json()["detail"][field])
    assert not Contact.objects.filter(name="Alex").exists()


def test_a_contact_needs_a_name(api, sh):
    r = api(sh.steward, "post", "/contacts", {"database_id": sh.database.pk, "name": ""})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "name"


# --- Interactions ---------------------------------------------------------------------------


def test_the_relationship_owner_logs_an_interaction(api, world, sh):
    url = f"/stakeholders/databases/{sh.database.pk}/interactions"
    body = {
        "stakeholder_id": sh.batca.pk,
        "kind": "call",
        "date": days_ago(1).isoformat(),
        "summary": "Agreed the next panel",
        "contact_ids": [sh.chair.pk],
        "staff_ids": [world.owner_person.pk],
    }
    r = api(sh.owner, "post", url, body)
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["organisation"] == sh.batca_org.name and data["recorded_by"] == "owner"
    assert [c["name"] for c in data["contacts"]] == ["Sam Madeup"]
    assert [p["id"] for p in data["staff"]] == [world.owner_person.pk]
    sh.batca.refresh_from_db()
    assert sh.batca.last_contact_on == days_ago(1)
    # The owner keeps no relationship with RNID; a plain member and a site admin none at all.
    assert api(sh.owner, "post", url, body | {"stakeholder_id": sh.rnid.pk}).status_code == 403
    assert api(sh.member, "post", url, body).status_code == 403
    assert api(sh.admin, "post", url, body).status_code == 403
    assert api(sh.outsider, "post", url, body).status_code == 404
    assert Interaction.objects.count() == 1


def test_logging_an_interaction_refuses_what_is_not_the_databases(api, world, sh):
    url = f"/stakeholders/databases/{sh.database.pk}/interactions"
    elsewhere = services.database_create(actor=world.outsider, organisation=world.other_force)
    stranger = services.contact_create(actor=world.outsider, database=elsewhere, name="Jo")
    base = {"date": days_ago(1).isoformat(), "summary": "Drop-in"}
    for extra, field in (
        ({"stakeholder_id": 999999}, "stakeholder_id"),
        ({"contact_ids": [stranger.pk]}, "contact_ids"),
        ({"contact_ids": [sh.chair.pk], "staff_ids": [make_person().pk]}, "staff_ids"),
        ({"contact_ids": [sh.chair.pk], "activity_id": 999999}, "activity_id"),
        ({}, "__all__"),  # with no one
    ):
        r = api(sh.steward, "post", url, base | extra)
        assert r.status_code == 422 and field in r.json()["detail"], (extra, r.content)
    assert not Interaction.objects.exists()
    # With contacts alone: the contact managers' and stewards'.
    r = api(sh.steward, "post", url, base | {"contact_ids": [sh.officer.pk]})
    assert r.status_code == 201 and r.json()["stakeholder_id"] is None


def test_interactions_listed_and_read(api, sh):
    first = _meeting(sh)
    _meeting(sh, stakeholder=sh.rnid, contacts=[sh.officer])
    services.interaction_follow_up_add(
        actor=sh.steward,
        interaction=first,
        title="Send minutes",
        due_on=days_ago(-7),
        contact=sh.chair,
    )
    url = f"/stakeholders/databases/{sh.database.pk}/interactions"
    assert api(sh.member, "get", url).json()["count"] == 2
    [row] = api(sh.member, "get", url, stakeholder=sh.batca.pk).json()["items"]
    assert row["id"] == first.pk and row["follow_ups"][0]["contact_id"] == sh.chair.pk
    [row] = api(sh.member, "get", url, contact=sh.officer.pk).json()["items"]
    assert row["organisation"] == "RNID"
    detail = api(sh.member, "get", f"/stakeholders/interactions/{first.pk}").json()
    assert detail["recorded_by"] == "manager" and detail["summary"] == "Ward panel"
    assert api(sh.outsider, "get", url).status_code == 404
    assert api(sh.outsider, "get", f"/stakeholders/interactions/{first.pk}").status_code == 404


# --- Subject access and erasure -------------------------------------------------------------


def test_subject_access_export_for_stewards_only_and_logged(api, sh):
    url = f"/contacts/{sh.chair.pk}/subject-access"
    r = api(sh.steward, "get", url)
    assert r.status_code == 200
    data = r.json()
    assert data["contact"]["email"] == "sam.madeup@example.org"
    assert data["roles"][0]["organisation"] == sh.batca_org.name
    assert data["controller"]["data_protection_officer"] == "DPO, Barnet Police"
    assert _reads(sh.steward, sh.chair, AccessLog.How.SUBJECT_ACCESS) == 1
    # The relationship owner reads the chair's details, but the export is the steward's; a
    # refusal logs nothing.
    for persona, status in (("owner", 403), ("member", 403), ("admin", 403), ("outsider", 404)):
        user = getattr(sh, persona)
        assert api(user, "get", url).status_code == status, persona
        assert not AccessLog.objects.filter(user=user).exists(), persona


def test_a_steward_erases_a_contact(api, sh):
    url = f"/contacts/{sh.officer.pk}/erase"
    for persona, status in (("owner", 403), ("member", 403), ("admin", 403), ("outsider", 404)):
        assert api(getattr(sh, persona), "post", url).status_code == status, persona
    assert Contact.objects.filter(pk=sh.officer.pk).exists()
    r = api(sh.steward, "post", url)
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["contact_id"] == sh.officer.pk and data["reason"] == "request"
    assert data["rows"]["stakeholders_contact"] == 1
    assert "Morgan" not in r.content.decode() and "specimen" not in r.content.decode()
    assert not Contact.objects.filter(pk=sh.officer.pk).exists()
    assert Erasure.objects.get().contact_id == sh.officer.pk
    assert api(sh.steward, "get", f"/contacts/{sh.officer.pk}").status_code == 404


def test_erasure_is_refused_while_the_contact_alone_owns_an_open_follow_up(api, sh):
    services.interaction_follow_up_add(
        actor=sh.steward,
        interaction=_meeting(sh),
        title="Send the panel's minutes",
        due_on=days_ago(-7),
        contact=sh.chair,
    )
    r = api(sh.steward, "post", f"/contacts/{sh.chair.pk}/erase")
    assert r.status_code == 422
    [reason] = r.json()["detail"]["__all__"]
    assert "Send the panel's minutes" in reason and "new owner" in reason
    assert Contact.objects.filter(pk=sh.chair.pk).exists() and not Erasure.objects.exists()
    # Once someone of ours owns it, the contact can go.
    FollowUp.objects.update(owner=sh.batca.owner)
    assert api(sh.steward, "post", f"/contacts/{sh.chair.pk}/erase").status_code == 200


# --- The same number of queries for few and many rows ---------------------------------------


def _count(fetch) -> int:
    fetch()  # warm up
    with CaptureQueriesContext(connection) as ctx:
        fetch()
    return len(ctx.captured_queries)


def _counts(grow, fetch) -> tuple[int, int]:
    grow(FEW)
    few = _count(fetch)
    grow(MANY)
    return few, _count(fetch)


def _fetcher(client, user, path, query=None):
    _, token = api_token_create(actor=user, name="q")
    headers = {"Authorization": f"Bearer {token}"}

    def fetch():
        r = client.get(f"/api/v1{path}", query or {}, headers=headers)
        assert r.status_code == 200, r.content
        return r

    return fetch


def _contacts(sh, n: int) -> list[Contact]:
    made = [
        Contact(
            database=sh.database,
            name=f"Contact {k}",
            email=f"contact{k}@example.org",
            kind="resident",
        )
        for k in (next(_seq) for _ in range(n))
    ]
    for contact in made:
        duplicates.set_keys(contact)  # as the services write them: the search reads them
    added = Contact.objects.bulk_create(made)
    Role.objects.bulk_create(
        [Role(stakeholder=sh.batca, title="Member", contact=c) for c in added]
        + [Role(stakeholder=sh.rnid, title="Volunteer", contact=c) for c in added]
    )
    return added


def _stakeholders(sh, n: int) -> None:
    people = [make_person(name=f"Owner {next(_seq)}", rank="PC") for _ in range(2)]
    Stakeholder.objects.bulk_create(
        Stakeholder(
            database=sh.database,
            organisation=make_org(f"Partner {next(_seq)}"),
            category="community",
            owner=people[i % 2],
            contact_every_days=30,
            contact_due_on=days_ago(i),
        )
        for i in range(n)
    )


def _interactions(world, sh, n: int) -> None:
    register = engagement.register_create(
        actor=sh.steward, organisation=world.force, title=f"Register {next(_seq)}"
    )
    activity = engagement.activity_create(actor=sh.steward, register=register, title="Link")
    people = _contacts(sh, 2)
    rows = Interaction.objects.bulk_create(
        Interaction(
            database=sh.database,
            stakeholder=[sh.batca, sh.rnid][i % 2],
            date=days_ago(i),
            summary=f"Meeting {next(_seq)}",
            activity=activity,
            recorded_by=sh.steward,
        )
        for i in range(n)
    )
    Through = Interaction.contacts.through
    Through.objects.bulk_create(
        Through(interaction=i, contact=c) for i in rows for c in [sh.chair, *people]
    )
    Staff = Interaction.staff.through
    Staff.objects.bulk_create(Staff(interaction=i, person=world.owner_person) for i in rows)
    FollowUp.objects.bulk_create(
        FollowUp(interaction=i, title="Minutes", due_on=days_ago(-3), owner=world.owner_person)
        for i in rows
    )


def test_query_counts_databases(client, world, sh):
    def grow(total: int) -> None:
        n = total - Database.objects.count()
        added = Database.objects.bulk_create(
            Database(organisation=make_org(f"Force {next(_seq)}")) for _ in range(n)
        )
        DatabaseRole.objects.bulk_create(
            DatabaseRole(database=d, user=sh.member, role="contact_manager") for d in added
        )
        Contact.objects.bulk_create(Contact(database=d, name="Someone") for d in added)

    fetch = _fetcher(client, sh.member, "/stakeholders/databases", {"limit": 100})
    few, many = _counts(grow, fetch)
    assert few == many
    assert fetch().json()["count"] == MANY


def test_query_counts_stakeholders(client, sh):
    def grow(total: int) -> None:
        _stakeholders(sh, total - Stakeholder.objects.count())

    path = f"/stakeholders/databases/{sh.database.pk}/stakeholders"
    fetch = _fetcher(client, sh.member, path, {"limit": 100})
    few, many = _counts(grow, fetch)
    assert few == many
    overdue = _fetcher(client, sh.member, path, {"overdue": "true", "q": "partner"})
    assert _count(overdue) == many


def test_query_counts_a_stakeholder(client, world, sh):
    def grow(total: int) -> None:
        _interactions(world, sh, total - Interaction.objects.count())
        Role.objects.bulk_create(
            Role(stakeholder=sh.batca, title=f"Role {next(_seq)}", contact=sh.chair)
            for _ in range(total - sh.batca.roles.count())
        )

    fetch = _fetcher(client, sh.member, f"/stakeholders/stakeholders/{sh.batca.pk}")
    few, many = _counts(grow, fetch)
    assert few == many
    assert len(fetch().json()["latest_interactions"]) == 10


def test_query_counts_interactions(client, world, sh):
    def grow(total: int) -> None:
        _interactions(world, sh, total - Interaction.objects.count())

    path = f"/stakeholders/databases/{sh.database.pk}/interactions"
    fetch = _fetcher(client, sh.member, path, {"limit": 100})
    few, many = _counts(grow, fetch)
    assert few == many
    assert fetch().json()["count"] == MANY
    by_contact = _fetcher(client, sh.member, path, {"contact": sh.chair.pk})
    assert _count(by_contact) == many


def test_query_counts_lists(client, sh):
    def grow(total: int) -> None:
        added = List.objects.bulk_create(
            List(database=sh.database, name=f"List {next(_seq)}")
            for _ in range(total - List.objects.count())
        )
        Members = List.contacts.through
        Members.objects.bulk_create(
            Members(list=lst, contact=c) for lst in added for c in (sh.chair, sh.officer)
        )

    path = f"/stakeholders/databases/{sh.database.pk}/lists"
    few, many = _counts(grow, _fetcher(client, sh.member, path, {"limit": 100}))
    assert few == many


@pytest.mark.parametrize("scoped", [True, False])
def test_query_counts_contacts(client, sh, scoped):
    def grow(total: int) -> None:
        _contacts(sh, total - Contact.objects.filter(name__startswith="Contact ").count())

    query = {"limit": 100, "q": "contact"}
    if scoped:
        query["database_id"] = sh.database.pk
    fetch = _fetcher(client, sh.steward, "/contacts", query)
    few, many = _counts(grow, fetch)
    assert few == many
    assert fetch().json()["count"] == MANY
