from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from hub import roles
from hub.models import (
    ApiToken,
    AuditEntry,
    ConfidentialityIncident,
    Consent,
    Notification,
    Organization,
    User,
)

# The admin signs in through the site's sign-in (allauth's): with its lockout's message and, for the
# coordinators and administrators who use the admin, their second factor, which the admin's own form skips.
admin.site.login = secure_admin_login(admin.site.login)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Maillage"), {"fields": ["role", "preferred_language", "email_frequency"]}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + ((_("Maillage"), {"fields": ["role"]}),)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """To revoke (delete) a user's token; tokens are issued by the API only, which shows the key once."""

    list_display = ["user", "label", "prefix", "created_at", "expires_at", "last_used_at"]
    search_fields = ["user__username", "label", "prefix"]
    readonly_fields = ["user", "label", "prefix", "created_at", "expires_at", "last_used_at"]
    exclude = ["digest"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "key"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "key"]
    filter_horizontal = ["members"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "title", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "title"]
    raw_id_fields = ["user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows only the app writes (an append-only log, which the database also guards; the register's extract; the
    workflow, through its services): the admin shows them and changes nothing."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is append-only, in the admin as in the database."""

    list_display = [
        "created_at",
        "actor_label",
        "on_behalf_of",
        "object_type",
        "object_id",
        "action",
        "from_state",
        "to_state",
    ]
    list_filter = ["object_type", "action"]
    search_fields = ["actor_label", "on_behalf_of", "reason"]
    date_hierarchy = "created_at"


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    """Read-only: the record of consents is append-only, in the admin as in the database."""

    list_display = ["created_at", "user", "kind", "version", "granted"]
    list_filter = ["kind", "version", "granted"]
    search_fields = ["user__username"]
    date_hierarchy = "created_at"


@admin.register(ConfidentialityIncident)
class ConfidentialityIncidentAdmin(admin.ModelAdmin):
    """The register of confidentiality incidents (Law 25): administrators only, whatever their model permissions."""

    list_display = [
        "discovered_at",
        "short_description",
        "people_affected",
        "risk_of_serious_injury",
        "reported_to_commission_at",
        "people_notified_at",
    ]
    list_filter = ["risk_of_serious_injury"]
    search_fields = ["description", "personal_information"]
    date_hierarchy = "discovered_at"
    readonly_fields = ["recorded_by", "created_at", "updated_at"]
    actions = ["export_csv"]

    @admin.display(description=_("description"))
    def short_description(self, incident: ConfidentialityIncident) -> str:
        return Truncator(incident.description).chars(80)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return roles.is_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: ConfidentialityIncident | None = None) -> bool:
        return roles.is_administrator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return roles.is_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: ConfidentialityIncident | None = None) -> bool:
        return roles.is_administrator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: ConfidentialityIncident | None = None) -> bool:
        return roles.is_administrator(request.user)

    def save_model(self, request: HttpRequest, obj: ConfidentialityIncident, form, change: bool) -> None:
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Export the selected incidents as CSV"))
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[ConfidentialityIncident]
    ) -> StreamingHttpResponse:
        # Imported when used: the admin loads while apps are set up, and the API pulls in DRF and its settings.
        from hub.api import incident_csv_response

        return incident_csv_response(queryset.select_related("recorded_by").order_by("-discovered_at", "-id"))
