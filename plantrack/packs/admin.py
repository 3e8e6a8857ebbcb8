from __future__ import annotations

from django.contrib import admin

from plantrack.packs.models import Pack, PackFile


@admin.register(Pack)
class PackAdmin(admin.ModelAdmin):
    list_display = ("title", "body", "period", "status", "created_at", "published_at")
    list_filter = ("status",)
    search_fields = ("title", "body__name")
    # Published packs must not change: the admin only reads them.
    readonly_fields = [f.name for f in Pack._meta.fields] + ["plans"]
    exclude = ("snapshot",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PackFile)
class PackFileAdmin(admin.ModelAdmin):
    list_display = ("pack", "format", "size", "sha256", "created_at")
    exclude = ("data",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
