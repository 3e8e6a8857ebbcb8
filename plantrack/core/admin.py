from __future__ import annotations

from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyMixin:
    """Domain data changes through the app's pages, API and services, never the admin, so
    that validation, permissions and the audit trail stay in one place. The admin reads."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyHistoryAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    pass
