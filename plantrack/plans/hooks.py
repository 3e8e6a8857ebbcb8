"""What plans adds to the pages of apps beneath it (see plantrack.core.hooks)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator

from plantrack.accounts.http import SignedInRequest
from plantrack.core import hooks
from plantrack.directory.models import Organisation, Person
from plantrack.evidence import registry as evidence
from plantrack.plans.models import ActionOwner, Update
from plantrack.plans.selectors import (
    actions_involving_organisation,
    actions_owned_by,
    update_evidence_attachable,
    update_readable,
)


@hooks.register(hooks.ORGANISATION_PAGE)
def organisation_actions(request: SignedInRequest, organisation: Organisation) -> str:
    actions = actions_involving_organisation(request.user, organisation)[:200]
    return render_to_string(
        "plans/_directory_actions.html",
        {"heading": "Actions it leads or supports", "actions": actions, "show_rag": False},
        request=request,
    )


@hooks.register(hooks.PERSON_PAGE)
def person_actions(request: SignedInRequest, person: Person) -> str:
    actions = actions_owned_by(request.user, person)[:200]
    return render_to_string(
        "plans/_directory_actions.html",
        {"heading": "Actions owned", "actions": actions, "show_rag": True},
        request=request,
    )


@hooks.register(hooks.PEOPLE_NAMED_WITH)
def people_owning_in_the_same_plans(person_ids: list[int]) -> dict[int, set[int]]:
    """For each person, the others owning actions in a plan where they own one (two queries)."""
    plans_of: dict[int, set[int]] = {}
    for person_id, plan_id in ActionOwner.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "action__plan_id"
    ):
        plans_of.setdefault(person_id, set()).add(plan_id)
    wanted = set().union(*plans_of.values()) if plans_of else set()
    owners_of: dict[int, set[int]] = {}
    for plan_id, person_id in (
        ActionOwner.objects.filter(action__plan_id__in=wanted)
        .values_list("action__plan_id", "person_id")
        .distinct()
    ):
        owners_of.setdefault(plan_id, set()).add(person_id)
    return {
        person_id: set().union(*(owners_of.get(plan_id, set()) for plan_id in plans)) - {person_id}
        for person_id, plans in plans_of.items()
    }


# --- Evidence on action updates (plantrack/evidence/registry.py) ----------------------------


def _update_page(update: Update) -> str:
    return reverse("plans:action", args=[update.action_id]) + f"#update-{update.pk}"


def _describe_update(update: Update) -> str:
    when = f"{update.date.day} {update.date:%b %Y}" if update.date else "undated"
    action = update.action
    name = " ".join(part for part in (action.ref, Truncator(action.title).chars(80)) if part)
    return f"the update of {when} on {name}"


def _plans_of_update(pk: int) -> QuerySet[Update, int]:
    return Update.objects.filter(pk=pk).values_list("action__plan_id", flat=True)


evidence.register(
    Update,
    can_read=update_readable,
    can_attach=update_evidence_attachable,
    url=_update_page,
    describe=_describe_update,
    queryset=lambda: Update.objects.select_related("action__plan"),
    plans=_plans_of_update,
)
