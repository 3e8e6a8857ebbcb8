from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from plantrack.core.schemas import InputSchema


class FuzzyDateOut(Schema):
    text: str
    earliest: dt.date | None
    latest: dt.date | None
    kind: str


class PersonRef(Schema):
    id: int
    display_name: str
    post: str


class OrganisationRef(Schema):
    id: int
    name: str


class PlanOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    visibility: str
    summary: str
    owner_organisation: OrganisationRef
    period: FuzzyDateOut
    reports_to: str
    update_interval_days: int
    action_count: int = 0
    red_count: int = 0
    amber_count: int = 0
    green_count: int = 0
    complete_count: int = 0
    overdue_count: int = 0
    update_due_count: int = 0


class SectionOut(Schema):
    id: int
    plan_id: int
    title: str
    description: str
    position: int


class ActionFlags(Schema):
    overdue: bool
    update_due: bool
    review_due: bool


class ActionOut(Schema):
    id: int
    plan_id: int
    section_id: int | None
    ref: str
    title: str
    description: str
    strategy_refs: str
    owner_text: str
    status: str
    rag: str
    owners: list[PersonRef]
    lead_organisations: list[OrganisationRef]
    supporting_organisations: list[OrganisationRef]
    start: FuzzyDateOut
    review: FuzzyDateOut
    due: FuzzyDateOut
    last_update_on: dt.date | None
    update_due_on: dt.date | None
    flags: ActionFlags


class PagedActions(Schema):
    items: list[ActionOut]
    count: int


class MilestoneOut(Schema):
    id: int
    title: str
    due: FuzzyDateOut
    done: bool


class ActionDetailOut(ActionOut):
    milestones: list[MilestoneOut]
    depends_on: list[int]


class UpdateOut(Schema):
    id: int
    action_id: int
    date: dt.date | None
    rag: str
    status: str
    narrative: str
    author_name: str
    created_at: dt.datetime


class UpdateIn(InputSchema):
    narrative: str = Field(..., min_length=1, max_length=10000)
    rag: str = Field("", description="red, amber, green, blue or empty")
    status: str = Field("", description="A lifecycle status, or empty to leave it")
    date: dt.date | None = Field(None, description="Defaults to today")
