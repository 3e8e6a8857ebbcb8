# No "from __future__ import annotations": django-ninja reads these at runtime.

import datetime as dt

from ninja import Schema

from plantrack.budgets.schemas import BudgetSummaryOut


class DeliveryOut(Schema):
    action_count: int
    complete_count: int
    complete_share: int
    red_count: int
    amber_count: int
    green_count: int
    blue_count: int
    unrated_count: int
    overdue_count: int
    update_due_count: int


class SectionDeliveryOut(DeliveryOut):
    section_id: int | None
    title: str


class QuarterOut(Schema):
    label: str
    end: dt.date
    red: int
    amber: int
    green: int
    blue: int


class MeasuresOut(Schema):
    total: int
    on_track: int
    at_risk: int
    off_track: int
    no_data: int


class SummaryOut(Schema):
    plan_id: int
    section_id: int | None
    on: dt.date
    delivery: DeliveryOut
    sections: list[SectionDeliveryOut]
    quarters: list[QuarterOut]
    measures: MeasuresOut
    budget: BudgetSummaryOut
