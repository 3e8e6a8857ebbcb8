# No "from __future__ import annotations": django-ninja reads these signatures at runtime.

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from plantrack.accounts.idempotency import idempotent
from plantrack.core.api import (
    READ,
    READ_ONE,
    WRITE,
    ErrorOut,
    Id,
    Mapped,
    Pagination,
    json_response,
)
from plantrack.core.cache import cached, query_key
from plantrack.directory.models import Area, Organisation, Person
from plantrack.directory.selectors import area_get_for_user
from plantrack.engagement import selectors, services
from plantrack.engagement.models import Activity, FollowUp, Group, Method, Output
from plantrack.engagement.schemas import (
    ActivityDetailOut,
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    FollowUpIn,
    FollowUpOut,
    FollowUpPatch,
    OutcomeIn,
    OutcomeOut,
    OutputIn,
    OutputOut,
    PagedActivities,
    RegisterDetailOut,
    RegisterOut,
    UpdateIn,
    UpdateOut,
)
from plantrack.plans.models import Action

router = Router(tags=["engagement"])

# Request fields naming rows by id, and the model and the service argument each becomes.
ID_LISTS = {
    "owner_ids": (Person, "owners"),
    "partner_ids": (Organisation, "partners"),
    "action_ids": (Action, "actions"),
    "method_ids": (Method, "methods"),
    "area_ids": (Area, "areas"),
}


def activity_out(activity: Activity) -> dict:
    return {
        **{f: getattr(activity, f) for f in selectors.API_ACTIVITY_FIELDS},
        "group": activity.group.name if activity.group else None,
        "owner_ids": [o.person_id for o in activity.ownerships.all()],
        "action_ids": [a.pk for a in activity.actions.all()],
        "methods": [m.name for m in activity.methods.all()],
        "area_ids": [a.pk for a in activity.areas.all()],
    }


def _register_out(register) -> dict:
    return {
        "id": register.pk,
        "title": register.title,
        "organisation_id": register.organisation_id,
        "description": register.description,
        "activity_count": register.activity_count,
    }


@router.get("/engagement/registers", response={200: list[RegisterOut], **READ})
@paginate(Pagination)
def list_registers(request):
    """The engagement registers you can read."""
    return Mapped(selectors.registers_for_list(request.user), _register_out)


@router.get("/engagement/registers/{register_id}", response={200: RegisterDetailOut, **READ_ONE})
def get_register(request, register_id: Id):
    register = selectors.register_get_for_user(request.user, register_id)
    register = selectors.registers_for_list(request.user).get(pk=register.pk)
    groups = selectors.groups_for(register)
    return {**_register_out(register), "groups": list(groups.values("id", "name", "position"))}


@router.get("/engagement/activities", response={200: PagedActivities, **READ_ONE})
def list_activities(
    request,
    paging: Query[Pagination.Input],
    register_id: Id | None = None,
    group: Id | None = None,
    area: Id | None = None,
    status: str = "",
    level: str = "",
    method: Id | None = None,
    owner: Id | None = None,
    q: str = "",
):
    """Activities you can read, filtered as on the register page (`register_id`, `group`,
    `status`, `level`, `method`, `owner`, `q`): `area` takes the places inside it too (a
    borough gives its wards), each activity once. Paginated by `limit` and `offset`. A
    register's list is served from a cache that changes whenever the register does."""
    flt = selectors.ActivityFilter(
        q=q,
        group=group,
        area=area_get_for_user(request.user, area) if area is not None else None,
        status=status,
        level=level,
        method=method,
        owner=owner,
    )
    limit, offset = paging.limit, paging.offset
    if register_id is None:
        rows = selectors.activity_list_rows(
            flt.apply(selectors.activities_visible_to(request.user)), offset, limit
        )
        return json_response(rows)
    register = selectors.registers_visible_to(request.user).filter(pk=register_id).first()
    if register is None:  # the same answer as a register with nothing matching
        return json_response({"items": [], "count": 0})
    key = ("api-activities", *selectors.register_cache_key(register), query_key(request.GET))
    activities = flt.apply(Activity.objects.filter(register=register))
    body = cached(
        key, lambda: json_response(selectors.activity_list_rows(activities, offset, limit)).content
    )
    return HttpResponse(body, content_type="application/json")


def _activity(request, activity_id: int) -> Activity:
    return selectors.activity_get_for_user(request.user, activity_id)


@router.get("/engagement/activities/{activity_id}", response={200: ActivityDetailOut, **READ_ONE})
def get_activity(request, activity_id: Id):
    """An activity with what it produced: outputs, "you said, we did" outcomes, follow-ups
    and updates."""
    activity = selectors.activity_get_for_api(request.user, activity_id)
    detail = selectors.activity_detail(activity)
    return {
        **activity_out(activity),
        "description": activity.description,
        "partner_ids": [p.pk for p in detail["partners"]],
        "outputs": [_output_out(o) for o in detail["outputs"]],
        "outcomes": detail["outcomes"],
        "follow_ups": [_follow_up_out(f) for f in detail["follow_ups"]],
        "updates": detail["updates"],
    }


def _rows(model, ids: list[int], field: str) -> list:
    rows = list(model.objects.filter(pk__in=ids))
    if len(rows) != len(set(ids)):
        raise ValidationError({field: "Some of these ids name nothing."})
    return rows


def _fields(request, payload, activity_register, given: set[str]) -> dict:
    """The payload as the service's arguments: ids turned into rows, only the fields given."""
    fields: dict[str, Any] = {}
    for name in given:
        value = getattr(payload, name)
        if name in ID_LISTS:
            model, argument = ID_LISTS[name]
            fields[argument] = _rows(model, value, name)
        elif name == "group_id":
            group = None
            if value is not None:
                group = Group.objects.filter(pk=value, register=activity_register).first()
                if group is None:
                    raise ValidationError({"group_id": "That register has no such group."})
            fields["group"] = group
        elif name != "register_id":
            fields[name] = value
    return fields


@router.post("/engagement/activities", response={201: ActivityOut, **WRITE, 409: ErrorOut})
@idempotent
def create_activity(request, payload: ActivityIn):
    """Add an activity to a register you manage. An `Idempotency-Key` header makes sending it
    again safe (docs/api.md); 409 while a request with the same key is being answered."""
    register = selectors.register_get_for_user(request.user, payload.register_id)
    given = set(payload.model_fields_set) | {"title", "status"}
    activity = services.activity_create(
        actor=request.user, register=register, **_fields(request, payload, register, given)
    )
    return Status(201, activity_out(activity))


@router.patch("/engagement/activities/{activity_id}", response={200: ActivityOut, **WRITE})
def update_activity(request, activity_id: Id, payload: ActivityPatch):
    """Change the fields sent (the register's managers, or the activity's owners)."""
    activity = _activity(request, activity_id)
    fields = _fields(request, payload, activity.register, set(payload.model_fields_set))
    activity = services.activity_update(actor=request.user, activity=activity, **fields)
    return activity_out(activity)


def _output_out(output: Output) -> dict:
    return {
        f: getattr(output, f)
        for f in ("id", "kind", "label", "count", "date", "area_id", "source_text")
    }


def _follow_up_out(follow_up: FollowUp) -> dict:
    return {f: getattr(follow_up, f) for f in ("id", "title", "due_on", "owner_id", "done")}


@router.post("/engagement/activities/{activity_id}/outputs", response={201: OutputOut, **WRITE})
def record_output(request, activity_id: Id, payload: OutputIn):
    """Record a typed count: people reached, sessions held, wards covered…"""
    activity = _activity(request, activity_id)
    area = None
    if payload.area_id is not None:
        area = area_get_for_user(request.user, payload.area_id)
    output = services.output_record(
        actor=request.user,
        activity=activity,
        kind=payload.kind,
        count=payload.count,
        label=payload.label,
        date=payload.date,
        area=area,
    )
    return Status(201, _output_out(output))


@router.delete("/engagement/outputs/{output_id}", response={204: None, **WRITE})
def delete_output(request, output_id: Id):
    output = selectors.output_get_for_user(request.user, output_id)
    services.output_delete(actor=request.user, output=output)
    return Status(204, None)


@router.post("/engagement/activities/{activity_id}/outcomes", response={201: OutcomeOut, **WRITE})
def record_outcome(request, activity_id: Id, payload: OutcomeIn):
    """Record a "you said, we did"."""
    activity = _activity(request, activity_id)
    outcome = services.outcome_record(
        actor=request.user,
        activity=activity,
        you_said=payload.you_said,
        we_did=payload.we_did,
        date=payload.date,
    )
    return Status(201, outcome)


@router.post(
    "/engagement/activities/{activity_id}/follow-ups", response={201: FollowUpOut, **WRITE}
)
def create_follow_up(request, activity_id: Id, payload: FollowUpIn):
    activity = _activity(request, activity_id)
    owner = None
    if payload.owner_id is not None:
        people = selectors.people_to_choose_for(activity.register)
        owner = people.filter(pk=payload.owner_id).first()
        if owner is None:
            raise ValidationError({"owner_id": "Choose someone of the register's organisation."})
    follow_up = services.follow_up_create(
        actor=request.user,
        activity=activity,
        title=payload.title,
        due_on=payload.due_on,
        owner=owner,
    )
    return Status(201, _follow_up_out(follow_up))


@router.patch("/engagement/follow-ups/{follow_up_id}", response={200: FollowUpOut, **WRITE})
def update_follow_up(request, follow_up_id: Id, payload: FollowUpPatch):
    """Mark a follow-up done (or not)."""
    follow_up = selectors.follow_up_get_for_user(request.user, follow_up_id)
    follow_up = services.follow_up_update(
        actor=request.user, follow_up=follow_up, done=payload.done
    )
    return _follow_up_out(follow_up)


@router.post("/engagement/activities/{activity_id}/updates", response={201: UpdateOut, **WRITE})
def post_update(request, activity_id: Id, payload: UpdateIn):
    """Post a dated update with a RAG; the activity's RAG follows the newest."""
    activity = _activity(request, activity_id)
    update = services.activity_update_post(
        actor=request.user,
        activity=activity,
        narrative=payload.narrative,
        rag=payload.rag,
        date=payload.date,
    )
    return Status(201, update)
