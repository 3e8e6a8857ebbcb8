"""The write API: plans, sections, actions, owners and milestones through the pages' services."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from plantrack.accounts.services import api_token_create
from plantrack.core.tests.factories import make_org, make_person
from plantrack.plans import services
from plantrack.plans.history import action_history, plan_history
from plantrack.plans.models import Action, ActionOwner, Milestone, Plan, Section

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _auth(user) -> dict:
    if user is None:
        return {}
    _, secret = api_token_create(actor=user, name="sync")
    return {"Authorization": f"Bearer {secret}"}


def _send(client, method: str, url: str, user, body=None, **headers):
    return client.generic(
        method,
        url,
        json.dumps(body if body is not None else {}),
        content_type="application/json",
        headers={**_auth(user), **headers},
    )


def _state() -> tuple:
    """What a refused write must leave alone."""
    return (
        list(Plan.objects.values_list("id", "title", "summary", "updated_at")),
        list(Section.all_objects.values_list("id", "title", "description", "updated_at")),
        list(Action.all_objects.values_list("id", "title", "status", "updated_at")),
        list(ActionOwner.objects.values_list("action_id", "person_id")),
        list(Milestone.objects.values_list("id", "title", "done", "updated_at")),
        Plan.history.count(),
        Action.history.count(),
    )


# --- Who may write: manager, owner, viewer, outsider, anonymous ------------------------------


def _operations(w, milestone):
    return [
        ("POST", f"{API}/plans", {"title": "New plan", "owner_organisation_id": w.force.pk}),
        ("PATCH", f"{API}/plans/{w.plan.pk}", {"summary": "Changed"}),
        ("POST", f"{API}/plans/{w.plan.pk}/sections", {"title": "Prevention"}),
        ("PATCH", f"{API}/sections/{w.section.pk}", {"title": "Renamed"}),
        ("POST", f"{API}/plans/{w.plan.pk}/actions", {"title": "Do more"}),
        ("PATCH", f"{API}/actions/{w.action.pk}", {"status": "complete"}),
        ("PUT", f"{API}/actions/{w.action.pk}/owners", {"person_ids": []}),
        ("POST", f"{API}/actions/{w.action.pk}/milestones", {"title": "Phase two"}),
        ("PATCH", f"{API}/milestones/{milestone.pk}", {"done": True}),
        ("DELETE", f"{API}/milestones/{milestone.pk}", None),
    ]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("owner", 403), ("viewer", 403), ("outsider", 404), ("anonymous", 401)],
)
def test_only_managers_write_and_a_refusal_changes_nothing(client, world, persona, expected):
    milestone = services.milestone_create(actor=world.manager, action=world.action, title="One")
    user = None if persona == "anonymous" else getattr(world, persona)
    before = _state()
    for method, url, body in _operations(world, milestone):
        response = _send(client, method, url, user, body)
        # Creating a plan is for members of its organisation: a refusal, never a 404.
        want = 403 if url == f"{API}/plans" and expected == 404 else expected
        assert response.status_code == want, (method, url, response.content)
        assert list(response.json()) == ["detail"]
    assert _state() == before


def test_a_restricted_plan_stays_hidden_from_an_outsider(client, world):
    response = _send(client, "PATCH", f"{API}/plans/{world.plan.pk}", world.outsider, {})
    assert response.status_code == 404
    assert "Youth Strategy" not in response.content.decode()


def test_manager_writes_everything(client, world):
    milestone = services.milestone_create(actor=world.manager, action=world.action, title="One")
    statuses = [
        _send(client, method, url, world.manager, body).status_code
        for method, url, body in _operations(world, milestone)
    ]
    assert statuses == [201, 200, 201, 200, 201, 200, 200, 201, 200, 204]
    world.action.refresh_from_db()
    assert world.action.status == "complete"
    assert not world.action.ownerships.exists()
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    assert Section.objects.get(pk=world.section.pk).title == "Renamed"


# --- The round trip: written through the API, read through the API -------------------------


def test_round_trip_create_then_read(client, world):
    colleague = make_person(name="Sam Smith", organisation=world.force)
    created = _send(
        client,
        "POST",
        f"{API}/plans",
        world.manager,
        {
            "title": "Knife Crime Plan",
            "owner_organisation_id": world.force.pk,
            "kind": "delivery_plan",
            "visibility": "restricted",
            "period_text": "April 2025 - March 2027",
        },
    )
    assert created.status_code == 201, created.content
    plan = created.json()
    assert plan["kind"] == "delivery_plan" and plan["period"]["earliest"] == "2025-04-01"
    read = client.get(f"{API}/plans/{plan['id']}", headers=_auth(world.manager)).json()
    assert read == plan

    section = _send(
        client, "POST", f"{API}/plans/{plan['id']}/sections", world.manager, {"title": "Prevent"}
    ).json()
    action = _send(
        client,
        "POST",
        f"{API}/plans/{plan['id']}/actions",
        world.manager,
        {
            "title": "Weapons sweeps",
            "ref": "KC/1",
            "section_id": section["id"],
            "owner_text": "Ch Insp Smith",
            "due_text": "March 2026",
            "status": "in_progress",
            "owner_ids": [colleague.pk],
            "lead_organisation_ids": [world.force.pk],
            "supporting_organisation_ids": [world.other_force.pk],
        },
    )
    assert action.status_code == 201, action.content
    action = action.json()
    milestone = _send(
        client,
        "POST",
        f"{API}/actions/{action['id']}/milestones",
        world.manager,
        {"title": "First sweep", "due_text": "June 2025"},
    )
    assert milestone.status_code == 201, milestone.content

    headers = _auth(world.manager)
    detail = client.get(f"{API}/actions/{action['id']}", headers=headers).json()
    assert detail["ref"] == "KC/1" and detail["section_id"] == section["id"]
    assert detail["due"]["latest"] == "2026-03-31"
    assert [o["display_name"] for o in detail["owners"]] == ["Sam Smith"]
    assert [o["id"] for o in detail["lead_organisations"]] == [world.force.pk]
    assert [o["id"] for o in detail["supporting_organisations"]] == [world.other_force.pk]
    assert [m["title"] for m in detail["milestones"]] == ["First sweep"]
    sections = client.get(f"{API}/plans/{plan['id']}/sections", headers=headers).json()
    assert [s["title"] for s in sections] == ["Prevent"]
    listed = client.get(f"{API}/actions?plan={plan['id']}", headers=headers).json()
    assert [a["title"] for a in listed["items"]] == ["Weapons sweeps"]
    # The creator manages the new plan; nobody else sees a restricted one.
    outsider = client.get(f"{API}/plans/{plan['id']}", headers=_auth(world.outsider))
    assert outsider.status_code == 404


def test_patch_changes_only_the_fields_sent(client, world):
    url = f"{API}/actions/{world.action.pk}"
    response = _send(client, "PATCH", url, world.manager, {"description": "Now described"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["description"] == "Now described"
    assert data["ref"] == "YC/INT/1" and data["due"]["text"] == "March 2004"
    assert [o["id"] for o in data["owners"]] == [world.owner_person.pk]
    # Sending one organisation list keeps the other.
    partner = make_org("Youth Offending Service")
    _send(client, "PATCH", url, world.manager, {"supporting_organisation_ids": [partner.pk]})
    _send(client, "PATCH", url, world.manager, {"lead_organisation_ids": [world.other_force.pk]})
    data = client.get(url, headers=_auth(world.manager)).json()
    assert [o["id"] for o in data["lead_organisations"]] == [world.other_force.pk]
    assert [o["id"] for o in data["supporting_organisations"]] == [partner.pk]
    # section_id null takes the action out of its section.
    data = _send(client, "PATCH", url, world.manager, {"section_id": None}).json()
    assert data["section_id"] is None


def test_put_owners_replaces_the_set_in_order(client, world):
    colleague = make_person(name="Sam Smith", organisation=world.force)
    url = f"{API}/actions/{world.action.pk}/owners"
    ids = [colleague.pk, world.owner_person.pk]
    response = _send(client, "PUT", url, world.manager, {"person_ids": ids})
    assert response.status_code == 200, response.content
    assert [o["id"] for o in response.json()["owners"]] == ids
    response = _send(client, "PUT", url, world.manager, {"person_ids": [colleague.pk]})
    assert [o["id"] for o in response.json()["owners"]] == [colleague.pk]


# --- Bad input: 422, one line per field, nothing changed -------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/plans", {"owner_organisation_id": "w.force"}, "title"),
        (
            "POST",
            "/plans",
            {"title": "X", "owner_organisation_id": 999999},
            "owner_organisation_id",
        ),
        ("POST", "/plans", {"title": "X", "owner_organisation_id": 0}, "owner_organisation_id"),
        ("PATCH", "/plans/{plan}", {"visibility": "secret"}, "visibility"),
        ("PATCH", "/plans/{plan}", {"title": ""}, "title"),
        ("PATCH", "/plans/{plan}", {"owner_organisation_id": None}, "owner_organisation_id"),
        ("PATCH", "/plans/{plan}", {"update_interval_days": 0}, "update_interval_days"),
        ("PATCH", "/sections/{section}", {"position": -1}, "position"),
        ("POST", "/plans/{plan}/actions", {"title": "X", "section_id": 999999}, "section_id"),
        ("POST", "/plans/{plan}/actions", {"title": "X", "owner_ids": [999999]}, "owner_ids"),
        ("POST", "/plans/{plan}/actions", {"title": "X", "status": "done"}, "status"),
        ("PATCH", "/actions/{action}", {"rag": "purple"}, "rag"),
        ("PATCH", "/actions/{action}", {"ref": "x" * 51}, "ref"),
        (
            "PATCH",
            "/actions/{action}",
            {"lead_organisation_ids": [999999]},
            "lead_organisation_ids",
        ),
        ("PATCH", "/actions/{action}", {"edit_version": "yesterday"}, "edit_version"),
        ("PUT", "/actions/{action}/owners", {}, "person_ids"),
        ("PUT", "/actions/{action}/owners", {"person_ids": ["x"]}, "person_ids"),
        ("POST", "/actions/{action}/milestones", {"title": ""}, "title"),
    ],
)
def test_bad_input_is_422_naming_the_field(client, world, method, path, body, field):
    outsider_person = make_person(name="Elsewhere", organisation=world.other_force)
    body = {k: (world.force.pk if v == "w.force" else v) for k, v in body.items()}
    if body.get("owner_ids") == [999999]:
        body["owner_ids"] = [outsider_person.pk]  # exists, but not of the plan's organisations
    url = API + path.format(plan=world.plan.pk, section=world.section.pk, action=world.action.pk)
    before = _state()
    response = _send(client, method, url, world.manager, body)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    if isinstance(detail, dict):
        messages = detail[field]
    else:
        messages = [e["msg"] for e in detail if field in e["loc"]]
    assert len(messages) == 1 and "\n" not in messages[0], detail
    assert _state() == before


def test_a_section_of_another_plan_is_refused(client, world):
    other = services.plan_create(
        actor=world.manager, owner_organisation=world.force, title="Other plan"
    )
    foreign = services.section_create(actor=world.manager, plan=other, title="Elsewhere")
    response = _send(
        client,
        "PATCH",
        f"{API}/actions/{world.action.pk}",
        world.manager,
        {"section_id": foreign.pk},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == {"section_id": [f"This plan has no section {foreign.pk}."]}


def test_body_that_is_not_json_is_refused(client, world):
    response = client.generic(
        "PATCH",
        f"{API}/plans/{world.plan.pk}",
        "{not json",
        content_type="application/json",
        headers=_auth(world.manager),
    )
    assert response.status_code in (400, 422)


# --- Optimistic concurrency: 409 on a stale edit_version -------------------------------------


def _version(client, world, url: str) -> str:
    return client.get(url, headers=_auth(world.manager)).json()["edit_version"]


@pytest.mark.parametrize("how", ["body", "if-match"])
def test_stale_edit_version_is_409_and_changes_nothing(client, world, how):
    url = f"{API}/actions/{world.action.pk}"
    version = _version(client, world, url)
    assert version
    # Someone else saves first, through the page's service.
    services.action_update(actor=world.manager, action=world.action, title="Theirs")
    before = _state()
    if how == "body":
        response = _send(
            client, "PATCH", url, world.manager, {"title": "Mine", "edit_version": version}
        )
    else:
        response = _send(
            client, "PATCH", url, world.manager, {"title": "Mine"}, **{"If-Match": f'"{version}"'}
        )
    assert response.status_code == 409, response.content
    data = response.json()
    assert "Someone else saved this" in data["detail"]
    assert data["edit_version"] == _version(client, world, url) != version
    assert _state() == before
    # Sent again on the version the 409 gave, it wins.
    again = {"title": "Mine", "edit_version": data["edit_version"]}
    response = _send(client, "PATCH", url, world.manager, again)
    assert response.status_code == 200 and response.json()["title"] == "Mine"


def test_current_edit_version_is_accepted_everywhere(client, world):
    headers = _auth(world.manager)
    plan_version = client.get(f"{API}/plans/{world.plan.pk}", headers=headers).json()[
        "edit_version"
    ]
    response = _send(
        client,
        "PATCH",
        f"{API}/plans/{world.plan.pk}",
        world.manager,
        {"summary": "S", "edit_version": plan_version},
    )
    assert response.status_code == 200, response.content
    assert response.json()["edit_version"] != plan_version
    # A second write on the old version now conflicts.
    response = _send(
        client,
        "PATCH",
        f"{API}/plans/{world.plan.pk}",
        world.manager,
        {"summary": "T", "edit_version": plan_version},
    )
    assert response.status_code == 409

    sections = client.get(f"{API}/plans/{world.plan.pk}/sections", headers=headers).json()
    section_version = sections[0]["edit_version"]
    services.section_update(actor=world.manager, section=world.section, description="Theirs")
    response = _send(
        client,
        "PATCH",
        f"{API}/sections/{world.section.pk}",
        world.manager,
        {"title": "Mine", "edit_version": section_version},
    )
    assert response.status_code == 409
    assert Section.objects.get(pk=world.section.pk).title == "Intelligence"


def test_stale_milestone_edit_and_delete_are_409(client, world):
    milestone = services.milestone_create(actor=world.manager, action=world.action, title="One")
    detail = client.get(f"{API}/actions/{world.action.pk}", headers=_auth(world.manager)).json()
    version = detail["milestones"][0]["edit_version"]
    services.milestone_update(actor=world.manager, milestone=milestone, title="Theirs")
    url = f"{API}/milestones/{milestone.pk}"
    response = _send(client, "PATCH", url, world.manager, {"done": True, "edit_version": version})
    assert response.status_code == 409
    response = _send(client, "DELETE", url, world.manager, **{"If-Match": version})
    assert response.status_code == 409
    assert Milestone.objects.filter(pk=milestone.pk, done=False).exists()
    current = response.json()["edit_version"]
    response = _send(client, "DELETE", f"{url}?edit_version={quote(current)}", world.manager)
    assert response.status_code == 204
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_stale_owners_put_is_409(client, world):
    url = f"{API}/actions/{world.action.pk}"
    version = _version(client, world, url)
    services.action_update(actor=world.manager, action=world.action, status="complete")
    response = _send(
        client, "PUT", f"{url}/owners", world.manager, {"person_ids": [], "edit_version": version}
    )
    assert response.status_code == 409
    assert world.action.ownerships.exists()


# --- The audit history names the API user ----------------------------------------------------


def test_audit_history_shows_the_api_user_as_author(client, world):
    _send(client, "PATCH", f"{API}/plans/{world.plan.pk}", world.manager, {"summary": "By API"})
    _send(client, "PATCH", f"{API}/actions/{world.action.pk}", world.manager, {"ref": "API/1"})
    _send(
        client, "PUT", f"{API}/actions/{world.action.pk}/owners", world.manager, {"person_ids": []}
    )
    response = _send(
        client, "POST", f"{API}/actions/{world.action.pk}/milestones", world.manager, {"title": "M"}
    )
    milestone_id = response.json()["id"]
    _send(client, "DELETE", f"{API}/milestones/{milestone_id}", world.manager)

    assert Plan.history.filter(id=world.plan.pk).first().history_user == world.manager
    assert Action.history.filter(id=world.action.pk).first().history_user == world.manager
    removed = ActionOwner.history.filter(action_id=world.action.pk, history_type="-").get()
    assert removed.history_user == world.manager
    deleted = Milestone.history.filter(id=milestone_id, history_type="-").get()
    assert deleted.history_user == world.manager

    name = world.manager.display_name
    latest = plan_history(world.plan)[:3]
    assert latest and all(entry.who == name for entry in latest), latest
    assert action_history(world.action)[0].who == name
    # And the history page shows it.
    client.force_login(world.viewer)
    page = client.get(f"/plans/{world.plan.pk}/history/")
    assert page.status_code == 200
    assert name in page.content.decode()


def test_every_write_operation_is_in_the_openapi_document(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    assert {"post"} <= set(paths[f"{API}/plans"])
    assert {"patch"} <= set(paths[f"{API}/plans/{{plan_id}}"])
    assert {"post"} <= set(paths[f"{API}/plans/{{plan_id}}/sections"])
    assert {"patch"} <= set(paths[f"{API}/sections/{{section_id}}"])
    assert {"post"} <= set(paths[f"{API}/plans/{{plan_id}}/actions"])
    assert {"patch"} <= set(paths[f"{API}/actions/{{action_id}}"])
    assert {"put"} <= set(paths[f"{API}/actions/{{action_id}}/owners"])
    assert {"post"} <= set(paths[f"{API}/actions/{{action_id}}/milestones"])
    assert {"patch", "delete"} <= set(paths[f"{API}/milestones/{{milestone_id}}"])
    assert "409" in paths[f"{API}/actions/{{action_id}}"]["patch"]["responses"]
