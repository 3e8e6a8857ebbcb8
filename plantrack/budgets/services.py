"""Every write to budget lines, amounts, funding bids and spend goes through these functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from plantrack.accounts.models import User
from plantrack.budgets.models import (
    BudgetAmount,
    BudgetLine,
    Category,
    Funding,
    FundingStep,
    Spend,
)
from plantrack.core.concurrency import claim
from plantrack.core.finyears import fy_label, fy_of
from plantrack.core.services import UNSET, delete_recorded, save_validated, supplied
from plantrack.directory.models import Organisation
from plantrack.plans.models import Plan, Section
from plantrack.plans.selectors import today
from plantrack.plans.services import require_manager

# The years a budget may hold, as the models validate them.
FIRST_YEAR, LAST_YEAR = 1990, 2100
Status = Funding.Status

# Where a bid may go from each step. Approved, declined and withdrawn are final: a new bid
# is a new record, so the decision on the old one stays as it was made.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFTED: (Status.SUBMITTED, Status.WITHDRAWN),
    Status.SUBMITTED: (
        Status.DECISION_PENDING,
        Status.APPROVED,
        Status.DECLINED,
        Status.WITHDRAWN,
    ),
    Status.DECISION_PENDING: (Status.APPROVED, Status.DECLINED, Status.WITHDRAWN),
    Status.APPROVED: (),
    Status.DECLINED: (),
    Status.WITHDRAWN: (),
}
# A bid can be recorded at the step it has already reached (a bid sent before PlanTrack).
START_STATUSES = (Status.DRAFTED, Status.SUBMITTED, Status.DECISION_PENDING)


def _money(value: object, field: str, label: str = "") -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label}“{value}” is not an amount of money."}) from None
    if not amount.is_finite():
        raise ValidationError({field: f"{label}“{value}” is not an amount of money."})
    if amount < 0:
        raise ValidationError({field: f"{label}Enter an amount of zero or more, not {amount}."})
    if abs(amount) >= Decimal("1e10"):
        raise ValidationError({field: f"{label}{amount} is too large."})
    return amount.quantize(Decimal("0.01"))


def _year(value: object, field: str = "financial_year") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: f"“{value}” is not a financial year."})
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise ValidationError({field: f"{fy_label(value)} is outside 1990/91 to 2100/01."})
    return value


def _check_section(plan: Plan, section: Section | None) -> None:
    if section is not None and section.plan_id != plan.pk:
        raise ValidationError({"section": "Choose an initiative of this plan."})


def _set_amounts(line: BudgetLine, amounts: Mapping[int, Decimal | None], actor: User) -> None:
    """Make the line's amounts exactly these: years left out or given None are removed."""
    wanted: dict[int, Decimal] = {}
    for year, value in amounts.items():
        _year(year, "amounts")
        if value is None or value == "":
            continue
        wanted[year] = _money(value, "amounts", f"{fy_label(year)}: ")
    existing = {a.financial_year: a for a in BudgetAmount.objects.filter(line=line)}
    for year, row in existing.items():
        if year not in wanted:
            delete_recorded(row, actor=actor)
    for year, amount in sorted(wanted.items()):
        row = existing.get(year) or BudgetAmount(line=line, financial_year=year)
        if row.pk and row.amount == amount:
            continue
        row.amount = amount
        save_validated(row, actor=actor)


def _assign(line: BudgetLine, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(line, name, value.strip() if isinstance(value, str) else value)


# --- Budget lines ---------------------------------------------------------------------------


@transaction.atomic
def budget_line_create(
    *,
    actor: User,
    plan: Plan,
    name: str,
    category: str = Category.OTHER,
    section: Section | None = None,
    assumption: str = "",
    amounts: Mapping[int, Decimal | None] | None = None,
    order: int | None = None,
) -> BudgetLine:
    require_manager(actor, plan)
    _check_section(plan, section)
    if order is None:
        order = (BudgetLine.objects.filter(plan=plan).aggregate(m=Max("order"))["m"] or 0) + 1
    line = BudgetLine(plan=plan)
    _assign(
        line,
        {
            "name": name,
            "category": category,
            "section": section,
            "assumption": assumption,
            "order": order,
        },
    )
    save_validated(line, actor=actor)
    _set_amounts(line, amounts or {}, actor)
    return line


@transaction.atomic
def budget_line_update(
    *,
    actor: User,
    line: BudgetLine,
    edit_version: str | None = None,
    name: str = UNSET,
    category: str = UNSET,
    section: Section | None = UNSET,
    assumption: str = UNSET,
    order: int = UNSET,
    amounts: Mapping[int, Decimal | None] | None = None,
) -> BudgetLine:
    """Change the fields given (the others keep their values); ``amounts``, when given,
    replaces all the line's amounts."""
    fields = supplied(locals(), "actor", "line", "edit_version", "amounts")
    require_manager(actor, line.plan)
    claim(line, edit_version)
    _check_section(line.plan, fields.get("section", line.section))
    _assign(line, fields)
    save_validated(line, actor=actor)
    if amounts is not None:
        _set_amounts(line, amounts, actor)
    return line


@transaction.atomic
def budget_line_delete(*, actor: User, line: BudgetLine) -> None:
    require_manager(actor, line.plan)
    if Spend.objects.filter(line=line).exists():
        raise ValidationError("Spend is recorded against this line, so it cannot be deleted.")
    for amount in BudgetAmount.objects.filter(line=line):
        delete_recorded(amount, actor=actor)
    delete_recorded(line, actor=actor)


# --- Spend ----------------------------------------------------------------------------------


@transaction.atomic
def spend_record(
    *,
    actor: User,
    line: BudgetLine,
    amount: Decimal,
    financial_year: int | None = None,
    date_recorded: dt.date | None = None,
    note: str = "",
) -> Spend:
    """Record money spent on a line. The year defaults to the one ``date_recorded`` falls in."""
    require_manager(actor, line.plan)
    date_recorded = date_recorded or today()
    if date_recorded > today():
        raise ValidationError({"date_recorded": "The date cannot be in the future."})
    year = _year(fy_of(date_recorded) if financial_year is None else financial_year)
    spend = Spend(
        line=line,
        financial_year=year,
        amount=_money(amount, "amount"),
        date_recorded=date_recorded,
        note=(note or "").strip(),
        recorded_by=actor,
    )
    save_validated(spend, actor=actor)
    return spend


# --- Funding --------------------------------------------------------------------------------


def _check_decision(status: str, decision_record: str, decided_by: str) -> None:
    if status in Funding.DECISIONS:
        errors = {}
        if not decision_record.strip():
            errors["decision_record"] = "Record the decision: what was decided and any conditions."
        if not decided_by.strip():
            errors["decided_by"] = "Say who decided (a person, board or panel)."
        if errors:
            raise ValidationError(errors)


def _add_step(funding: Funding, actor: User, note: str) -> FundingStep:
    step = FundingStep(
        funding=funding,
        status=funding.status,
        date=funding.status_date,
        note=(note or "").strip(),
        decision_record=funding.decision_record if funding.status in Funding.DECISIONS else "",
        decided_by=funding.decided_by if funding.status in Funding.DECISIONS else "",
        recorded_by=actor,
    )
    step.full_clean(exclude=["funding"])
    step.save()
    return step


@transaction.atomic
def funding_create(
    *,
    actor: User,
    plan: Plan,
    funder: Organisation,
    title: str,
    amount: Decimal,
    section: Section | None = None,
    status: str = Status.DRAFTED,
    date: dt.date | None = None,
    note: str = "",
) -> Funding:
    require_manager(actor, plan)
    _check_section(plan, section)
    if status not in START_STATUSES:
        raise ValidationError(
            {"status": "A new bid starts as drafted, submitted or decision pending."}
        )
    funding = Funding(
        plan=plan,
        section=section,
        funder=funder,
        title=(title or "").strip(),
        amount=_money(amount, "amount"),
        status=status,
        status_date=date or today(),
    )
    save_validated(funding, actor=actor)
    _add_step(funding, actor, note)
    return funding


def allowed_moves(funding: Funding) -> tuple[str, ...]:
    return TRANSITIONS.get(funding.status, ())


@transaction.atomic
def funding_move(
    *,
    actor: User,
    funding: Funding,
    status: str,
    date: dt.date | None = None,
    note: str = "",
    decision_record: str = "",
    decided_by: str = "",
) -> Funding:
    """Move a bid to its next step, dated; a decision needs its record and who made it."""
    require_manager(actor, funding.plan)
    # Read the current step from the database, not from a copy a form may have changed.
    current = Funding.objects.select_for_update().values_list("status", "status_date")
    before, last_date = current.get(pk=funding.pk)
    labels = dict(Status.choices)
    if status not in labels:
        raise ValidationError({"status": f"“{status}” is not a step in a bid's life."})
    if status not in TRANSITIONS[before]:
        allowed = (
            ", ".join(labels[s].lower() for s in TRANSITIONS[before]) or "nowhere: it is final"
        )
        raise ValidationError(
            {
                "status": f"A {labels[before].lower()} bid cannot be {labels[status].lower()}; "
                f"from {labels[before].lower()} it can go {allowed}."
            }
        )
    date = date or today()
    if date < last_date:
        raise ValidationError(
            {"date": f"The date cannot be before the last step ({last_date:%d %B %Y})."}
        )
    if date > today():
        raise ValidationError({"date": "The date cannot be in the future."})
    _check_decision(status, decision_record, decided_by)
    funding.status, funding.status_date = status, date
    if status in Funding.DECISIONS:
        funding.decision_record, funding.decided_by = decision_record.strip(), decided_by.strip()
    save_validated(funding, actor=actor)
    _add_step(funding, actor, note)
    return funding


# --- Import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetLineRow:
    """One line of an imported budget table, typed: a name, a category, amounts by year."""

    name: str
    category: str
    amounts: Mapping[int, Decimal]
    assumption: str = ""


@dataclass(frozen=True)
class BudgetTableRows:
    """An imported budget table: its title (named in errors), the section (initiative) its
    lines go under, or None for none, and its lines."""

    title: str
    lines: Sequence[BudgetLineRow]
    section: Section | None = None


@transaction.atomic
def budgets_import(
    *, actor: User, plan: Plan, tables: Sequence[BudgetTableRows]
) -> list[BudgetLine]:
    """Save imported budget tables as lines of the plan: all of them, or nothing."""
    require_manager(actor, plan)
    if not tables or not any(table.lines for table in tables):
        raise ValidationError("There are no budget lines to import.")
    order = BudgetLine.objects.filter(plan=plan).aggregate(m=Max("order"))["m"] or 0
    lines = []
    for table in tables:
        for row in table.lines:
            order += 1
            try:
                lines.append(
                    budget_line_create(
                        actor=actor,
                        plan=plan,
                        name=row.name[:300],
                        category=row.category,
                        section=table.section,
                        assumption=row.assumption,
                        amounts=row.amounts,
                        order=order,
                    )
                )
            except ValidationError as exc:
                raise ValidationError(
                    f"{table.title}, “{row.name}”: {' '.join(exc.messages)}"
                ) from exc
    return lines
