from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from plantrack.core.api import Id
from plantrack.core.concurrency import version_of
from plantrack.core.schemas import InputSchema
from plantrack.core.text import TITLE_MAX


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
    edit_version: str = Field("", description="Send back with a PATCH (409 if stale)")


class SectionOut(Schema):
    id: int
    plan_id: int
    title: str
    description: str
    position: int
    edit_version: str = ""

    @staticmethod
    def resolve_edit_version(obj) -> str:
        return version_of(obj) if not isinstance(obj, dict) else obj.get("edit_version", "")


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
    edit_version: str = ""


class ActionDetailOut(ActionOut):
    milestones: list[MilestoneOut]
    depends_on: list[int]
    edit_version: str = Field("", description="Send back with a PATCH (409 if stale)")


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
    based_on: Id | None = Field(
        None,
        description="The id of the action's latest update you saw (null: it had none). If it "
        "has another latest update now, 409 names it and nothing is saved. Leave out: no check.",
    )


class LatestUpdateOut(Schema):
    id: int
    date: dt.date | None
    rag: str
    narrative: str


class UpdateConflictOut(Schema):
    """409: the action's latest update is not the `based_on` sent (`latest` names it, null if
    it has none now), or a request with the same Idempotency-Key is still being answered
    (`latest` left out). Nothing was saved."""

    detail: str
    latest: LatestUpdateOut | None = None


# --- Writing (POST, PATCH, PUT, DELETE): the fields the pages' forms have ----------------------
# Every write body may carry `edit_version`, the `edit_version` of the object as last read: a
# write on an object saved by someone else since answers 409 and changes nothing. Without it (or
# an `If-Match` header holding it) the last write wins, as for the importer.

VERSION_HELP = (
    "The edit_version of the object as you last read it: 409 if it has been saved since. "
    "Leave out (or send If-Match) for last-write-wins."
)
PlanKind = Literal["action_plan", "delivery_plan", "implementation_plan", "workplan", "strategy"]
PlanStatus = Literal["draft", "active", "closed", "archived"]
PlanVisibility = Literal["public", "organisation", "restricted"]
ActionStatus = Literal["not_started", "in_progress", "complete", "ongoing", "cancelled"]
RagValue = Literal["", "red", "amber", "green", "blue"]
IdList = list[Id]


class VersionedIn(InputSchema):
    edit_version: str | None = Field(None, max_length=100, description=VERSION_HELP)


class PlanFields(InputSchema):
    kind: PlanKind = "action_plan"
    summary: str = ""
    status: PlanStatus = "active"
    visibility: PlanVisibility = "organisation"
    reports_to: str = Field("", max_length=200)
    source_document: str = Field("", max_length=300)
    update_interval_days: int = Field(30, ge=1, le=32767)
    measures_suggest_rag: bool = False
    period_text: str = Field("", max_length=200, description="As written, e.g. 2023 - 2026")


class PlanIn(PlanFields):
    title: str = Field(min_length=1, max_length=300)
    owner_organisation_id: Id


class PlanPatch(VersionedIn, PlanFields):
    """Only the fields sent are changed."""

    title: str = Field("", min_length=1, max_length=300)
    owner_organisation_id: Id | None = None


class SectionIn(InputSchema):
    title: str = Field(min_length=1, max_length=300)
    description: str = ""


class SectionPatch(VersionedIn):
    """Only the fields sent are changed."""

    title: str = Field("", min_length=1, max_length=300)
    description: str = ""
    position: int = Field(0, ge=0, le=1_000_000, description="Lowest shown first")


class ActionFields(InputSchema):
    section_id: Id | None = None
    ref: str = Field("", max_length=50)
    description: str = ""
    strategy_refs: str = Field("", max_length=200)
    owner_text: str = Field("", max_length=300, description="The owner cell as written")
    status: ActionStatus = "not_started"
    rag: RagValue = ""
    start_text: str = Field("", max_length=200, description="As written")
    review_text: str = Field("", max_length=200, description="As written")
    due_text: str = Field("", max_length=200, description="As written, e.g. Q3 2024/25")
    owner_ids: IdList = Field(
        [], max_length=100, description="People of the plan's organisations (directory ids)"
    )
    lead_organisation_ids: IdList = Field([], max_length=100)
    supporting_organisation_ids: IdList = Field([], max_length=100)


class ActionIn(ActionFields):
    title: str = Field(min_length=1, max_length=TITLE_MAX)


class ActionPatch(VersionedIn, ActionFields):
    """Only the fields sent are changed; a list sent replaces the action's."""

    title: str = Field("", min_length=1, max_length=TITLE_MAX)


class OwnersIn(VersionedIn):
    person_ids: IdList = Field(max_length=100, description="The action's owners, in order")


class MilestoneIn(InputSchema):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    due_text: str = Field("", max_length=200, description="As written")
    done: bool = False


class MilestonePatch(VersionedIn):
    """Only the fields sent are changed."""

    title: str = Field("", min_length=1, max_length=TITLE_MAX)
    due_text: str = Field("", max_length=200)
    done: bool = False


class ConflictOut(Schema):
    """409: saved by someone else since the edit_version sent. Nothing was changed."""

    detail: str
    edit_version: str
