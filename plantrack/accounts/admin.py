from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from plantrack.accounts.models import ApiToken, User


@admin.register(User)
class PlanTrackUserAdmin(UserAdmin):
    """Users. The directory adds their memberships to this page (directory/admin.py): it sits
    above accounts, so accounts does not import it."""

    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_superuser"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at"]
    fields = [*readonly_fields, "revoked_at"]

    def has_add_permission(self, request):
        return False
