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
