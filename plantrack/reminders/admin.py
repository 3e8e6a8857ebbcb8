from __future__ import annotations

from django.contrib import admin

from plantrack.reminders.models import CalendarFeed, PersonDigest, ReminderPreference


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "frequency", "weekday", "last_sent_on"]
    list_filter = ["frequency"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(PersonDigest)
class PersonDigestAdmin(admin.ModelAdmin):
    list_display = ["person", "last_sent_on"]
    raw_id_fields = ["person"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    # The token is a credential: never listed, never shown (owners see it on their own page).
    list_display = ["user", "scope", "plan", "body", "created_at", "reset_at"]
    list_filter = ["scope"]
    exclude = ["token"]
    readonly_fields = ["user", "scope", "plan", "body", "created_at", "reset_at"]
    search_fields = ["user__username"]

    def has_add_permission(self, request) -> bool:
        return False
