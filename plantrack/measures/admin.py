from __future__ import annotations

from django.contrib import admin

from plantrack.core.admin import ReadOnlyHistoryAdmin
from plantrack.measures.models import Benefit, Measure, Reading


@admin.register(Measure)
class MeasureAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "plan", "unit", "direction"]
    list_select_related = ["plan"]
    search_fields = ["name"]


@admin.register(Reading)
class ReadingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["measure", "date", "value", "recorded_by_name"]
    list_select_related = ["measure"]


@admin.register(Benefit)
class BenefitAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "plan", "kind", "expected_value", "realised_value"]
    list_select_related = ["plan"]
