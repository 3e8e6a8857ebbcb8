from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from plantrack.core.tests.factories import World, make_person
from plantrack.plans import services as plan_services
from plantrack.plans.models import Plan, Update
from plantrack.public import services
from plantrack.public.models import Publication


@dataclass
class Published:
    world: World
    publication: Publication
    secret_update: Update  # internal: never on a public page
    public_update: Update  # published with an edited text


SECRET = "Suspect Darren Smith was arrested at 14 Elm Road"
EDITED = "Partners agreed a new way of working with young people."


@pytest.fixture
def published(world) -> Published:
    """The world's plan, organisation-wide, published; the owner's action has one update
    published with an edited text and one left internal."""
    plan = world.plan
    plan_services.plan_update(
        actor=world.manager, plan=plan, visibility=Plan.Visibility.ORGANISATION
    )
    plan.refresh_from_db()
    person = world.owner_person
    person.staff_number, person.email, person.phone = "PS 4471", "owen@met.example", "07700 900123"
    person.post = "Youth Crime Lead"
    person.save()
    publication = services.plan_publish(actor=world.manager, plan=plan, slug="youth-strategy")
    shown = plan_services.update_post(
        actor=world.manager,
        action=world.action,
        narrative="Mary met Owen; partners agreed the policy. " + SECRET.split(" at ")[0],
        rag="amber",
        date=dt.date(2026, 11, 1),
    )
    services.update_publish(actor=world.manager, update=shown, text=EDITED)
    secret = plan_services.update_post(
        actor=world.manager,
        action=world.action,
        narrative=SECRET,
        rag="red",
        date=dt.date(2026, 11, 20),
    )
    make_person(name="Unrelated Person")
    return Published(world, publication, secret, shown)
