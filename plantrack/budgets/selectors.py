"""Every read of budgets, funding and spend, scoped to the user who asks.

Variance is budget minus spend: positive is money left, negative is an overspend.

Flags, each per budget line and year and per plan year:

* **over budget**: spend recorded for the year is more than its budget (no budget counts as 0);
* **ahead of profile**: in the financial year we are in, spend so far is more than the budget
  pro rata to the share of the year gone by, counting today (on 30 September a £10,000 budget
  has a profile of 183/365 × £10,000 = £5,013.70). Spend is assumed to run evenly through the
  year; a year already over budget is flagged as over, not also as ahead.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, QuerySet, Sum
from django.http import Http404

from plantrack.accounts.models import User
from plantrack.budgets.models import BudgetAmount, BudgetLine, Category, Funding, FundingStep
from plantrack.budgets.models import Spend as SpendModel
from plantrack.core.finyears import fy_elapsed_share, fy_label, fy_of
from plantrack.plans.models import Plan
from plantrack.plans.selectors import plans_visible_to, today

ZERO = Decimal("0.00")
CATEGORY_LABELS = dict(Category.choices)
NO_SECTION = "Not in an initiative"
PENDING = (Funding.Status.SUBMITTED, Funding.Status.DECISION_PENDING)


def _pennies(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- Single objects -------------------------------------------------------------------------


def budget_line_get_for_user(user: User, pk: int) -> BudgetLine:
    try:
        return (
            BudgetLine.objects.select_related("plan", "section")
            .prefetch_related("amounts")
            .get(pk=pk, plan__in=plans_visible_to(user))
        )
    except BudgetLine.DoesNotExist as exc:
        raise Http404("No such budget line") from exc


def funding_get_for_user(user: User, pk: int) -> Funding:
    try:
        return Funding.objects.select_related("plan", "funder", "section").get(
            pk=pk, plan__in=plans_visible_to(user)
        )
    except Funding.DoesNotExist as exc:
        raise Http404("No such funding") from exc


# --- Lists ----------------------------------------------------------------------------------


def budget_lines_for_plan(plan: Plan) -> QuerySet[BudgetLine]:
    """The plan's lines in initiative order, with their amounts (two queries in all)."""
    return (
        BudgetLine.objects.filter(plan=plan)
        .select_related("section")
        .prefetch_related(
            Prefetch("amounts", queryset=BudgetAmount.objects.order_by("financial_year"))
        )
        .order_by(F("section__position").asc(nulls_last=True), "section_id", "order", "id")
    )


def spend_by_line_year(plan: Plan) -> dict[tuple[int, int], Decimal]:
    rows = (
        SpendModel.objects.filter(line__plan=plan)
        .values("line_id", "financial_year")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    # Sums come back as the database likes (SQLite drops trailing zeros): show pennies.
    return {(r["line_id"], r["financial_year"]): _pennies(r["total"]) for r in rows}


def spend_for_plan(plan: Plan, limit: int = 50) -> list[SpendModel]:
    return list(
        SpendModel.objects.filter(line__plan=plan)
        .select_related("line", "recorded_by")
        .order_by("-date_recorded", "-id")[:limit]
    )


def funding_for_plan(plan: Plan) -> QuerySet[Funding]:
    steps = FundingStep.objects.select_related("recorded_by").order_by("date", "id")
    return (
        Funding.objects.filter(plan=plan)
        .select_related("funder", "section")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("-status_date", "-id")
    )


# --- Flags ----------------------------------------------------------------------------------


def judge(budget: Decimal, spend: Decimal, year: int, on: dt.date) -> dict[str, Any]:
    """Variance and flags for one budget and its spend in one financial year."""
    over = spend > budget
    profile = None
    ahead = False
    if year == fy_of(on):
        share = Decimal(str(fy_elapsed_share(year, on)))
        profile = _pennies(budget * share)
        ahead = not over and spend > profile
    return {
        "budget": budget,
        "spend": spend,
        "variance": budget - spend,
        "over": over,
        "ahead_of_profile": ahead,
        "profile": profile,
    }


# --- Summary --------------------------------------------------------------------------------


# Each line's name, initiative and category, by line id; budget and spend by (line id, year).
type _LineMeta = dict[int, dict[str, Any]]
type _Cells = dict[tuple[int, int], dict[str, Decimal]]


def _cells(plan: Plan) -> tuple[_LineMeta, _Cells]:
    """Budget and spend per (line, year) with each line's name, initiative and category:
    one query for the amounts and one aggregate for the spend."""
    meta: _LineMeta = {}
    cells: _Cells = defaultdict(lambda: {"budget": ZERO, "spend": ZERO})
    fields = (
        "line_id",
        "line__name",
        "line__section_id",
        "line__section__title",
        "line__section__position",
        "line__category",
        "financial_year",
    )
    amounts = BudgetAmount.objects.filter(line__plan=plan).values(*fields, "amount").order_by()
    spend = (
        SpendModel.objects.filter(line__plan=plan)
        .values(*fields)
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for rows, key, value in ((amounts, "budget", "amount"), (spend, "spend", "total")):
        for row in rows:
            meta.setdefault(
                row["line_id"],
                {
                    "name": row["line__name"],
                    "section_id": row["line__section_id"],
                    "section": row["line__section__title"] or NO_SECTION,
                    "position": row["line__section__position"],
                    "category": row["line__category"],
                },
            )
            cells[row["line_id"], row["financial_year"]][key] += _pennies(row[value])
    return meta, cells


def _money(value: Decimal) -> str:
    return f"£{value:,.0f}" if value == value.to_integral_value() else f"£{value:,.2f}"


def _flag(kind: str, where: str, year: int, judged: dict[str, Any], **extra: Any) -> dict[str, Any]:
    if kind == "over":
        message = (
            f"{where}: spend of {_money(judged['spend'])} in {fy_label(year)} is over the "
            f"budget of {_money(judged['budget'])}."
        )
    else:
        message = (
            f"{where}: spend of {_money(judged['spend'])} so far in {fy_label(year)} is ahead "
            f"of the profile of {_money(judged['profile'])} for this point in the year."
        )
    return {
        "kind": kind,
        "year": year,
        "year_label": fy_label(year),
        "budget": judged["budget"],
        "spend": judged["spend"],
        "message": message,
        **extra,
    }


def _totals(cells: list[dict[str, Any]]) -> dict[str, Any]:
    budget = sum((c["budget"] for c in cells), ZERO)
    spend = sum((c["spend"] for c in cells), ZERO)
    return {"budget": budget, "spend": spend, "variance": budget - spend}


def budget_summary(plan: Plan, on: dt.date | None = None) -> dict[str, Any]:
    """Budget, spend and variance of a plan per year, initiative and category, with flags.

    Three queries whatever the number of lines: amounts, aggregated spend, funding by status.
    Amounts are Decimals; years are start years with their labels beside them.
    """
    on = on or today()
    meta, cells = _cells(plan)
    years = sorted({year for _, year in cells})
    flags: list[dict[str, Any]] = []

    by_year = []
    for year in years:
        judged = judge(
            sum((c["budget"] for (_, y), c in cells.items() if y == year), ZERO),
            sum((c["spend"] for (_, y), c in cells.items() if y == year), ZERO),
            year,
            on,
        )
        by_year.append({"year": year, "label": fy_label(year), **judged})
        for kind in ("over", "ahead_of_profile"):
            if judged[kind]:
                flags.append(_flag(kind, "The plan", year, judged, scope="plan", line_id=None))
    for (line_id, year), cell in sorted(cells.items(), key=lambda item: (item[0][1], item[0][0])):
        judged = judge(cell["budget"], cell["spend"], year, on)
        line = meta[line_id]
        for kind in ("over", "ahead_of_profile"):
            if judged[kind]:
                where = f"{line['section']} – {line['name']}"
                flags.append(
                    _flag(
                        kind,
                        where,
                        year,
                        judged,
                        scope="line",
                        line_id=line_id,
                        line=line["name"],
                        section_id=line["section_id"],
                    )
                )

    sections: dict[int | None, dict[str, Any]] = {}
    for (line_id, year), cell in cells.items():
        line = meta[line_id]
        entry = sections.setdefault(
            line["section_id"],
            {
                "section_id": line["section_id"],
                "title": line["section"],
                "position": line["position"],
                "years": defaultdict(list),
            },
        )
        entry["years"][year].append(cell)
    section_rows = []
    for entry in sorted(
        sections.values(),
        key=lambda e: (e["position"] is None, e["position"] or 0, e["section_id"] or 0),
    ):
        per_year = [
            {"year": y, "label": fy_label(y), **_totals(entry["years"].get(y, []))} for y in years
        ]
        section_rows.append(
            {
                "section_id": entry["section_id"],
                "title": entry["title"],
                **_totals(per_year),
                "by_year": per_year,
            }
        )

    categories: dict[str, list[dict[str, Decimal]]] = defaultdict(list)
    for (line_id, _), cell in cells.items():
        categories[meta[line_id]["category"]].append(cell)
    category_rows = [
        {"category": value, "label": label, **_totals(categories[value])}
        for value, label in Category.choices
        if value in categories
    ]

    funding = {
        row["status"]: row
        for row in Funding.objects.filter(plan=plan)
        .values("status")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by()
    }

    def funding_total(statuses: Iterable[str]) -> Decimal:
        return sum((_pennies(funding[s]["total"]) for s in statuses if s in funding), ZERO)

    return {
        "on": on,
        "current_year": fy_of(on),
        "years": years,
        "by_year": by_year,
        "total": _totals(list(cells.values())),
        "sections": section_rows,
        "categories": category_rows,
        "flags": flags,
        "funding": {
            "approved": funding_total([Funding.Status.APPROVED]),
            "pending": funding_total(PENDING),
            "bids": sum(row["count"] for row in funding.values()),
        },
    }


# --- The budget page ------------------------------------------------------------------------


def budget_tables(plan: Plan, on: dt.date | None = None) -> dict[str, Any]:
    """Per initiative, its lines × years with budget, spend and flags, and totals per year
    and per category. Three queries: lines, their amounts, aggregated spend."""
    on = on or today()
    lines = list(budget_lines_for_plan(plan))
    spend = spend_by_line_year(plan)
    years = sorted(
        {a.financial_year for line in lines for a in line.amounts.all()}
        | {year for _, year in spend}
    )
    groups: list[dict[str, Any]] = []
    for line in lines:
        title = line.section.title if line.section else NO_SECTION
        if not groups or groups[-1]["section"] != line.section:
            groups.append({"section": line.section, "title": title, "rows": []})
        budget = {a.financial_year: a.amount for a in line.amounts.all()}
        cells = [
            judge(budget.get(y, ZERO), spend.get((line.pk, y), ZERO), y, on)
            | {"year": y, "has_budget": y in budget, "has_spend": (line.pk, y) in spend}
            for y in years
        ]
        groups[-1]["rows"].append(
            {"line": line, "cells": cells, **_totals(cells), "flagged": _any_flag(cells)}
        )
    for group in groups:
        rows = group["rows"]
        group["totals"] = [
            judge(
                sum((r["cells"][i]["budget"] for r in rows), ZERO),
                sum((r["cells"][i]["spend"] for r in rows), ZERO),
                y,
                on,
            )
            | {"year": y}
            for i, y in enumerate(years)
        ]
        group["total"] = _totals(group["totals"])
        group["by_category"] = _category_subtotals(rows, years) if _many_categories(rows) else []
    return {"years": [(y, fy_label(y)) for y in years], "groups": groups, "line_count": len(lines)}


def _any_flag(cells: list[dict[str, Any]]) -> bool:
    return any(c["over"] or c["ahead_of_profile"] for c in cells)


def _many_categories(rows: list[dict[str, Any]]) -> bool:
    return len({r["line"].category for r in rows}) > 1


def _category_subtotals(rows: list[dict[str, Any]], years: list[int]) -> list[dict[str, Any]]:
    out = []
    for value, label in Category.choices:
        mine = [r for r in rows if r["line"].category == value]
        if any(c["has_budget"] for r in mine for c in r["cells"]):
            per_year = [
                sum((r["cells"][i]["budget"] for r in mine), ZERO) for i in range(len(years))
            ]
            out.append({"label": label, "years": per_year, "total": sum(per_year, ZERO)})
    return out


def budget_line_in_plan(plan: Plan, pk: int) -> BudgetLine | None:
    """One of the plan's lines, or None: a line of another plan is never reached through it."""
    return BudgetLine.objects.filter(plan=plan, pk=pk).select_related("plan").first()


def plan_budget_years(plan: Plan) -> list[int]:
    return sorted(
        set(
            BudgetAmount.objects.filter(line__plan=plan)
            .values_list("financial_year", flat=True)
            .distinct()
        )
    )
