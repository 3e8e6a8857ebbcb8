"""Helpers shared by every app's services: validation, audit attribution, fuzzy dates."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models

from plantrack.core import fuzzydates


def save_validated(instance: models.Model, *, actor, exclude: list[str] | None = None) -> None:
    """Validate then save, recording who made the change in the audit history."""
    instance.full_clean(exclude=exclude)
    instance._history_user = actor
    instance.save()


def set_fuzzy_date(
    instance: models.Model, prefix: str, text: str | None, *, deadline: bool = False
) -> None:
    """Keep the text as written and store the parsed range next to it.

    For a ``deadline`` (an action's or milestone's due date) the latest day is the last day the
    text allows for completion, so "Commence Nov 22" or "Ongoing" never make an action overdue.
    """
    parsed = fuzzydates.parse(text or "")
    setattr(instance, f"{prefix}_text", (text or "").strip())
    setattr(instance, f"{prefix}_earliest", parsed.earliest)
    setattr(instance, f"{prefix}_latest", parsed.deadline if deadline else parsed.latest)
    setattr(instance, f"{prefix}_kind", parsed.kind.value if (text or "").strip() else "")


def require(allowed: bool, message: str = "You do not have permission to do that.") -> None:
    if not allowed:
        raise PermissionDenied(message)
