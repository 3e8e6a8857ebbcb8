from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from plantrack.accounts.models import ApiToken, User
from plantrack.directory.models import Membership
from plantrack.directory.selectors import forget_organisation_ids


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["organisation"]


@admin.register(User)
class PlanTrackUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_superuser"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        forget_organisation_ids(form.instance)  # so new memberships open their plans at once


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at"]
    fields = [*readonly_fields, "revoked_at"]

    def has_add_permission(self, request):
        return False
