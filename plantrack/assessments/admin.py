from __future__ import annotations

from django.contrib import admin

from plantrack.assessments.models import Framework
from plantrack.core.admin import ReadOnlyHistoryAdmin


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "version_number", "organisation", "status"]
    list_filter = ["status"]
    list_select_related = ["organisation"]
    search_fields = ["title"]
