from django.contrib import admin

from hub.admin import ReadOnlyAdmin
from matching.models import (
    Clarification,
    Engagement,
    Introduction,
    MatchProposal,
    Milestone,
    OutboxEntry,
    Payout,
    SavedSearch,
    VendorExposure,
)


@admin.register(OutboxEntry)
class OutboxEntryAdmin(admin.ModelAdmin):
    """Read-only: shows what has not reached the search index yet (engine down, worker stopped)."""

    list_display = ["id", "kind", "object_id", "created_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    """Read-only here: a saved search's stored query is kept in step by the services, not the admin."""

    list_display = ["name", "user", "vendor", "query", "created_at"]
    search_fields = ["name", "query", "user__username", "vendor__name"]
    readonly_fields = ["user", "vendor", "name", "query", "filters"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(VendorExposure)
class VendorExposureAdmin(admin.ModelAdmin):
    list_display = ["vendor", "day", "channel", "count"]
    list_filter = ["channel", "day"]
    search_fields = ["vendor__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MatchProposal)
class MatchProposalAdmin(admin.ModelAdmin):
    """Read-only: proposals are decided through the coordinators' queue, which audits every decision."""

    list_display = ["challenge", "vendor", "rank", "score", "source", "status", "decided_by", "decided_at"]
    list_filter = ["status", "source"]
    search_fields = ["challenge__title", "vendor__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Introduction, Engagement, Milestone, Clarification, Payout)
class WorkflowAdmin(ReadOnlyAdmin):
    """Read-only: every change goes through the services, which keep the state machines and the audit log."""
