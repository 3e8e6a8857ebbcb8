"""The budget page and the budget API lists make the same number of queries for 3 and 40 lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.accounts.services import api_token_create
from plantrack.budgets import selectors, services
from plantrack.budgets.tests.helpers import make_line
from plantrack.core.tests.factories import make_org

pytestmark = pytest.mark.django_db
D = Decimal


def _grow(world, total: int, funder) -> None:
    for i in range(total):
        line = make_line(
            world,
            name=f"Line {i}",
            amounts={2013: D("100"), 2014: D("200"), 2015: D("300")},
            category="operating" if i % 2 else "set_up",
            section=world.section if i % 3 else None,
        )
        services.spend_record(
            actor=world.manager, line=line, amount=D("150"), financial_year=2013, note=f"n{i}"
        )
    # One more bid per growth step, each with two steps.
    for i in range(total // 3):
        bid = services.funding_create(
            actor=world.manager,
            plan=world.plan,
            funder=funder,
            title=f"Bid {i}",
            amount=D("10"),
            status="submitted",
            date=dt.date(2024, 1, 1),
        )
        services.funding_move(actor=world.manager, funding=bid, status="withdrawn")


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("kind", ["page", "api_lines", "api_summary", "api_funding", "summary"])
def test_queries_do_not_grow_with_lines(client, world, kind):
    funder = make_org("MOPAC")
    client.force_login(world.manager)
    _, secret = api_token_create(actor=world.manager, name="t")
    headers = {"Authorization": f"Bearer {secret}"}
    base = f"/api/v1/plans/{world.plan.pk}"
    calls = {
        "page": lambda: client.get(reverse("budgets:plan", args=[world.plan.pk])),
        "api_lines": lambda: client.get(f"{base}/budget/lines", headers=headers),
        "api_summary": lambda: client.get(f"{base}/budget/summary", headers=headers),
        "api_funding": lambda: client.get(f"{base}/funding", headers=headers),
        "summary": lambda: selectors.budget_summary(world.plan),
    }

    def run():
        response = calls[kind]()
        if hasattr(response, "status_code"):
            assert response.status_code == 200

    _grow(world, 3, funder)
    run()  # warm caches (session, content types)
    small = _count(run)
    _grow(world, 37, funder)
    assert _count(run) == small
    if kind == "summary":
        assert small == 3
