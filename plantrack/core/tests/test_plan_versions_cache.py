"""Cached pages show each kind of change, with a real cache (issue 11, item 2; the services
themselves are proven to move the versions in test_plan_versions.py).

plans/tests/test_views.py and test_api.py cover an action's title, an update's RAG, an owner's
name, the plan's title (home) and the API list's RAG; reports/tests/test_reports.py a measure,
a reading and a budget amount on the summary. These cover the other kinds. Commentary shows on
the commentary page only, which is not cached.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _changes_show(client, url, change, new_text, old_text=None) -> None:
    """Render (filling the cache), change through a service, render again."""
    first = _page(client, url)
    assert new_text not in first
    if old_text:
        assert old_text in first
    change()
    again = _page(client, url)
    assert new_text in again, f"{new_text!r} missing from the cached {url}"
    if old_text:
        assert old_text not in again


@pytest.fixture
def reader(client, world, real_cache):
    client.force_login(world.viewer)
    return client


def test_cached_plan_page_shows_sections_and_lead_organisations(reader, world):
    from plantrack.directory.services import organisation_update
    from plantrack.plans.services import action_create, section_create, section_update

    url = reverse("plans:detail", args=[world.plan.pk])
    _changes_show(
        reader,
        url,
        lambda: section_update(actor=world.manager, section=world.section, title="Intel cell"),
        "Intel cell",
    )
    _changes_show(
        reader,
        url,
        lambda: organisation_update(actor=world.manager, organisation=world.force, name="Met"),
        "Met</",
        "Barnet Police</",
    )
    _changes_show(
        reader,
        url,
        lambda: action_create(
            actor=world.manager,
            plan=world.plan,
            title="Divert",
            section=section_create(actor=world.manager, plan=world.plan, title="Diversion"),
        ),
        "Diversion",
    )


def test_cached_action_page_shows_milestones_measures_and_lead_organisations(reader, world):
    from plantrack.directory.services import organisation_update
    from plantrack.measures.services import measure_create, measure_update
    from plantrack.plans.services import milestone_create, milestone_update

    url = reverse("plans:action", args=[world.action.pk])
    milestone = None

    def add_milestone():
        nonlocal milestone
        milestone = milestone_create(actor=world.manager, action=world.action, title="Phase one")

    _changes_show(reader, url, add_milestone, "Phase one")
    _changes_show(
        reader,
        url,
        lambda: milestone_update(actor=world.manager, milestone=milestone, title="Phase 1b"),
        "Phase 1b",
    )
    measure = None

    def add_measure():
        nonlocal measure
        measure = measure_create(
            actor=world.manager,
            plan=world.plan,
            action=world.action,
            name="Policies written",
            direction="increase",
            unit="count",
        )

    _changes_show(reader, url, add_measure, "Policies written")
    _changes_show(
        reader,
        url,
        lambda: measure_update(actor=world.manager, measure=measure, name="Policies agreed"),
        "Policies agreed",
    )
    _changes_show(
        reader,
        url,
        lambda: organisation_update(
            actor=world.manager, organisation=world.force, name="Barnet Constabulary"
        ),
        "Barnet Constabulary",
    )


@pytest.fixture
def board(world):
    """A board keeping the world's plan under oversight, with a meeting."""
    from plantrack.core.tests.factories import make_person, make_user
    from plantrack.governance import services as governance

    admin = make_user("admin", is_superuser=True)
    body = governance.body_create(actor=admin, name="Youth Board")
    governance.body_member_add(
        actor=admin,
        body=body,
        person=make_person(world.manager, name="Mary Manager", organisation=world.force),
        role="Secretary",
    )
    meeting = governance.meeting_create(
        actor=world.manager, body=body, date=dt.date(2026, 3, 3), title="March board"
    )
    return admin, body, meeting


def test_cached_plan_page_shows_oversight_body_names_and_decisions(reader, world, board):
    from plantrack.governance import services as governance

    admin, body, meeting = board
    url = reverse("plans:detail", args=[world.plan.pk])
    oversight = None

    def oversee():
        nonlocal oversight
        oversight = governance.oversight_set(actor=world.manager, body=body, plan=world.plan)

    _changes_show(reader, url, oversee, "Youth Board</a>", "No body oversees it yet")
    _changes_show(
        reader,
        url,
        lambda: governance.body_update(actor=admin, body=body, name="Youth Partnership"),
        "Youth Partnership</a>",
    )
    decision = None

    def decide():
        nonlocal decision
        decision = governance.decision_record(
            actor=world.manager,
            body=body,
            text="Adopt the strategy.",
            meeting=meeting,
            subject=world.plan,
        )

    _changes_show(reader, url, decide, "Adopt the strategy.")
    _changes_show(
        reader,
        url,
        lambda: governance.decision_update(
            actor=world.manager, decision=decision, text="Adopt the strategy, amended."
        ),
        "amended",
    )
    governance.decision_delete(actor=world.manager, decision=decision)
    assert "Adopt the strategy" not in _page(reader, url)
    governance.oversight_remove(actor=world.manager, oversight=oversight)
    assert "No body oversees it yet" in _page(reader, url)


def test_cached_action_page_shows_decisions_and_their_meeting_titles(reader, world, board):
    from plantrack.governance import services as governance

    _admin, body, meeting = board
    url = reverse("plans:action", args=[world.action.pk])
    _changes_show(
        reader,
        url,
        lambda: governance.decision_record(
            actor=world.manager,
            body=body,
            text="Approve the policy.",
            meeting=meeting,
            subject=world.action,
        ),
        "Approve the policy.",
    )
    _changes_show(
        reader,
        url,
        lambda: governance.meeting_update(
            actor=world.manager, meeting=meeting, title="Extraordinary board"
        ),
        "Extraordinary board",
        "March board",
    )


def test_cached_summary_shows_targets_benefits_spend_and_funding(reader, world):
    from plantrack.budgets import services as budgets
    from plantrack.measures import services as measures

    url = reverse("reports:plan", args=[world.plan.pk])
    measure = measures.measure_create(
        actor=world.manager,
        plan=world.plan,
        action=world.action,
        name="Volunteers",
        direction="increase",
        unit="count",
        baseline_value=Decimal(0),
        baseline_date=dt.date(2026, 1, 1),
    )
    _changes_show(
        reader,
        url,
        lambda: measures.target_add(
            actor=world.manager, measure=measure, value=Decimal(4321), date=dt.date(2099, 1, 1)
        ),
        "4,321",
    )
    _changes_show(
        reader,
        url,
        lambda: measures.benefit_create(
            actor=world.manager, plan=world.plan, title="Fewer victims"
        ),
        "1 benefit in the register",
    )
    line = budgets.budget_line_create(
        actor=world.manager,
        plan=world.plan,
        name="Coordinator",
        category="operating",
        amounts={2025: Decimal(5000)},
    )
    _changes_show(
        reader,
        url,
        lambda: budgets.spend_record(
            actor=world.manager,
            line=line,
            amount=Decimal("1234.00"),
            financial_year=2025,
            date_recorded=dt.date(2025, 6, 1),
        ),
        "£1,234",
    )
    funding = None

    def bid():
        nonlocal funding
        funding = budgets.funding_create(
            actor=world.manager,
            plan=world.plan,
            funder=world.force,
            title="Bid",
            amount=Decimal(7777),
            status="submitted",
        )

    _changes_show(reader, url, bid, "awaiting decision £7,777")
    _changes_show(
        reader,
        url,
        lambda: budgets.funding_move(
            actor=world.manager,
            funding=funding,
            status="approved",
            decision_record="Approved in full.",
            decided_by="The board",
        ),
        "funding approved £7,777",
    )


def test_cached_api_action_list_shows_titles_and_organisations(client, world, real_cache):
    from plantrack.accounts.services import api_token_create
    from plantrack.directory.services import organisation_update
    from plantrack.plans.services import action_update

    _, secret = api_token_create(actor=world.viewer, name="test")
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"/api/v1/actions?plan={world.plan.pk}"

    def titles() -> str:
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        return response.content.decode()

    assert "Create a youth policy" not in titles()
    action_update(actor=world.manager, action=world.action, title="Create a youth policy")
    assert "Create a youth policy" in titles()
    assert "Barnet Constabulary" not in titles()
    organisation_update(actor=world.manager, organisation=world.force, name="Barnet Constabulary")
    assert "Barnet Constabulary" in titles()
