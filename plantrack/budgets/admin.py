from __future__ import annotations

from django.contrib import admin

from plantrack.budgets.models import BudgetLine, Funding, Spend
from plantrack.core.admin import ReadOnlyHistoryAdmin


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "plan", "section", "category"]
    list_filter = ["category"]
    search_fields = ["name"]
    list_select_related = ["plan", "section"]


@admin.register(Funding)
class FundingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "plan", "funder", "amount", "status", "status_date"]
    list_filter = ["status"]
    list_select_related = ["plan", "funder"]


@admin.register(Spend)
class SpendAdmin(ReadOnlyHistoryAdmin):
    list_display = ["line", "financial_year", "amount", "date_recorded"]
    list_select_related = ["line"]
