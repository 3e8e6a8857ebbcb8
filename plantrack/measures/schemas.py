from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from plantrack.core.schemas import InputSchema
from plantrack.plans.schemas import PersonRef


class TargetOut(Schema):
    id: int
    value: Decimal
    date: dt.date
    date_text: str


class ReadingOut(Schema):
    id: int
    measure_id: int
    date: dt.date
    value: Decimal
    note: str
    recorded_by_name: str
    created_at: dt.datetime


class JudgementOut(Schema):
    status: str = Field(..., description="on_track, at_risk, off_track or no_data")
    label: str
    reason: str
    expected: Decimal | None = Field(
        None,
        description="The trajectory's value on the date of "
        "the latest reading (the level, for keep at)",
    )
    rule: str


class MeasureOut(Schema):
    id: int
    plan_id: int
    section_id: int | None
    action_id: int | None
    name: str
    description: str
    unit: str
    unit_label: str
    direction: str
    baseline_value: Decimal | None
    baseline_date: dt.date | None
    tolerance_percent: Decimal
    source: str
    owner: PersonRef | None
    judgement: JudgementOut
    latest_reading: ReadingOut | None
    targets: list[TargetOut]


class MeasureDetailOut(MeasureOut):
    readings: list[ReadingOut]


class ReadingIn(InputSchema):
    # Text or a number: the service explains what is wrong with a bad one.
    value: Decimal | str = Field(..., description='A number, e.g. 42 or "12.5"')
    date: str | None = Field(None, description="YYYY-MM-DD; defaults to today")
    note: str = Field("", max_length=500)
