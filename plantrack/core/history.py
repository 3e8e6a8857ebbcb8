"""Reads the audit trail kept by django-simple-history and turns it into readable entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

VERBS = {"+": "created", "~": "changed", "-": "deleted"}
SKIPPED = {"id", "created_at", "updated_at", "position", "last_update_on", "update_due_on"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: dt.datetime
    who: str
    what: str
    verb: str
    changes: list[Change] = field(default_factory=list)


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    return str(value)


def _choice_label(field) -> Callable:
    """Show a choice's label ("In progress"), not its stored value ("in_progress")."""
    if not field.choices:
        return _shown
    labels = dict(field.flatchoices)
    return lambda value: _shown(labels.get(value, value))


def entries_for(
    records: QuerySet,
    # A historical record: the model's fields plus simple-history's, on a class made at run time.
    label: Callable[[Any], str],
    resolve: dict[str, Callable] | None = None,
    verbs: dict[str, str] | None = None,
) -> list[Entry]:
    """One entry per historical record, with the fields that changed since the one before.

    ``records`` must hold the whole history of each object it covers, so that every change can
    be compared with its predecessor without a query per row.
    """
    resolve = resolve or {}
    verbs = {**VERBS, **(verbs or {})}
    model = records.model.instance_type
    # Only the fields the history table keeps: a model may exclude some (Plan.version).
    kept = {f.attname for f in records.model._meta.concrete_fields}
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.attname in kept
        and f.name not in SKIPPED
        and not f.name.endswith(("_earliest", "_latest", "_kind"))
    ]
    previous: dict[int, object] = {}
    entries: list[Entry] = []
    ordered = records.select_related("history_user").order_by("id", "history_date", "history_id")
    for record in ordered:
        before = previous.get(record.id)
        changes = []
        if before is not None and record.history_type == "~":
            for f in fields:
                old, new = getattr(before, f.attname), getattr(record, f.attname)
                if old != new:
                    show = resolve.get(f.attname) or _choice_label(f)
                    changes.append(Change(str(f.verbose_name).capitalize(), show(old), show(new)))
        previous[record.id] = record
        if record.history_type == "~" and not changes:
            continue
        who = record.history_user.display_name if record.history_user else "System"
        entries.append(
            Entry(record.history_date, who, label(record), verbs[record.history_type], changes)
        )
    return entries


def merged(*groups: Iterable[Entry]) -> list[Entry]:
    return sorted((e for g in groups for e in g), key=lambda e: e.when, reverse=True)
