from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hub.admin import ReadOnlyAdmin
from marketplace.models import (
    Challenge,
    EnterpriseRegisterEntry,
    Expertise,
    OrganizationSignIn,
    Region,
    RelevanceJudgment,
    Vendor,
    VendorJoinRequest,
    VendorReference,
    VendorVerification,
)
from marketplace.services import organization_sign_in_configure
from marketplace.signals import searchable_changed


class SearchableAdmin(admin.ModelAdmin):
    """Admin edits bypass the services, so they announce their changes to the search index themselves."""

    search_kind = ""

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        searchable_changed.send(sender=self.model, kind=self.search_kind, ids=[form.instance.pk])

    def delete_model(self, request, obj) -> None:
        pk = obj.pk
        super().delete_model(request, obj)
        searchable_changed.send(sender=self.model, kind=self.search_kind, ids=[pk])

    def delete_queryset(self, request, queryset) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        searchable_changed.send(sender=self.model, kind=self.search_kind, ids=ids)


@admin.register(Region, Expertise)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["code", "label_fr", "label_en"]
    search_fields = ["code", "label_fr", "label_en"]


class VendorReferenceInline(admin.TabularInline):
    model = VendorReference
    extra = 0


@admin.register(Vendor)
class VendorAdmin(SearchableAdmin):
    search_kind = "vendor"
    list_display = ["name", "neq", "employees", "is_active", "is_verified", "updated_at"]
    list_filter = ["is_active", "is_verified", "expertise", "regions"]
    search_fields = ["name", "neq", "key"]
    filter_horizontal = ["regions", "expertise", "members"]
    inlines = [VendorReferenceInline]
    # Verified only through the coordinators' decision (vendor_verification_decide), which keeps its evidence.
    readonly_fields = ["is_verified"]


@admin.register(Challenge)
class ChallengeAdmin(SearchableAdmin):
    search_kind = "challenge"
    list_display = ["title", "organization", "status", "deadline", "published_at"]
    list_filter = ["status", "language", "expertise", "regions"]
    search_fields = ["title", "key", "organization__name"]
    filter_horizontal = ["regions", "expertise"]
    raw_id_fields = ["awarded_vendor"]


@admin.register(RelevanceJudgment)
class RelevanceJudgmentAdmin(admin.ModelAdmin):
    list_display = ["challenge", "vendor", "grade"]
    list_filter = ["grade"]
    raw_id_fields = ["challenge", "vendor"]


@admin.register(EnterpriseRegisterEntry)
class EnterpriseRegisterEntryAdmin(ReadOnlyAdmin):
    """Read only: the extract changes only through import_enterprise_register, all at once."""

    list_display = ["neq", "legal_name", "status", "postal_code", "employees_range", "extract_date"]
    list_filter = ["status"]
    search_fields = ["neq", "legal_name"]
    show_full_result_count = False  # A million rows: no count of the whole table on every page.


@admin.register(VendorJoinRequest)
class VendorJoinRequestAdmin(ReadOnlyAdmin):
    """Read only: the firm's members answer on its members page, which tells the requester and keeps the audit log."""

    list_display = ["requester", "vendor", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["requester", "vendor", "decided_by"]


@admin.register(VendorVerification)
class VendorVerificationAdmin(ReadOnlyAdmin):
    """Read only: decisions are made on the verification queue (or its API) and kept as they were made."""

    list_display = ["decided_at", "vendor", "decision", "decided_by", "name_match", "extract_date"]
    list_filter = ["decision", "name_match"]
    search_fields = ["vendor__name", "vendor_neq", "reason"]
    raw_id_fields = ["vendor", "decided_by"]


# allauth's own admin of providers shows each client secret; ours below never does. Imported first, so that
# its registrations exist to be undone whatever the order the admin modules load in.
import allauth.socialaccount.admin  # noqa: E402, F401
from allauth.socialaccount.models import SocialApp, SocialToken  # noqa: E402

admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)  # Maillage stores no provider tokens (SOCIALACCOUNT_STORE_TOKENS).


class OrganizationSignInAdminForm(forms.ModelForm):
    issuer = forms.URLField(label=_("Issuer"), assume_scheme="https")
    client_id = forms.CharField(label=_("Client id"), max_length=191)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=191,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Never shown. Leave empty to keep the saved secret."),
    )
    email_domains = forms.CharField(
        label=_("Allowed email domains"), help_text=_("Separated by commas or spaces."), max_length=1000
    )

    class Meta:
        model = OrganizationSignIn
        fields = ["organization", "issuer", "client_id", "client_secret", "email_domains", "is_enabled"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["client_id"] = self.instance.client_id
            self.initial["email_domains"] = " ".join(self.instance.email_domains)

    def clean_email_domains(self) -> list[str]:
        return self.cleaned_data["email_domains"].replace(",", " ").split()

    def _post_clean(self) -> None:
        # The service validates and saves, the allauth application with it; the admin's change view runs in a
        # transaction, and an error here shows on the form with nothing saved.
        if self.errors:
            return
        data = self.cleaned_data
        try:
            self.instance = organization_sign_in_configure(
                organization=data["organization"],
                user=self.user,
                issuer=data["issuer"],
                client_id=data["client_id"],
                client_secret=data["client_secret"],
                email_domains=data["email_domains"],
                is_enabled=data["is_enabled"],
            )
        except ValidationError as error:
            self._update_errors(error)


@admin.register(OrganizationSignIn)
class OrganizationSignInAdmin(admin.ModelAdmin):
    form = OrganizationSignInAdminForm
    list_display = ["organization", "issuer", "is_enabled", "updated_at"]
    list_filter = ["is_enabled"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change) -> None:
        pass  # Saved by the form's service call.

    def save_related(self, request, form, formsets, change) -> None:
        pass
