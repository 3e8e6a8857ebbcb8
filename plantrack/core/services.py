"""Helpers shared by every app's services: validation, audit attribution, plan versions (the
write helpers move the versions of the plans that show what they write: core/changes.py),
fuzzy dates."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models

from plantrack.core import changes, fuzzydates


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


# The default of a service's optional field: "not given, leave it as it is" (None can be a
# value). Typed Any so that `title: str = UNSET` reads as what callers pass.
UNSET: Any = _Unset()


def supplied(arguments: dict[str, Any], *besides: str) -> dict[str, Any]:
    """The fields a caller gave a service. Call it first, with ``locals()``, naming the
    arguments that are not fields (actor, the object, its edit_version): a service's field
    list is its signature, so the fields are written down once."""
    return {
        name: value
        for name, value in arguments.items()
        if value is not UNSET and name not in besides
    }


def apply_fields(
    instance: models.Model,
    fields: dict[str, Any],
    *,
    fuzzy_dates: dict[str, str] | None = None,
    deadlines: tuple[str, ...] = (),
) -> None:
    """Set ``fields`` on ``instance``. ``fuzzy_dates`` maps a date's text as written (due_text)
    to its prefix (due), whose parsed range is set too; ``deadlines`` names the prefixes parsed
    as deadlines (see set_fuzzy_date)."""
    fuzzy_dates = fuzzy_dates or {}
    for name, value in fields.items():
        if name in fuzzy_dates:
            prefix = fuzzy_dates[name]
            set_fuzzy_date(instance, prefix, value, deadline=prefix in deadlines)
        else:
            setattr(instance, name, value)


def attribute_to(instance: models.Model, actor: AbstractBaseUser | None) -> None:
    """Name who makes the next save or delete of ``instance`` in its audit history."""
    # django-simple-history reads this ad-hoc attribute; no model declares it.
    instance._history_user = actor  # type: ignore[attr-defined]


def save_validated(
    instance: models.Model, *, actor: AbstractBaseUser | None, exclude: list[str] | None = None
) -> None:
    """Validate then save, recording who made the change in the audit history and moving the
    versions of the plans that show it."""
    instance.full_clean(exclude=exclude)
    attribute_to(instance, actor)
    if instance.pk is None:
        instance.save()
        changes.plans_changed(changes.plans_of(instance, new=True))
    else:
        # Asked before saving, so a row moving between plans names both.
        before = changes.plans_of(instance)
        instance.save()
        changes.plans_changed(before)


def delete_recorded(instance: models.Model, *, actor: AbstractBaseUser | None) -> None:
    """Delete, recording who did it in the audit history and moving the versions of the plans
    that showed it."""
    plan_ids = changes.plans_of(instance)
    attribute_to(instance, actor)
    instance.delete()
    changes.plans_changed(plan_ids)


def set_fuzzy_date(
    instance: models.Model,
    prefix: str,
    text: str | None,
    *,
    deadline: bool = False,
    context: fuzzydates.Context | None = None,
) -> None:
    """Keep the text as written and store the parsed range next to it.

    For a ``deadline`` (an action's or milestone's due date) the latest day is the last day the
    text allows for completion, so "Commence Nov 22" or "Ongoing" never make an action overdue.
    ``context``: what a date with no year, or "within 6 months", is read against.
    """
    parsed = fuzzydates.parse(text or "", context=context)
    setattr(instance, f"{prefix}_text", (text or "").strip())
    setattr(instance, f"{prefix}_earliest", parsed.earliest)
    setattr(instance, f"{prefix}_latest", parsed.deadline if deadline else parsed.latest)
    setattr(instance, f"{prefix}_kind", parsed.kind.value if (text or "").strip() else "")


def require(allowed: bool, message: str = "You do not have permission to do that.") -> None:
    if not allowed:
        raise PermissionDenied(message)
