from __future__ import annotations

from dataclasses import dataclass

import pytest

from plantrack.accounts.models import User
from plantrack.directory import services as directory_services
from plantrack.directory.models import Area, Membership
from plantrack.engagement import services
from plantrack.engagement.models import Activity, Group, Method, Register


@dataclass
class Engagement:
    register: Register
    group: Group
    activity: Activity
    owned: Activity
    admin: User
    force_area: Area
    barnet: Area
    ward: Area
    other_ward: Area
    brent: Area


def build_areas(admin: User, organisation) -> tuple[Area, Area, Area, Area, Area]:
    force_area = directory_services.area_create(
        actor=admin, name="Metropolitan Police District", level="force", organisation=organisation
    )
    barnet = directory_services.area_create(
        actor=admin, name="Barnet", level="borough", code="SX", parent=force_area
    )
    ward = directory_services.area_create(
        actor=admin, name="Burnt Oak", level="ward", parent=barnet, ons_code="E05013628"
    )
    other_ward = directory_services.area_create(
        actor=admin, name="Colindale North", level="ward", parent=barnet
    )
    brent = directory_services.area_create(
        actor=admin, name="Brent", level="borough", code="QK", parent=force_area
    )
    return force_area, barnet, ward, other_ward, brent


@pytest.fixture
def eng(world) -> Engagement:
    """The world's force keeps a register: the manager manages it, the viewer is a member of
    the force (reads it), the owner owns one activity, the outsider is another force's."""
    admin = User.objects.create_superuser("admin", password="pw")
    Membership.objects.get_or_create(user=world.viewer, organisation=world.force)
    force_area, barnet, ward, other_ward, brent = build_areas(admin, world.force)
    register = services.register_create(
        actor=world.manager, organisation=world.force, title="Engagement activity register"
    )
    group = services.group_create(
        actor=world.manager, register=register, name="Individual Borough Based Initiatives"
    )
    activity = services.activity_create(
        actor=world.manager,
        register=register,
        group=group,
        title="Deaf link scheme",
        owner_text="Diversity Officer & SN teams Barnet BOCU (SX)",
        cost_text="£250 0",
        cost_amount=2500,
        cost_period="one-off",
        communities_text="Deaf, deafened and hard of hearing community",
        aim="To increase awareness of services available",
        methods=[Method.objects.get(name="Public meeting")],
        level="consult",
        areas=[ward],
        status="running",
    )
    owned = services.activity_create(
        actor=world.manager,
        register=register,
        group=group,
        title="Met Volunteer programme",
        owners=[world.owner_person],
        areas=[brent],
        level="involve",
        status="running",
    )
    return Engagement(
        register, group, activity, owned, admin, force_area, barnet, ward, other_ward, brent
    )
