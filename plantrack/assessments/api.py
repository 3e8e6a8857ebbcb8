# No "from __future__ import annotations": django-ninja reads these signatures at runtime.

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from plantrack.assessments import cycles, selectors
from plantrack.assessments.models import Answer, Cycle, Framework, Item, Unit
from plantrack.assessments.schemas import (
    AnswerIn,
    AnswerOut,
    CycleDetailOut,
    CycleOut,
    FrameworkDetailOut,
    FrameworkOut,
    HeatMapOut,
    ReturnOut,
    ReviewIn,
)
from plantrack.core.api import READ, READ_ONE, WRITE, Id, Mapped, Pagination
from plantrack.plans.selectors import plans_visible_to

router = Router(tags=["assessments"])

ITEM_FIELDS = (
    "id",
    "position",
    "group",
    "text",
    "guidance",
    "kind",
    "cadence_text",
    "cadence_days",
    "mandatory",
    "evidence_required",
    "not_comparable",
)


def _framework_out(framework: Framework) -> dict:
    return {
        "id": framework.pk,
        "title": framework.title,
        "organisation_id": framework.organisation_id,
        "version": framework.version_number,
        "status": framework.status,
        "target_percent": framework.target_percent,
        "previous_version_id": framework.previous_id,
        "item_count": framework.item_count,  # type: ignore[attr-defined]
    }


@router.get("/assessments/frameworks", response={200: list[FrameworkOut], **READ})
@paginate(Pagination)
def list_frameworks(request):
    """Frameworks you can read: every published or retired one, and your organisations'
    drafts."""
    return Mapped(selectors.frameworks_for_list(request.user), _framework_out)


@router.get(
    "/assessments/frameworks/{framework_id}", response={200: FrameworkDetailOut, **READ_ONE}
)
def get_framework(request, framework_id: Id):
    """A framework with its items in order (each with the item of the previous version it
    continues)."""
    framework = selectors.framework_get_for_user(request.user, framework_id)
    framework.item_count = framework.items.count()  # type: ignore[attr-defined]
    items = [
        {**{f: getattr(item, f) for f in ITEM_FIELDS}, "previous_item_id": item.previous_id}
        for item in selectors.framework_items(framework)
    ]
    return {**_framework_out(framework), "description": framework.description, "items": items}


def _cycle_out(cycle: Cycle) -> dict:
    return {
        "id": cycle.pk,
        "framework_id": cycle.framework_id,
        "title": cycle.title,
        "opens_on": cycle.opens_on,
        "due_on": cycle.due_on,
        "status": cycle.status,
        "reviewer_ids": [user.pk for user in cycle.reviewers.all()],
    }


@router.get(
    "/assessments/frameworks/{framework_id}/cycles", response={200: list[CycleOut], **READ_ONE}
)
@paginate(Pagination)
def list_cycles(request, framework_id: Id):
    """The framework's cycles you can read, newest first."""
    framework = selectors.framework_get_for_user(request.user, framework_id)
    return Mapped(
        selectors.cycles_of(request.user, framework).prefetch_related("reviewers"), _cycle_out
    )


def _unit_out(unit: Unit) -> dict:
    return {
        "id": unit.pk,
        "organisation_id": unit.organisation_id,
        "organisation": unit.organisation.name,
        "area_id": unit.area_id,
        "status": unit.status,
        "assessor_ids": [user.pk for user in unit.assessors.all()],
        "answered": unit.answered,  # type: ignore[attr-defined]
    }


@router.get("/assessments/cycles/{cycle_id}", response={200: CycleDetailOut, **READ_ONE})
def get_cycle(request, cycle_id: Id):
    """A cycle with each unit's return: where it has got to and how many items it answered."""
    cycle = selectors.cycle_get_for_user(request.user, cycle_id)
    units = [_unit_out(unit) for unit in selectors.cycle_units(cycle)]
    return {**_cycle_out(cycle), "units": units}


@router.get("/assessments/cycles/{cycle_id}/heat-map", response={200: HeatMapOut, **READ_ONE})
def get_heat_map(request, cycle_id: Id):
    """Units × items: each unit's level for each item, its score against the target and the
    mandatory items, its movement since its last cycle, and each item's adoption."""
    cycle = selectors.cycle_get_for_user(request.user, cycle_id)
    heat = selectors.heat_map(cycle, plans=plans_visible_to(request.user))
    rows = []
    for unit, row, score, moved in heat.rows:
        rows.append(
            {
                "unit_id": unit.pk,
                "organisation": unit.organisation.name,
                "levels": [answer.level if answer else None for answer in row],
                "in_place": score.in_place,
                "applicable": score.applicable,
                "percent": score.percent,
                "meets_target": score.meets_target,
                "mandatory_missing": [item.pk for item in score.mandatory_missing],
                "disagrees": [item.pk for item in heat.items if heat.disagrees(unit, item)],
                **moved,
            }
        )
    return {
        "cycle_id": cycle.pk,
        "target_percent": cycle.framework.target_percent,
        "item_ids": [item.pk for item in heat.items],
        "rows": rows,
        "adoption": [list(pair) for pair in heat.adoption_row],
    }


def _answer_out(answer: Answer) -> dict:
    return {
        "id": answer.pk,
        "item_id": answer.item_id,
        "level": answer.level,
        "reason": answer.reason,
        "comment": answer.comment,
        "review": answer.review,
        "action_id": answer.action_id,
        "notes": [
            {"kind": n.kind, "text": n.text, "author_id": n.author_id, "created_at": n.created_at}
            for n in answer.notes.all()
        ],
    }


def _return(request, unit_id: int) -> Unit:
    return selectors.unit_get_for_user(request.user, unit_id)


def _return_out(unit: Unit) -> dict:
    counted = (
        Unit.objects.filter(pk=unit.pk)
        .select_related("organisation")
        .prefetch_related("assessors")
        .annotate(answered=Count("answers"))
        .get()
    )
    answers = unit.answers.prefetch_related(Prefetch("notes")).order_by("item__position", "pk")
    return {
        **_unit_out(counted),
        "cycle_id": unit.cycle_id,
        "answers": [_answer_out(a) for a in answers],
    }


@router.get("/assessments/returns/{unit_id}", response={200: ReturnOut, **READ_ONE})
def get_return(request, unit_id: Id):
    """A unit's return: its answers, each with its review trail."""
    return _return_out(_return(request, unit_id))


@router.put("/assessments/returns/{unit_id}/answers/{item_id}", response={200: AnswerOut, **WRITE})
def put_answer(request, unit_id: Id, item_id: Id, payload: AnswerIn):
    """Answer an item (the unit's assessors, while the return is theirs to change)."""
    unit = _return(request, unit_id)
    item = get_object_or_404(Item, pk=item_id, framework_id=unit.cycle.framework_id)
    answer = cycles.answer_save(
        actor=request.user,
        unit=unit,
        item=item,
        level=payload.level,
        reason=payload.reason,
        comment=payload.comment,
    )
    return _answer_out(answer)


@router.post("/assessments/returns/{unit_id}/submit", response={200: ReturnOut, **WRITE})
def submit_return(request, unit_id: Id):
    """Submit the return for review: refused, naming the item, while one is not ready."""
    unit = cycles.unit_submit(actor=request.user, unit=_return(request, unit_id))
    return _return_out(unit)


@router.post("/assessments/answers/{answer_id}/reviews", response={201: AnswerOut, **WRITE})
def review_answer(request, answer_id: Id, payload: ReviewIn):
    """Accept or challenge a submitted answer (the cycle's reviewers)."""
    answer = selectors.answer_get_for_user(request.user, answer_id)
    cycles.answer_review(
        actor=request.user, answer=answer, decision=payload.decision, text=payload.text
    )
    answer.refresh_from_db()
    return Status(201, _answer_out(answer))
