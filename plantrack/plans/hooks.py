"""What plans adds to the pages of apps beneath it (see plantrack.core.hooks)."""

from __future__ import annotations

from django.template.loader import render_to_string

from plantrack.accounts.http import SignedInRequest
from plantrack.core import hooks
from plantrack.directory.models import Organisation, Person
from plantrack.plans.selectors import actions_involving_organisation, actions_owned_by


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
