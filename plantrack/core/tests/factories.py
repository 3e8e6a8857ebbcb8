"""Test data built through the services, the way the app itself writes it."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.directory.models import Membership, Organisation, Person
from plantrack.measures import services as measure_services
from plantrack.measures.models import Measure
from plantrack.plans import services
from plantrack.plans.models import Action, Plan, Section

_seq = itertools.count(1)


def make_user(username: str | None = None, **fields) -> User:
    username = username or f"user{next(_seq)}"
    user = User.objects.create_user(username=username, password="pw", **fields)
    return user


def make_org(name: str | None = None, **fields) -> Organisation:
    return Organisation.objects.create(name=name or f"Organisation {next(_seq)}", **fields)


def make_person(user: User | None = None, **fields) -> Person:
    """A directory entry; an email given here counts as confirmed by its holder."""
    fields.setdefault("name", f"Person {next(_seq)}")
    if fields.get("email"):
        fields.setdefault("email_verified_at", timezone.now())
    return Person.objects.create(user=user, **fields)


def make_plan(manager: User, organisation: Organisation, **fields) -> Plan:
    Membership.objects.get_or_create(user=manager, organisation=organisation)
    fields.setdefault("title", f"Plan {next(_seq)}")
    fields.setdefault("visibility", Plan.Visibility.RESTRICTED)
    return services.plan_create(actor=manager, owner_organisation=organisation, **fields)


def make_action(plan: Plan, manager: User, **fields) -> Action:
    fields.setdefault("title", f"Do thing {next(_seq)}")
    return services.action_create(actor=manager, plan=plan, **fields)


@dataclass
class World:
    force: Organisation
    other_force: Organisation
    manager: User
    owner: User
    owner_person: Person
    viewer: User
    outsider: User
    plan: Plan
    section: Section
    action: Action
    other_action: Action


def build_world() -> World:
    force = make_org("Barnet Police", kind=Organisation.Kind.POLICE_FORCE)
    other_force = make_org("Other Force", kind=Organisation.Kind.POLICE_FORCE)
    manager = make_user("manager", first_name="Mary", last_name="Manager")
    owner = make_user("owner", first_name="Owen", last_name="Owner")
    viewer = make_user("viewer")
    outsider = make_user("outsider")
    Membership.objects.create(user=outsider, organisation=other_force)
    owner_person = make_person(owner, name="Owen Owner", rank="Insp.", organisation=force)
    plan = make_plan(manager, force, title="Youth Strategy")
    services.plan_role_set(actor=manager, plan=plan, user=owner, role="contributor")
    services.plan_role_set(actor=manager, plan=plan, user=viewer, role="viewer")
    section = services.section_create(actor=manager, plan=plan, title="Intelligence")
    action = make_action(
        plan,
        manager,
        section=section,
        ref="YC/INT/1",
        title="Create a policy",
        owners=[owner_person],
        lead_organisations=[force],
        due_text="March 2004",
    )
    other_action = make_action(plan, manager, section=section, ref="YC/INT/2", title="Track PYOs")
    return World(
        force,
        other_force,
        manager,
        owner,
        owner_person,
        viewer,
        outsider,
        plan,
        section,
        action,
        other_action,
    )


def make_measure(world: World, *, since: dt.date = dt.date(2024, 1, 1)) -> Measure:
    """Volunteers on the owner's action: 0 on ``since``, to reach 100 a year later."""
    target = since.replace(year=since.year + 1)
    return measure_services.measure_create(
        actor=world.manager,
        plan=world.plan,
        action=world.action,
        name="Volunteers recruited",
        direction="increase",
        unit="count",
        baseline_value=Decimal(0),
        baseline_date=since,
        targets=[(Decimal(100), target, f"by {target:%b %y}")],
    )


def storable(text: str) -> str:
    """Text as the database can hold it, for rows "stored before input was cleaned":
    PostgreSQL refuses NUL in any string, so there such rows hold every other control
    character but not that one."""
    return text.replace("\x00", "") if connection.vendor == "postgresql" else text
