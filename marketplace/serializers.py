from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hub.models import Organization
from marketplace.models import Challenge, Expertise, Language, ProfileSection, Region, Vendor, VendorReference
from marketplace.visibility import SECTION_FIELDS, redact, vendor_profile_sections


class CodeRelatedField(serializers.SlugRelatedField):
    """A region or an expertise given by its code."""

    def to_internal_value(self, data):
        # PostgreSQL refuses a NUL character even in a lookup (a 500); no code contains one anyway.
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", "\\x00"))
        return super().to_internal_value(data)


def code_field(model, **kwargs) -> CodeRelatedField:
    return CodeRelatedField(slug_field="code", queryset=model.objects.all(), many=True, **kwargs)


class LabelOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    label_fr = serializers.CharField()
    label_en = serializers.CharField()
    label = serializers.CharField()


class OrganizationOutputSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = ["id", "key", "name", "kind", "region"]


class OrganizationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    kind = serializers.ChoiceField(choices=Organization.Kind.choices)
    region = CodeRelatedField(slug_field="code", queryset=Region.objects.all(), allow_null=True, required=False)


class VendorReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = VendorReference
        fields = ["client", "title", "summary", "year"]


class VendorOutputSerializer(serializers.ModelSerializer):
    """A vendor's profile; the sections this reader may not see (vendor_profile_sections) are null."""

    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    expertise = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    references = VendorReferenceSerializer(many=True, read_only=True)
    is_sme = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Vendor
        fields = [
            "id", "key", "name", "neq", "description", "languages", "regions", "employees", "founded",
            "expertise", "certifications", "references", "is_sme", "is_active", "is_verified",
            "contact_name", "contact_email", "contact_phone", "public_profile",
            "created_at", "updated_at",
        ]

    def get_fields(self) -> dict:
        fields = super().get_fields()
        for names in SECTION_FIELDS.values():
            for name in names:
                fields[name].allow_null = True  # A hidden section is null (to_representation), as the schema says.
        return fields

    def to_representation(self, vendor: Vendor) -> dict:
        return redact(super().to_representation(vendor), sections=vendor_profile_sections(vendor=vendor))


class VendorInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    neq = serializers.RegexField(
        r"^\d{10}$", error_messages={"invalid": _("A Quebec enterprise number (NEQ) has exactly 10 digits.")}
    )
    description = serializers.CharField(max_length=5000)
    languages = serializers.ListField(child=serializers.ChoiceField(choices=Language.choices), allow_empty=False)
    regions = code_field(Region, allow_empty=False)
    employees = serializers.IntegerField(min_value=1, max_value=1_000_000)
    founded = serializers.IntegerField(min_value=1800, max_value=2100)
    expertise = code_field(Expertise, allow_empty=False)
    certifications = serializers.ListField(child=serializers.CharField(max_length=120), required=False)
    references = VendorReferenceSerializer(many=True, required=False)
    is_active = serializers.BooleanField(required=False)
    is_verified = serializers.BooleanField(required=False)
    contact_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    public_profile = serializers.ListField(
        child=serializers.ChoiceField(choices=ProfileSection.choices),
        required=False,
        allow_empty=True,
        help_text=_("The sections anyone may see; the contact person is hidden unless listed."),
    )

    def validate_neq(self, value: str) -> str:
        vendors = Vendor.objects.filter(neq=value)
        if self.instance is not None:
            vendors = vendors.exclude(pk=self.instance.pk)
        if vendors.exists():
            raise serializers.ValidationError(_("Another vendor is already registered with this NEQ."))
        return value


class ChallengeOutputSerializer(serializers.ModelSerializer):
    organization = OrganizationOutputSerializer(read_only=True)
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    expertise = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    awarded_vendor = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Challenge
        fields = [
            "id", "key", "organization", "title", "description", "language", "expertise", "regions",
            "budget_min", "budget_max", "currency", "deadline", "required_languages", "required_certifications",
            "max_employees", "on_site", "status", "awarded_vendor", "published_at", "created_at", "updated_at",
        ]


class ChallengeInputSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False)
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(max_length=10000)
    language = serializers.ChoiceField(choices=Language.choices)
    expertise = code_field(Expertise, allow_empty=False)
    regions = code_field(Region, required=False)
    budget_min = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    budget_max = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    deadline = serializers.DateField()
    required_languages = serializers.ListField(child=serializers.ChoiceField(choices=Language.choices), required=False)
    required_certifications = serializers.ListField(child=serializers.CharField(max_length=120), required=False)
    max_employees = serializers.IntegerField(min_value=1, allow_null=True, required=False)
    on_site = serializers.BooleanField(required=False)

    def validate(self, attrs: dict) -> dict:
        budget_min = attrs.get("budget_min", getattr(self.instance, "budget_min", None))
        budget_max = attrs.get("budget_max", getattr(self.instance, "budget_max", None))
        if budget_min is not None and budget_max is not None and budget_max < budget_min:
            raise serializers.ValidationError(
                {"budget_max": _("The maximum budget must be greater than or equal to the minimum budget.")}
            )
        return attrs


class ChallengeTransitionInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
