from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from plantrack.core.api import Id
from plantrack.core.schemas import InputSchema


class YearAmount(Schema):
    financial_year: int
    label: str
    amount: Decimal


class BudgetLineOut(Schema):
    id: int
    plan_id: int
    section_id: int | None
    section: str | None
    name: str
    category: str
    assumption: str
    order: int
    amounts: list[YearAmount]
    spend: list[YearAmount]


class Judged(Schema):
    budget: Decimal
    spend: Decimal
    variance: Decimal


class YearSummary(Judged):
    year: int
    label: str
    over: bool
    ahead_of_profile: bool
    profile: Decimal | None


class SectionSummary(Judged):
    section_id: int | None
    title: str
    by_year: list[dict]


class CategorySummary(Judged):
    category: str
    label: str


class Flag(Schema):
    kind: str
    scope: str
    year: int
    year_label: str
    line_id: int | None
    budget: Decimal
    spend: Decimal
    message: str


class FundingTotals(Schema):
    approved: Decimal
    pending: Decimal
    bids: int


class BudgetSummaryOut(Schema):
    on: dt.date
    current_year: int
    years: list[int]
    by_year: list[YearSummary]
    total: Judged
    sections: list[SectionSummary]
    categories: list[CategorySummary]
    flags: list[Flag]
    funding: FundingTotals


class FundingStepOut(Schema):
    status: str
    date: dt.date
    note: str
    decision_record: str
    decided_by: str


class OrganisationRef(Schema):
    id: int
    name: str


class FundingOut(Schema):
    id: int
    plan_id: int
    section_id: int | None
    funder: OrganisationRef
    title: str
    amount: Decimal
    status: str
    status_date: dt.date
    decision_record: str
    decided_by: str
    steps: list[FundingStepOut]


class SpendIn(InputSchema):
    line_id: Id
    amount: Decimal = Field(..., description="Pounds, zero or more, e.g. 1250.00")
    financial_year: int | str | None = Field(
        None, description="2013 or “2013/14”; defaults to the year of date_recorded"
    )
    date_recorded: dt.date | None = Field(None, description="Defaults to today")
    note: str = Field("", max_length=5000)


class SpendOut(Schema):
    id: int
    line_id: int
    financial_year: int
    label: str
    amount: Decimal
    date_recorded: dt.date
    note: str
