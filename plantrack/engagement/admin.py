from __future__ import annotations

from django.contrib import admin

from plantrack.core.admin import ReadOnlyHistoryAdmin
from plantrack.engagement import services
from plantrack.engagement.models import Activity, Community, Method, Register


class ReferenceListAdmin(admin.ModelAdmin):
    """Methods and community descriptors are lists administrators extend here. An entry in use
    is retired (``active`` off: no longer offered, kept where it was chosen), not deleted."""

    list_display = ["name", "active"]
    list_editable = ["active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.list_entry_save(actor=request.user, entry=obj)


@admin.register(Method)
class MethodAdmin(ReferenceListAdmin):
    list_display = ["name", "description", "position", "active"]
    list_editable = ["position", "active"]


@admin.register(Community)
class CommunityAdmin(ReferenceListAdmin):
    pass


@admin.register(Register)
class RegisterAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "organisation", "version"]
    list_select_related = ["organisation"]
    search_fields = ["title"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "register", "group", "status", "level"]
    list_filter = ["status", "level"]
    list_select_related = ["register", "group"]
    search_fields = ["title"]
