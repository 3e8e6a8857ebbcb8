"""Saving parsed plans (and the budget tables, engagement registers and checklists found with
them) through the plan, directory, budget, engagement and assessments services.

A plan is saved whole or not at all: everything happens in one transaction, and any failure
(a validation error, a permission refused) rolls all of it back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from plantrack.accounts.models import User
from plantrack.assessments.models import Framework
from plantrack.assessments.selectors import can_keep_frameworks_of
from plantrack.budgets.models import BudgetLine
from plantrack.budgets.services import BudgetLineRow, BudgetTableRows, budgets_import
from plantrack.core.services import UNSET, require
from plantrack.directory.models import Organisation
from plantrack.directory.selectors import organisation_ids_for
from plantrack.engagement import services as engagement_services
from plantrack.engagement.models import Group, Register
from plantrack.imports.budgets.parsed import ParsedBudget
from plantrack.imports.budgets.sections import match_section
from plantrack.imports.engagement.parsed import ParsedActivity, ParsedRegister
from plantrack.imports.frameworks.saving import save_frameworks
from plantrack.imports.matching import DirectoryMatcher, action_import
from plantrack.imports.merging import merge_plan
from plantrack.imports.parsed import ParsedImport, ParsedPlan
from plantrack.plans import services as plan_services
from plantrack.plans.models import Plan, Section
from plantrack.plans.selectors import plan_access


def may_import_into(actor: User, organisation: Organisation, into_plan: Plan | None) -> bool:
    if into_plan is not None:
        return plan_access(actor, into_plan).can_manage
    return actor.is_superuser or organisation.pk in organisation_ids_for(actor)


class SavedPlans(list[Plan]):
    """The plans an import saved, with the engagement registers and frameworks saved beside
    them."""

    def __init__(
        self, plans: list[Plan], registers: list[Register], frameworks: Sequence[Framework] = ()
    ) -> None:
        super().__init__(plans)
        self.registers = registers
        self.frameworks = list(frameworks)


def import_parsed(
    *,
    actor: User,
    parsed: ParsedImport,
    owner_organisation: Organisation,
    into_plan: Plan | None = None,
    source_document: str = "",
    visibility: str = Plan.Visibility.ORGANISATION,
    progress: Callable[[int, int], None] | None = None,
) -> SavedPlans:
    """Save parsed plans through the plan services, and the registers found beside them
    through the engagement services (they belong to the plans' organisation), all or nothing.

    ``progress(done, total)`` is called as actions and activities are prepared and once more
    when all is written."""
    require(
        may_import_into(actor, owner_organisation, into_plan),
        "You can only import plans for an organisation you belong to.",
    )
    directory = DirectoryMatcher(actor=actor, home=owner_organisation)
    source = source_document or parsed.file
    activities = sum(len(r.activities) for r in parsed.engagement)
    counter = ProgressCounter(
        progress, sum(plan.action_count for plan in parsed.plans) + activities
    )
    with transaction.atomic():
        if into_plan is not None:
            merge_plan(actor, directory, parsed.plans[0], into_plan, source, counter.tick)
            plans = [into_plan]
        else:
            plans = [
                _create_plan(
                    actor, directory, plan, owner_organisation, source, visibility, counter
                )
                for plan in parsed.plans
                if plan.action_count
            ]
        if parsed.budgets and plans:
            _save_budgets(actor, parsed.budgets, plans)
        registers = [
            _save_register(actor, register, owner_organisation, source, counter)
            for register in registers_to_save(parsed.engagement, owner_organisation)
        ]
        # A new version of a plan brings none; nor does an import by someone who may not keep
        # the organisation's frameworks (a plan manager from elsewhere).
        frameworks = (
            save_frameworks(actor, parsed.frameworks, owner_organisation, source)
            if into_plan is None and can_keep_frameworks_of(actor, owner_organisation)
            else []
        )
    counter.finish()
    return SavedPlans(plans, registers, frameworks)


def registers_to_save(
    registers: list[ParsedRegister], organisation: Organisation
) -> list[ParsedRegister]:
    """The registers an import adds: not one the organisation has already (by its title), as
    when the same document is imported again. Registers are not merged activity by activity."""
    have = {
        title.casefold()
        for title in Register.objects.filter(organisation=organisation).values_list(
            "title", flat=True
        )
    }
    return [r for r in registers if r.title.casefold() not in have]


def _save_register(
    actor: User,
    parsed: ParsedRegister,
    organisation: Organisation,
    source: str,
    counter: ProgressCounter,
) -> Register:
    register = engagement_services.register_create(
        actor=actor, organisation=organisation, title=parsed.title, source_document=source[:300]
    )
    groups: dict[str, Group] = {}
    for name in parsed.groups:
        if name.casefold() not in groups:
            groups[name.casefold()] = engagement_services.group_create(
                actor=actor, register=register, name=name
            )
    for activity in parsed.activities:
        group = groups[activity.group.casefold()] if activity.group else None
        _save_activity(actor, register, group, activity)
        counter.tick()
    return register


def _save_activity(
    actor: User, register: Register, group: Group | None, activity: ParsedActivity
) -> None:
    engagement_services.activity_create(
        actor=actor,
        register=register,
        group=group,
        title=activity.title,
        owner_text=activity.owner,
        cost_text=activity.cost_text,
        cost_amount=activity.cost_gbp,
        cost_period=activity.cost_period or "",
        business_plan_link=activity.business_plan_link,
        communities_text=activity.communities,
        aim=activity.aim,
        method_text=activity.method,
        level=activity.level,
        start_text=activity.start,
        end_text=activity.end,
        status=activity.status or UNSET,  # not written: the activity's default (planned)
    )


def _save_budgets(actor: User, budgets: list[ParsedBudget], plans: list[Plan]) -> None:
    """Each budget table goes to the plan with the initiative (section) its title names, or
    else the last plan, under that initiative. A plan that already has a budget (a newer
    version of it being imported) keeps it: budgets are not merged line by line."""
    sections = {plan.pk: list(Section.objects.filter(plan=plan)) for plan in plans}
    per_plan: dict[int, list] = {}
    for budget in budgets:
        plan = next((p for p in plans if match_section(budget.title, sections[p.pk])), plans[-1])
        per_plan.setdefault(plan.pk, []).append(budget)
    for plan in plans:
        if plan.pk in per_plan and not BudgetLine.objects.filter(plan=plan).exists():
            found = sections[plan.pk]
            tables = [
                budget_table_rows(budget, match_section(budget.title, found))
                for budget in per_plan[plan.pk]
            ]
            budgets_import(actor=actor, plan=plan, tables=tables)


@dataclass
class ProgressCounter:
    """Counts prepared actions for a progress callback. Preparing (matching people and
    organisations) is most of the work; the bulk writes after it are the last fifth."""

    report: Callable[[int, int], None] | None
    total: int
    done: int = 0

    def tick(self) -> None:
        self.done += 1
        if self.report is not None and (self.done % 50 == 0 or self.done == self.total):
            self.report(self.done * 4, self.total * 5)

    def finish(self) -> None:
        if self.report is not None:
            self.report(1, 1)


def _create_plan(
    actor: User,
    directory: DirectoryMatcher,
    parsed: ParsedPlan,
    organisation: Organisation,
    source: str,
    visibility: str,
    counter: ProgressCounter,
) -> Plan:
    plan = plan_services.plan_create(
        actor=actor,
        title=(parsed.title or _title_from(source))[:300],
        owner_organisation=organisation,
        summary=parsed.summary,
        period_text=parsed.period[:200],
        source_document=source[:300],
        visibility=visibility,
    )
    items = []
    for parsed_section in parsed.sections:
        section = plan_services.section_create(
            actor=actor,
            plan=plan,
            title=parsed_section.title[:300] or "Actions",
            description=parsed_section.description,
        )
        for parsed_action in parsed_section.actions:
            items.append(action_import(directory, parsed_action, section))
            counter.tick()
    plan_services.actions_import(
        actor=actor, plan=plan, actions=items, author_name=f"Imported from {source}"[:200]
    )
    return plan


def _title_from(file_name: str) -> str:
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", file_name)
    return re.sub(r"[_-]+", " ", stem).strip() or "Imported plan"


def budget_table_rows(budget: ParsedBudget, section: Section | None) -> BudgetTableRows:
    """A parsed budget table as the typed rows the budget service saves."""
    lines = [
        BudgetLineRow(line.name, line.category, dict(line.amounts), line.assumption)
        for line in budget.lines
    ]
    return BudgetTableRows(title=budget.title, lines=lines, section=section)


def budget_tables_save(
    *, actor: User, plan: Plan, budgets: Sequence[ParsedBudget], section_ids: Sequence[int | None]
) -> list[BudgetLine]:
    """A budget import: each table under the section chosen for it in the preview (asked once
    per table, in order: titles may repeat), all of them or nothing."""
    if len(section_ids) != len(budgets):
        raise ValidationError("Choose the initiative of each table again.")
    sections = Section.objects.filter(plan=plan).in_bulk([pk for pk in section_ids if pk])
    if any(pk and pk not in sections for pk in section_ids):
        raise ValidationError("An initiative chosen has been deleted: choose again.")
    tables = [
        budget_table_rows(budget, sections.get(pk) if pk else None)
        for budget, pk in zip(budgets, section_ids, strict=True)
    ]
    with transaction.atomic():
        return budgets_import(actor=actor, plan=plan, tables=tables)
