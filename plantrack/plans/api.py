# No "from __future__ import annotations": django-ninja reads these signatures at runtime.


from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from plantrack.core.api import READ, READ_ONE, WRITE, Id, Mapped, Pagination, json_response
from plantrack.core.cache import cached, query_key
from plantrack.core.models import Rag
from plantrack.plans import selectors, services
from plantrack.plans.models import Action, Plan
from plantrack.plans.schemas import (
    ActionDetailOut,
    FuzzyDateOut,
    MilestoneOut,
    PagedActions,
    PlanOut,
    SectionOut,
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
    action = selectors.action_get_for_user(request.user, action_id)
    # The same shape as a row of the list, built the same way.
    data = selectors.action_list_rows(Action.objects.filter(pk=action.pk), 0, 1)["items"][0]
    data["milestones"] = [
        MilestoneOut(id=m.id, title=m.title, due=FuzzyDateOut(**_fuzzy(m, "due")), done=m.done)
        for m in action.milestones.all()
    ]
    data["depends_on"] = [d.pk for d in action.depends_on.all()]
    return data


@router.get("/actions/{action_id}/updates", response={200: list[UpdateOut], **READ_ONE})
@paginate(Pagination)
def list_updates(request, action_id: Id):
    action = selectors.action_get_for_user(request.user, action_id)
    return selectors.action_updates(action)


@router.post("/actions/{action_id}/updates", response={201: UpdateOut, **WRITE})
def create_update(request, action_id: Id, payload: UpdateIn):
    action = selectors.action_get_for_user(request.user, action_id)
    if payload.rag and payload.rag not in Rag.values:
        raise ValidationError({"rag": f"RAG must be one of {', '.join(Rag.values)}."})
    update = services.update_post(
        actor=request.user,
        action=action,
        narrative=payload.narrative,
        rag=payload.rag,
        status=payload.status,
        date=payload.date,
    )
    return Status(201, update)
