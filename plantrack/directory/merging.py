"""How a merge of two directory entries is worked out, done and undone, for any app's links.

The directory sits low in the layers, so it knows nothing of the apps that point at people
and organisations (action owners, lead organisations, bodies, memberships, stakeholders...).
It finds them from the model registry instead: every foreign key (and every automatic
many-to-many table) pointing at the entry's model is a *link*, re-pointed row by row from the
merged entry to the kept one through ``save_validated``, so the audit history names the actor
and the plans showing the rows move their versions. History tables, the merge bookkeeping and
the ``merged_into`` pointer itself are not links.

A row that would then break a unique rule (the same person owning the same action twice, the
same user a member twice) is the *duplicate* of one the kept entry has: it is deleted and kept,
serialised, on the MergeRecord, so an undo restores it. A duplicate that other rows hang on (a
stakeholder record with interactions, an assessment unit with answers) is not deleted: the
merge is refused and says why. The services in ``services.py`` call these with the permission
checked and inside their transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import ForeignKey, ForeignObjectRel, Model, Q, UniqueConstraint
from django.db.models.deletion import Collector, ProtectedError
from simple_history.models import HistoricalChanges

from plantrack.accounts.models import User
from plantrack.core.services import delete_recorded, save_validated
from plantrack.directory.models import (
    DuplicateDismissal,
    Membership,
    MergeRecord,
    Organisation,
    Person,
)

Entry = Person | Organisation


@dataclass(frozen=True)
class Link:
    """A foreign key of ``model`` pointing at a directory entry."""

    model: type[Model]
    field: ForeignKey

    @property
    def key(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field.name}"

    @property
    def label(self) -> str:
        source = self.model._meta.auto_created
        if isinstance(source, type):
            # An automatic many-to-many table: name it by the field that made it.
            m2m = next(
                f for f in source._meta.local_many_to_many if f.remote_field.through is self.model
            )
            return f"{_plural(source)} ({m2m.verbose_name})"
        others = [
            f
            for f in self.model._meta.concrete_fields
            if f.is_relation and f.related_model is self.field.related_model
        ]
        name = _plural(self.model)
        return f"{name} ({self.field.verbose_name})" if len(others) > 1 else name


def _plural(model: type[Model]) -> str:
    name = str(model._meta.verbose_name_plural)
    return name[:1].upper() + name[1:]


def _skipped(model: type[Model], fk: ForeignKey) -> bool:
    return (
        issubclass(model, HistoricalChanges)
        or model in (MergeRecord, DuplicateDismissal)
        or fk.name == "merged_into"
    )


def links_to(entry_model: type[Model]) -> list[Link]:
    """Every foreign key pointing at ``entry_model``, whichever app declares it."""
    found = []
    for rel in entry_model._meta.get_fields(include_hidden=True):
        if not isinstance(rel, ForeignObjectRel) or rel.many_to_many:
            # A many-to-many is moved through its table's own foreign key, found here too.
            continue
        fk = rel.field
        if isinstance(fk, ForeignKey) and not _skipped(rel.related_model, fk):
            found.append(Link(rel.related_model, fk))
    return sorted(found, key=lambda link: link.key)


# --- Working a merge out ---------------------------------------------------------------------


@dataclass
class MergePlan:
    keep: Entry
    merged: Entry
    moves: dict[Link, list[int]] = field(default_factory=dict)
    drops: dict[Link, list[Model]] = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)
    move_user: bool = False

    def counts(self) -> list[tuple[str, int]]:
        return sorted((link.label, len(ids)) for link, ids in self.moves.items() if ids)

    def dropped_counts(self) -> list[tuple[str, int]]:
        return sorted((link.label, len(rows)) for link, rows in self.drops.items() if rows)

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.moves.values())


def _attname(model: type[Model], name: str) -> str:
    found = model._meta.get_field(name)
    return str(getattr(found, "attname", name))


def _unique_sets(model: type[Model], name: str) -> Iterator[tuple[list[str], Q | None]]:
    """The unique rules of ``model`` that include the field ``name``: its other fields and the
    rule's condition."""
    meta = model._meta
    rules: list[tuple[tuple[str, ...], Q | None]] = [(tuple(u), None) for u in meta.unique_together]
    rules += [
        (tuple(c.fields), c.condition)
        for c in meta.constraints
        if isinstance(c, UniqueConstraint) and c.fields
    ]
    if getattr(meta.get_field(name), "unique", False):
        rules.append(((name,), None))
    for fields, condition in rules:
        if name in fields:
            others = [_attname(model, f) for f in fields if f != name]
            yield others, condition


def _colliding(link: Link, keep: Entry, rows) -> set[int]:
    """The ids of ``rows`` that, pointed at ``keep``, would repeat a row ``keep`` has."""
    found: set[int] = set()
    base = link.model._base_manager
    for others, condition in _unique_sets(link.model, link.field.name):
        kept = base.filter(**{link.field.attname: keep.pk})
        moving = rows
        if condition is not None:
            kept, moving = kept.filter(condition), moving.filter(condition)
        if not others:
            if kept.exists():
                found |= set(moving.values_list("pk", flat=True))
            continue
        taken = set(kept.values_list(*others))
        for pk, *values in moving.values_list("pk", *others):
            if None not in values and tuple(values) in taken:
                found.add(pk)
    return found


def _hung_on(row: Model) -> bool:
    """Whether deleting ``row`` would take or be stopped by other rows."""
    collector = Collector(using=router.db_for_write(type(row)))
    try:
        collector.collect([row])
    except ProtectedError:
        return True
    if any(model is not type(row) and items for model, items in collector.data.items()):
        return True
    return any(qs.exists() for qs in collector.fast_deletes)


def _ancestors(organisation: Organisation) -> set[int]:
    found: set[int] = set()
    parent_id = organisation.parent_id
    while parent_id is not None and parent_id not in found:
        found.add(parent_id)
        parent_id = (
            Organisation.all_objects.filter(pk=parent_id)
            .values_list("parent_id", flat=True)
            .first()
        )
    return found


def _describe(row: Model) -> str:
    return f"{row._meta.verbose_name} “{row}”"


def merge_plan(keep: Entry, merged: Entry) -> MergePlan:
    """What merging ``merged`` into ``keep`` would move, drop as duplicates, or be refused for."""
    plan = MergePlan(keep, merged)
    if keep.pk == merged.pk:
        plan.refusals.append("Choose two different entries.")
        return plan
    for entry in (keep, merged):
        if entry.merged_into_id is not None:
            plan.refusals.append(f"“{entry}” has already been merged into another entry.")
    if isinstance(merged, Organisation) and merged.pk in _ancestors(keep):  # type: ignore[arg-type]
        plan.refusals.append(f"“{keep}” sits beneath “{merged}”: move it out before merging them.")
    if isinstance(keep, Person) and isinstance(merged, Person) and merged.user_id:
        if keep.user_id:
            plan.refusals.append(
                "Both entries are linked to a user account: unlink one before merging them."
            )
        else:
            plan.move_user = True
    for link in links_to(type(keep)):
        rows = link.model._base_manager.filter(**{link.field.attname: merged.pk})
        if link.model is type(keep):
            rows = rows.exclude(pk=keep.pk)
        collisions = _colliding(link, keep, rows)
        ids = sorted(set(rows.values_list("pk", flat=True)) - collisions)
        if ids:
            plan.moves[link] = ids
        if collisions:
            dropped = list(link.model._base_manager.filter(pk__in=collisions))
            for row in dropped:
                if _hung_on(row):
                    plan.refusals.append(
                        f"Both entries have a {_describe(row)}, and other records hang on "
                        f"the one of “{merged}”: combine those by hand first."
                    )
            plan.drops[link] = dropped
    return plan


# --- Doing and undoing it --------------------------------------------------------------------


def _repoint(model: type[Model], field_name: str, ids: list[int], to: int, actor: User) -> int:
    meta = model._meta
    attname = _attname(model, field_name)
    others = [f.name for f in meta.concrete_fields if f.name != field_name]
    done = 0
    for row in model._base_manager.filter(pk__in=ids).order_by("pk"):
        setattr(row, attname, to)
        save_validated(row, actor=actor, exclude=others)
        done += 1
    return done


def _serialise(row: Model) -> dict:
    return json.loads(serializers.serialize("json", [row]))[0]


def merge_apply(plan: MergePlan, actor: User, kind: str) -> MergeRecord:
    """Do what ``plan`` says (refused if it says no) and record it."""
    if plan.refusals:
        raise ValidationError(plan.refusals)
    keep, merged = plan.keep, plan.merged
    record = MergeRecord(kind=kind, merged_by=actor)
    setattr(record, f"kept_{kind}", keep)
    setattr(record, f"merged_{kind}", merged)
    dropped = []
    for link, rows in plan.drops.items():
        for row in rows:
            dropped.append({"link": link.key, "row": _serialise(row)})
            delete_recorded(row, actor=actor)
    moved = {}
    for link, ids in plan.moves.items():
        _repoint(link.model, link.field.name, ids, keep.pk, actor)
        moved[link.key] = ids
    if plan.move_user and isinstance(merged, Person) and isinstance(keep, Person):
        user = merged.user
        merged.user = None
        save_validated(merged, actor=actor)
        keep.user = user
        save_validated(keep, actor=actor)
        record.user_moved = True
    merged.merged_into = keep
    save_validated(merged, actor=actor)
    record.moved, record.dropped = moved, dropped
    save_validated(record, actor=actor)
    return record


def _link_of(key: str) -> tuple[type[Model], str]:
    label, field_name = key.rsplit(".", 1)
    return apps.get_model(label), field_name


def merge_reverse(record: MergeRecord, actor: User) -> None:
    """Put back every link the merge moved and every duplicate it dropped."""
    keep, merged = record.kept, record.merged
    assert keep is not None and merged is not None
    for key, ids in record.moved.items():
        model, field_name = _link_of(key)
        attname = _attname(model, field_name)
        # Only rows still on the kept entry: one changed since has been changed on purpose.
        still = model._base_manager.filter(pk__in=ids, **{attname: keep.pk})
        _repoint(model, field_name, list(still.values_list("pk", flat=True)), merged.pk, actor)
    for item in record.dropped:
        for restored in serializers.deserialize("json", json.dumps([item["row"]])):
            row = restored.object
            if not type(row)._base_manager.filter(pk=row.pk).exists():
                save_validated(row, actor=actor)
    merged.merged_into = None
    if record.user_moved and isinstance(keep, Person) and isinstance(merged, Person):
        user = keep.user
        keep.user = None
        save_validated(keep, actor=actor)
        merged.user = user
    save_validated(merged, actor=actor)


def user_ids_touched(record: MergeRecord) -> set[int]:
    """Users whose memberships the merge moved or dropped (their organisations changed)."""
    key = f"{Membership._meta.label_lower}.organisation"
    ids = set(record.moved.get(key, []))
    found = set(Membership.objects.filter(pk__in=ids).values_list("user_id", flat=True))
    found |= {item["row"]["fields"]["user"] for item in record.dropped if item["link"] == key}
    return found
