from __future__ import annotations

from decimal import Decimal

import pytest

from plantrack.budgets import selectors
from plantrack.budgets.demo import load_demo_funding
from plantrack.budgets.models import BudgetLine, Funding
from plantrack.core.tests.factories import make_org, make_user
from plantrack.demo.loader import load_seed
from plantrack.directory.models import Organisation

pytestmark = pytest.mark.django_db
D = Decimal


def test_importing_seed_004_brings_its_budgets_under_their_initiatives():
    loader = make_user("loader", is_superuser=True)
    organisation = make_org("Safer Communities Partnership", kind=Organisation.Kind.PARTNERSHIP)
    plan = load_seed("004_9c707c14883fcd10.txt", organisation, loader, loader)
    assert BudgetLine.objects.filter(plan=plan).count() == 26
    summary = selectors.budget_summary(plan)
    sections = {s["title"]: s["budget"] for s in summary["sections"]}
    assert sections == {
        "Neighbourhood Justice Panels": D("90150"),
        "Community Coaches": D("193300"),
        "Conditional Cautions": D("29100"),
    }
    categories = {c["category"]: c["budget"] for c in summary["categories"]}
    assert categories == {"set_up": D("97550"), "operating": D("215000")}

    bid = load_demo_funding(actor=loader, plan=plan)
    assert bid.status == "submitted" and bid.funder.short_name == "MOPAC"
    assert bid.amount == D("312550")
    # Loading again changes nothing.
    assert load_demo_funding(actor=loader, plan=plan) is None
    assert Funding.objects.filter(plan=plan).count() == 1
