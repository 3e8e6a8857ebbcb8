"""One home for "what a plan's pages show has changed".

Plan pages, lists and API answers are cached under each plan's ``version`` (core/cache.py), so
every write to something a plan's pages show must move that version, in the same transaction.
Each app declares, next to its models, which plans show a row of each model (``shown_on``);
the write helpers every service uses, ``core.services.save_validated`` and ``delete_recorded``,
ask and move the versions themselves, so a service cannot forget. Writes that bypass them for
speed (bulk imports, the update fast path) say ``plans_changed`` once.

``plantrack/core/tests/test_plan_versions.py`` runs every service and fails when one changes a
model declared here without moving the version, and when a model pointing at a plan is
declared nowhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model, QuerySet

# Given a row, the ids of the plans whose pages show it: a list or a values() queryset.
Resolver = Callable[[Any], Iterable[int | None] | QuerySet]

_resolvers: dict[type[Model], list[Resolver]] = defaultdict(list)
# Models whose new rows no plan shows yet: only a later link (an owner, an oversight, a
# decision) puts them on a plan's pages, so creating one asks nothing (an import creates
# hundreds of people and organisations).
_linked_later: set[type[Model]] = set()
_bump: Callable[[set[int]], None] | None = None


def shown_on(model: type[Model], resolver: Resolver, *, linked_later: bool = False) -> None:
    """Declare that rows of ``model`` show on the pages of the plans ``resolver`` names. A
    model may have several (the plans app and governance both show a person).
    ``linked_later``: a new row is on no plan's pages until something links it."""
    if resolver not in _resolvers[model]:
        _resolvers[model].append(resolver)
    if linked_later:
        _linked_later.add(model)


def versions_kept_by(bump: Callable[[set[int]], None]) -> None:
    """The plans app says how to move plan versions (core knows no Plan)."""
    global _bump
    _bump = bump


def declared_models() -> set[type[Model]]:
    return set(_resolvers)


def plans_of(instance: Model, *, new: bool = False) -> set[int]:
    """The plans showing ``instance`` now: asked before a change (so a row that moves from
    one plan to another names both) and materialised, since after a delete a query finds
    nothing. ``new``: it has just been created."""
    if new and type(instance) in _linked_later:
        return set()
    found: set[int] = set()
    for resolver in _resolvers.get(type(instance), ()):
        found.update(pk for pk in resolver(instance) if pk is not None)
    return found


def plans_changed(plan_ids: Iterable[int | None] | QuerySet) -> None:
    ids = {pk for pk in plan_ids if pk is not None}
    if ids and _bump is not None:
        _bump(ids)


def is_declared(instance: Model) -> bool:
    return type(instance) in _resolvers
