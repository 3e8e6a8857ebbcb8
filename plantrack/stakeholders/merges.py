"""Merging two records of one person, and undoing it.

The contact merged away is not deleted: it is hidden (state MERGED) with its audit history,
and what moved to the kept contact is written down on the ``Merge`` — the interactions it took
part in, the roles it held, its lawful bases, lists and follow-ups, and the blank fields of the
kept contact it filled — so ``contact_merge_undo`` can put each back. Both histories are kept.

A merge never loses a lawful-basis record: when both hold a basis for the same purpose and the
bases differ, the merge is refused until someone settles which is right. "Do not contact"
wins over a permission, and a channel either record refused stays refused.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.core.services import save_validated
from plantrack.stakeholders import retention
from plantrack.stakeholders.models import (
    Basis,
    Contact,
    FollowUp,
    Interaction,
    Merge,
    NotDuplicate,
    Role,
)
from plantrack.stakeholders.services import databases_changed, refresh_last_contact, require_editor

FILLED = ("email", "phone", "address", "notes", "source", "verified_on")
RESTRICTIVE = ("do_not_contact",)  # True on either record stays True
PERMISSIONS = ("by_email", "by_phone", "by_post")  # False on either record stays False


def _basis_conflicts(kept: Contact, other: Contact) -> list[str]:
    mine = {b.purpose_id: b for b in Basis.objects.filter(contact=kept).select_related("purpose")}
    clashes = []
    for basis in Basis.objects.filter(contact=other).select_related("purpose"):
        held = mine.get(basis.purpose_id)
        if held is None:
            continue
        same = (held.kind, held.consent_on, held.withdrawn_on) == (
            basis.kind,
            basis.consent_on,
            basis.withdrawn_on,
        )
        if not same:
            clashes.append(
                f"“{basis.purpose.name}” ({held.get_kind_display()} and {basis.get_kind_display()})"
            )
    return clashes


def _check(kept: Contact, other: Contact) -> None:
    if kept.pk == other.pk:
        raise ValidationError("Choose two different contacts.")
    if kept.database_id != other.database_id:
        raise ValidationError("Both contacts must be of the same database.")
    if kept.is_hidden or other.is_hidden:
        raise ValidationError("An anonymised or merged contact cannot be merged.")
    clashes = _basis_conflicts(kept, other)
    if clashes:
        raise ValidationError(
            "Merging would lose a lawful-basis record: both hold one for "
            + "; ".join(clashes)
            + ". Decide which is right on one of them first."
        )


@transaction.atomic
def contact_merge(*, actor: User, kept: Contact, other: Contact) -> Merge:
    """Merge ``other`` into ``kept``."""
    require_editor(actor, kept.database)
    kept = Contact.objects.select_for_update().get(pk=kept.pk)
    other = Contact.objects.select_for_update().get(pk=other.pk)
    _check(kept, other)
    through = Interaction.contacts.through
    theirs = set(
        through.objects.filter(contact_id=other.pk).values_list("interaction_id", flat=True)
    )
    mine = set(through.objects.filter(contact_id=kept.pk).values_list("interaction_id", flat=True))
    through.objects.filter(contact_id=other.pk).delete()
    through.objects.bulk_create(
        [through(contact_id=kept.pk, interaction_id=i) for i in sorted(theirs - mine)]
    )
    held = set(Basis.objects.filter(contact=kept).values_list("purpose_id", flat=True))
    bases = list(
        Basis.objects.filter(contact=other)
        .exclude(purpose_id__in=held)
        .values_list("pk", flat=True)
    )
    left = set(other.lists.values_list("pk", flat=True))
    lists = left - set(kept.lists.values_list("pk", flat=True))
    roles = list(Role.objects.filter(contact=other).values_list("pk", flat=True))
    follow_ups = list(FollowUp.objects.filter(contact=other).values_list("pk", flat=True))
    filled: dict[str, object] = {}
    moved: dict[str, object] = {
        "interactions": sorted(theirs),
        "added_to": sorted(theirs - mine),
        "roles": roles,
        "bases": bases,
        "lists": sorted(lists),
        "left_lists": sorted(left),
        "follow_ups": follow_ups,
    }
    Role.objects.filter(pk__in=roles).update(contact=kept)
    Basis.objects.filter(pk__in=bases).update(contact=kept)
    FollowUp.objects.filter(pk__in=follow_ups).update(contact=kept)
    kept.lists.add(*lists)
    other.lists.clear()
    for name in FILLED:
        if not getattr(kept, name) and getattr(other, name):
            filled[name] = getattr(kept, name)
            setattr(kept, name, getattr(other, name))
    for name in RESTRICTIVE:
        if getattr(other, name) and not getattr(kept, name):
            filled[name] = False
            setattr(kept, name, True)
    for name in PERMISSIONS:
        if not getattr(other, name) and getattr(kept, name):
            filled[name] = True
            setattr(kept, name, False)
    moved["filled"] = {k: _json(v) for k, v in filled.items()}
    save_validated(kept, actor=actor)
    other.state = Contact.State.MERGED
    save_validated(other, actor=actor)
    merge = Merge.objects.create(
        database_id=kept.database_id, kept=kept, merged=other, moved=moved, merged_by=actor
    )
    refresh_last_contact(stakeholder_ids=[], contact_ids=[kept.pk, other.pk])
    databases_changed({kept.database_id})
    return merge


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def contact_merge_undo(*, actor: User, merge: Merge) -> Merge:
    """Put back what the merge moved. A field of the kept contact changed since the merge
    keeps its new value."""
    require_editor(actor, merge.database)
    if merge.undone_at is not None:
        raise ValidationError("This merge has already been undone.")
    kept = Contact.objects.select_for_update().get(pk=merge.kept_id)
    other = Contact.objects.select_for_update().get(pk=merge.merged_id)
    if other.state != Contact.State.MERGED or kept.is_anonymised:
        raise ValidationError("One of the contacts has been anonymised since: it cannot be undone.")
    moved = merge.moved
    through = Interaction.contacts.through
    through.objects.filter(contact_id=kept.pk, interaction_id__in=moved["added_to"]).delete()
    through.objects.bulk_create(
        [through(contact_id=other.pk, interaction_id=i) for i in moved["interactions"]],
        ignore_conflicts=True,
    )
    Role.objects.filter(pk__in=moved["roles"], contact=kept).update(contact=other)
    Basis.objects.filter(pk__in=moved["bases"], contact=kept).update(contact=other)
    FollowUp.objects.filter(pk__in=moved["follow_ups"], contact=kept).update(contact=other)
    kept.lists.remove(*moved["lists"])
    other.lists.add(*moved["left_lists"])
    for name, before in moved["filled"].items():
        if _json(getattr(kept, name)) == _json(getattr(other, name)) or name in (
            *RESTRICTIVE,
            *PERMISSIONS,
        ):
            field = Contact._meta.get_field(name)
            restored = field.to_python(before) if before not in ("", None) else before  # type: ignore[union-attr]
            setattr(kept, name, restored)
    save_validated(kept, actor=actor)
    other.state = Contact.State.ACTIVE
    save_validated(other, actor=actor)
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_at"])
    refresh_last_contact(stakeholder_ids=[], contact_ids=[kept.pk, other.pk])
    retention.schedule([kept, other])
    databases_changed({kept.database_id})
    return merge


@transaction.atomic
def contacts_not_duplicate(*, actor: User, first: Contact, second: Contact) -> NotDuplicate:
    """Two contacts are different people: stop offering them as duplicates."""
    require_editor(actor, first.database)
    if first.database_id != second.database_id or first.pk == second.pk:
        raise ValidationError("Choose two different contacts of the same database.")
    low, high = sorted((first, second), key=lambda c: c.pk)
    found, _ = NotDuplicate.objects.get_or_create(
        database_id=first.database_id, first=low, second=high, defaults={"decided_by": actor}
    )
    databases_changed({first.database_id})
    return found
