from __future__ import annotations

from dataclasses import dataclass

import pytest

from plantrack.assessments import services
from plantrack.assessments.models import Framework
from plantrack.directory.models import Membership


@dataclass
class Frameworks:
    checklist: Framework  # published: every signed-in user reads it
    draft: Framework  # the force's own draft: its members only


ITEMS = [
    "Appointment of a SPOC at PCSO/PC/PS level to monitor / run the scheme locally with "
    "minimum Inspector-level oversight;",
    "Regular (3-weekly?) reminder slides on MetBats for all officers/staff;",
    "Publicity material in front offices;",
]


@pytest.fixture
def fw(world) -> Frameworks:
    """The world's force keeps a published checklist and a draft; the manager (a member of
    the force) keeps them; the viewer is a member too; the outsider belongs to another force."""
    Membership.objects.get_or_create(user=world.viewer, organisation=world.force)
    checklist = services.framework_import(
        actor=world.manager,
        organisation=world.force,
        title="Good practice check list for borough schemes",
        items=[services.ImportedItem(text) for text in ITEMS],
    )
    services.framework_status_set(actor=world.manager, framework=checklist, status="published")
    draft = services.framework_create(
        actor=world.manager, organisation=world.force, title="Minimum standards of engagement"
    )
    services.item_create(actor=world.manager, framework=draft, text="An aim is recorded")
    return Frameworks(checklist, draft)


@dataclass
class CycleWorld:
    cycle: object
    barnet: object  # unit
    brent: object  # unit
    barnet_assessor: object
    brent_assessor: object
    reviewer: object


@pytest.fixture
def cw(world, fw) -> CycleWorld:
    """The checklist sent to two boroughs of the force: an assessor each, a named reviewer."""
    import datetime as dt

    from plantrack.assessments import cycles
    from plantrack.core.tests.factories import make_org, make_user

    barnet_org = make_org("Barnet BOCU", parent=world.force)
    brent_org = make_org("Brent BOCU", parent=world.force)
    barnet_assessor = make_user("barnet-spoc", first_name="Bea", last_name="Spoc")
    brent_assessor = make_user("brent-spoc")
    reviewer = make_user("reviewer", first_name="Rita", last_name="Reviewer")
    Membership.objects.create(user=barnet_assessor, organisation=barnet_org)
    Membership.objects.create(user=brent_assessor, organisation=brent_org)
    Membership.objects.create(user=reviewer, organisation=world.force)
    cycle = cycles.cycle_create(
        actor=world.manager,
        framework=fw.checklist,
        title="2026/27 self-assessment",
        opens_on=dt.date(2026, 4, 1),
        due_on=dt.date(2026, 6, 30),
        units=[barnet_org, brent_org],
        reviewers=[reviewer],
    )
    barnet = cycle.units.get(organisation=barnet_org)
    brent = cycle.units.get(organisation=brent_org)
    cycles.unit_assessors_set(actor=world.manager, unit=barnet, assessors=[barnet_assessor])
    cycles.unit_assessors_set(actor=world.manager, unit=brent, assessors=[brent_assessor])
    return CycleWorld(cycle, barnet, brent, barnet_assessor, brent_assessor, reviewer)
