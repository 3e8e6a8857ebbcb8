# No "from __future__ import annotations": django-ninja reads these at runtime.
import datetime as dt
from typing import Literal

from ninja import Field, Schema

from plantrack.assessments.models import Answer


class FrameworkOut(Schema):
    id: int
    title: str
    organisation_id: int
    version: int
    status: str
    target_percent: int
    previous_version_id: int | None
    item_count: int


class ItemOut(Schema):
    id: int
    position: int
    group: str
    text: str
    guidance: str
    kind: str
    cadence_text: str
    cadence_days: int | None
    mandatory: bool
    evidence_required: bool
    previous_item_id: int | None
    not_comparable: bool


class FrameworkDetailOut(FrameworkOut):
    description: str
    items: list[ItemOut]


class CycleOut(Schema):
    id: int
    framework_id: int
    title: str
    opens_on: dt.date
    due_on: dt.date
    status: str
    reviewer_ids: list[int]


class UnitOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    area_id: int | None
    status: str
    assessor_ids: list[int]
    answered: int


class CycleDetailOut(CycleOut):
    units: list[UnitOut]


class NoteOut(Schema):
    kind: str
    text: str
    author_id: int
    created_at: dt.datetime


class AnswerOut(Schema):
    id: int
    item_id: int
    level: str
    reason: str
    comment: str
    review: str
    action_id: int | None
    notes: list[NoteOut]


class ReturnOut(UnitOut):
    cycle_id: int
    answers: list[AnswerOut]


class AnswerIn(Schema):
    level: Answer.Level
    reason: str = Field("", max_length=2000)
    comment: str = Field("", max_length=5000)


class ReviewIn(Schema):
    decision: Literal["accept", "challenge"]
    text: str = Field("", max_length=5000)


class HeatMapRowOut(Schema):
    unit_id: int
    organisation: str
    levels: list[str | None] = Field(description="One per item, in order; null: not answered")
    in_place: int
    applicable: int
    percent: int | None
    meets_target: bool
    mandatory_missing: list[int] = Field(description="Ids of mandatory items not in place")
    disagrees: list[int] = Field(
        description="Ids of the items whose answer the data disagrees with (recurring, role "
        "and funding practices checked against the records)"
    )
    better: int
    worse: int
    same: int


class HeatMapOut(Schema):
    cycle_id: int
    target_percent: int
    item_ids: list[int]
    rows: list[HeatMapRowOut]
    adoption: list[list[int]] = Field(description="Per item: [units in place, units applicable]")
