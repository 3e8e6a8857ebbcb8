from __future__ import annotations

import types

import pytest

from plantrack.core.tests.factories import make_user
from plantrack.governance import services as governance
from plantrack.governance.models import Body
from plantrack.reminders import digest


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.PLANTRACK_BASE_URL = "https://plantrack.example"


@pytest.fixture(autouse=True)
def commentary(monkeypatch):
    """Stand in for plantrack.packs.selectors.missing_commentary_by_person so that these tests
    control the commentary items: fill ``commentary.missing`` with {person: [actions]}.
    test_digest.py has one test against the real function."""
    fake = types.SimpleNamespace(missing={}, calls=[])

    def missing_commentary_by_person(period, plans=None):
        fake.calls.append(period)
        return fake.missing

    monkeypatch.setattr(digest.gathering, "commentary_source", lambda: missing_commentary_by_person)
    return fake


@pytest.fixture
def admin(db):
    return make_user("admin", is_superuser=True)


@pytest.fixture
def board(world, admin) -> Body:
    """A board overseeing the plan, with the action owner as a member."""
    body = governance.body_create(actor=admin, name="Youth Board")
    governance.body_member_add(actor=admin, body=body, person=world.owner_person)
    governance.oversight_set(actor=world.manager, body=body, plan=world.plan)
    return body
