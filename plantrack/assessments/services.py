"""Every write to frameworks and their items.

Who may do what (the reads are in selectors.py): members of the organisation that owns a
framework (or of one above it) and site admins keep it. Items change only while the framework
is a draft or in consultation; a published framework is fixed (answers refer to its items), and
a change is a new version, whose items remember the item of the old one they continue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from plantrack.accounts.models import User
from plantrack.assessments import kinds
from plantrack.assessments.models import NEXT_STATUSES, Framework, Item, ItemComment
from plantrack.assessments.selectors import (
    can_comment,
    can_edit_framework,
    can_keep_frameworks_of,
    commenting_organisation,
)
from plantrack.core.concurrency import claim
from plantrack.core.services import (
    UNSET,
    apply_fields,
    delete_recorded,
    require,
    save_validated,
    supplied,
)
from plantrack.directory.models import Organisation

KEEPERS_ONLY = "Only members of the organisation that owns this framework can change it."
FIXED = "A published framework is fixed: make a new version to change its items."


def _require_editable(actor: User, framework: Framework) -> None:
    require(can_edit_framework(actor, framework), KEEPERS_ONLY)
    if not framework.is_editable:
        raise ValidationError(FIXED)


# --- Frameworks -----------------------------------------------------------------------------


@transaction.atomic
def framework_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    description: str = "",
    target_percent: int = 80,
    source_document: str = "",
) -> Framework:
    require(
        can_keep_frameworks_of(actor, organisation),
        "A framework belongs to an organisation you are a member of.",
    )
    framework = Framework(
        organisation=organisation,
        title=title.strip(),
        description=description.strip(),
        target_percent=target_percent,
        source_document=source_document,
    )
    save_validated(framework, actor=actor)
    return framework


@transaction.atomic
def framework_update(
    *,
    actor: User,
    framework: Framework,
    title: str = UNSET,
    description: str = UNSET,
    target_percent: int = UNSET,
    consulted: Iterable[Organisation] = UNSET,
    edit_version: str | None = None,
) -> Framework:
    """Change a framework; its title and target only while a draft, the organisations
    consulted while a draft or in consultation."""
    fields = supplied(locals(), "actor", "framework", "edit_version", "consulted")
    require(can_edit_framework(actor, framework), KEEPERS_ONLY)
    claim(framework, edit_version)
    before = (framework.title, framework.target_percent)
    apply_fields(framework, fields)
    if (
        framework.status != Framework.Status.DRAFT
        and (
            framework.title,
            framework.target_percent,
        )
        != before
    ):
        raise ValidationError(
            "Only a draft's title and target can change: they are what units were sent."
        )
    save_validated(framework, actor=actor)
    if consulted is not UNSET:
        if not framework.is_editable:
            raise ValidationError("A published framework is no longer consulted on.")
        framework.consulted.set(list(consulted))
    return framework


@transaction.atomic
def framework_status_set(*, actor: User, framework: Framework, status: str) -> Framework:
    """Move a framework on: draft → consultation → published → retired (a draft or one in
    consultation may also go back to draft, or be published straight away)."""
    require(can_edit_framework(actor, framework), KEEPERS_ONLY)
    allowed = NEXT_STATUSES[Framework.Status(framework.status)]
    if status not in allowed:
        labels = ", ".join(str(Framework.Status(s).label).lower() for s in allowed) or "nothing"
        raise ValidationError(
            f"A framework that is {framework.get_status_display().lower()} can become: {labels}."
        )
    if status == Framework.Status.PUBLISHED and not framework.items.exists():
        raise ValidationError("A framework with no items cannot be published.")
    framework.status = status
    save_validated(framework, actor=actor)
    return framework


@transaction.atomic
def framework_new_version(*, actor: User, framework: Framework) -> Framework:
    """A draft copy of a published or retired framework, one version on, each item linked to
    the item it continues."""
    require(can_edit_framework(actor, framework), KEEPERS_ONLY)
    if framework.is_editable:
        raise ValidationError("Change the items of a draft directly: it has no version to make.")
    if framework.next_versions.exists():
        raise ValidationError("This version already has a next version.")
    copy = Framework(
        organisation=framework.organisation,
        title=framework.title,
        description=framework.description,
        target_percent=framework.target_percent,
        version_number=framework.version_number + 1,
        previous=framework,
        source_document=framework.source_document,
    )
    save_validated(copy, actor=actor)
    for item in framework.items.all():
        _save_item(
            Item(
                framework=copy,
                position=item.position,
                group=item.group,
                text=item.text,
                guidance=item.guidance,
                kind=item.kind,
                cadence_text=item.cadence_text,
                cadence_days=item.cadence_days,
                check_words=item.check_words,
                mandatory=item.mandatory,
                evidence_required=item.evidence_required,
                previous=item,
            ),
            actor=actor,
        )
    return copy


@transaction.atomic
def item_comment_add(*, actor: User, item: Item, text: str) -> ItemComment:
    """A comment on an item while its framework is in consultation."""
    framework = item.framework
    require(
        can_comment(actor, framework),
        "Only the organisations consulted comment, while the framework is in consultation.",
    )
    if not text.strip():
        raise ValidationError({"text": "Write the comment."})
    comment = ItemComment(
        item=item,
        author=actor,
        organisation=commenting_organisation(actor, framework),
        text=text.strip(),
    )
    save_validated(comment, actor=actor)
    return comment


# --- Items ----------------------------------------------------------------------------------


def _save_item(item: Item, *, actor: User) -> None:
    previous = item.previous if item.previous_id is not None else None
    if previous is not None and previous.framework_id != item.framework.previous_id:
        raise ValidationError(
            {"previous": "An item can continue only an item of the version before."}
        )
    save_validated(item, actor=actor)


@transaction.atomic
def item_create(
    *,
    actor: User,
    framework: Framework,
    text: str,
    group: str = "",
    guidance: str = "",
    kind: str = "",
    cadence_text: str = "",
    cadence_days: int | None = None,
    check_words: str = "",
    mandatory: bool = False,
    evidence_required: bool = False,
    previous: Item | None = None,
    not_comparable: bool = False,
) -> Item:
    """Add an item at the end. With no kind given, the kind (and a recurring practice's
    cadence) is read from the text (kinds.py)."""
    _require_editable(actor, framework)
    reading = kinds.read(text)
    if not kind:
        kind = reading.kind
        cadence_text = cadence_text or reading.cadence_text
        cadence_days = cadence_days if cadence_days is not None else reading.cadence_days
    last = framework.items.aggregate(last=Max("position"))["last"]
    item = Item(
        framework=framework,
        position=0 if last is None else last + 1,
        text=text.strip(),
        group=group.strip(),
        guidance=guidance.strip(),
        kind=kind,
        cadence_text=cadence_text.strip(),
        cadence_days=cadence_days,
        check_words=check_words.strip(),
        mandatory=mandatory,
        evidence_required=evidence_required,
        previous=previous,
        not_comparable=not_comparable,
    )
    _save_item(item, actor=actor)
    return item


@transaction.atomic
def item_update(
    *,
    actor: User,
    item: Item,
    text: str = UNSET,
    group: str = UNSET,
    guidance: str = UNSET,
    kind: str = UNSET,
    cadence_text: str = UNSET,
    cadence_days: int | None = UNSET,
    check_words: str = UNSET,
    mandatory: bool = UNSET,
    evidence_required: bool = UNSET,
    previous: Item | None = UNSET,
    not_comparable: bool = UNSET,
    edit_version: str | None = None,
) -> Item:
    fields = supplied(locals(), "actor", "item", "edit_version")
    _require_editable(actor, item.framework)
    claim(item, edit_version)
    apply_fields(item, fields)
    _save_item(item, actor=actor)
    return item


@transaction.atomic
def item_delete(*, actor: User, item: Item) -> None:
    _require_editable(actor, item.framework)
    delete_recorded(item, actor=actor)


@transaction.atomic
def items_reorder(*, actor: User, framework: Framework, item_ids: Iterable[int]) -> None:
    """Put the items in the order given (every item of the framework, once)."""
    _require_editable(actor, framework)
    order = list(item_ids)
    items = {item.pk: item for item in framework.items.all()}
    if sorted(order) != sorted(items):
        raise ValidationError("Give every item of the framework once to reorder it.")
    for position, pk in enumerate(order):
        if items[pk].position != position:
            items[pk].position = position
            save_validated(items[pk], actor=actor)


# --- Import ---------------------------------------------------------------------------------


@dataclass
class ImportedItem:
    text: str
    group: str = ""


@transaction.atomic
def framework_import(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    items: list[ImportedItem],
    description: str = "",
    source_document: str = "",
) -> Framework:
    """A framework read by the importer, saved as a draft with all its items or not at all."""
    if not items:
        raise ValidationError("A framework needs at least one item.")
    framework = framework_create(
        actor=actor,
        organisation=organisation,
        title=title,
        description=description,
        source_document=source_document,
    )
    for item in items:
        item_create(actor=actor, framework=framework, text=item.text, group=item.group)
    return framework
