"""Governance test data, written through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from plantrack.accounts.models import User
from plantrack.core.tests.factories import make_person, make_user
from plantrack.governance import services
from plantrack.governance.models import Body, Meeting
from plantrack.plans import services as plan_services

PAST = dt.date(2024, 5, 14)


@dataclass
class Gov:
    admin: User
    secretary: User
    board: Body
    group: Body
    meeting: Meeting


def make_gov(world) -> Gov:
    """A board with a steering group beneath it, kept by a secretary; the group oversees the
    world's section and holds a meeting."""
    admin = make_user("admin", is_superuser=True)
    board = services.body_create(actor=admin, name="Partnership Board", kind=Body.Kind.BOARD)
    group = services.body_create(
        actor=admin,
        name="Barnet Anti-Social Behaviour Action Group",
        short_name="BASBAG",
        kind=Body.Kind.STEERING_GROUP,
        reports_to=board,
        cadence=Body.Cadence.MONTHLY,
    )
    secretary = make_user("secretary")
    person = make_person(secretary, name="Sam Secretary", organisation=world.force)
    services.body_member_add(actor=admin, body=group, person=person, role="Group secretary")
    # Board members read the plans their body oversees.
    plan_services.plan_role_set(actor=world.manager, plan=world.plan, user=secretary, role="viewer")
    services.oversight_set(
        actor=world.manager,
        body=group,
        plan=world.plan,
        section=world.section,
        lead=world.owner_person,
        lead_text="Owen Owner, Inspector",
    )
    meeting = services.meeting_create(actor=secretary, body=group, date=PAST, title="May meeting")
    return Gov(admin, secretary, board, group, meeting)
