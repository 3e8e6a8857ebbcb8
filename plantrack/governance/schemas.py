from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from plantrack.core.api import Id
from plantrack.core.schemas import InputSchema
from plantrack.core.text import TEXT_MAX


class PersonRef(Schema):
    id: int
    display_name: str


class BodyOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    cadence: str
    chair: PersonRef | None
    chair_text: str
    reports_to_id: int | None
    organisation_id: int | None


class MemberOut(Schema):
    person: PersonRef
    role: str


class OversightOut(Schema):
    id: int
    plan_id: int
    section_id: int | None
    lead: PersonRef | None
    lead_text: str


class BodyDetailOut(BodyOut):
    terms_of_reference: str
    members: list[MemberOut]
    reporting_body_ids: list[int]
    oversees: list[OversightOut]


class MeetingOut(Schema):
    id: int
    body_id: int
    date: dt.date
    title: str
    location: str


class SubjectOut(Schema):
    kind: str
    id: int
    plan_id: int


class DecisionOut(Schema):
    id: int
    body_id: int
    meeting_id: int | None
    agenda_item_id: int | None
    kind: str
    text: str
    decided_on: dt.date
    subject: SubjectOut | None


class DecisionIn(InputSchema):
    body_id: Id
    text: str = Field(..., min_length=1, max_length=TEXT_MAX)
    decided_on: dt.date | None = None
    kind: str = "decision"
    meeting_id: Id | None = None
    agenda_item_id: Id | None = None
    plan_id: Id | None = None
    section_id: Id | None = None
    action_id: Id | None = None
    measure_id: Id | None = None
    budget_line_id: Id | None = None
