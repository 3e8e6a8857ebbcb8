"""The personas of the stakeholder database, built through the services as the app writes.

The world's force keeps a stakeholder database, opened by the world's manager (so its data
steward and contact manager). The owner (Owen Owner, the force's inspector) keeps the
relationship with the Balham & Tooting Community Association but is no member of the force;
the viewer is a plain member of the force; the site admin has no role on the database; the
outsider belongs to another force and sees none of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.core.tests.factories import make_org
from plantrack.directory.models import Membership, Organisation
from plantrack.directory.selectors import forget_organisation_ids
from plantrack.stakeholders import services
from plantrack.stakeholders.models import Contact, Database, Purpose, Role, Stakeholder


@dataclass
class Stakeholders:
    database: Database
    steward: User
    owner: User
    member: User
    admin: User
    outsider: User
    batca_org: Organisation
    batca: Stakeholder
    rnid: Stakeholder
    chair: Contact
    officer: Contact
    chair_role: Role
    officer_role: Role
    community: Purpose
    newsletter: Purpose


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def sh(world) -> Stakeholders:
    admin = User.objects.create_superuser("admin", password="pw")
    Membership.objects.get_or_create(user=world.viewer, organisation=world.force)
    forget_organisation_ids(world.viewer)
    database = services.database_create(
        actor=world.manager,
        organisation=world.force,
        description="Barnet's partners",
        dpo_contact="DPO, Barnet Police",
    )
    batca_org = make_org("Balham & Tooting Community Association", short_name="BATCA")
    batca = services.stakeholder_create(
        actor=world.manager,
        database=database,
        organisation=batca_org,
        category=Stakeholder.Category.RESIDENTS,
        owner=world.owner_person,
        contact_every_days=30,
    )
    rnid = services.stakeholder_create(
        actor=world.manager,
        database=database,
        organisation=make_org("RNID"),
        category=Stakeholder.Category.CHARITY,
    )
    chair = services.contact_create(
        actor=world.manager,
        database=database,
        name="Sam Madeup",
        kind="representative",
        email="sam.madeup@example.org",
        phone="020 7946 0123",
        address="1 Example Road",
    )
    officer = services.contact_create(
        actor=world.manager,
        database=database,
        name="Morgan Specimen",
        kind="professional",
        email="morgan.specimen@example.org",
        phone="020 7946 0456",
    )
    chair_role = services.stakeholder_role_create(
        actor=world.manager, stakeholder=batca, title="Chair", contact=chair, main=True
    )
    officer_role = services.stakeholder_role_create(
        actor=world.manager, stakeholder=rnid, title="Engagement officer", contact=officer
    )
    return Stakeholders(
        database=database,
        steward=world.manager,
        owner=world.owner,
        member=world.viewer,
        admin=admin,
        outsider=world.outsider,
        batca_org=batca_org,
        batca=batca,
        rnid=rnid,
        chair=chair,
        officer=officer,
        chair_role=chair_role,
        officer_role=officer_role,
        community=database.purposes.get(name="Community engagement"),
        newsletter=database.purposes.get(name="Newsletter"),
    )
