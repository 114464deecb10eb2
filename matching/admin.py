from django.contrib import admin

from matching.models import OutboxEntry


@admin.register(OutboxEntry)
class OutboxEntryAdmin(admin.ModelAdmin):
    """Read-only: shows what has not reached the search index yet (engine down, worker stopped)."""

    list_display = ["id", "kind", "object_id", "created_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
