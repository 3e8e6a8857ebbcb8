# No "from __future__ import annotations": django-ninja reads these signatures at runtime.

from django.core.exceptions import ValidationError
from ninja import Router, Status
from ninja.pagination import paginate

from plantrack.core.api import READ, READ_ONE, WRITE, Id, Mapped, Pagination
from plantrack.governance import selectors, services
from plantrack.governance.models import Decision
from plantrack.governance.schemas import (
    BodyDetailOut,
    BodyOut,
    DecisionIn,
    DecisionOut,
    MeetingOut,
)
from plantrack.plans.selectors import plan_get_for_user

router = Router(tags=["governance"])


def _person(person) -> dict | None:
    return None if person is None else {"id": person.pk, "display_name": person.display_name}


def body_out(body) -> dict:
    return {
        **{
            f: getattr(body, f)
            for f in (
                "id",
                "name",
                "short_name",
                "kind",
                "cadence",
                "chair_text",
                "reports_to_id",
                "organisation_id",
            )
        },
        "chair": _person(body.chair),
    }


def decision_out(decision: Decision) -> dict:
    subject = None
    for kind in selectors.SUBJECT_MODELS:
        pk = getattr(decision, f"{kind}_id")
        if pk is not None:
            subject = {"kind": kind, "id": pk, "plan_id": decision.subject_plan_id}
    return {
        **{
            f: getattr(decision, f)
            for f in ("id", "body_id", "meeting_id", "agenda_item_id", "kind", "text", "decided_on")
        },
        "subject": subject,
    }


@router.get("/bodies", response={200: list[BodyOut], **READ})
@paginate(Pagination)
def list_bodies(request):
    """Every governance body, with the one it reports to (`reports_to_id`): the tree, flat."""
    return Mapped(selectors.bodies_visible_to(request.user).order_by("name"), body_out)


@router.get("/bodies/{body_id}", response={200: BodyDetailOut, **READ_ONE})
def get_body(request, body_id: Id):
    """A body with its members, the bodies reporting to it and what it oversees among the
    plans you can see."""
    body = selectors.body_get_for_user(request.user, body_id)
    return {
        **body_out(body),
        "terms_of_reference": body.terms_of_reference,
        "members": [
            {"person": _person(m.person), "role": m.role} for m in selectors.body_members(body)
        ],
        "reporting_body_ids": [b.pk for b in selectors.reporting_bodies(body)],
        "oversees": [
            {
                "id": o.pk,
                "plan_id": o.plan_id,
                "section_id": o.section_id,
                "lead": _person(o.lead),
                "lead_text": o.lead_text,
            }
            for o in selectors.oversights_for_body(request.user, body)
        ],
    }


@router.get("/bodies/{body_id}/meetings", response={200: list[MeetingOut], **READ_ONE})
@paginate(Pagination)
def list_meetings(request, body_id: Id):
    body = selectors.body_get_for_user(request.user, body_id)
    return selectors.meetings_for_body(body)


@router.get("/decisions", response={200: list[DecisionOut], **READ_ONE})
@paginate(Pagination)
def list_decisions(request, plan: Id | None = None, body: Id | None = None):
    """Decisions and sign-offs you can see, newest first. `plan` gives those about the plan and
    everything in it; `body` those of one body."""
    if plan is not None:
        decisions = selectors.decisions_for_plan(plan_get_for_user(request.user, plan))
    else:
        decisions = selectors.decisions_visible_to(request.user)
    if body is not None:
        decisions = decisions.filter(body_id=body)
    return Mapped(decisions, decision_out)


@router.post("/decisions", response={201: DecisionOut, **WRITE})
def record_decision(request, payload: DecisionIn):
    """Record a decision or sign-off (the body's chair or secretary). Point it at one of
    `plan_id`, `section_id`, `action_id`, `measure_id`, `budget_line_id`, or at an agenda item
    (whose subject it takes), or at nothing (the body's own business)."""
    user = request.user
    body = selectors.body_get_for_user(user, payload.body_id)
    if payload.kind not in Decision.Kind.values:
        raise ValidationError({"kind": f"Kind must be one of {', '.join(Decision.Kind.values)}."})
    given = {
        kind: getattr(payload, f"{kind}_id")
        for kind in selectors.SUBJECT_MODELS
        if getattr(payload, f"{kind}_id") is not None
    }
    if len(given) > 1:
        raise ValidationError("Point at one thing: a plan, section, action, measure or line.")
    subject = None
    for kind, pk in given.items():
        subject = selectors.subject_get_for_user(user, kind, pk)
        if subject is None:
            raise ValidationError({f"{kind}_id": f"No {kind.replace('_', ' ')} {pk} you can see."})
    meeting = agenda_item = None
    if payload.meeting_id is not None:
        meeting = selectors.meeting_of_body(body, payload.meeting_id)
        if meeting is None:
            raise ValidationError({"meeting_id": "That body has no such meeting."})
    if payload.agenda_item_id is not None:
        agenda_item = selectors.agenda_item_of_body(user, body, payload.agenda_item_id)
        if agenda_item is None:
            raise ValidationError({"agenda_item_id": "That body has no such agenda item."})
    decision = services.decision_record(
        actor=user,
        body=body,
        text=payload.text,
        decided_on=payload.decided_on,
        kind=payload.kind,
        meeting=meeting,
        agenda_item=agenda_item,
        subject=subject,
    )
    return Status(201, decision_out(decision))
