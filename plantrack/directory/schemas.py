from __future__ import annotations

from ninja import Schema


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
