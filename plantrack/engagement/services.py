"""Every write to the engagement register: registers and their managers, groups, activities,
their outputs, outcomes, follow-ups and updates.

Who may do what (the reads are in selectors.py):
- A register is created by a member of the organisation it belongs to (or a site admin), who
  becomes its first manager. Managers edit the register, its groups and every activity in it,
  and give the manager role to others.
- An activity's owners (people linked to a user) edit that activity and record its outputs,
  outcomes, follow-ups and updates; they do not move it to another register or delete it.
- Links reach only what the writer may see: a plan action they cannot read, a budget line of a
  plan they cannot read, are refused.
- An activity at *consult* level or above cannot be completed without a "you said, we did"
  outcome: the public was asked something, so say what was done about it.
Writes that change what a plan's pages show (an activity linked to an action is listed on the
action's page) move the plan's version (core/changes.py; declared in engagement/models.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Model

from plantrack.accounts.models import User
from plantrack.budgets.models import BudgetLine
from plantrack.core import changes
from plantrack.core.concurrency import claim
from plantrack.core.services import (
    UNSET,
    apply_fields,
    delete_recorded,
    require,
    save_validated,
    supplied,
)
from plantrack.directory.models import Area, Organisation, Person
from plantrack.directory.selectors import can_edit_organisation
from plantrack.engagement.evaluation import tally
from plantrack.engagement.models import (
    Activity,
    ActivityOwner,
    ActivityUpdate,
    Community,
    FollowUp,
    Group,
    Method,
    OrganisationCommunity,
    Outcome,
    Output,
    Register,
    RegisterRole,
)
from plantrack.engagement.selectors import can_create_register, can_edit_activity, register_access
from plantrack.plans.models import Action, Plan
from plantrack.plans.selectors import plans_visible_to, today

MANAGERS_ONLY = "Only a manager of this register can change it."
OWNERS_ONLY = "Only the register's managers and the activity's owners can change this activity."
DATES = {"start_text": "start", "end_text": "end"}


def _register_id(instance: Model) -> int:
    if isinstance(instance, Register):
        return instance.pk
    if isinstance(instance, RegisterRole | Group | Activity):
        return instance.register_id
    activity: Activity = instance.activity  # type: ignore[attr-defined]
    return activity.register_id


def _counted(instance: Model, *, deleting: bool = False) -> list[int]:
    """The activities whose counts in the evaluation's tallies a write to ``instance`` may
    change (evaluation/tally.py): its own, or for a group deleted all of its activities."""
    if isinstance(instance, Activity):
        return [instance.pk]
    if isinstance(instance, Output | Outcome | ActivityUpdate):
        return [instance.activity_id]
    if isinstance(instance, Group) and deleting:
        return list(instance.activities.values_list("pk", flat=True))
    return []


def _save(instance: Model, *, actor: User) -> None:
    """save_validated, moving the version of the register the row belongs to (Register.version)
    and marking what the evaluation's tallies must count again: every write in this module
    goes through here or _delete, so none can forget."""
    save_validated(instance, actor=actor)
    register_id = _register_id(instance)
    tally.mark(register_id, _counted(instance))
    registers_changed({register_id})


def _delete(instance: Model, *, actor: User) -> None:
    register_id = _register_id(instance)
    counted = _counted(instance, deleting=True)
    delete_recorded(instance, actor=actor)
    tally.mark(register_id, counted)
    registers_changed({register_id})


def registers_changed(register_ids: set[int]) -> None:
    Register.objects.filter(pk__in=register_ids).update(version=F("version") + 1)


def require_manager(actor: User, register: Register) -> None:
    require(register_access(actor, register).can_manage, MANAGERS_ONLY)


def require_editor(actor: User, activity: Activity) -> None:
    require(can_edit_activity(actor, activity), OWNERS_ONLY)


# --- Registers ------------------------------------------------------------------------------


@transaction.atomic
def register_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    description: str = "",
    source_document: str = "",
) -> Register:
    require(
        can_create_register(actor, organisation),
        "A register belongs to an organisation you are a member of.",
    )
    register = Register(
        organisation=organisation,
        title=title.strip(),
        description=description,
        source_document=source_document,
    )
    _save(register, actor=actor)
    role = RegisterRole(register=register, user=actor, role=RegisterRole.Role.MANAGER)
    _save(role, actor=actor)
    return register


@transaction.atomic
def register_update(
    *,
    actor: User,
    register: Register,
    edit_version: str | None = None,
    title: str = UNSET,
    description: str = UNSET,
    organisation: Organisation = UNSET,
    source_document: str = UNSET,
) -> Register:
    fields = supplied(locals(), "actor", "register", "edit_version")
    require_manager(actor, register)
    claim(register, edit_version)
    # Saving writes every column: take the version as it is now (locked), never an older one.
    register.version = (
        Register.objects.select_for_update().values_list("version", flat=True).get(pk=register.pk)
    )
    if organisation is not UNSET and organisation.pk != register.organisation_id:
        require(
            can_create_register(actor, organisation),
            "A register can only be moved to an organisation you are a member of.",
        )
    apply_fields(register, fields)
    _save(register, actor=actor)
    return register


@transaction.atomic
def register_manager_add(*, actor: User, register: Register, user: User) -> RegisterRole:
    require_manager(actor, register)
    role = RegisterRole.objects.filter(register=register, user=user).first()
    if role is None:
        role = RegisterRole(register=register, user=user, role=RegisterRole.Role.MANAGER)
        _save(role, actor=actor)
    return role


@transaction.atomic
def register_manager_remove(*, actor: User, register: Register, user: User) -> None:
    require_manager(actor, register)
    roles = RegisterRole.objects.filter(register=register)
    if roles.exclude(user=user).count() == 0:
        raise ValidationError("A register needs at least one manager.")
    for role in roles.filter(user=user):
        _delete(role, actor=actor)


# --- Groups ---------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *, actor: User, register: Register, name: str, organisation: Organisation | None = None
) -> Group:
    require_manager(actor, register)
    name = name.strip()
    existing = Group.objects.filter(register=register, name__iexact=name).first()
    if existing is not None:
        raise ValidationError({"name": "This register already has a group with that name."})
    position = (Group.objects.filter(register=register).aggregate(m=Max("position"))["m"] or 0) + 1
    group = Group(register=register, name=name, organisation=organisation, position=position)
    _save(group, actor=actor)
    return group


@transaction.atomic
def group_update(
    *,
    actor: User,
    group: Group,
    edit_version: str | None = None,
    name: str = UNSET,
    organisation: Organisation | None = UNSET,
    position: int = UNSET,
) -> Group:
    fields = supplied(locals(), "actor", "group", "edit_version")
    require_manager(actor, group.register)
    claim(group, edit_version)
    apply_fields(group, fields)
    clash = Group.objects.filter(register=group.register_id, name__iexact=group.name)
    if clash.exclude(pk=group.pk).exists():
        raise ValidationError({"name": "This register already has a group with that name."})
    _save(group, actor=actor)
    return group


@transaction.atomic
def group_delete(*, actor: User, group: Group) -> None:
    """The group's activities stay in the register, ungrouped."""
    require_manager(actor, group.register)
    _delete(group, actor=actor)


# --- Activities -----------------------------------------------------------------------------


def _check_links(
    actor: User,
    register: Register,
    *,
    group: Group | None = None,
    actions: Iterable[Action] = (),
    plans: Iterable[Plan] = (),
    budget_line: BudgetLine | None = None,
) -> None:
    if group is not None and group.register_id != register.pk:
        raise ValidationError({"group": "That group belongs to another register."})
    visible = plans_visible_to(actor)
    plan_ids = {a.plan_id for a in actions} | {p.pk for p in plans}
    if budget_line is not None:
        plan_ids.add(budget_line.plan_id)
    if plan_ids and visible.filter(pk__in=plan_ids).count() != len(plan_ids):
        raise ValidationError("An activity can only be linked to plans you can see.")


def _check_completion(activity: Activity) -> None:
    if (
        activity.status == Activity.Status.COMPLETED
        and activity.level in Activity.NEEDS_OUTCOME
        and (activity.pk is None or not Outcome.objects.filter(activity=activity).exists())
    ):
        raise ValidationError(
            {
                "status": "Record what was done about what people said (“you said, we did”) "
                "before marking a consultation or deeper engagement completed."
            }
        )


def _check_cost(activity: Activity) -> None:
    if activity.cost_amount is not None and activity.cost_amount < 0:
        raise ValidationError({"cost_amount": "A cost cannot be negative."})
    if activity.cost_amount is not None and not activity.cost_period:
        activity.cost_period = Activity.CostPeriod.ONE_OFF


def _set_links(activity: Activity, actor: User, links: dict[str, Any]) -> None:
    """Write the many-to-many links given, moving the versions of plans whose action pages
    list the activity before or after."""
    before = changes.plans_of(activity)
    owners = links.pop("owners", UNSET)
    if owners is not UNSET:
        _set_owners(activity, actor, list(owners))
    for name, value in links.items():
        if value is not UNSET:
            getattr(activity, name).set(list(value))
    changes.plans_changed(before | changes.plans_of(activity))


def _set_owners(activity: Activity, actor: User, people: list[Person]) -> None:
    keep = {p.pk for p in people}
    for ownership in ActivityOwner.objects.filter(activity=activity).exclude(person_id__in=keep):
        _delete(ownership, actor=actor)
    have = set(ActivityOwner.objects.filter(activity=activity).values_list("person_id", flat=True))
    for position, person in enumerate(people):
        if person.pk in have:
            continue
        owner = ActivityOwner(activity=activity, person=person, position=position, post=person.post)
        _save(owner, actor=actor)


LINKS = ("owners", "partners", "plans", "actions", "communities", "methods", "areas")


@transaction.atomic
def activity_create(
    *,
    actor: User,
    register: Register,
    title: str,
    group: Group | None = None,
    description: str = UNSET,
    owner_text: str = UNSET,
    owners: Iterable[Person] = UNSET,
    partners: Iterable[Organisation] = UNSET,
    cost_text: str = UNSET,
    cost_amount: Decimal | None = UNSET,
    cost_period: str = UNSET,
    cost_financial_year: int | None = UNSET,
    budget_line: BudgetLine | None = UNSET,
    business_plan_link: str = UNSET,
    plans: Iterable[Plan] = UNSET,
    actions: Iterable[Action] = UNSET,
    communities_text: str = UNSET,
    communities: Iterable[Community] = UNSET,
    aim: str = UNSET,
    method_text: str = UNSET,
    methods: Iterable[Method] = UNSET,
    level: str = UNSET,
    areas: Iterable[Area] = UNSET,
    start_text: str = UNSET,
    end_text: str = UNSET,
    recurrence: str = UNSET,
    status: str = UNSET,
) -> Activity:
    fields = supplied(locals(), "actor", "register", "title", "group")
    require_manager(actor, register)
    links = {name: fields.pop(name) for name in LINKS if name in fields}
    _check_links(
        actor,
        register,
        group=group,
        actions=links.get("actions", ()),
        plans=links.get("plans", ()),
        budget_line=fields.get("budget_line"),
    )
    position = (
        Activity.objects.filter(register=register).aggregate(m=Max("position"))["m"] or 0
    ) + 1
    activity = Activity(register=register, group=group, title=title.strip(), position=position)
    apply_fields(activity, fields, fuzzy_dates=DATES)
    _check_cost(activity)
    _check_completion(activity)
    _save(activity, actor=actor)
    _set_links(activity, actor, links)
    return activity


@transaction.atomic
def activity_update(
    *,
    actor: User,
    activity: Activity,
    edit_version: str | None = None,
    group: Group | None = UNSET,
    title: str = UNSET,
    description: str = UNSET,
    owner_text: str = UNSET,
    owners: Iterable[Person] = UNSET,
    partners: Iterable[Organisation] = UNSET,
    cost_text: str = UNSET,
    cost_amount: Decimal | None = UNSET,
    cost_period: str = UNSET,
    cost_financial_year: int | None = UNSET,
    budget_line: BudgetLine | None = UNSET,
    business_plan_link: str = UNSET,
    plans: Iterable[Plan] = UNSET,
    actions: Iterable[Action] = UNSET,
    communities_text: str = UNSET,
    communities: Iterable[Community] = UNSET,
    aim: str = UNSET,
    method_text: str = UNSET,
    methods: Iterable[Method] = UNSET,
    level: str = UNSET,
    areas: Iterable[Area] = UNSET,
    start_text: str = UNSET,
    end_text: str = UNSET,
    recurrence: str = UNSET,
    status: str = UNSET,
) -> Activity:
    """Change the fields given; the others keep their values. Links the actor cannot see
    (another force's actions) are kept as they are, never dropped by an edit."""
    fields = supplied(locals(), "actor", "activity", "edit_version")
    require_editor(actor, activity)
    claim(activity, edit_version)
    links = {name: fields.pop(name) for name in LINKS if name in fields}
    if "actions" in links:
        links["actions"] = _keep_unseen_actions(actor, activity, list(links["actions"]))
    _check_links(
        actor,
        activity.register,
        group=fields.get("group"),
        actions=[a for a in links.get("actions", ()) if a.pk not in _unseen(actor, activity)],
        plans=links.get("plans", ()),
        budget_line=fields.get("budget_line"),
    )
    apply_fields(activity, fields, fuzzy_dates=DATES)
    _check_cost(activity)
    _check_completion(activity)
    _save(activity, actor=actor)
    _set_links(activity, actor, links)
    return activity


def _unseen(actor: User, activity: Activity) -> set[int]:
    return set(
        activity.actions.exclude(plan__in=plans_visible_to(actor)).values_list("pk", flat=True)
    )


def _keep_unseen_actions(actor: User, activity: Activity, chosen: list[Action]) -> list[Action]:
    unseen = _unseen(actor, activity)
    return chosen + list(Action.objects.filter(pk__in=unseen - {a.pk for a in chosen}))


@transaction.atomic
def activity_delete(*, actor: User, activity: Activity) -> None:
    require_manager(actor, activity.register)
    _delete(activity, actor=actor)


# --- What an activity produced --------------------------------------------------------------


def _check_output(output: Output) -> None:
    if output.kind == Output.Kind.OTHER and not output.label.strip():
        raise ValidationError({"label": "Say what was counted."})


@transaction.atomic
def output_record(
    *,
    actor: User,
    activity: Activity,
    kind: str,
    count: int,
    label: str = "",
    date: dt.date | None = None,
    area: Area | None = None,
    source_text: str = "",
) -> Output:
    require_editor(actor, activity)
    output = Output(
        activity=activity,
        kind=kind,
        count=count,
        label=label.strip(),
        date=date,
        area=area,
        source_text=source_text[:300],
    )
    _check_output(output)
    _save(output, actor=actor)
    return output


@transaction.atomic
def output_update(
    *,
    actor: User,
    output: Output,
    edit_version: str | None = None,
    kind: str = UNSET,
    count: int = UNSET,
    label: str = UNSET,
    date: dt.date | None = UNSET,
    area: Area | None = UNSET,
) -> Output:
    fields = supplied(locals(), "actor", "output", "edit_version")
    require_editor(actor, output.activity)
    claim(output, edit_version)
    apply_fields(output, fields)
    _check_output(output)
    _save(output, actor=actor)
    return output


@transaction.atomic
def output_delete(*, actor: User, output: Output) -> None:
    require_editor(actor, output.activity)
    _delete(output, actor=actor)


@transaction.atomic
def outcome_record(
    *,
    actor: User,
    activity: Activity,
    you_said: str,
    we_did: str,
    date: dt.date | None = None,
) -> Outcome:
    require_editor(actor, activity)
    outcome = Outcome(activity=activity, you_said=you_said, we_did=we_did, date=date)
    _save(outcome, actor=actor)
    return outcome


@transaction.atomic
def outcome_update(
    *,
    actor: User,
    outcome: Outcome,
    edit_version: str | None = None,
    you_said: str = UNSET,
    we_did: str = UNSET,
    date: dt.date | None = UNSET,
) -> Outcome:
    fields = supplied(locals(), "actor", "outcome", "edit_version")
    require_editor(actor, outcome.activity)
    claim(outcome, edit_version)
    apply_fields(outcome, fields)
    _save(outcome, actor=actor)
    return outcome


@transaction.atomic
def outcome_delete(*, actor: User, outcome: Outcome) -> None:
    activity = outcome.activity
    require_editor(actor, activity)
    others = Outcome.objects.filter(activity=activity).exclude(pk=outcome.pk)
    if (
        activity.status == Activity.Status.COMPLETED
        and activity.level in Activity.NEEDS_OUTCOME
        and not others.exists()
    ):
        raise ValidationError(
            "This completed activity needs its “you said, we did”: reopen it before deleting "
            "its only outcome."
        )
    _delete(outcome, actor=actor)


@transaction.atomic
def follow_up_create(
    *,
    actor: User,
    activity: Activity,
    title: str,
    due_on: dt.date,
    owner: Person | None = None,
) -> FollowUp:
    require_editor(actor, activity)
    follow_up = FollowUp(activity=activity, title=title.strip(), due_on=due_on, owner=owner)
    _save(follow_up, actor=actor)
    return follow_up


@transaction.atomic
def follow_up_update(
    *,
    actor: User,
    follow_up: FollowUp,
    edit_version: str | None = None,
    title: str = UNSET,
    due_on: dt.date = UNSET,
    owner: Person | None = UNSET,
    done: bool = UNSET,
) -> FollowUp:
    fields = supplied(locals(), "actor", "follow_up", "edit_version")
    require_editor(actor, follow_up.activity)
    claim(follow_up, edit_version)
    apply_fields(follow_up, fields)
    _save(follow_up, actor=actor)
    return follow_up


@transaction.atomic
def follow_up_delete(*, actor: User, follow_up: FollowUp) -> None:
    require_editor(actor, follow_up.activity)
    _delete(follow_up, actor=actor)


@transaction.atomic
def activity_update_post(
    *,
    actor: User,
    activity: Activity,
    narrative: str,
    rag: str = "",
    date: dt.date | None = None,
) -> ActivityUpdate:
    """Append a dated update; the activity's RAG and last update day follow the newest."""
    require_editor(actor, activity)
    date = date or today()
    if date > today():
        raise ValidationError({"date": "An update cannot be dated in the future."})
    update = ActivityUpdate(
        activity=activity, date=date, rag=rag, narrative=narrative, author=actor
    )
    _save(update, actor=actor)
    if activity.last_update_on is None or date >= activity.last_update_on:
        activity.last_update_on = date
        if rag:
            activity.rag = rag
        _save(activity, actor=actor)
    return update


# --- The communities an organisation serves ------------------------------------------------


@transaction.atomic
def organisation_communities_set(
    *, actor: User, organisation: Organisation, communities: Iterable[Community]
) -> None:
    """Say which communities (group descriptors) an organisation serves, as its members
    keep its directory entry."""
    require(
        can_edit_organisation(actor, organisation),
        "Only members of the organisation can say which communities it serves.",
    )
    wanted = {c.pk for c in communities}
    served = OrganisationCommunity.objects.filter(organisation=organisation)
    for row in served.exclude(community_id__in=wanted):
        delete_recorded(row, actor=actor)
    have = set(served.values_list("community_id", flat=True))
    for pk in sorted(wanted - have):
        save_validated(
            OrganisationCommunity(organisation=organisation, community_id=pk), actor=actor
        )


# --- The lists administrators keep ----------------------------------------------------------


@transaction.atomic
def list_entry_save(*, actor: User, entry: Method | Community) -> Method | Community:
    """Add or change a method or a community descriptor (the admin's forms call this). Their
    names show on every register's pages and evaluations, which are cached under the
    registers' versions: every register's version moves."""
    action = "change" if entry.pk else "add"
    require(
        actor.has_perm(f"engagement.{action}_{entry._meta.model_name}"),
        "Only administrators keep the lists of methods and communities.",
    )
    save_validated(entry, actor=actor)
    Register.objects.update(version=F("version") + 1)
    return entry
