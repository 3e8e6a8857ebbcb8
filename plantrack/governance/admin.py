from __future__ import annotations

from django.contrib import admin

from plantrack.core.admin import ReadOnlyHistoryAdmin
from plantrack.governance.models import Body, Decision, Meeting, Oversight


@admin.register(Body)
class BodyAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "short_name", "kind", "chair", "chair_text", "reports_to", "cadence"]
    list_filter = ["kind", "cadence"]
    search_fields = ["name", "short_name"]
    list_select_related = ["chair", "reports_to"]


@admin.register(Oversight)
class OversightAdmin(ReadOnlyHistoryAdmin):
    list_display = ["body", "plan", "section", "lead", "lead_text"]
    list_select_related = ["body", "plan", "section", "lead"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["body", "date", "title"]
    list_select_related = ["body"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["body", "decided_on", "kind", "text"]
    list_filter = ["kind"]
    list_select_related = ["body"]
