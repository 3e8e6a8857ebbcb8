"""Budget test data, written through the services."""

from __future__ import annotations

from decimal import Decimal

from plantrack.budgets import services
from plantrack.budgets.models import BudgetLine


def make_line(world, name: str = "Coordinator", amounts=None, **fields) -> BudgetLine:
    amounts = {2013: Decimal("11250"), 2014: Decimal("22500")} if amounts is None else amounts
    fields.setdefault("category", "operating")
    fields.setdefault("section", world.section)
    return services.budget_line_create(
        actor=world.manager, plan=world.plan, name=name, amounts=amounts, **fields
    )
