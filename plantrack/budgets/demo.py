"""The demo plan's funding: the bid to MOPAC that seed 004's budget tables are part of.

The budget lines themselves come with the plan: the importer reads the seed's budget tables."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from plantrack.accounts.models import User
from plantrack.budgets.models import BudgetAmount, Funding
from plantrack.budgets.services import funding_create
from plantrack.directory.models import Organisation
from plantrack.directory.services import organisation_create
from plantrack.plans.models import Plan

FUNDER = "Mayor's Office for Policing and Crime"
FUNDER_SHORT = "MOPAC"


def _funder(actor: User) -> Organisation:
    return Organisation.objects.filter(name=FUNDER, parent=None).first() or organisation_create(
        actor=actor, name=FUNDER, short_name=FUNDER_SHORT, kind=Organisation.Kind.GOVERNMENT
    )


@transaction.atomic
def load_demo_funding(*, actor: User, plan: Plan) -> Funding | None:
    """Record the plan's funding bid to MOPAC, for the whole of its budget, as submitted.
    Does nothing for a plan with no budget or with a bid already."""
    total = BudgetAmount.objects.filter(line__plan=plan).aggregate(t=Sum("amount"))["t"]
    if not total or Funding.objects.filter(plan=plan).exists():
        return None
    return funding_create(
        actor=actor,
        plan=plan,
        funder=_funder(actor),
        title="Safer Communities enhancements: project budgets (section 6 of the plan)",
        amount=Decimal(total),
        status=Funding.Status.SUBMITTED,
        note="The funding bid to MOPAC set out in the implementation plan.",
    )
