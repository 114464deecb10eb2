from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hub.models import Organization
from marketplace.models import (
    MAX_CERTIFICATIONS,
    MAX_EXPERTISE,
    MAX_REFERENCES,
    MAX_REGIONS,
    MAX_REQUIRED_CERTIFICATIONS,
    AwardMode,
    Challenge,
    ChallengeAddendum,
    EvaluationCriterion,
    Expertise,
    Language,
    ProfileSection,
    Region,
    Requirement,
    Vendor,
    VendorJoinRequest,
    VendorReference,
    VendorVerification,
)
from marketplace.visibility import SECTION_FIELDS, redact, vendor_profile_sections


def behalf_reason_field() -> serializers.CharField:
    return serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text=_(
            "Required from a coordinator acting for the firm or organization, which is told the reason."
        ),
    )


# DRF formats these with str.format: {max_length} is the maximum.
TOO_MANY = {"max_length": _("Give at most {max_length} values here. Remove some, then send again.")}


def capped_list(*, max_length: int, **kwargs) -> serializers.ListField:
    """A list input with its maximum (tests/security/test_input_caps.py requires one on every list input)."""
    return serializers.ListField(max_length=max_length, error_messages=TOO_MANY, **kwargs)


class CodeListField(serializers.ManyRelatedField):
    """Several regions or expertise codes: DRF's many=True field, with a maximum like every list input."""

    default_error_messages = TOO_MANY

    def __init__(self, *, max_length: int, **kwargs) -> None:
        self.max_length = max_length
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, (list, tuple)) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class CodeRelatedField(serializers.SlugRelatedField):
    """A region or an expertise given by its code."""

    def to_internal_value(self, data):
        # PostgreSQL refuses a NUL character even in a lookup (a 500); no code contains one anyway.
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", "\\x00"))
        return super().to_internal_value(data)


def code_field(model, *, max_length: int, **kwargs) -> CodeListField:
    return CodeListField(
        child_relation=CodeRelatedField(slug_field="code", queryset=model.objects.all()),
        max_length=max_length,
        **kwargs,
    )


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
    region = CodeRelatedField(
        slug_field="code", queryset=Region.objects.all(), allow_null=True, required=False
    )


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
            "id",
            "key",
            *Vendor.REQUIRED_PROFILE_FIELDS,
            "certifications",
            "references",
            "is_sme",
            "is_active",
            "is_verified",
            "contact_name",
            "contact_email",
            "contact_phone",
            "public_profile",
            "created_at",
            "updated_at",
        ]

    def get_fields(self) -> dict:
        fields = super().get_fields()
        for names in SECTION_FIELDS.values():
            for name in names:
                # A hidden section is null (to_representation), as the schema says.
                fields[name].allow_null = True
        return fields

    def to_representation(self, vendor: Vendor) -> dict:
        return redact(super().to_representation(vendor), sections=vendor_profile_sections(vendor=vendor))


class VendorInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    neq = serializers.RegexField(
        r"^\d{10}$", error_messages={"invalid": _("A Quebec enterprise number (NEQ) has exactly 10 digits.")}
    )
    description = serializers.CharField(max_length=5000)
    languages = capped_list(
        child=serializers.ChoiceField(choices=Language.choices),
        allow_empty=False,
        max_length=len(Language.choices),
    )
    regions = code_field(Region, allow_empty=False, max_length=MAX_REGIONS)
    employees = serializers.IntegerField(min_value=1, max_value=1_000_000)
    founded = serializers.IntegerField(min_value=1800, max_value=2100)
    expertise = code_field(Expertise, allow_empty=False, max_length=MAX_EXPERTISE)
    certifications = capped_list(
        child=serializers.CharField(max_length=120), required=False, max_length=MAX_CERTIFICATIONS
    )
    references = VendorReferenceSerializer(
        many=True, required=False, max_length=MAX_REFERENCES, error_messages=TOO_MANY
    )
    is_active = serializers.BooleanField(required=False)
    is_verified = serializers.BooleanField(required=False)
    contact_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    public_profile = capped_list(
        child=serializers.ChoiceField(choices=ProfileSection.choices),
        required=False,
        allow_empty=True,
        max_length=len(ProfileSection.choices),
        help_text=_("The sections anyone may see; the contact person is hidden unless listed."),
    )
    reason = behalf_reason_field()

    def validate_neq(self, value: str) -> str:
        vendors = Vendor.objects.filter(neq=value)
        if self.instance is not None:
            vendors = vendors.exclude(pk=self.instance.pk)
        if vendors.exists():
            raise serializers.ValidationError(_("Another vendor is already registered with this NEQ."))
        return value


# More than enough for any grid (public bodies use 3 to 10 criteria); a cap like every list input.
MAX_CRITERIA = 20


class EvaluationCriterionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationCriterion
        fields = ["position", "title", "description", "weight", "has_minimum"]


class ChallengeAddendumOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChallengeAddendum
        fields = ["number", "summary", "grid_before", "grid_after", "created_at"]


class ChallengeOutputSerializer(serializers.ModelSerializer):
    organization = OrganizationOutputSerializer(read_only=True)
    criteria = EvaluationCriterionOutputSerializer(many=True, read_only=True)
    addenda = ChallengeAddendumOutputSerializer(many=True, read_only=True)
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    expertise = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    awarded_vendor = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Challenge
        fields = [
            "id",
            "key",
            "organization",
            "title",
            "description",
            "language",
            "expertise",
            "regions",
            "budget_min",
            "budget_max",
            "currency",
            "deadline",
            "required_languages",
            "required_certifications",
            "max_employees",
            "mandatory_requirements",
            "on_site",
            "award_mode",
            "k_factor",
            "criteria",
            "addenda",
            "status",
            "awarded_vendor",
            "published_at",
            "created_at",
            "updated_at",
        ]


class CriterionInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    weight = serializers.IntegerField(
        min_value=1, max_value=100, help_text=_("Percent; the weights add up to 100.")
    )
    has_minimum = serializers.BooleanField(
        required=False, default=False, help_text=_("A score under 70 on this criterion rejects the proposal.")
    )


def award_mode_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=AwardMode.choices,
        help_text=_("How proposals are compared (docs/evaluation.md)."),
        **kwargs,
    )


def k_factor_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0,
        max_value=100,
        allow_null=True,
        required=False,
        help_text=_("Lowest adjusted price only: from 15 to 30 (percent)."),
        **kwargs,
    )


def criteria_field(**kwargs) -> serializers.ListField:
    return capped_list(
        child=CriterionInputSerializer(),
        max_length=MAX_CRITERIA,
        help_text=_("The whole grid, in order: it replaces the criteria there were."),
        **kwargs,
    )


class ChallengeInputSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False)
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(max_length=10000)
    language = serializers.ChoiceField(choices=Language.choices)
    expertise = code_field(Expertise, allow_empty=False, max_length=MAX_EXPERTISE)
    regions = code_field(Region, required=False, max_length=MAX_REGIONS)
    budget_min = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    budget_max = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    deadline = serializers.DateField()
    required_languages = capped_list(
        child=serializers.ChoiceField(choices=Language.choices),
        required=False,
        max_length=len(Language.choices),
    )
    required_certifications = capped_list(
        child=serializers.CharField(max_length=120), required=False, max_length=MAX_REQUIRED_CERTIFICATIONS
    )
    max_employees = serializers.IntegerField(min_value=1, allow_null=True, required=False)
    mandatory_requirements = capped_list(
        child=serializers.ChoiceField(choices=Requirement.choices),
        required=False,
        max_length=len(Requirement.choices),
        help_text=_(
            "The requirements that are filters: a firm that fails one is never proposed and cannot ask to be "
            "introduced. The others only lower a firm's rank. A new challenge without this field has "
            '"languages" mandatory.'
        ),
    )
    on_site = serializers.BooleanField(required=False)
    # A draft may leave the grid incomplete; submitting and publishing check it (docs/evaluation.md).
    award_mode = award_mode_field(required=False, allow_blank=True)
    k_factor = k_factor_field()
    criteria = criteria_field(required=False)
    reason = behalf_reason_field()

    def validate(self, attrs: dict) -> dict:
        budget_min = attrs.get("budget_min", getattr(self.instance, "budget_min", None))
        budget_max = attrs.get("budget_max", getattr(self.instance, "budget_max", None))
        if budget_min is not None and budget_max is not None and budget_max < budget_min:
            raise serializers.ValidationError(
                {"budget_max": _("The maximum budget must be greater than or equal to the minimum budget.")}
            )
        return attrs


class ChallengeGridAmendInputSerializer(serializers.Serializer):
    award_mode = award_mode_field()
    k_factor = k_factor_field(default=None)
    criteria = criteria_field(required=False, default=list)
    summary = serializers.CharField(
        max_length=2000, help_text=_("What changes and why, as the introduced firms will read it.")
    )
    reason = behalf_reason_field()


class ChallengeDeleteInputSerializer(serializers.Serializer):
    reason = behalf_reason_field()


class ChallengeTransitionInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class JoinRequestCreateInputSerializer(serializers.Serializer):
    neq = serializers.CharField(
        max_length=10, help_text=_("The enterprise number (NEQ) of the firm on Maillage to join.")
    )
    message = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text=_("A few words for the firm's members: who you are, why you join."),
    )


class JoinRequestDecideInputSerializer(serializers.Serializer):
    DECISIONS = [("accept", _("Accept")), ("refuse", _("Refuse"))]

    decision = serializers.ChoiceField(choices=DECISIONS)
    reason = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text=_("Why the request is refused, told to the requester; ignored when it is accepted."),
    )


class JoinRequestOutputSerializer(serializers.ModelSerializer):
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    requester_name = serializers.SerializerMethodField()
    requester_email = serializers.EmailField(source="requester.email", read_only=True)

    class Meta:
        model = VendorJoinRequest
        fields = [
            "id",
            "vendor",
            "vendor_name",
            "requester",
            "requester_name",
            "requester_email",
            "message",
            "status",
            "refusal_reason",
            "decided_at",
            "created_at",
        ]

    def get_requester_name(self, join_request: VendorJoinRequest) -> str:
        requester = join_request.requester
        return requester.get_full_name() or requester.get_username()


class VendorVerificationInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=VendorVerification.Decision.choices)
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required to refuse: the firm's members are told it, in their language."),
    )


class VendorVerificationOutputSerializer(serializers.ModelSerializer):
    """A decision, and the register's evidence the coordinator saw when they made it."""

    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = VendorVerification
        fields = [
            "id",
            "vendor",
            "decision",
            "reason",
            "decided_by",
            "decided_at",
            "vendor_name",
            "vendor_neq",
            "name_match",
            "register_name",
            "register_status",
            "register_status_date",
            "extract_date",
        ]
