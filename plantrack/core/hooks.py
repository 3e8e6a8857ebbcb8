"""Hooks: how a lower app shows something that only a higher app knows.

Apps import downwards only (docs/architecture.md). Where a page of a lower app must show
something a higher one holds (the actions a person owns, on their directory page; the
oversight and decisions in a plan's history), the higher app registers a function under one of
the names below, from its ``AppConfig.ready``, and the lower app collects what the registered
functions return. The names are here, in one place, so both ends can be found from either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

# Extra sections of a directory page: fn(request, organisation, person or area) -> HTML.
ORGANISATION_PAGE = "directory.organisation_page"
PERSON_PAGE = "directory.person_page"
AREA_PAGE = "directory.area_page"
# Extra sections of an action's page, after its cached body: fn(request, action) -> HTML.
ACTION_PAGE = "plans.action_page"
# More entries for a plan's history page: fn(plan) -> list of core.history.Entry.
PLAN_HISTORY = "plans.plan_history"
# Extra sections of an engagement activity's page (who attended): fn(request, activity) -> HTML.
ACTIVITY_PAGE = "engagement.activity_page"
# Which governance bodies oversee which of these plans, or sections of them, for the portfolio's
# "by body": fn(plans: a QuerySet of Plan) -> list of (body id, body name, plan id, section id
# or None), from one query.
PLAN_OVERSIGHT = "reports.plan_oversight"
# Extra sections of the signed-in user's profile page (their directory entry, their reminder
# settings): fn(request) -> HTML.
PROFILE_PAGE = "accounts.profile_page"
# The people named in the same documents as these (for resolving initials used as owners, on
# the directory's clean-up page): fn(person ids) -> {person id: ids of the others named}.
PEOPLE_NAMED_WITH = "directory.people_named_with"

# Whether a user must sign in with a second factor beyond being a site admin (they hold
# personal data of others: a stakeholder database's data steward): fn(user) -> bool.
PRIVILEGED = "accounts.privileged"

# A background task given up on after being interrupted again and again (ops.worker): mark its
# job failed, with why: fn(task path, args, kwargs, reason) -> None; a function ignores a task
# that is not its app's.
TASK_ABANDONED = "ops.task_abandoned"

NAMES = {
    TASK_ABANDONED,
    PRIVILEGED,
    PEOPLE_NAMED_WITH,
    ORGANISATION_PAGE,
    PERSON_PAGE,
    AREA_PAGE,
    ACTION_PAGE,
    PLAN_HISTORY,
    ACTIVITY_PAGE,
    PLAN_OVERSIGHT,
    PROFILE_PAGE,
}

_registered: dict[str, list[Callable[..., Any]]] = defaultdict(list)


def register(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    if name not in NAMES:
        raise ValueError(f"Unknown hook {name!r}: add it to plantrack.core.hooks")

    def add(function: Callable[..., Any]) -> Callable[..., Any]:
        if function not in _registered[name]:
            _registered[name].append(function)
        return function

    return add


def collect(name: str, *args: Any) -> list[Any]:
    """What every function registered under ``name`` returns, in the order they registered."""
    return [function(*args) for function in _registered[name]]
