from __future__ import annotations

from django.contrib import admin

from plantrack.accounts.admin import PlanTrackUserAdmin
from plantrack.accounts.models import User
from plantrack.core.admin import ReadOnlyHistoryAdmin
from plantrack.directory.models import Area, Membership, Organisation, Person
from plantrack.directory.selectors import forget_organisation_ids


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["organisation"]


class UserWithMembershipsAdmin(PlanTrackUserAdmin):
    """The user page with the organisations the user belongs to."""

    inlines = [*PlanTrackUserAdmin.inlines, MembershipInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        forget_organisation_ids(form.instance)  # so new memberships open their plans at once


admin.site.unregister(User)
admin.site.register(User, UserWithMembershipsAdmin)


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "short_name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(Person)
class PersonAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "rank", "post", "staff_number", "organisation", "user"]
    search_fields = ["name", "post", "staff_number"]


@admin.register(Area)
class AreaAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "level", "code", "ons_code", "parent", "organisation"]
    list_filter = ["level"]
    list_select_related = ["parent", "organisation"]
    search_fields = ["name", "code", "ons_code"]
