from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from plantrack.core.tests.factories import World, make_person
from plantrack.engagement import services as engagement
from plantrack.engagement.models import Activity, Outcome
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


# What the register says, with a name and a phone number in it: never on a public page as it
# stands (the security review of 7 Dec found such a text reaching one).
SAID = "Mrs Joan Patel (07700 900456) said the park by Hendon School is dark after school."
DID = "PC Dawes asked the council, who put up lights; Mrs Patel was told on 3 October."
PUBLIC_SAID = "The park by the school is dark after school."
PUBLIC_DID = "The council put up lights."


@dataclass
class Outcomes:
    published: Published
    forum: Activity  # completed, linked to the plan, owned by the owner
    outcome: Outcome  # the forum's: waiting for approval
    via_action: Outcome  # of a completed activity linked to the owner's action
    running: Outcome  # of an activity linked to the plan but not completed


@pytest.fixture
def outcomes(published) -> Outcomes:
    """The force's engagement register (the manager keeps it): a completed youth forum linked
    to the plan, whose "you said, we did" names a resident and her phone; a completed
    activity linked to the owner's action; a running one linked to the plan."""
    world = published.world
    register = engagement.register_create(
        actor=world.manager, organisation=world.force, title="Barnet engagement"
    )

    def activity(title: str, status: str, **links) -> tuple[Activity, Outcome]:
        made = engagement.activity_create(
            actor=world.manager, register=register, title=title, level="consult", **links
        )
        outcome = engagement.outcome_record(
            actor=world.manager,
            activity=made,
            you_said=f"{title}: {SAID}",
            we_did=f"{title}: {DID}",
            date=dt.date(2026, 10, 1),
        )
        engagement.activity_update(actor=world.manager, activity=made, status=status)
        made.refresh_from_db()
        return made, outcome

    forum, outcome = activity(
        "Youth forum", "completed", plans=[world.plan], owners=[world.owner_person]
    )
    _, via_action = activity("School visits", "completed", actions=[world.action])
    _, running = activity("Street survey", "running", plans=[world.plan])
    return Outcomes(published, forum, outcome, via_action, running)
