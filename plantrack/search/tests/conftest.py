from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from plantrack.core.tests.factories import World, build_world, make_org, make_user


@dataclass
class SearchWorld:
    w: World
    admin: Any
    objects: dict[str, Any] = field(default_factory=dict)


def build_search_world() -> SearchWorld:
    """build_world's restricted plan (the manager, owner, viewer and outsider), with one thing
    of every kind a search finds, each with a word of its own."""
    from plantrack.assessments import cycles
    from plantrack.assessments import services as assessments
    from plantrack.directory.models import Organisation
    from plantrack.engagement import services as engagement
    from plantrack.governance import services as governance
    from plantrack.plans import services as plans
    from plantrack.stakeholders import services as stakeholders

    admin = make_user("admin", is_superuser=True)
    w = build_world()
    update = plans.update_post(
        actor=w.manager,
        action=w.action,
        narrative="Truancy patrols agreed with the schools. <script>alert('x')</script>",
        rag="amber",
        status="in_progress",
    )
    body = governance.body_create(actor=admin, name="Youth Board")
    decision = governance.decision_record(
        actor=admin,
        body=body,
        text="Agree the zebrafinch delivery model.",
        subject=w.plan,
        decided_on=dt.date(2026, 5, 1),
    )
    register = engagement.register_create(
        actor=w.manager, organisation=w.force, title="Engagement register"
    )
    activity = engagement.activity_create(
        actor=w.manager, register=register, title="Kestrel street surgery"
    )
    framework = assessments.framework_import(
        actor=w.manager,
        organisation=w.force,
        title="Heron checklist",
        items=[assessments.ImportedItem("Appointment of a SPOC")],
    )
    assessments.framework_status_set(actor=w.manager, framework=framework, status="published")
    unit_org = Organisation.objects.create(name="Ptarmigan BOCU", parent=w.force)
    cycle = cycles.cycle_create(
        actor=w.manager,
        framework=framework,
        title="Spring cycle",
        opens_on=dt.date(2026, 4, 1),
        due_on=dt.date(2026, 6, 30),
        units=[unit_org],
    )
    database = stakeholders.database_create(actor=w.manager, organisation=w.force)
    partner = make_org("Osprey residents' association")
    stakeholder = stakeholders.stakeholder_create(
        actor=w.manager, database=database, organisation=partner, owner=w.owner_person
    )
    contact = stakeholders.contact_create(
        actor=w.manager, database=database, name="Lapwing Chair", email="lapwing@example.org"
    )
    return SearchWorld(
        w,
        admin,
        {
            "update": update,
            "decision": decision,
            "activity": activity,
            "framework": framework,
            "unit": cycle.units.get(),
            "stakeholder": stakeholder,
            "contact": contact,
        },
    )


@pytest.fixture
def sw(db) -> SearchWorld:
    return build_search_world()
