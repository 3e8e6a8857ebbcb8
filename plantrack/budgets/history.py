"""The audit trail of a plan's budget lines, amounts, funding and spend, as readable entries."""

from __future__ import annotations

from plantrack.budgets.models import BudgetAmount, BudgetLine, Funding, Spend
from plantrack.core.finyears import fy_label
from plantrack.core.history import Entry, entries_for, merged
from plantrack.directory.history import organisation_name
from plantrack.plans.models import Section


def budget_history(plan_id: int, limit: int | None = 50) -> list[Entry]:
    """Changes to the plan's budget, newest first; a fixed number of queries."""
    line_records = BudgetLine.history.filter(plan_id=plan_id)
    # Names from the line's history too, so a deleted line's amounts still say whose they were.
    names = dict(line_records.order_by("history_date").values_list("id", "name"))
    line_ids = list(names)
    sections = dict(Section.objects.filter(plan_id=plan_id).values_list("id", "title"))

    def line_name(record) -> str:
        return names.get(record.line_id, "a removed line")

    entries = merged(
        entries_for(
            line_records,
            lambda r: f"Budget line “{r.name}”",
            {"section_id": lambda pk: sections.get(pk, "—")},
        ),
        entries_for(
            BudgetAmount.history.filter(line_id__in=line_ids),
            lambda r: f"Budget for “{line_name(r)}” in {fy_label(r.financial_year)}",
        ),
        entries_for(
            Spend.history.filter(line_id__in=line_ids),
            lambda r: f"Spend of £{r.amount:,} on “{line_name(r)}” in {fy_label(r.financial_year)}",
        ),
        entries_for(
            Funding.history.filter(plan_id=plan_id),
            lambda r: f"Funding “{r.title}”",
            {"funder_id": organisation_name, "section_id": lambda pk: sections.get(pk, "—")},
        ),
    )
    return entries[:limit] if limit else entries
