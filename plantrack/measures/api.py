# No "from __future__ import annotations": django-ninja reads these signatures at runtime.

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Router, Status
from ninja.pagination import paginate

from plantrack.core.api import READ_ONE, WRITE, Id, Mapped, Pagination
from plantrack.measures import selectors, services
from plantrack.measures.models import Measure
from plantrack.measures.schemas import MeasureDetailOut, MeasureOut, ReadingIn, ReadingOut
from plantrack.plans.selectors import plan_get_for_user, today

router = Router(tags=["measures"])


def measure_out(measure: Measure, with_readings: bool = False) -> dict:
    """A measure in the API's shape, from its prefetched targets and readings."""
    verdict = selectors.measure_judgement(measure)
    readings = list(measure.readings.all())
    owner = measure.owner
    data = {
        f: getattr(measure, f)
        for f in (
            "id",
            "plan_id",
            "section_id",
            "action_id",
            "name",
            "description",
            "unit",
            "unit_label",
            "direction",
            "baseline_value",
            "baseline_date",
            "tolerance_percent",
            "source",
        )
    }
    data["owner"] = (
        {"id": owner.pk, "display_name": owner.display_name, "post": owner.post} if owner else None
    )
    data["judgement"] = {
        "status": verdict.status.value,
        "label": verdict.label,
        "reason": verdict.reason,
        "expected": verdict.expected,
        "rule": selectors.measure_rule(measure),
    }
    data["latest_reading"] = readings[-1] if readings else None
    data["targets"] = list(measure.targets.all())
    if with_readings:
        data["readings"] = readings
    return data


@router.get("/plans/{plan_id}/measures", response={200: list[MeasureOut], **READ_ONE})
@paginate(Pagination)
def list_measures(request, plan_id: Id):
    """A plan's measures, each with its targets, latest reading and judgement."""
    plan = plan_get_for_user(request.user, plan_id)
    return Mapped(selectors.measures_page(plan), measure_out)


@router.get("/measures/{measure_id}", response={200: MeasureDetailOut, **READ_ONE})
def get_measure(request, measure_id: Id):
    return measure_out(selectors.measure_get_for_user(request.user, measure_id), True)


@router.get("/measures/{measure_id}/readings", response={200: list[ReadingOut], **READ_ONE})
@paginate(Pagination)
def list_readings(request, measure_id: Id):
    measure = selectors.measure_get_for_user(request.user, measure_id)
    return selectors.measure_readings(measure)


@router.post("/measures/{measure_id}/readings", response={201: ReadingOut, **WRITE})
def create_reading(request, measure_id: Id, payload: ReadingIn):
    """Record a reading. Bad input gets a 422 saying what is wrong; nothing is saved."""
    measure = selectors.measure_get_for_user(request.user, measure_id)
    day = today()
    if payload.date:
        try:
            day = dt.date.fromisoformat(payload.date)
        except ValueError as exc:
            raise ValidationError({"date": "Enter the date as YYYY-MM-DD."}) from exc
    reading = services.reading_record(
        actor=request.user, measure=measure, value=payload.value, date=day, note=payload.note
    )
    return Status(201, reading)
