"""A newer version of a plan: its actions matched by reference or title, updated, new ones
added, new dated updates appended; nothing deleted. Also what such an import would change,
for the preview."""

from __future__ import annotations

import re
from collections.abc import Callable

from plantrack.accounts.models import User
from plantrack.budgets.models import BudgetLine
from plantrack.imports.budgets.parsed import ParsedBudget
from plantrack.imports.matching import DirectoryMatcher, action_fields, action_import, oldest_first
from plantrack.imports.parsed import ParsedAction, ParsedPlan
from plantrack.plans import services as plan_services
from plantrack.plans.models import Action, Plan, Section


def _norm_ref(ref: str | None) -> str:
    return re.sub(r"\s+", "", ref or "").casefold()


def _norm_title(title: str) -> str:
    return re.sub(r"\W+", " ", title).strip().casefold()


class ActionMatcher:
    """Finds the plan's action for an action in a new version of the file: the same reference
    and title; else the same reference, if only one action has it; else, for an action with no
    reference, the same title, if only one action has it. Plans keep duplicate numbers as
    written, so a reference alone is not always enough. Each action is matched once."""

    def __init__(self, actions):
        self.both: dict[tuple, list] = {}
        self.by_ref: dict[str, list] = {}
        self.by_title: dict[str, list] = {}
        self.claimed: set[int] = set()
        for action in actions:
            self.add(action, action.ref, action.title)

    def add(self, item, ref: str | None, title: str) -> None:
        key_ref, key_title = _norm_ref(ref), _norm_title(title)
        self.both.setdefault((key_ref, key_title), []).append(item)
        if key_ref:
            self.by_ref.setdefault(key_ref, []).append(item)
        else:
            self.by_title.setdefault(key_title, []).append(item)

    def find(self, ref: str | None, title: str):
        key_ref, key_title = _norm_ref(ref), _norm_title(title)
        exact = self._unclaimed(self.both.get((key_ref, key_title), []))
        index = self.by_ref if key_ref else self.by_title
        loose = self._unclaimed(index.get(key_ref or key_title, []))
        item = exact[0] if exact else (loose[0] if len(loose) == 1 else None)
        if item is not None:
            self.claimed.add(id(item))
        return item

    def _unclaimed(self, items: list) -> list:
        return [item for item in items if id(item) not in self.claimed]


def merge_plan(
    actor: User,
    directory: DirectoryMatcher,
    parsed: ParsedPlan,
    plan: Plan,
    source: str,
    tick: Callable[[], None],
) -> None:
    """A newer version of a plan: actions matched by reference (or title when there is none)
    are updated, new ones added (in bulk), new updates appended. Nothing is deleted."""
    sections = {s.title.casefold(): s for s in Section.objects.filter(plan=plan)}
    matcher = ActionMatcher(Action.objects.filter(plan=plan))
    new: list[plan_services.ActionImport] = []
    for parsed_section in parsed.sections:
        section = sections.get(parsed_section.title.casefold())
        if section is None:
            # Only a new section takes the file's narrative: an existing one keeps the
            # description its managers may have edited.
            section = plan_services.section_create(
                actor=actor,
                plan=plan,
                title=parsed_section.title[:300] or "Actions",
                description=parsed_section.description,
            )
            sections[section.title.casefold()] = section
        for parsed_action in parsed_section.actions:
            tick()
            action = matcher.find(parsed_action.ref, parsed_action.title)
            if action is None:
                new.append(action_import(directory, parsed_action, section))
                continue
            fields = action_fields(directory, parsed_action)
            if _changed(action, fields):
                plan_services.action_update(actor=actor, action=action, section=section, **fields)
            _post_updates(actor, action, parsed_action, source)
    if new:
        plan_services.actions_import(
            actor=actor, plan=plan, actions=new, author_name=f"Imported from {source}"[:200]
        )


PLAIN_FIELDS = (
    "ref",
    "title",
    "strategy_refs",
    "owner_text",
    "start_text",
    "review_text",
    "due_text",
    "rag",
    "status",
)


def _changed(action: Action, fields: dict) -> bool:
    return any(name in fields and getattr(action, name) != fields[name] for name in PLAIN_FIELDS)


def _post_updates(actor: User, action: Action, parsed: ParsedAction, source: str) -> int:
    existing = set(action.updates.values_list("date", "narrative"))
    posted = 0
    for update in oldest_first(parsed.updates):
        if (update.date, update.text.strip()) in existing or not update.text.strip():
            continue
        plan_services.update_post(
            actor=actor,
            action=action,
            narrative=update.text,
            date=update.date,
            rag=parsed.rag or "",
            author_name=f"Imported from {source}"[:200],
            imported=True,
        )
        posted += 1
    return posted


def reimport_changes(
    parsed: ParsedPlan, plan: Plan, budgets: list[ParsedBudget] | None = None
) -> list[str]:
    """What confirming a new version would change, one line each, for the preview."""
    matcher = ActionMatcher(Action.objects.filter(plan=plan))
    lines = []
    for section in parsed.sections:
        for parsed_action in section.actions:
            label = parsed_action.ref or parsed_action.title[:50]
            action = matcher.find(parsed_action.ref, parsed_action.title)
            if action is None:
                lines.append(f"New action {label} in {section.title}")
                continue
            for name, new in (
                ("title", parsed_action.title),
                ("owner_text", parsed_action.owner),
                ("due_text", parsed_action.due_text),
                ("rag", parsed_action.rag),
            ):
                if new and getattr(action, name) != new:
                    old = getattr(action, name) or "nothing"
                    lines.append(f"{label}: {name.replace('_text', '')} {old!r} → {new!r}")
            known = set(action.updates.values_list("date", "narrative"))
            fresh = [u for u in parsed_action.updates if (u.date, u.text.strip()) not in known]
            if fresh:
                lines.append(f"{label}: {len(fresh)} new update{'s' if len(fresh) > 1 else ''}")
    if budgets:
        lines.append(
            f"The budget tables are left out: {plan.title} already has a budget, which is "
            "changed on its budget page."
            if BudgetLine.objects.filter(plan=plan).exists()
            else f"New budget: {len(budgets)} table{'s' * (len(budgets) > 1)}"
        )
    return lines
