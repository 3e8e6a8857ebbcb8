from __future__ import annotations

from django.contrib import admin

from plantrack.core.admin import ReadOnlyHistoryAdmin, ReadOnlyMixin
from plantrack.plans.models import Action, Plan, Update


@admin.register(Plan)
class PlanAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "owner_organisation", "kind", "status", "visibility"]
    list_filter = ["kind", "status", "visibility"]
    search_fields = ["title"]


@admin.register(Action)
class ActionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["ref", "title", "plan", "status", "rag", "due_text", "last_update_on"]
    list_filter = ["status", "rag"]
    search_fields = ["ref", "title"]
    list_select_related = ["plan"]


@admin.register(Update)
class UpdateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["action", "date", "rag", "author_name", "created_at"]
    list_select_related = ["action"]
