from __future__ import annotations

import pytest
from django.urls import reverse

from plantrack.governance import services
from plantrack.governance.models import AgendaItem, Body, BodyMember, Decision, Oversight
from plantrack.governance.tests.helpers import PAST
from plantrack.plans.models import Plan

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def test_tree_page_nests_bodies_with_chair_cadence_and_oversight(client, world, gov):
    html = _as(client, world.viewer).get(reverse("governance:bodies")).content.decode()
    assert html.index("Partnership Board") < html.index("Barnet Anti-Social Behaviour")
    assert "app-body-tree--nested" in html and "meets monthly" in html
    assert "Intelligence" in html and "lead: Insp. Owen Owner" in html
    assert 'href="/governance/"' in html  # the top navigation
    outsider = _as(client, world.outsider).get(reverse("governance:bodies")).content.decode()
    assert "Barnet Anti-Social Behaviour" in outsider and "Intelligence" not in outsider


def test_body_page(client, world, gov):
    services.decision_record(
        actor=gov.secretary,
        body=gov.group,
        text="BASBAG agree delivery model",
        decided_on=PAST,
        subject=world.action,
    )
    html = _as(client, world.viewer).get(reverse("governance:body", args=[gov.group.pk]))
    html = html.content.decode()
    for text in (
        "Sam Secretary",
        "Group secretary",
        "Partnership Board",
        "Owen Owner",
        "May meeting",
        "BASBAG agree delivery model",
        "Action YC/INT/1",
        "Decisions and sign-offs",
    ):
        assert text in html
    assert "Edit body" not in html
    outsider = _as(client, world.outsider).get(reverse("governance:body", args=[gov.group.pk]))
    assert outsider.status_code == 200
    assert "BASBAG agree delivery model" not in outsider.content.decode()
    mine = _as(client, gov.secretary).get(reverse("governance:body", args=[gov.group.pk]))
    assert "Edit body" in mine.content.decode()


def test_wrong_method(client, world, gov):
    c = _as(client, gov.admin)
    assert c.post(reverse("governance:bodies")).status_code == 405
    assert c.post(reverse("governance:body", args=[gov.group.pk])).status_code == 405
    assert c.post(reverse("governance:meeting", args=[gov.meeting.pk])).status_code == 405
    assert c.post(reverse("governance:plan", args=[world.plan.pk])).status_code == 405
    assert c.put(reverse("governance:body_edit", args=[gov.group.pk])).status_code == 405
    person = gov.group.members.first()
    url = reverse("governance:member_remove", args=[gov.group.pk, person.pk])
    assert c.get(url).status_code == 405
    oversight = Oversight.objects.first()
    assert c.get(reverse("governance:oversight_remove", args=[oversight.pk])).status_code == 405


@pytest.mark.parametrize("name", ["governance:plan", "governance:oversight_create"])
def test_outsider_gets_404_on_plan_pages(client, world, gov, name):
    response = _as(client, world.outsider).get(reverse(name, args=[world.plan.pk]))
    assert response.status_code == 404


def test_outsider_cannot_remove_oversight_of_a_plan_they_cannot_see(client, world, gov):
    oversight = Oversight.objects.get()
    url = reverse("governance:oversight_remove", args=[oversight.pk])
    assert _as(client, world.outsider).post(url).status_code == 404
    assert _as(client, world.viewer).post(url).status_code == 403
    assert Oversight.objects.filter(pk=oversight.pk).exists()


@pytest.mark.parametrize(
    ("name", "arg"),
    [
        ("governance:body_edit", "group"),
        ("governance:member_add", "group"),
        ("governance:meeting_create", "group"),
        ("governance:body_decision", "group"),
        ("governance:meeting_edit", "meeting"),
        ("governance:agenda_item_add", "meeting"),
        ("governance:meeting_decision", "meeting"),
        ("governance:body_create", None),
    ],
)
def test_read_only_users_get_403(client, world, gov, name, arg):
    args = [getattr(gov, arg).pk] if arg else []
    for user in (world.viewer, world.manager, world.outsider):
        c = _as(client, user)
        assert c.get(reverse(name, args=args)).status_code == 403
        assert c.post(reverse(name, args=args), {"text": "x", "name": "x"}).status_code == 403
    assert not Decision.objects.exists()


def test_viewer_cannot_assign_oversight(client, world, gov):
    url = reverse("governance:oversight_create", args=[world.plan.pk])
    assert _as(client, world.viewer).get(url).status_code == 403
    assert client.post(url, {"body": gov.board.pk}).status_code == 403


def test_plan_manager_assigns_oversight(client, world, gov):
    c = _as(client, world.manager)
    url = reverse("governance:oversight_create", args=[world.plan.pk])
    assert "Strategic lead" in c.get(url).content.decode()
    response = c.post(url, {"body": gov.board.pk, "lead_text": "The director"})
    assert response.status_code == 302
    assert Oversight.objects.get(body=gov.board, section=None).lead_text == "The director"
    page = c.get(reverse("plans:detail", args=[world.plan.pk])).content.decode()
    assert "Overseen by" in page and "Partnership Board" in page


def test_create_body_edit_and_loop_refused(client, world, gov):
    c = _as(client, gov.admin)
    response = c.post(
        reverse("governance:body_create"),
        {
            "name": "IOM Steering Group",
            "kind": "steering_group",
            "cadence": "quarterly",
            "reports_to": gov.board.pk,
        },
    )
    body = Body.objects.get(name="IOM Steering Group")
    assert response.status_code == 302 and body.reports_to == gov.board
    response = c.post(
        reverse("governance:body_edit", args=[gov.board.pk]),
        {
            "name": "Partnership Board",
            "kind": "board",
            "cadence": "quarterly",
            "reports_to": body.pk,
        },
    )
    assert response.status_code == 200
    assert "cannot report to itself" in response.content.decode()
    assert Body.objects.get(pk=gov.board.pk).reports_to is None


def test_secretary_adds_member_meeting_agenda_and_decision(client, world, gov):
    c = _as(client, gov.secretary)
    person = world.owner_person
    response = c.post(
        reverse("governance:member_add", args=[gov.group.pk]),
        {"person": person.pk, "role": "Police lead"},
    )
    assert response.status_code == 302
    assert BodyMember.objects.get(body=gov.group, person=person).role == "Police lead"
    response = c.post(
        reverse("governance:meeting_create", args=[gov.group.pk]),
        {"date": "2024-06-11", "title": "June"},
    )
    meeting = gov.group.meetings.get(title="June")
    assert response.status_code == 302
    form = c.get(reverse("governance:agenda_item_add", args=[meeting.pk])).content.decode()
    assert f"action:{world.action.pk}" in form and "<optgroup" in form
    c.post(
        reverse("governance:agenda_item_add", args=[meeting.pk]),
        {"title": "Delivery model", "subject": f"action:{world.action.pk}"},
    )
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.action == world.action
    url = reverse("governance:meeting_decision", args=[meeting.pk])
    assert "2024-06-11" in c.get(f"{url}?item={item.pk}").content.decode()
    response = c.post(
        url,
        {
            "agenda_item": item.pk,
            "kind": "sign_off",
            "text": "BASBAG agree delivery model",
            "decided_on": "2024-06-11",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.action, decision.meeting, decision.kind) == (world.action, meeting, "sign_off")
    page = c.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert "Delivery model" in page and "BASBAG agree delivery model" in page
    c.post(reverse("governance:agenda_item_remove", args=[item.pk]))
    assert not AgendaItem.objects.exists()
    c.post(reverse("governance:member_remove", args=[gov.group.pk, person.pk]))
    assert not BodyMember.objects.filter(person=person).exists()


def test_bad_decision_input_shows_an_error_and_saves_nothing(client, world, gov):
    c = _as(client, gov.secretary)
    url = reverse("governance:body_decision", args=[gov.group.pk])
    response = c.post(url, {"kind": "decision", "text": "x", "decided_on": "2999-01-01"})
    assert response.status_code == 200 and "cannot be in the future" in response.content.decode()
    response = c.post(
        url, {"kind": "decision", "text": "x", "decided_on": "2024-01-01", "subject": "action:999"}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Decision.objects.exists()


def test_decisions_show_on_the_action_page_and_plan_pages(client, world, gov):
    c = _as(client, world.viewer)
    action_url = reverse("plans:action", args=[world.action.pk])
    assert "BASBAG agree" not in c.get(action_url).content.decode()  # cached now
    services.decision_record(
        actor=gov.secretary,
        body=gov.group,
        text="BASBAG agree delivery model",
        decided_on=PAST,
        subject=world.action,
    )
    assert "BASBAG agree delivery model" in c.get(action_url).content.decode()
    plan_page = c.get(reverse("plans:detail", args=[world.plan.pk])).content.decode()
    assert "BASBAG agree delivery model" in plan_page
    gov_page = c.get(reverse("governance:plan", args=[world.plan.pk])).content.decode()
    for text in ("Governance", "Intelligence", "Owen Owner", "BASBAG agree delivery model"):
        assert text in gov_page
    assert 'aria-current="page">Governance' in gov_page
    assert "Assign oversight" not in gov_page
    history = c.get(reverse("plans:history", args=[world.plan.pk])).content.decode()
    assert "Decision of Barnet Anti-Social Behaviour Action Group" in history
    assert "Oversight of section “Intelligence” by" in history
    assert Plan.objects.get(pk=world.plan.pk).version > 0
