from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from plantrack.core.api import Id
from plantrack.core.schemas import InputSchema
from plantrack.core.text import TEXT_MAX, TITLE_MAX

Status = Literal["planned", "running", "completed", "cancelled"]
Level = Literal["", "inform", "consult", "involve", "collaborate", "empower"]
OutputKind = Literal[
    "people_reached",
    "sessions",
    "wards",
    "volunteers",
    "referrals",
    "responses",
    "partners",
    "other",
]
Rag = Literal["", "red", "amber", "green", "blue"]


class RegisterOut(Schema):
    id: int
    title: str
    organisation_id: int
    description: str
    activity_count: int


class GroupOut(Schema):
    id: int
    name: str
    position: int


class RegisterDetailOut(RegisterOut):
    groups: list[GroupOut]


class ActivityOut(Schema):
    id: int
    register_id: int
    group_id: int | None
    group: str | None
    title: str
    owner_text: str
    owner_ids: list[int]
    cost_text: str
    cost_amount: Decimal | None
    cost_period: str
    cost_financial_year: int | None
    business_plan_link: str
    action_ids: list[int]
    communities_text: str
    aim: str
    method_text: str
    methods: list[str]
    level: str
    area_ids: list[int]
    start_text: str
    end_text: str
    recurrence: str
    status: str
    rag: str
    last_update_on: dt.date | None


class PagedActivities(Schema):
    items: list[ActivityOut]
    count: int


class OutputOut(Schema):
    id: int
    kind: str
    label: str
    count: int
    date: dt.date | None
    area_id: int | None
    source_text: str


class OutcomeOut(Schema):
    id: int
    you_said: str
    we_did: str
    date: dt.date | None


class FollowUpOut(Schema):
    id: int
    title: str
    due_on: dt.date
    owner_id: int | None
    done: bool


class UpdateOut(Schema):
    id: int
    date: dt.date
    rag: str
    narrative: str


class ActivityDetailOut(ActivityOut):
    description: str
    partner_ids: list[int]
    outputs: list[OutputOut]
    outcomes: list[OutcomeOut]
    follow_ups: list[FollowUpOut]
    updates: list[UpdateOut]


class ActivityFields(InputSchema):
    """What an activity holds; ids name a group, people, organisations, plan actions,
    methods and areas you can see."""

    group_id: Id | None = None
    description: str = Field("", max_length=TEXT_MAX)
    owner_text: str = Field("", max_length=300)
    owner_ids: list[Id] = []
    partner_ids: list[Id] = []
    cost_text: str = Field("", max_length=200)
    cost_amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    cost_period: Literal["", "one-off", "year"] = ""
    cost_financial_year: int | None = Field(None, ge=1990, le=2100)
    business_plan_link: str = Field("", max_length=500)
    action_ids: list[Id] = []
    communities_text: str = Field("", max_length=TEXT_MAX)
    aim: str = Field("", max_length=TEXT_MAX)
    method_text: str = Field("", max_length=TEXT_MAX)
    method_ids: list[Id] = []
    level: Level = ""
    area_ids: list[Id] = []
    start_text: str = Field("", max_length=200)
    end_text: str = Field("", max_length=200)
    recurrence: str = Field("", max_length=100)
    status: Status = "planned"


class ActivityIn(ActivityFields):
    register_id: Id
    title: str = Field(min_length=1, max_length=TITLE_MAX)


class ActivityPatch(ActivityFields):
    """Only the fields sent are changed."""

    title: str = Field("", min_length=1, max_length=TITLE_MAX)


class OutputIn(InputSchema):
    kind: OutputKind
    count: int = Field(ge=0, le=2_000_000_000)
    label: str = Field("", max_length=100)
    date: dt.date | None = None
    area_id: Id | None = None


class OutcomeIn(InputSchema):
    you_said: str = Field(min_length=1, max_length=TEXT_MAX)
    we_did: str = Field(min_length=1, max_length=TEXT_MAX)
    date: dt.date | None = None


class FollowUpIn(InputSchema):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    due_on: dt.date
    owner_id: Id | None = None


class FollowUpPatch(InputSchema):
    done: bool


class UpdateIn(InputSchema):
    narrative: str = Field(min_length=1, max_length=TEXT_MAX)
    rag: Rag = ""
    date: dt.date | None = None
