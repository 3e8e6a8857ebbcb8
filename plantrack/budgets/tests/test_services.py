from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.budgets import selectors, services
from plantrack.budgets.models import BudgetAmount, BudgetLine, Funding, FundingStep, Spend
from plantrack.budgets.tests.helpers import make_line
from plantrack.core.tests.factories import make_org, make_plan
from plantrack.plans.models import Plan
from plantrack.plans.selectors import today
from plantrack.plans.services import section_create

pytestmark = pytest.mark.django_db
D = Decimal


def _version(plan) -> int:
    return Plan.objects.get(pk=plan.pk).version


def test_create_line_with_amounts_is_audited_and_touches_plan(world):
    before = _version(world.plan)
    line = make_line(world)
    assert {a.financial_year: a.amount for a in line.amounts.all()} == {
        2013: D("11250.00"),
        2014: D("22500.00"),
    }
    assert _version(world.plan) > before
    assert line.history.first().history_user == world.manager
    assert BudgetAmount.history.filter(line_id=line.pk).count() == 2


def test_update_replaces_amounts(world):
    line = make_line(world)
    services.budget_line_update(
        actor=world.manager, line=line, name="Co-ordinator", amounts={2014: D("1"), 2015: D("2")}
    )
    line.refresh_from_db()
    assert line.name == "Co-ordinator"
    assert dict(line.amounts.values_list("financial_year", "amount")) == {
        2014: D("1"),
        2015: D("2"),
    }


@pytest.mark.parametrize("amount", [D("-1"), "-0.01", "abc", "NaN", D("1e12")])
def test_bad_amounts_are_refused_and_nothing_saved(world, amount):
    with pytest.raises(ValidationError):
        make_line(world, amounts={2013: amount})
    assert not BudgetLine.objects.exists()


def test_bad_year_is_refused(world):
    with pytest.raises(ValidationError):
        make_line(world, amounts={1066: D("1")})


def test_section_of_another_plan_is_refused(world):
    other = make_plan(world.manager, world.force, title="Other")
    foreign = section_create(actor=world.manager, plan=other, title="Elsewhere")
    with pytest.raises(ValidationError):
        make_line(world, section=foreign)


def test_only_managers_write(world):
    line = make_line(world)
    for user in (world.viewer, world.owner, world.outsider):
        with pytest.raises(PermissionDenied):
            make_line(world.__class__(**{**world.__dict__, "manager": user}))
        with pytest.raises(PermissionDenied):
            services.spend_record(actor=user, line=line, amount=D("1"))


def test_spend_negative_future_and_year(world):
    line = make_line(world)
    with pytest.raises(ValidationError):
        services.spend_record(actor=world.manager, line=line, amount=D("-5"))
    with pytest.raises(ValidationError):
        services.spend_record(
            actor=world.manager,
            line=line,
            amount=D("5"),
            date_recorded=today() + dt.timedelta(days=3),
        )
    spend = services.spend_record(
        actor=world.manager, line=line, amount=D("5"), date_recorded=dt.date(2014, 3, 31)
    )
    assert spend.financial_year == 2013  # the year the date falls in
    assert not Spend.objects.filter(amount__lt=0).exists()


def test_line_with_spend_cannot_be_deleted(world):
    line = make_line(world)
    services.spend_record(actor=world.manager, line=line, amount=D("5"), financial_year=2013)
    with pytest.raises(ValidationError):
        services.budget_line_delete(actor=world.manager, line=line)
    empty = make_line(world, name="Spare")
    services.budget_line_delete(actor=world.manager, line=empty)
    assert not BudgetLine.objects.filter(pk=empty.pk).exists()


# --- Funding --------------------------------------------------------------------------------


def _bid(world, **kwargs) -> Funding:
    kwargs.setdefault("date", dt.date(2024, 1, 10))
    return services.funding_create(
        actor=world.manager,
        plan=world.plan,
        funder=make_org("MOPAC"),
        title="Panels",
        amount=D("90150"),
        **kwargs,
    )


def test_bid_life_with_dated_steps(world):
    bid = _bid(world)
    services.funding_move(
        actor=world.manager, funding=bid, status="submitted", date=dt.date(2024, 2, 1)
    )
    services.funding_move(
        actor=world.manager, funding=bid, status="decision_pending", date=dt.date(2024, 3, 1)
    )
    services.funding_move(
        actor=world.manager,
        funding=bid,
        status="approved",
        date=dt.date(2024, 4, 2),
        decision_record="Approved for two years, subject to evaluation",
        decided_by="MOPAC investment board",
    )
    bid.refresh_from_db()
    assert bid.status == "approved" and bid.decided_by == "MOPAC investment board"
    steps = list(FundingStep.objects.filter(funding=bid).values_list("status", "date"))
    assert steps == [
        ("drafted", dt.date(2024, 1, 10)),
        ("submitted", dt.date(2024, 2, 1)),
        ("decision_pending", dt.date(2024, 3, 1)),
        ("approved", dt.date(2024, 4, 2)),
    ]
    assert bid.history.count() == 4


def test_withdrawn_bid_cannot_be_approved(world):
    bid = _bid(world)
    services.funding_move(actor=world.manager, funding=bid, status="withdrawn")
    with pytest.raises(ValidationError) as exc:
        services.funding_move(
            actor=world.manager,
            funding=bid,
            status="approved",
            decision_record="x",
            decided_by="y",
        )
    assert "A withdrawn bid cannot be approved" in str(exc.value)
    assert Funding.objects.get(pk=bid.pk).status == "withdrawn"


def test_drafted_bid_cannot_skip_to_approved(world):
    bid = _bid(world)
    with pytest.raises(ValidationError, match="drafted bid cannot be approved"):
        services.funding_move(
            actor=world.manager, funding=bid, status="approved", decision_record="x", decided_by="y"
        )


def test_decision_needs_record_and_who(world):
    bid = _bid(world, status="submitted")
    with pytest.raises(ValidationError) as exc:
        services.funding_move(actor=world.manager, funding=bid, status="declined")
    assert set(exc.value.message_dict) == {"decision_record", "decided_by"}
    assert FundingStep.objects.filter(funding=bid).count() == 1


def test_step_cannot_go_back_in_time(world):
    bid = _bid(world)
    with pytest.raises(ValidationError, match="before the last step"):
        services.funding_move(
            actor=world.manager, funding=bid, status="submitted", date=dt.date(2023, 1, 1)
        )


def test_new_bid_cannot_start_decided(world):
    with pytest.raises(ValidationError):
        _bid(world, status="approved")


# --- Variance and flags ---------------------------------------------------------------------


def test_summary_totals_variance_and_over_budget_flags(world):
    coordinator = make_line(world, amounts={2013: D("100"), 2014: D("200")})
    make_line(world, name="Launch", category="set_up", amounts={2013: D("50")}, section=None)
    services.spend_record(
        actor=world.manager, line=coordinator, amount=D("120"), financial_year=2013
    )
    summary = selectors.budget_summary(world.plan, on=dt.date(2030, 1, 1))
    years = {row["year"]: row for row in summary["by_year"]}
    assert years[2013]["budget"] == D("150") and years[2013]["spend"] == D("120")
    assert years[2013]["variance"] == D("30") and not years[2013]["over"]
    assert summary["total"] == {"budget": D("350"), "spend": D("120"), "variance": D("230")}
    sections = {s["title"]: s for s in summary["sections"]}
    assert sections["Intelligence"]["budget"] == D("300")
    assert sections["Not in an initiative"]["budget"] == D("50")
    categories = {c["category"]: c["budget"] for c in summary["categories"]}
    assert categories == {"set_up": D("50"), "operating": D("300")}
    flags = [(f["kind"], f["scope"], f["year"]) for f in summary["flags"]]
    assert flags == [("over", "line", 2013)]  # the line is over, the plan's year is not
    services.spend_record(
        actor=world.manager, line=coordinator, amount=D("100"), financial_year=2013
    )
    summary = selectors.budget_summary(world.plan, on=dt.date(2030, 1, 1))
    flags = {(f["kind"], f["scope"], f["year"]) for f in summary["flags"]}
    assert flags == {("over", "line", 2013), ("over", "plan", 2013)}


def test_ahead_of_profile_in_the_current_year_only(world):
    line = make_line(world, amounts={2013: D("3650"), 2014: D("3650")})
    services.spend_record(actor=world.manager, line=line, amount=D("1000"), financial_year=2013)
    services.spend_record(actor=world.manager, line=line, amount=D("1000"), financial_year=2014)
    # 30 June 2013: 91 of 365 days gone, a profile of £910 < £1,000 spent: ahead.
    summary = selectors.budget_summary(world.plan, on=dt.date(2013, 6, 30))
    kinds = {(f["kind"], f["scope"], f["year"]) for f in summary["flags"]}
    assert kinds == {("ahead_of_profile", "line", 2013), ("ahead_of_profile", "plan", 2013)}
    assert summary["by_year"][0]["profile"] == D("910.00")
    # 31 July 2013: 122 days, profile £1,220: on profile.
    assert selectors.budget_summary(world.plan, on=dt.date(2013, 7, 31))["flags"] == []


def test_funding_totals_in_summary(world):
    _bid(world, status="submitted")
    summary = selectors.budget_summary(world.plan)
    assert summary["funding"] == {"approved": D("0"), "pending": D("90150"), "bids": 1}


def test_budget_history_lists_changes(world):
    from plantrack.budgets.history import budget_history

    line = make_line(world)
    services.spend_record(actor=world.manager, line=line, amount=D("5"), financial_year=2013)
    whats = [e.what for e in budget_history(world.plan.pk)]
    assert "Budget line “Coordinator”" in whats
    assert any("Spend of £5.00" in w for w in whats)
    assert any("in 2014/15" in w for w in whats)
