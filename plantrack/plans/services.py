"""Every write to plans, sections, actions and updates goes through these functions."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from plantrack.accounts.models import User
from plantrack.core import changes, fuzzydates
from plantrack.core.concurrency import claim
from plantrack.core.services import (
    UNSET,
    apply_fields,
    attribute_to,
    delete_recorded,
    require,
    save_validated,
    set_fuzzy_date,
    supplied,
)
from plantrack.directory.models import Organisation, Person
from plantrack.directory.selectors import organisation_ids_for
from plantrack.evidence.files import CheckedUpload, check_upload
from plantrack.evidence.services import evidence_attach_file
from plantrack.plans.models import (
    Action,
    ActionOrganisation,
    ActionOwner,
    Milestone,
    Plan,
    PlanRole,
    Section,
    Update,
)
from plantrack.plans.selectors import plan_access, today

# Dates kept as written, with the parsed range beside them; a deadline's range ends on the last
# day the text allows for completion.
FUZZY_DATES = {
    "period_text": "period",
    "start_text": "start",
    "review_text": "review",
    "due_text": "due",
}
DEADLINES = ("due",)
LINKS = ("owners", "lead_organisations", "supporting_organisations", "milestones", "depends_on")


def _apply(instance: Model, fields: dict[str, Any], *, year: int | None = None) -> None:
    apply_fields(instance, fields, fuzzy_dates=FUZZY_DATES, deadlines=DEADLINES)
    if isinstance(instance, Action):
        if "due_text" in fields:
            _start_not_deadline(instance)
        _read_in_context(instance, year)


def _start_not_deadline(action: Action) -> None:
    """ "Commence Nov 22" or "Start immediately" written as the deadline is the action's start:
    kept there (when no start is written), so the page says it has no deadline rather than
    showing a deadline that can never make it late."""
    if fuzzydates.is_start_only(action.due_text) and not action.start_text:
        set_fuzzy_date(action, "start", action.due_text)
        set_fuzzy_date(action, "due", "", deadline=True)


def _read_in_context(action: Action, year: int | None) -> None:
    """Read again, against the plan's financial year (its period's start), the action's start
    and, on import, the ``year`` its neighbouring rows are in, the dates that cannot be read
    alone: "end of Q4", "August - September", "within 6 months" (fuzzydates.Context). What
    still cannot be read stays UNKNOWN, and the pages say so (selectors.unreadable_dates)."""
    for prefix in ("start", "review", "due"):
        text = getattr(action, f"{prefix}_text")
        if not text or getattr(action, f"{prefix}_kind") != "unknown":
            continue
        period = action.plan.period_earliest
        context = fuzzydates.Context(
            year=year,
            fy=None if period is None else int(fuzzydates.financial_year(period)[:4]),
            start=action.start_earliest if prefix != "start" else None,
        )
        set_fuzzy_date(action, prefix, text, deadline=prefix in DEADLINES, context=context)


def require_manager(actor: User, plan: Plan) -> None:
    require(plan_access(actor, plan).can_manage, "Only a manager of this plan can change it.")


# --- Plans ----------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    actor: User,
    title: str,
    owner_organisation: Organisation,
    kind: str = UNSET,
    summary: str = UNSET,
    status: str = UNSET,
    visibility: str = UNSET,
    reports_to: str = UNSET,
    source_document: str = UNSET,
    update_interval_days: int = UNSET,
    measures_suggest_rag: bool = UNSET,
    period_text: str = UNSET,
) -> Plan:
    """Create a plan; its creator becomes its first manager."""
    fields = supplied(locals(), "actor")
    require(
        actor.is_superuser or owner_organisation.pk in organisation_ids_for(actor),
        "You can only create plans for an organisation you belong to.",
    )
    plan = Plan()
    _apply(plan, fields)
    save_validated(plan, actor=actor)
    role = PlanRole(plan=plan, user=actor, role=PlanRole.Role.MANAGER)
    save_validated(role, actor=actor)
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: User,
    plan: Plan,
    edit_version: str | None = None,
    title: str = UNSET,
    owner_organisation: Organisation = UNSET,
    kind: str = UNSET,
    summary: str = UNSET,
    status: str = UNSET,
    visibility: str = UNSET,
    reports_to: str = UNSET,
    source_document: str = UNSET,
    update_interval_days: int = UNSET,
    measures_suggest_rag: bool = UNSET,
    period_text: str = UNSET,
) -> Plan:
    """Change the fields given; the others keep their values."""
    fields = supplied(locals(), "actor", "plan", "edit_version")
    require_manager(actor, plan)
    if owner_organisation and owner_organisation.pk != plan.owner_organisation_id:
        # Who owns a plan decides who reads an organisation-visible one: as for plan_create.
        require(
            actor.is_superuser or owner_organisation.pk in organisation_ids_for(actor),
            "You can only give a plan to an organisation you belong to.",
        )
    claim(plan, edit_version)
    # Read from the database: a ModelForm may already have changed the instance in memory.
    interval_before, plan.version = Plan.objects.values_list("update_interval_days", "version").get(
        pk=plan.pk
    )
    _apply(plan, fields)
    save_validated(plan, actor=actor)
    if plan.update_interval_days != interval_before:
        _recompute_update_due(plan)
    return plan


def _recompute_update_due(plan: Plan) -> None:
    interval = dt.timedelta(days=plan.update_interval_days)
    fields = ("id", "last_update_on", "created_at", "start_earliest", "due_earliest")
    actions = list(Action.objects.filter(plan=plan).only(*fields))
    for action in actions:
        action.update_due_on = _update_due_on(action, interval, added_on=action.created_at.date())
    Action.objects.bulk_update(actions, ["update_due_on"], batch_size=500)


def _update_due_on(action: Action, interval: dt.timedelta, *, added_on: dt.date) -> dt.date:
    """When the action is next due an update: the plan's interval after its last update; with
    none, after the earliest of its own start date, its due date and the day it was added
    (created or imported). An action imported from a 2022 plan and due in October 2022 with
    no update recorded has been due one since then, not for a month after the import
    (docs/plans.md)."""
    if action.last_update_on is not None:
        last: dt.date = action.last_update_on
        return last + interval
    own: list[dt.date] = [d for d in (action.start_earliest, action.due_earliest) if d is not None]
    return min([*own, added_on]) + interval


@transaction.atomic
def plan_role_set(*, actor: User, plan: Plan, user: User, role: str) -> PlanRole:
    require_manager(actor, plan)
    plan_role, _ = PlanRole.objects.get_or_create(plan=plan, user=user, defaults={"role": role})
    plan_role.role = role
    save_validated(plan_role, actor=actor, exclude=["plan", "user"])
    return plan_role


@transaction.atomic
def plan_role_remove(*, actor: User, plan: Plan, user: User) -> None:
    require_manager(actor, plan)
    managers = PlanRole.objects.filter(plan=plan, role=PlanRole.Role.MANAGER)
    if managers.filter(user=user).exists() and managers.count() == 1:
        raise ValidationError("A plan needs at least one manager.")
    for plan_role in PlanRole.objects.filter(plan=plan, user=user):
        delete_recorded(plan_role, actor=actor)


# --- Sections -------------------------------------------------------------------------------


@transaction.atomic
def section_create(*, actor: User, plan: Plan, title: str, description: str = "") -> Section:
    require_manager(actor, plan)
    last = Section.objects.filter(plan=plan).aggregate(m=Max("position"))["m"]
    section = Section(plan=plan, title=title, description=description, position=(last or 0) + 1)
    save_validated(section, actor=actor)
    return section


@transaction.atomic
def section_update(
    *,
    actor: User,
    section: Section,
    edit_version: str | None = None,
    title: str = UNSET,
    description: str = UNSET,
    position: int = UNSET,
) -> Section:
    fields = supplied(locals(), "actor", "section", "edit_version")
    require_manager(actor, section.plan)
    claim(section, edit_version)
    _apply(section, fields)
    save_validated(section, actor=actor)
    return section


# --- Actions --------------------------------------------------------------------------------


@transaction.atomic
def action_create(
    *,
    actor: User,
    plan: Plan,
    title: str,
    section: Section | None = UNSET,
    ref: str = UNSET,
    description: str = UNSET,
    strategy_refs: str = UNSET,
    owner_text: str = UNSET,
    status: str = UNSET,
    rag: str = UNSET,
    start_text: str = UNSET,
    review_text: str = UNSET,
    due_text: str = UNSET,
    owners: Sequence[Person] = (),
    lead_organisations: Sequence[Organisation] = (),
    supporting_organisations: Sequence[Organisation] = (),
    milestones: Iterable[str] = (),
    depends_on: Iterable[Action] = (),
) -> Action:
    fields = supplied(locals(), "actor", "plan", *LINKS)
    require_manager(actor, plan)
    if section and section.plan_id != plan.pk:
        raise ValidationError("That section belongs to another plan.")
    last = Action.objects.filter(plan=plan).aggregate(m=Max("position"))["m"]
    action = Action(plan=plan, position=(last or 0) + 1)
    _apply(action, fields)
    action.update_due_on = _update_due_on(
        action, dt.timedelta(days=plan.update_interval_days), added_on=today()
    )
    save_validated(action, actor=actor)
    _set_owners(action, owners, actor)
    _set_organisations(action, lead_organisations, supporting_organisations, actor)
    for position, title_ in enumerate(milestones, start=1):
        Milestone.objects.create(action=action, title=title_, position=position)
    _set_dependencies(action, depends_on)
    return action


@transaction.atomic
def action_update(
    *,
    actor: User,
    action: Action,
    edit_version: str | None = None,
    section: Section | None = UNSET,
    ref: str = UNSET,
    title: str = UNSET,
    description: str = UNSET,
    strategy_refs: str = UNSET,
    owner_text: str = UNSET,
    status: str = UNSET,
    rag: str = UNSET,
    start_text: str = UNSET,
    review_text: str = UNSET,
    due_text: str = UNSET,
    owners: Sequence[Person] | None = None,
    lead_organisations: Sequence[Organisation] | None = None,
    supporting_organisations: Sequence[Organisation] | None = None,
    depends_on: Iterable[Action] | None = None,
) -> Action:
    """Change the fields given; links (owners, organisations, dependencies) given replace the
    action's; the others keep their values."""
    fields = supplied(locals(), "actor", "action", "edit_version", *LINKS)
    require_manager(actor, action.plan)
    claim(action, edit_version)
    if section and section.plan_id != action.plan_id:
        raise ValidationError("That section belongs to another plan.")
    _apply(action, fields)
    if action.last_update_on is None:  # its own dates say when an update is due
        interval = dt.timedelta(days=action.plan.update_interval_days)
        action.update_due_on = _update_due_on(action, interval, added_on=action.created_at.date())
    save_validated(action, actor=actor)
    if owners is not None:
        _set_owners(action, owners, actor)
    if lead_organisations is not None or supporting_organisations is not None:
        _set_organisations(action, lead_organisations or (), supporting_organisations or (), actor)
    if depends_on is not None:
        _set_dependencies(action, depends_on)
    return action


def _sync_links[L: Model](
    existing: dict[tuple[int], L],
    wanted: list[tuple[tuple[int], dict[str, Any]]],
    make: Callable[..., L],
    actor: User,
) -> None:
    """Add and remove link rows so only real changes reach the audit history."""
    wanted_keys = {key for key, _ in wanted}
    for key, stale in existing.items():
        if key not in wanted_keys:
            attribute_to(stale, actor)
            stale.delete()
    for key, values in wanted:
        row = existing.get(key)
        if row is None:
            row = make(**values)
        elif all(getattr(row, k) == v for k, v in values.items()):
            continue
        for k, v in values.items():
            setattr(row, k, v)
        attribute_to(row, actor)
        row.save()


def _set_owners(action: Action, owners: Sequence[Person], actor: User) -> None:
    existing = {(o.person_id,): o for o in ActionOwner.objects.filter(action=action)}
    wanted: list[tuple[tuple[int], dict[str, Any]]] = []
    seen: set[int] = set()
    for position, person in enumerate(owners):
        if person.pk not in seen:
            seen.add(person.pk)
            values: dict[str, Any] = {"person_id": person.pk, "position": position}
            if (person.pk,) not in existing:
                values["post"] = person.post or person.job_title
            wanted.append(((person.pk,), values))
    _sync_links(existing, wanted, lambda **v: ActionOwner(action=action, **v), actor)


def _set_organisations(
    action: Action,
    lead: Sequence[Organisation],
    supporting: Sequence[Organisation],
    actor: User,
) -> None:
    existing = {(a.organisation_id,): a for a in ActionOrganisation.objects.filter(action=action)}
    wanted: list[tuple[tuple[int], dict[str, Any]]] = []
    seen: set[int] = set()
    for role, organisations in (
        (ActionOrganisation.Role.LEAD, lead),
        (ActionOrganisation.Role.SUPPORTING, supporting),
    ):
        for position, organisation in enumerate(organisations):
            if organisation.pk not in seen:
                seen.add(organisation.pk)
                values = {"organisation_id": organisation.pk, "role": role, "position": position}
                wanted.append(((organisation.pk,), values))
    _sync_links(existing, wanted, lambda **v: ActionOrganisation(action=action, **v), actor)


def _set_dependencies(action: Action, depends_on: Iterable[Action]) -> None:
    targets = list(depends_on)
    for target in targets:
        if target.pk == action.pk:
            raise ValidationError("An action cannot depend on itself.")
        if target.plan_id != action.plan_id:
            raise ValidationError("Dependencies must be actions in the same plan.")
    action.depends_on.set(targets)


def _action_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` checked against what action_create takes (its signature is the list)."""
    known = set(inspect.signature(action_create).parameters) - {"actor", "plan", "title", *LINKS}
    unknown = set(fields) - known
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    return fields


# --- Importing many actions at once -------------------------------------------------------


@dataclass
class ActionImport:
    """One action for actions_import: what action_create takes, plus its imported updates
    as (date or None, narrative), oldest first."""

    title: str
    section: Section | None = None
    fields: dict[str, Any] | None = None  # what action_create takes besides plan, title, links
    owners: Sequence[Person] = ()
    lead_organisations: Sequence[Organisation] = ()
    supporting_organisations: Sequence[Organisation] = ()
    milestones: Sequence[str] = ()
    updates: Sequence[tuple[dt.date | None, str]] = ()
    update_rag: str = ""
    # The calendar year the neighbouring rows' dates are in, for a date written with none.
    year: int | None = None


@transaction.atomic
def actions_import(
    *,
    actor: User,
    plan: Plan,
    actions: Sequence[ActionImport],
    author_name: str,
    batch_size: int = 500,
) -> list[Action]:
    """Create many actions, with their owners, organisations, milestones and imported updates,
    in a handful of bulk queries. The rows are those action_create followed by
    update_post(imported=True) for each update would write, except that each action gets one
    history row (its state after its updates) rather than one per update."""
    require_manager(actor, plan)
    interval = dt.timedelta(days=plan.update_interval_days)
    day = today()
    last = Action.objects.filter(plan=plan).aggregate(m=Max("position"))["m"] or 0
    drafts: list[tuple[Action, ActionImport, list[Update]]] = []
    for position, item in enumerate(actions, start=last + 1):
        if item.section is not None and item.section.plan_id != plan.pk:
            raise ValidationError("That section belongs to another plan.")
        action = Action(plan=plan, section=item.section, title=item.title, position=position)
        _apply(action, _action_fields(item.fields or {}), year=item.year)
        updates = []
        for date, narrative in item.updates:
            if date is not None and date > day:
                raise ValidationError({"date": "The update date cannot be in the future."})
            update = Update(
                date=date,
                rag=item.update_rag,
                narrative=(narrative or "").strip(),
                author_name=author_name,
            )
            update.full_clean(exclude=["action", "author"])
            updates.append(update)
        action.last_update_on = max((u.date for u in updates if u.date), default=None)
        action.update_due_on = _update_due_on(action, interval, added_on=day)
        if action.last_update_on is not None and item.update_rag:
            action.rag = item.update_rag
        # The plan and section were checked above: no query per action to re-read them.
        action.full_clean(exclude=["plan", "section"])
        drafts.append((action, item, updates))

    created: list[Action] = bulk_create_with_history(
        [a for a, _, _ in drafts], Action, batch_size=batch_size, default_user=actor
    )
    owners, organisations, milestones, updates = [], [], [], []
    for action, (_, item, action_updates) in zip(created, drafts, strict=True):
        seen = set()
        for position, person in enumerate(item.owners):
            if person.pk not in seen:
                seen.add(person.pk)
                owners.append(
                    ActionOwner(
                        action=action,
                        person=person,
                        position=position,
                        post=person.post or person.job_title,
                    )
                )
        seen = set()
        for role, group in (
            (ActionOrganisation.Role.LEAD, item.lead_organisations),
            (ActionOrganisation.Role.SUPPORTING, item.supporting_organisations),
        ):
            for position, organisation in enumerate(group):
                if organisation.pk not in seen:
                    seen.add(organisation.pk)
                    organisations.append(
                        ActionOrganisation(
                            action=action, organisation=organisation, role=role, position=position
                        )
                    )
        for position, title in enumerate(item.milestones, start=1):
            milestones.append(Milestone(action=action, title=title, position=position))
        for update in action_updates:
            update.action = action
            updates.append(update)
    bulk_create_with_history(owners, ActionOwner, batch_size=batch_size, default_user=actor)
    bulk_create_with_history(
        organisations, ActionOrganisation, batch_size=batch_size, default_user=actor
    )
    bulk_create_with_history(milestones, Milestone, batch_size=batch_size, default_user=actor)
    Update.objects.bulk_create(updates, batch_size=batch_size)
    changes.plans_changed([plan.pk])  # bulk writes pass no write helper
    return created


# --- Milestones -----------------------------------------------------------------------------


@transaction.atomic
def milestone_create(
    *, actor: User, action: Action, title: str, due_text: str = "", done: bool = False
) -> Milestone:
    require_manager(actor, action.plan)
    last = Milestone.objects.filter(action=action).aggregate(m=Max("position"))["m"]
    milestone = Milestone(action=action, title=title, done=done, position=(last or 0) + 1)
    set_fuzzy_date(milestone, "due", due_text, deadline=True)
    save_validated(milestone, actor=actor)
    return milestone


@transaction.atomic
def milestone_update(
    *,
    actor: User,
    milestone: Milestone,
    edit_version: str | None = None,
    title: str = UNSET,
    done: bool = UNSET,
    due_text: str = UNSET,
) -> Milestone:
    fields = supplied(locals(), "actor", "milestone", "edit_version")
    require_manager(actor, milestone.action.plan)
    claim(milestone, edit_version)
    _apply(milestone, fields)
    save_validated(milestone, actor=actor)
    return milestone


# --- Deleting and restoring (soft: Section and Action keep deleted rows out of every list) ---


def _mark_deleted(row: Section | Action, actor: User, when: dt.datetime, reason: str) -> None:
    row.deleted_at, row.deleted_by, row.deleted_reason = when, actor, reason[:500]
    attribute_to(row, actor)
    row.save(update_fields=["deleted_at", "deleted_by", "deleted_reason", "updated_at"])


def _mark_restored(row: Section | Action, actor: User) -> None:
    row.deleted_at, row.deleted_by, row.deleted_reason = None, None, ""
    attribute_to(row, actor)
    row.save(update_fields=["deleted_at", "deleted_by", "deleted_reason", "updated_at"])


@transaction.atomic
def action_delete(*, actor: User, action: Action, reason: str = "") -> Action:
    """Delete an action: it leaves every list, count, pack and feed, and a manager can
    restore it with its updates, owners and history (nothing is removed)."""
    require_manager(actor, action.plan)
    if action.deleted_at is not None:
        raise ValidationError("That action is already deleted.")
    _mark_deleted(action, actor, timezone.now(), reason)
    changes.plans_changed([action.plan_id])
    return action


@transaction.atomic
def action_restore(*, actor: User, action: Action) -> Action:
    require_manager(actor, action.plan)
    if action.deleted_at is None:
        raise ValidationError("That action is not deleted.")
    section = action.section
    if section is not None and section.deleted_at is not None:
        raise ValidationError(
            f"Its section {section.title!r} is deleted: restore the section first."
        )
    _mark_restored(action, actor)
    changes.plans_changed([action.plan_id])
    return action


@transaction.atomic
def section_delete(*, actor: User, section: Section, reason: str = "") -> Section:
    """Delete a section and the actions in it, at one moment: restoring the section restores
    those actions (not ones deleted before it)."""
    require_manager(actor, section.plan)
    if section.deleted_at is not None:
        raise ValidationError("That section is already deleted.")
    when = timezone.now()
    for action in Action.objects.filter(section=section):
        _mark_deleted(action, actor, when, reason)
    _mark_deleted(section, actor, when, reason)
    changes.plans_changed([section.plan_id])
    return section


@transaction.atomic
def section_restore(*, actor: User, section: Section) -> Section:
    require_manager(actor, section.plan)
    if section.deleted_at is None:
        raise ValidationError("That section is not deleted.")
    with_it = Action.all_objects.filter(section=section, deleted_at=section.deleted_at)
    for action in with_it:
        _mark_restored(action, actor)
    _mark_restored(section, actor)
    changes.plans_changed([section.plan_id])
    return section


# --- Many actions at once -------------------------------------------------------------------


def _selected(plan: Plan, actions: Sequence[Action]) -> Sequence[Action]:
    if not actions:
        raise ValidationError("Select at least one action.")
    if any(a.plan_id != plan.pk for a in actions):
        raise ValidationError("Every action must belong to this plan.")
    return actions


@transaction.atomic
def actions_bulk_update(
    *,
    actor: User,
    plan: Plan,
    actions: Sequence[Action],
    section: Section | None = UNSET,
    status: str = UNSET,
    due_text: str = UNSET,
    owners: Sequence[Person] | None = None,
) -> int:
    """Set the same fields on many actions, all or none, with one history entry per action
    (each goes through action_update)."""
    fields = supplied(locals(), "actor", "plan", "actions", "owners")
    require_manager(actor, plan)
    _selected(plan, actions)
    if not fields and owners is None:
        raise ValidationError("Choose at least one thing to change.")
    for action in actions:
        action_update(actor=actor, action=action, owners=owners, **fields)
    return len(actions)


@transaction.atomic
def updates_bulk_post(
    *,
    actor: User,
    plan: Plan,
    actions: Sequence[Action],
    narrative: str,
    rag: str = "",
    status: str = "",
    date: dt.date | None = None,
) -> list[Update]:
    """Post the same update to many actions, all or none."""
    require_manager(actor, plan)
    _selected(plan, actions)
    if not (narrative or "").strip():
        raise ValidationError({"narrative": "Write the update."})
    return [
        update_post(actor=actor, action=a, narrative=narrative, rag=rag, status=status, date=date)
        for a in actions
    ]


# --- Updates --------------------------------------------------------------------------------


def update_post(
    *,
    actor: User,
    action: Action,
    narrative: str,
    rag: str = "",
    date: dt.date | None = None,
    status: str = "",
    author_name: str = "",
    imported: bool = False,
    evidence: UploadedFile[bytes] | None = None,
    based_on: int | None = UNSET,
) -> Update:
    """Post a dated update. It becomes the action's current RAG and status unless an update
    with a later date already exists (a back-dated entry fills history without overriding).

    ``imported`` updates come from a source document: they may be undated and have no author
    account, only the name as recorded. ``evidence``: a file attached to the update (through
    the evidence app's service), in the same transaction.

    ``based_on``: the id of the action's latest update the author saw (None: none). When the
    latest is another one now, ``UpdateConflict`` is raised and nothing is saved (the phone app
    sends entries made offline this way). Not given: no check."""
    require(
        plan_access(actor, action.plan).can_post_update(action),
        "Only the action's owners and the plan's managers can post updates.",
    )
    if date is None and not imported:
        date = today()
    if date is not None and date > today():
        raise ValidationError({"date": "The update date cannot be in the future."})
    checked = _checked_evidence(evidence)
    update = Update(
        action=action,
        date=date,
        rag=rag,
        status=status,
        narrative=(narrative or "").strip(),
        author=None if imported else actor,
        author_name=author_name if imported else (author_name or actor.display_name),
    )
    # The action and author are the caller's own objects: skip re-reading them to validate.
    update.full_clean(exclude=["action", "author"])
    # Checks and validation above run before the transaction: on SQLite a write transaction
    # holds the database's only write lock, so it should do nothing but write.
    with transaction.atomic():
        if based_on is not UNSET:
            _check_latest_update(action, based_on)
        update.save()
        latest = Action.objects.values_list("last_update_on", flat=True).get(pk=action.pk)
        if date is not None and (latest is None or date >= latest):
            action.last_update_on = date
            action.update_due_on = date + dt.timedelta(days=action.plan.update_interval_days)
            action.rag = rag or action.rag
            action.status = status or action.status
            attribute_to(action, actor)
            action.save(
                update_fields=["last_update_on", "update_due_on", "rag", "status", "updated_at"]
            )
        if checked is not None:
            evidence_attach_file(actor=actor, target=update, upload=checked)
        # The fast path saves without save_validated (see above), so it says so itself.
        changes.plans_changed([action.plan_id])
    return update


class UpdateConflict(Exception):
    """The action's latest update is no longer the one the author based theirs on."""

    def __init__(self, latest: Update | None) -> None:
        super().__init__("The action has a newer update than the one this was based on.")
        self.latest = latest


def _check_latest_update(action: Action, based_on: int | None) -> None:
    """In update_post's transaction: the action's row is locked first (PostgreSQL; SQLite's
    write transaction is already alone), so two posts based on one update cannot both pass.
    The latest is the first of the action's updates in their order (the newest date, then the
    newest posted): the one the action's RAG and status follow."""
    Action.objects.select_for_update().filter(pk=action.pk).values_list("pk").first()
    latest = Update.objects.filter(action=action).first()
    if (latest.pk if latest else None) != based_on:
        raise UpdateConflict(latest)


def _checked_evidence(upload: UploadedFile[bytes] | None) -> CheckedUpload | None:
    """The update's evidence file read (type, size, checksum) before the transaction, its
    refusal shown against the form's evidence field."""
    if upload is None:
        return None
    try:
        return check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"evidence": exc.messages}) from None


@transaction.atomic
def milestone_delete(*, actor: User, milestone: Milestone, edit_version: str | None = None) -> None:
    """Remove a milestone (the API's DELETE), recorded in the audit history."""
    require_manager(actor, milestone.action.plan)
    claim(milestone, edit_version)
    delete_recorded(milestone, actor=actor)
