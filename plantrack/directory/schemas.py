from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from plantrack.core.api import Id
from plantrack.core.schemas import InputSchema


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    parent_id: int | None


class PersonOut(Schema):
    id: int
    name: str
    display_name: str
    rank: str
    job_title: str
    post: str
    staff_number: str
    organisation_id: int | None
    email: str
    phone: str
    spoc: bool


class AreaOut(Schema):
    id: int
    name: str
    level: str
    code: str
    ons_code: str
    parent_id: int | None
    organisation_id: int | None


class AreaIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    level: Literal["force", "borough", "ward"]
    parent_id: Id | None = None
    code: str = Field("", max_length=20)
    ons_code: str = Field("", max_length=9)


class AreaPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    code: str | None = Field(None, max_length=20)
    ons_code: str | None = Field(None, max_length=9)
