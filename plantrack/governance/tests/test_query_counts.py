"""The governance pages and lists make the same number of queries with few and many rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.accounts.services import api_token_create
from plantrack.core.tests.factories import make_person
from plantrack.governance import services
from plantrack.governance.tests.helpers import PAST

pytestmark = pytest.mark.django_db


def _grow(world, gov, start: int, count: int) -> None:
    parent = gov.group
    for i in range(start, start + count):
        chair = make_person(name=f"Chair {i}")
        body = services.body_create(
            actor=gov.admin, name=f"Group {i}", reports_to=parent, chair=chair
        )
        services.body_member_add(actor=gov.admin, body=body, person=chair, role="Chair")
        services.oversight_set(actor=world.manager, body=body, plan=world.plan, lead=chair)
        meeting = services.meeting_create(actor=gov.admin, body=body, date=PAST, title=f"M{i}")
        subject = [world.plan, world.section, world.action, None][i % 4]
        item = services.agenda_item_add(
            actor=gov.admin, meeting=meeting, title=f"Item {i}", subject=subject
        )
        services.decision_record(actor=gov.admin, body=body, text=f"D{i}", agenda_item=item)
        services.decision_record(
            actor=gov.admin, body=gov.group, text=f"G{i}", decided_on=PAST, subject=world.action
        )
        parent = body if i % 3 else gov.group


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "kind",
    [
        "tree",
        "plan_page",
        "body_page",
        "meeting_page",
        "plan_detail",
        "action",
        "history",
        "api_bodies",
        "api_decisions",
        "api_meetings",
        "api_body",
    ],
)
def test_queries_do_not_grow(client, world, gov, kind):
    client.force_login(world.manager)
    _, secret = api_token_create(actor=world.manager, name="t")
    headers = {"Authorization": f"Bearer {secret}"}
    plan = world.plan.pk
    fetch = {
        "tree": lambda: client.get(reverse("governance:bodies")),
        "plan_page": lambda: client.get(reverse("governance:plan", args=[plan])),
        "body_page": lambda: client.get(reverse("governance:body", args=[gov.group.pk])),
        "meeting_page": lambda: client.get(reverse("governance:meeting", args=[gov.meeting.pk])),
        "plan_detail": lambda: client.get(reverse("plans:detail", args=[plan])),
        "action": lambda: client.get(reverse("plans:action", args=[world.action.pk])),
        "history": lambda: client.get(reverse("plans:history", args=[plan])),
        "api_bodies": lambda: client.get("/api/v1/bodies", headers=headers),
        "api_decisions": lambda: client.get(f"/api/v1/decisions?plan={plan}", headers=headers),
        "api_meetings": lambda: client.get(
            f"/api/v1/bodies/{gov.group.pk}/meetings", headers=headers
        ),
        "api_body": lambda: client.get(f"/api/v1/bodies/{gov.group.pk}", headers=headers),
    }[kind]
    _grow(world, gov, 0, 2)
    for _ in range(2):  # the meeting page lists agenda items and decisions of one meeting
        services.agenda_item_add(
            actor=gov.admin, meeting=gov.meeting, title="x", subject=world.action
        )
    fetch()  # the first request of a token records its use
    few = _count(fetch)
    _grow(world, gov, 2, 10)
    for _ in range(8):
        item = services.agenda_item_add(
            actor=gov.admin, meeting=gov.meeting, title="y", subject=world.section
        )
        services.decision_record(actor=gov.admin, body=gov.group, text="z", agenda_item=item)
    many = _count(fetch)
    assert many == few
