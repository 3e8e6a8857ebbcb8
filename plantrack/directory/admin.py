from __future__ import annotations

from django.contrib import admin

from plantrack.core.admin import ReadOnlyHistoryAdmin
from plantrack.directory.models import Organisation, Person


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "short_name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(Person)
class PersonAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "rank", "post", "staff_number", "organisation", "user"]
    search_fields = ["name", "post", "staff_number"]
