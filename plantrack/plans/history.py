from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from plantrack.core import hooks
from plantrack.core.history import Entry, entries_for, merged
from plantrack.directory.history import organisation_name
from plantrack.directory.models import Organisation, Person
from plantrack.plans.models import (
    Action,
    ActionOrganisation,
    ActionOwner,
    Plan,
    PlanRole,
    Section,
)

LINK_VERBS = {"+": "added", "-": "removed"}


def _lookup(pairs: Iterable[tuple[Any, str]]) -> Callable[[Any], str]:
    names = dict(pairs)
    return lambda pk: names.get(pk, "—")


def _link_entries(action_filter: dict[str, Any], *, name_action: bool = False) -> list[Entry]:
    """Owners and organisations added to and removed from actions; ``name_action`` says which
    action, for a plan's history ("Owner Sophie Paley of YC/INT/1 added")."""
    owner_records = ActionOwner.history.filter(action__in=Action.objects.filter(**action_filter))
    people = _lookup(
        (p.pk, p.display_name)
        for p in Person.objects.filter(pk__in=owner_records.values("person_id"))
    )
    of = (lambda r: "") if not name_action else _of_action(action_filter)
    owners = entries_for(
        owner_records,
        lambda r: f"Owner {people(r.person_id)}{of(r)}",
        verbs=LINK_VERBS,
    )
    agency_records = ActionOrganisation.history.filter(
        action__in=Action.objects.filter(**action_filter)
    )
    # One query for every organisation named, not one per history record.
    names = _lookup(
        Organisation.objects.filter(pk__in=agency_records.values("organisation_id")).values_list(
            "pk", "name"
        )
    )
    organisations = entries_for(
        agency_records,
        lambda r: f"{r.role.capitalize()} organisation {names(r.organisation_id)}{of(r)}",
        verbs=LINK_VERBS,
    )
    return owners + organisations


def _of_action(action_filter: dict[str, Any]) -> Callable[[Any], str]:
    """ " of YC/INT/1" (or of the action's title, when it has no ref): one query."""
    labels = _lookup(
        (pk, ref or f"“{title[:40]}”")
        for pk, ref, title in Action.objects.filter(**action_filter).values_list(
            "pk", "ref", "title"
        )
    )
    return lambda r: f" of {labels(r.action_id)}"


def action_history(action: Action) -> list[Entry]:
    sections = _lookup(Section.objects.filter(plan_id=action.plan_id).values_list("id", "title"))
    return merged(
        entries_for(
            Action.history.filter(id=action.pk), lambda r: "Action", {"section_id": sections}
        ),
        _link_entries({"pk": action.pk}),
    )


def plan_history(plan: Plan) -> list[Entry]:
    """Changes to the plan, its sections, actions, owners and roles, who oversees it and the
    decisions about it, newest first."""
    sections = _lookup(Section.objects.filter(plan_id=plan.pk).values_list("id", "title"))
    return merged(
        entries_for(
            Plan.history.filter(id=plan.pk),
            lambda r: "Plan",
            {"owner_organisation_id": organisation_name},
        ),
        entries_for(Section.history.filter(plan_id=plan.pk), lambda r: f"Section “{r.title}”"),
        entries_for(
            Action.history.filter(plan_id=plan.pk),
            lambda r: f"Action {r.ref or r.title[:40]}",
            {"section_id": sections},
        ),
        _link_entries({"plan_id": plan.pk}, name_action=True),
        entries_for(
            PlanRole.history.filter(plan_id=plan.pk).select_related("user"),
            lambda r: f"Role of {r.user.username if r.user else 'a removed user'}",
        ),
        *hooks.collect(hooks.PLAN_HISTORY, plan.pk),
    )
