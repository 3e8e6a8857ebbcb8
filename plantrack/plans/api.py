# No "from __future__ import annotations": django-ninja reads these signatures at runtime.


import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from plantrack.accounts.idempotency import idempotent
from plantrack.core.api import READ, READ_ONE, WRITE, Id, Mapped, Pagination, json_response
from plantrack.core.cache import cached, query_key
from plantrack.core.concurrency import EditConflict, version_of
from plantrack.core.models import Rag
from plantrack.core.services import UNSET
from plantrack.directory.models import Organisation, Person
from plantrack.plans import selectors, services
from plantrack.plans.models import Action, Milestone, Plan, Section
from plantrack.plans.schemas import (
    ActionDetailOut,
    ActionIn,
    ActionPatch,
    ConflictOut,
    FuzzyDateOut,
    MilestoneIn,
    MilestoneOut,
    MilestonePatch,
    OwnersIn,
    PagedActions,
    PlanIn,
    PlanOut,
    PlanPatch,
    SectionIn,
    SectionOut,
    SectionPatch,
    UpdateConflictOut,
    UpdateIn,
    UpdateOut,
)

router = Router(tags=["plans"])


def _fuzzy(obj, prefix: str, earliest: str = "earliest", latest: str = "latest") -> dict:
    return {
        "text": getattr(obj, f"{prefix}_text"),
        "earliest": getattr(obj, f"{prefix}_{earliest}"),
        "latest": getattr(obj, f"{prefix}_{latest}"),
        "kind": getattr(obj, f"{prefix}_kind"),
    }


def plan_out(plan: Plan) -> dict:
    data = {
        f: getattr(plan, f)
        for f in (
            "id",
            "title",
            "kind",
            "status",
            "visibility",
            "summary",
            "reports_to",
            "update_interval_days",
        )
    }
    data["owner_organisation"] = plan.owner_organisation
    data["period"] = _fuzzy(plan, "period")
    for name in (
        "action_count",
        "red_count",
        "amber_count",
        "green_count",
        "complete_count",
        "overdue_count",
        "update_due_count",
    ):
        data[name] = getattr(plan, name, 0)
    data["edit_version"] = version_of(plan)
    return data


class ActionQuery(Schema):
    plan: Id | None = None
    rag: list[str] = []
    status: list[str] = []
    owner: Id | None = None
    organisation: Id | None = None
    overdue: bool = False
    update_due: bool = False
    review_due: bool = False
    q: str = ""
    sort: str = "position"


@router.get("/plans", response={200: list[PlanOut], **READ})
@paginate(Pagination)
def list_plans(request):
    return Mapped(selectors.plans_with_counts(request.user).order_by("title"), plan_out)


@router.get("/plans/{plan_id}", response={200: PlanOut, **READ_ONE})
def get_plan(request, plan_id: Id):
    selectors.plan_get_for_user(request.user, plan_id)
    return plan_out(selectors.plans_with_counts(request.user).get(pk=plan_id))


@router.get("/plans/{plan_id}/sections", response={200: list[SectionOut], **READ_ONE})
def list_sections(request, plan_id: Id):
    plan = selectors.plan_get_for_user(request.user, plan_id)
    return selectors.sections_for_plan(plan)


@router.get("/actions", response={200: PagedActions, **READ_ONE})
def list_actions(request, filters: Query[ActionQuery], paging: Query[Pagination.Input]):
    """Actions you can see, with the plan page's filters, paginated by `limit` and `offset`.
    `rag` and `status` may repeat. A plan's list is served from a cache that changes whenever
    the plan does."""
    limit, offset = paging.limit, paging.offset
    query = selectors.ActionFilters(**filters.model_dump(exclude={"plan"}))
    if filters.plan is None:
        actions = selectors.apply_action_filters(selectors.actions_visible_to(request.user), query)
        return json_response(selectors.action_list_rows(actions, offset, limit))
    plan = selectors.plan_get_for_user(request.user, filters.plan)
    key = ("api-actions", plan.pk, plan.version, selectors.today(), query_key(request.GET))
    return HttpResponse(
        cached(
            key,
            lambda: (
                json_response(
                    selectors.action_list_rows(
                        selectors.apply_action_filters(plan.actions.all(), query), offset, limit
                    )
                ).content
            ),
        ),
        content_type="application/json",
    )


@router.get("/actions/{action_id}", response={200: ActionDetailOut, **READ_ONE})
def get_action(request, action_id: Id):
    return _action_detail(request.user, action_id)


def _action_detail(user, action_id: int) -> dict:
    action = selectors.action_get_for_user(user, action_id)
    # The same shape as a row of the list, built the same way.
    data = selectors.action_list_rows(Action.objects.filter(pk=action.pk), 0, 1)["items"][0]
    data["milestones"] = [milestone_out(m) for m in action.milestones.all()]
    data["depends_on"] = [d.pk for d in action.depends_on.all()]
    data["edit_version"] = version_of(action)
    return data


def milestone_out(milestone: Milestone) -> MilestoneOut:
    return MilestoneOut(
        id=milestone.id,
        title=milestone.title,
        due=FuzzyDateOut(**_fuzzy(milestone, "due")),
        done=milestone.done,
        edit_version=version_of(milestone),
    )


@router.get("/actions/{action_id}/updates", response={200: list[UpdateOut], **READ_ONE})
@paginate(Pagination)
def list_updates(request, action_id: Id):
    action = selectors.action_get_for_user(request.user, action_id)
    return selectors.action_updates(action)


UPDATE_CONFLICT_DETAIL = (
    "The action has a newer update than the one this was based on: nothing was saved. "
    "Read the latest, then send yours again (based on it) if it still stands."
)


@router.post(
    "/actions/{action_id}/updates",
    response={201: UpdateOut, **WRITE, 409: UpdateConflictOut},
)
@idempotent
def create_update(request, action_id: Id, payload: UpdateIn):
    """Post an update. `based_on` guards against a newer update posted meanwhile (409); an
    `Idempotency-Key` header makes sending it again safe (docs/api.md)."""
    action = selectors.action_get_for_user(request.user, action_id)
    if payload.rag and payload.rag not in Rag.values:
        raise ValidationError({"rag": f"RAG must be one of {', '.join(Rag.values)}."})
    based_on = payload.based_on if "based_on" in payload.model_fields_set else UNSET
    try:
        update = services.update_post(
            actor=request.user,
            action=action,
            narrative=payload.narrative,
            rag=payload.rag,
            status=payload.status,
            date=payload.date,
            based_on=based_on,
        )
    except services.UpdateConflict as conflict:
        latest = conflict.latest
        return Status(409, {"detail": UPDATE_CONFLICT_DETAIL, "latest": latest})
    return Status(201, update)


# --- Writing: plans, sections, actions, owners, milestones --------------------------------------
# The pages' services and permission checks, in the pages' order: an object you cannot see is
# 404, one you may not change 403 (both before any check of the ids sent), then 422 for values
# the plan cannot take, then 409 for an edit_version someone else's save has made stale.

CONFLICT = {409: ConflictOut}
CONFLICT_DETAIL = (
    "Someone else saved this since the edit_version you sent: read it again, then send your "
    "change with its new edit_version."
)


def _edit_version(request, sent: str | None) -> str | None:
    """The version the client last read: the body's edit_version, else an If-Match header."""
    version = sent
    if not version:
        header = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
        version = None if header in ("", "*") else header
    if version:
        try:
            stamp = dt.datetime.fromisoformat(version)
        except ValueError:
            stamp = None
        if stamp is None or timezone.is_naive(stamp):
            raise ValidationError(
                {"edit_version": "Send the edit_version exactly as the API gave it."}
            )
    return version


def _conflict(instance) -> Status:
    fresh = type(instance)._base_manager.get(pk=instance.pk)
    return Status(409, {"detail": CONFLICT_DETAIL, "edit_version": version_of(fresh)})


def _organisation(pk: int, field: str) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise ValidationError({field: f"There is no organisation {pk}."})
    return organisation


def _in_order(queryset, ids: list[int], field: str, what: str) -> list:
    """The rows of ``ids``, in that order; 422 naming the ids the queryset does not hold."""
    found = queryset.in_bulk(set(ids))
    missing = [str(pk) for pk in dict.fromkeys(ids) if pk not in found]
    if missing:
        raise ValidationError({field: f"{what}: {', '.join(missing)}."})
    return [found[pk] for pk in dict.fromkeys(ids)]


def _owners(plan: Plan, ids: list[int], field: str) -> list[Person]:
    return _in_order(
        selectors.people_to_choose_for(plan),
        ids,
        field,
        "Choose people of the plan's organisations (or already owning one of its actions); "
        "not these ids",
    )


def _action_fields(plan: Plan, payload, given: set[str], action: Action | None = None) -> dict:
    """The payload as action_create/action_update's arguments: ids turned into rows."""
    fields: dict = {}
    for name in given - {"edit_version"}:
        value = getattr(payload, name)
        if name == "section_id":
            section = None
            if value is not None:
                section = Section.objects.filter(plan=plan, pk=value).first()
                if section is None:
                    raise ValidationError({"section_id": f"This plan has no section {value}."})
            fields["section"] = section
        elif name == "owner_ids":
            fields["owners"] = _owners(plan, value, name)
        elif name in ("lead_organisation_ids", "supporting_organisation_ids"):
            organisations = Organisation.objects.all()
            fields[name.removesuffix("_ids") + "s"] = _in_order(
                organisations, value, name, "There are no organisations with these ids"
            )
        else:
            fields[name] = value
    # The service replaces both lists when given either: keep the one not sent.
    if action is not None and ("lead_organisations" in fields) != (
        "supporting_organisations" in fields
    ):
        role = "supporting" if "lead_organisations" in fields else "lead"
        kept = [a.organisation for a in action.agencies.all() if a.role == role]
        fields[f"{role}_organisations"] = kept
    return fields


@router.post("/plans", response={201: PlanOut, **WRITE})
def create_plan(request, payload: PlanIn):
    """Create a plan for an organisation you belong to; you become its first manager."""
    organisation = _organisation(payload.owner_organisation_id, "owner_organisation_id")
    given = set(payload.model_fields_set) - {"owner_organisation_id"}
    plan = services.plan_create(
        actor=request.user,
        owner_organisation=organisation,
        **{name: getattr(payload, name) for name in given},
    )
    return Status(201, plan_out(selectors.plans_with_counts(request.user).get(pk=plan.pk)))


@router.patch("/plans/{plan_id}", response={200: PlanOut, **WRITE, **CONFLICT})
def update_plan(request, plan_id: Id, payload: PlanPatch):
    """Change the fields sent (the plan's managers)."""
    plan = selectors.plan_get_for_user(request.user, plan_id)
    services.require_manager(request.user, plan)
    version = _edit_version(request, payload.edit_version)
    given = set(payload.model_fields_set) - {"edit_version", "owner_organisation_id"}
    fields = {name: getattr(payload, name) for name in given}
    if "owner_organisation_id" in payload.model_fields_set:
        if payload.owner_organisation_id is None:
            raise ValidationError({"owner_organisation_id": "A plan needs an owner organisation."})
        fields["owner_organisation"] = _organisation(
            payload.owner_organisation_id, "owner_organisation_id"
        )
    try:
        services.plan_update(actor=request.user, plan=plan, edit_version=version, **fields)
    except EditConflict:
        return _conflict(plan)
    return plan_out(selectors.plans_with_counts(request.user).get(pk=plan.pk))


@router.post("/plans/{plan_id}/sections", response={201: SectionOut, **WRITE})
def create_section(request, plan_id: Id, payload: SectionIn):
    plan = selectors.plan_get_for_user(request.user, plan_id)
    section = services.section_create(
        actor=request.user, plan=plan, title=payload.title, description=payload.description
    )
    return Status(201, section)


@router.patch("/sections/{section_id}", response={200: SectionOut, **WRITE, **CONFLICT})
def update_section(request, section_id: Id, payload: SectionPatch):
    """Change the fields sent (the plan's managers)."""
    section = selectors.section_get_for_user(request.user, section_id)
    services.require_manager(request.user, section.plan)
    version = _edit_version(request, payload.edit_version)
    given = set(payload.model_fields_set) - {"edit_version"}
    try:
        services.section_update(
            actor=request.user,
            section=section,
            edit_version=version,
            **{name: getattr(payload, name) for name in given},
        )
    except EditConflict:
        return _conflict(section)
    return section


@router.post("/plans/{plan_id}/actions", response={201: ActionDetailOut, **WRITE})
def create_action(request, plan_id: Id, payload: ActionIn):
    """Add an action (the plan's managers). Owners are people of the plan's organisations."""
    plan = selectors.plan_get_for_user(request.user, plan_id)
    services.require_manager(request.user, plan)
    fields = _action_fields(plan, payload, set(payload.model_fields_set) | {"title"})
    action = services.action_create(actor=request.user, plan=plan, **fields)
    return Status(201, _action_detail(request.user, action.pk))


@router.patch("/actions/{action_id}", response={200: ActionDetailOut, **WRITE, **CONFLICT})
def update_action(request, action_id: Id, payload: ActionPatch):
    """Change the fields sent (the plan's managers); a list sent replaces the action's."""
    action = selectors.action_get_for_user(request.user, action_id)
    services.require_manager(request.user, action.plan)
    version = _edit_version(request, payload.edit_version)
    fields = _action_fields(action.plan, payload, set(payload.model_fields_set), action)
    try:
        services.action_update(actor=request.user, action=action, edit_version=version, **fields)
    except EditConflict:
        return _conflict(action)
    return _action_detail(request.user, action.pk)


@router.put("/actions/{action_id}/owners", response={200: ActionDetailOut, **WRITE, **CONFLICT})
def set_action_owners(request, action_id: Id, payload: OwnersIn):
    """Make these people the action's owners, in this order (an empty list: none)."""
    action = selectors.action_get_for_user(request.user, action_id)
    services.require_manager(request.user, action.plan)
    version = _edit_version(request, payload.edit_version)
    owners = _owners(action.plan, payload.person_ids, "person_ids")
    try:
        services.action_update(
            actor=request.user, action=action, edit_version=version, owners=owners
        )
    except EditConflict:
        return _conflict(action)
    return _action_detail(request.user, action.pk)


def _milestone(user, milestone_id: int) -> Milestone:
    """A milestone of an action the user can see, or 404 (as the milestone page)."""
    return get_object_or_404(
        Milestone.objects.filter(action__in=selectors.actions_visible_to(user)).select_related(
            "action__plan"
        ),
        pk=milestone_id,
    )


@router.post("/actions/{action_id}/milestones", response={201: MilestoneOut, **WRITE})
def create_milestone(request, action_id: Id, payload: MilestoneIn):
    action = selectors.action_get_for_user(request.user, action_id)
    milestone = services.milestone_create(
        actor=request.user,
        action=action,
        title=payload.title,
        due_text=payload.due_text,
        done=payload.done,
    )
    return Status(201, milestone_out(milestone))


@router.patch("/milestones/{milestone_id}", response={200: MilestoneOut, **WRITE, **CONFLICT})
def update_milestone(request, milestone_id: Id, payload: MilestonePatch):
    """Change the fields sent (the plan's managers)."""
    milestone = _milestone(request.user, milestone_id)
    services.require_manager(request.user, milestone.action.plan)
    version = _edit_version(request, payload.edit_version)
    given = set(payload.model_fields_set) - {"edit_version"}
    try:
        services.milestone_update(
            actor=request.user,
            milestone=milestone,
            edit_version=version,
            **{name: getattr(payload, name) for name in given},
        )
    except EditConflict:
        return _conflict(milestone)
    return milestone_out(milestone)


@router.delete("/milestones/{milestone_id}", response={204: None, **WRITE, **CONFLICT})
def delete_milestone(request, milestone_id: Id, edit_version: str | None = None):
    """Remove a milestone (the plan's managers). `edit_version` (or If-Match): 409 if it has
    been saved since."""
    milestone = _milestone(request.user, milestone_id)
    services.require_manager(request.user, milestone.action.plan)
    version = _edit_version(request, edit_version)
    try:
        services.milestone_delete(actor=request.user, milestone=milestone, edit_version=version)
    except EditConflict:
        return _conflict(milestone)
    return Status(204, None)
