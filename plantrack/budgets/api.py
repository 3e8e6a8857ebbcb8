# No "from __future__ import annotations": django-ninja reads these signatures at runtime.

from django.core.exceptions import ValidationError
from ninja import Router, Status

from plantrack.budgets import selectors, services
from plantrack.budgets.schemas import (
    BudgetLineOut,
    BudgetSummaryOut,
    FundingOut,
    SpendIn,
    SpendOut,
)
from plantrack.core.api import READ_ONE, WRITE, Id
from plantrack.core.finyears import fy_label, fy_parse
from plantrack.plans.selectors import plan_get_for_user

router = Router(tags=["budgets"])


def _year_amounts(pairs) -> list[dict]:
    return [
        {"financial_year": year, "label": fy_label(year), "amount": amount}
        for year, amount in sorted(pairs)
    ]


@router.get("/plans/{plan_id}/budget/lines", response={200: list[BudgetLineOut], **READ_ONE})
def list_budget_lines(request, plan_id: Id):
    """The plan's budget lines in initiative order, with amounts and spend per financial year."""
    plan = plan_get_for_user(request.user, plan_id)
    spend = selectors.spend_by_line_year(plan)
    by_line: dict[int, list] = {}
    for (line_id, year), total in spend.items():
        by_line.setdefault(line_id, []).append((year, total))
    return [
        {
            "id": line.pk,
            "plan_id": line.plan_id,
            "section_id": line.section_id,
            "section": line.section.title if line.section else None,
            "name": line.name,
            "category": line.category,
            "assumption": line.assumption,
            "order": line.order,
            "amounts": _year_amounts((a.financial_year, a.amount) for a in line.amounts.all()),
            "spend": _year_amounts(by_line.get(line.pk, [])),
        }
        for line in selectors.budget_lines_for_plan(plan)
    ]


@router.get("/plans/{plan_id}/budget/summary", response={200: BudgetSummaryOut, **READ_ONE})
def budget_summary(request, plan_id: Id):
    """Budget, spend and variance (budget minus spend) per year, initiative and category,
    with the over-budget and ahead-of-profile flags."""
    return selectors.budget_summary(plan_get_for_user(request.user, plan_id))


@router.get("/plans/{plan_id}/funding", response={200: list[FundingOut], **READ_ONE})
def list_funding(request, plan_id: Id):
    plan = plan_get_for_user(request.user, plan_id)
    return list(selectors.funding_for_plan(plan))


@router.post("/plans/{plan_id}/budget/spend", response={201: SpendOut, **WRITE})
def record_spend(request, plan_id: Id, payload: SpendIn):
    """Record spend on one of the plan's budget lines (plan managers only)."""
    plan = plan_get_for_user(request.user, plan_id)
    line = selectors.budget_line_in_plan(plan, payload.line_id)
    if line is None:
        raise ValidationError({"line_id": f"This plan has no budget line {payload.line_id}."})
    year = payload.financial_year
    if isinstance(year, str):
        try:
            year = fy_parse(year)
        except ValueError as exc:
            raise ValidationError({"financial_year": str(exc)}) from None
    spend = services.spend_record(
        actor=request.user,
        line=line,
        amount=payload.amount,
        financial_year=year,
        date_recorded=payload.date_recorded,
        note=payload.note,
    )
    return Status(
        201,
        {
            "id": spend.pk,
            "line_id": line.pk,
            "financial_year": spend.financial_year,
            "label": fy_label(spend.financial_year),
            "amount": spend.amount,
            "date_recorded": spend.date_recorded,
            "note": spend.note,
        },
    )
