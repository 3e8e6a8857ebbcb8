"""The stakeholder database's API shapes (api.py).

A contact's personal fields (email, phone, address, notes) and what the contact page shows only
beside them (contact preferences, source, privacy notice, lawful bases) are sent only to those
with a need to know: the database's contact managers and data stewards, and the relationship
owner of a stakeholder where the contact holds a role. For everyone else they are **null**, and
``personal`` is false. Every answer that carries them is recorded in the database's access log.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from plantrack.core.api import Id
from plantrack.core.schemas import InputSchema
from plantrack.core.text import TEXT_MAX, TITLE_MAX

ContactKind = Literal["representative", "professional", "resident", "business", "elected", "other"]
InteractionKind = Literal["meeting", "call", "email", "event", "visit", "letter", "other"]

WITHHELD = "Null unless you may read the contact's personal fields (see `personal`)."


class PersonRef(Schema):
    id: int
    display_name: str


class ContactRef(Schema):
    id: int
    name: str


class DatabaseOut(Schema):
    id: int
    organisation_id: int = Field(description="The data controller")
    organisation: str
    description: str
    dpo_contact: str = Field(description="Where the data protection officer is reached")
    stakeholder_count: int
    contact_count: int = Field(description="Contacts held, anonymised and merged ones left out")


class StakeholderOut(Schema):
    id: int
    database_id: int
    organisation_id: int
    organisation: str
    category: str
    owner: PersonRef | None = Field(description="The relationship owner")
    influence: int | None = Field(description="1 low, 2 medium, 3 high; null: not assessed")
    interest: int | None = Field(description="1 low, 2 medium, 3 high; null: not assessed")
    contact_every_days: int | None
    last_contact_on: dt.date | None
    contact_due_on: dt.date | None
    overdue: bool = Field(description="The expected contact is missed")


class RoleOut(Schema):
    id: int
    title: str
    main: bool
    since: dt.date | None
    contact: ContactRef | None = Field(description="Who holds it; null: vacant")


class FollowUpOut(Schema):
    id: int
    title: str
    due_on: dt.date
    owner_id: int | None = Field(description="The member of staff who owns it")
    contact_id: int | None = Field(description="The contact who owns it")
    done: bool


class InteractionOut(Schema):
    id: int
    database_id: int
    stakeholder_id: int | None
    organisation: str | None = Field(description="The stakeholder's name")
    kind: str
    date: dt.date
    summary: str
    issues: str
    contacts: list[ContactRef] = Field(description="Who took part (names only)")
    staff: list[PersonRef]
    activity_id: int | None = Field(description="The engagement activity it was part of")
    follow_ups: list[FollowUpOut]


class InteractionDetailOut(InteractionOut):
    recorded_by: str | None = Field(description="The username of who logged it")
    created_at: dt.datetime


class StakeholderDetailOut(StakeholderOut):
    notes: str
    area_ids: list[int]
    roles: list[RoleOut]
    latest_interactions: list[InteractionOut] = Field(
        description="The newest few, newest first; all of them: "
        "GET /stakeholders/databases/{database_id}/interactions?stakeholder={id}"
    )


class ListOut(Schema):
    id: int
    name: str
    parent_id: int | None
    description: str
    contact_count: int
    stakeholder_count: int


class HeldRoleOut(Schema):
    id: int
    title: str
    stakeholder_id: int
    organisation: str


class ContactOut(Schema):
    id: int
    database_id: int
    name: str
    kind: str
    state: str = Field(description="active, review (due for retention review) or anonymised")
    do_not_contact: bool
    roles: list[HeldRoleOut]


class BasisOut(Schema):
    purpose: str
    kind: str
    consent_on: dt.date | None
    consent_source: str
    withdrawn_on: dt.date | None
    review_on: dt.date | None


class ContactDetailOut(ContactOut):
    personal: bool = Field(
        description="Whether you may read the contact's personal fields: if so they are sent "
        "and your reading is recorded in the access log; if not they are null"
    )
    email: str | None = Field(description=WITHHELD)
    phone: str | None = Field(description=WITHHELD)
    address: str | None = Field(description=WITHHELD)
    notes: str | None = Field(description=WITHHELD)
    email_bounced_on: dt.date | None = Field(description=WITHHELD)
    by_email: bool | None = Field(description=f"May be emailed. {WITHHELD}")
    by_phone: bool | None = Field(description=f"May be phoned. {WITHHELD}")
    by_post: bool | None = Field(description=f"May be written to. {WITHHELD}")
    verified_on: dt.date | None = Field(description=WITHHELD)
    source: str | None = Field(description=WITHHELD)
    from_third_party: bool | None = Field(description=WITHHELD)
    notice_given_on: dt.date | None = Field(description=WITHHELD)
    notice_due_on: dt.date | None = Field(description=WITHHELD)
    lawful_bases: list[BasisOut] | None = Field(description=WITHHELD)


class ErasureOut(Schema):
    id: int
    contact_id: int = Field(description="The erased contact's id: nothing else about them is kept")
    reason: str
    erased_at: dt.datetime
    rows: dict[str, int] = Field(description="Rows removed or redacted, by table")


class ContactIn(InputSchema):
    """A new contact of a database you keep contacts of (its contact managers and data
    stewards). The email address is checked: an invalid one answers 422."""

    database_id: Id
    name: str = Field(min_length=1, max_length=200)
    kind: ContactKind = "other"
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=TITLE_MAX)
    notes: str = Field(
        "",
        max_length=TEXT_MAX,
        description="Only what the work needs: never special-category data",
    )
    source: str = Field("", max_length=200, description="Where the details came from")
    from_third_party: bool = Field(
        False,
        description="The details came from another organisation's list: the contact is "
        "queued for the privacy notice, due within a month of `received_on`",
    )
    received_on: dt.date | None = Field(None, description="Defaults to today")
    do_not_contact: bool = False
    by_email: bool = True
    by_phone: bool = True
    by_post: bool = True
    verified_on: dt.date | None = None
    area_ids: list[Id] = []


class InteractionIn(InputSchema):
    """An interaction with a stakeholder (its relationship owner, contact managers and data
    stewards) or with contacts alone (contact managers and data stewards). Ids name a
    stakeholder and contacts of the database, its organisation's staff and an engagement
    activity you can see."""

    stakeholder_id: Id | None = None
    kind: InteractionKind = "meeting"
    date: dt.date
    summary: str = Field(min_length=1, max_length=TEXT_MAX)
    issues: str = Field("", max_length=TEXT_MAX)
    contact_ids: list[Id] = []
    staff_ids: list[Id] = []
    activity_id: Id | None = None
