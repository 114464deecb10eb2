from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from hub.models import Invitation, User

# Quebec's SME definition: a firm under 500 employees.
SME_MAX_EMPLOYEES = 499

# The most values a list input takes (the input serializers, hence the API, the pages and the live reach):
# more than any real profile or challenge needs, and a bound on the work one request asks of the database
# and the search engine (each required certification adds two aggregations to the reach).
MAX_CERTIFICATIONS = 30
MAX_REQUIRED_CERTIFICATIONS = 10
MAX_REFERENCES = 20
MAX_EXPERTISE = 20
MAX_REGIONS = 17  # Quebec's administrative regions.


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


neq_validator = RegexValidator(
    r"^\d{10}$",
    _("A Quebec enterprise number (NEQ) has exactly 10 digits."),
    code="invalid_neq",
)


def validate_languages(value: list) -> None:
    if not isinstance(value, list) or any(item not in Language.values for item in value):
        raise ValidationError(
            _("Languages must be a list of language codes among: %(codes)s.")
            % {"codes": ", ".join(Language.values)},
            code="invalid_languages",
        )


def validate_text_list(value: list) -> None:
    if not isinstance(value, list) or any(not isinstance(item, str) or not item.strip() for item in value):
        raise ValidationError(_("This must be a list of non-empty texts."), code="invalid_text_list")


class Requirement(models.TextChoices):
    """A challenge's requirements the ministry may make mandatory (a filter) rather than preferred (a gap)."""

    LANGUAGES = "languages", _("Delivery languages")
    CERTIFICATIONS = "certifications", _("Certifications")
    REGIONS = "regions", _("Regions")
    MAX_EMPLOYEES = "max_employees", _("SME ceiling")


# A new challenge written through the pages or the API: delivery in the required languages is mandatory
# unless the ministry relaxes it (the Charter of the French language binds the public administration).
DEFAULT_MANDATORY_REQUIREMENTS = [Requirement.LANGUAGES.value]


def validate_requirements(value: list) -> None:
    if (
        not isinstance(value, list)
        or any(item not in Requirement.values for item in value)
        or len(set(value)) != len(value)
    ):
        raise ValidationError(
            _("Mandatory requirements must be a list, without repetition, of codes among: %(codes)s.")
            % {"codes": ", ".join(Requirement.values)},
            code="invalid_requirements",
        )


class BilingualLabel(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    label_fr = models.CharField(_("French label"), max_length=255)
    label_en = models.CharField(_("English label"), max_length=255)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "fr").startswith("en") else self.label_fr


class Region(BilingualLabel):
    """One of Quebec's 17 administrative regions."""

    class Meta(BilingualLabel.Meta):
        verbose_name = _("administrative region")
        verbose_name_plural = _("administrative regions")


class Expertise(BilingualLabel):
    """A coarse code of the expertise taxonomy."""

    class Meta(BilingualLabel.Meta):
        verbose_name = _("expertise")
        verbose_name_plural = _("expertise taxonomy")


class ProfileSection(models.TextChoices):
    """The parts of a vendor's profile its members may show or hide on the public profile."""

    DESCRIPTION = "description", _("Description")
    REFERENCES = "references", _("References")
    CERTIFICATIONS = "certifications", _("Certifications")
    REGIONS = "regions", _("Regions served")
    EMPLOYEES = "employees", _("Number of employees")
    CONTACT = "contact", _("Contact person")


def default_public_profile() -> list[str]:
    # Privacy by default (Law 25): the contact person is personal information, shown only if chosen.
    return [section for section in ProfileSection.values if section != ProfileSection.CONTACT]


def validate_profile_sections(value: list) -> None:
    if not isinstance(value, list) or any(item not in ProfileSection.values for item in value):
        raise ValidationError(
            _("The public profile is a list of sections among: %(sections)s.")
            % {"sections": ", ".join(ProfileSection.values)},
            code="invalid_profile_sections",
        )


class Vendor(models.Model):
    """An SME that offers its expertise to public organizations."""

    # What every firm's profile has: the API and the pages require it (VendorInputSerializer), the catalogue
    # import too.
    REQUIRED_PROFILE_FIELDS = (
        "name",
        "neq",
        "description",
        "languages",
        "regions",
        "employees",
        "founded",
        "expertise",
    )

    key = models.SlugField(_("catalogue key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    neq = models.CharField(
        _("enterprise number (NEQ)"), max_length=10, unique=True, validators=[neq_validator]
    )
    description = models.TextField(_("description"))
    languages = models.JSONField(_("delivery languages"), default=list, validators=[validate_languages])
    regions = models.ManyToManyField(Region, verbose_name=_("regions served"), related_name="vendors")
    employees = models.PositiveIntegerField(_("employees"), validators=[MinValueValidator(1)])
    founded = models.PositiveSmallIntegerField(
        _("founding year"), validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    expertise = models.ManyToManyField(Expertise, verbose_name=_("expertise"), related_name="vendors")
    certifications = models.JSONField(
        _("certifications"), default=list, blank=True, validators=[validate_text_list]
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_verified = models.BooleanField(
        _("verified"), default=False, help_text=_("A coordinator checked the firm's identity and NEQ.")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="vendors", blank=True
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    public_profile = models.JSONField(
        _("public profile"),
        default=default_public_profile,
        blank=True,
        validators=[validate_profile_sections],
        help_text=_(
            "The sections anyone may see; the firm's members and the hub's coordinators see everything."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")

    def __str__(self) -> str:
        return self.name

    @property
    def is_sme(self) -> bool:
        return self.employees <= SME_MAX_EMPLOYEES


class VendorInvitation(Invitation):
    PARTY_FIELD = "vendor"
    MEMBER_ROLE = User.Role.VENDOR_MEMBER

    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="invitations"
    )

    class Meta(Invitation.Meta):
        verbose_name = _("invitation to a firm")
        verbose_name_plural = _("invitations to firms")


class VendorJoinRequest(models.Model):
    """Someone asking to join a firm already on Maillage (they typed its NEQ); its members accept or refuse."""

    class Status(models.TextChoices):
        # A request ("une demande", feminine in French): its own words, not other statuses'.
        PENDING = "pending", pgettext_lazy("join request", "Waiting for an answer")
        ACCEPTED = "accepted", pgettext_lazy("join request", "Accepted")
        REFUSED = "refused", pgettext_lazy("join request", "Refused")
        WITHDRAWN = "withdrawn", pgettext_lazy("join request", "Withdrawn")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.CASCADE,
        related_name="vendor_join_requests",
    )
    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusing"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("request to join a firm")
        verbose_name_plural = _("requests to join a firm")
        constraints = [
            # One question at a time: asking again while a request waits would only repeat it.
            models.UniqueConstraint(
                fields=["requester", "vendor"],
                condition=models.Q(status="pending"),
                name="join_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.requester_id} → {self.vendor_id} ({self.status})"


class VendorReference(models.Model):
    """A past engagement the vendor cites as evidence of its expertise."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="references")
    client = models.CharField(_("client"), max_length=255)
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )

    class Meta:
        ordering = ["id"]  # As the vendor listed them.
        verbose_name = _("reference")
        verbose_name_plural = _("references")

    def __str__(self) -> str:
        return f"{self.client} — {self.title}"


class AwardMode(models.TextChoices):
    """The award modes of Quebec's public-contract rules (docs/evaluation.md)."""

    PRICE = "price", _("Lowest price")
    QUALITY_THEN_PRICE = "quality_then_price", _("Minimum quality, then lowest price")
    ADJUSTED_PRICE = "adjusted_price", _("Lowest adjusted price (quality–price ratio)")
    QUALITY = "quality", _("Quality only")


class Challenge(models.Model):
    """A digital-transformation need posted by a public organization."""

    # What every challenge states: the API and the pages require it (ChallengeInputSerializer), the catalogue
    # import too (with the organization, which a member's own challenge need not name).
    REQUIRED_FIELDS = (
        "title",
        "description",
        "language",
        "expertise",
        "budget_min",
        "budget_max",
        "deadline",
    )

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for publication")
        PUBLISHED = "published", _("Published")
        # The deadline passed with proposals received: they are opened and the committee evaluates them.
        EVALUATION = "evaluation", _("Under evaluation")
        CLOSED = "closed", _("Closed")
        AWARDED = "awarded", _("Awarded")
        CANCELLED = "cancelled", _("Cancelled")

    key = models.SlugField(_("catalogue key"), max_length=64, unique=True)
    organization = models.ForeignKey(
        "hub.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"))
    language = models.CharField(_("posting language"), max_length=2, choices=Language.choices)
    expertise = models.ManyToManyField(Expertise, verbose_name=_("expertise"), related_name="challenges")
    regions = models.ManyToManyField(
        Region,
        verbose_name=_("regions"),
        related_name="challenges",
        blank=True,
        help_text=_("Empty means anywhere."),
    )
    budget_min = models.DecimalField(_("minimum budget (CAD)"), max_digits=12, decimal_places=2)
    budget_max = models.DecimalField(_("maximum budget (CAD)"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CAD", editable=False)
    deadline = models.DateField(_("deadline"))
    required_languages = models.JSONField(
        _("required delivery languages"), default=list, blank=True, validators=[validate_languages]
    )
    required_certifications = models.JSONField(
        _("required certifications"), default=list, blank=True, validators=[validate_text_list]
    )
    max_employees = models.PositiveIntegerField(
        _("SME ceiling (employees)"), null=True, blank=True, help_text=_("Empty means no ceiling.")
    )
    # The requirements listed here are filters (a firm that fails one is never proposed and cannot ask to be
    # introduced); the others are preferences that only lower a firm's rank. Empty: every one is preferred,
    # as a catalogue file without the flag means (marketplace.catalog).
    mandatory_requirements = models.JSONField(
        _("mandatory requirements"), default=list, blank=True, validators=[validate_requirements]
    )
    on_site = models.BooleanField(_("on-site work"), default=False)
    # How proposals are compared (docs/evaluation.md); empty until the organization chooses, and a challenge
    # takes no proposal before it has. Where quality counts, the criteria are the challenge's `criteria`.
    award_mode = models.CharField(_("award mode"), max_length=24, choices=AwardMode.choices, blank=True)
    k_factor = models.PositiveSmallIntegerField(
        _("K factor (%)"),
        null=True,
        blank=True,
        help_text=_(
            "For the lowest adjusted price only: how much more, in percent, a better proposal may cost."
        ),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    awarded_vendor = models.ForeignKey(
        Vendor,
        verbose_name=_("awarded vendor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # When the deadline's closing opened the sealed proposals; before it, nobody at the organization sees one.
    proposals_opened_at = models.DateTimeField(_("proposals opened at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_min__gte=0) & models.Q(budget_max__gte=models.F("budget_min")),
                name="challenge_budget_range_valid",
            ),
        ]
        # Lists page through challenges newest first: read in index order, not sorted whole each time.
        indexes = [
            models.Index(fields=["-published_at", "-created_at", "-id"], name="challenge_newest_first")
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.budget_min is not None and self.budget_max is not None and self.budget_max < self.budget_min:
            raise ValidationError(
                {"budget_max": _("The maximum budget must be greater than or equal to the minimum budget.")},
                code="budget_range",
            )

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def is_mandatory(self, requirement: str) -> bool:
        return requirement in self.mandatory_requirements


class EvaluationCriterion(models.Model):
    """One criterion of a challenge's evaluation grid, scored 0–100 by the selection committee."""

    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("criterion"), max_length=255)
    description = models.TextField(_("what the committee looks for"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    # A proposal scoring under the acceptable level (70) on such a criterion is rejected, whatever its total.
    has_minimum = models.BooleanField(_("minimum of 70 required"), default=False)

    class Meta:
        ordering = ["challenge", "position", "id"]
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "position"], name="criterion_unique_position"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1) & models.Q(weight__lte=100), name="criterion_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.weight} %)"


class ChallengeAddendum(models.Model):
    """A change to a published challenge's award mode or grid, told to every introduced firm."""

    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="addenda"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    summary = models.TextField(_("what changed and why"))
    # The award mode, K factor and criteria before and after, as the public saw them.
    grid_before = models.JSONField(_("grid before"), default=dict)
    grid_after = models.JSONField(_("grid after"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["challenge", "number"]
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        constraints = [models.UniqueConstraint(fields=["challenge", "number"], name="addendum_unique_number")]

    def __str__(self) -> str:
        return f"{self.challenge} — {self.number}"


class RelevanceJudgment(models.Model):
    """A graded (challenge, vendor) pair from a catalogue, used to evaluate the matcher."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="judgments")
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="judgments")
    grade = models.PositiveSmallIntegerField(validators=[MaxValueValidator(3)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["challenge", "vendor"], name="judgment_unique_pair")]

    def __str__(self) -> str:
        return f"{self.challenge_id} / {self.vendor_id}: {self.grade}"


class EmployeeRange:
    """The register's employee-count ranges, as it writes them: the label and its bounds (None: no upper bound)."""

    BOUNDS: dict[str, tuple[int, int | None]] = {
        "Aucun": (0, 0),
        "1 à 5": (1, 5),
        "6 à 10": (6, 10),
        "11 à 25": (11, 25),
        "26 à 49": (26, 49),
        "50 à 99": (50, 99),
        "100 à 249": (100, 249),
        "250 à 499": (250, 499),
        "500 à 749": (500, 749),
        "750 à 999": (750, 999),
        "1 000 à 2 499": (1000, 2499),
        "2 500 à 4 999": (2500, 4999),
        "5 000 et plus": (5000, None),
    }

    @classmethod
    def bounds(cls, label: str) -> tuple[int, int | None] | None:
        """The lower and upper bounds of a range as the register writes it, or None for an unknown range."""
        return cls.BOUNDS.get(" ".join(label.split()))


class EnterpriseRegisterEntry(models.Model):
    """One line of the Quebec enterprise register's extract, as the hub last imported it (the evidence the
    coordinators verify a firm against)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered (immatriculée)")
        STRUCK_OFF_EX_OFFICIO = "struck_off_ex_officio", _("Struck off ex officio")
        STRUCK_OFF_ON_REQUEST = "struck_off_on_request", _("Struck off on request")

    neq = models.CharField(
        _("enterprise number (NEQ)"), max_length=10, unique=True, validators=[neq_validator]
    )
    legal_name = models.CharField(_("legal name"), max_length=255)
    other_names = models.JSONField(
        _("other names"), default=list, blank=True, validators=[validate_text_list]
    )
    status = models.CharField(
        _("registration status"), max_length=32, choices=Status.choices, default=Status.REGISTERED
    )
    status_date = models.DateField(_("status date"))
    postal_code = models.CharField(_("registered office's postal code"), max_length=7)
    employees_range = models.CharField(_("employee-count range"), max_length=32)
    employees_min = models.PositiveIntegerField(_("fewest employees"))
    employees_max = models.PositiveIntegerField(_("most employees"), null=True, blank=True)
    activity_code = models.CharField(_("economic-activity code"), max_length=16, blank=True)
    extract_date = models.DateField(_("extract date"))
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        ordering = ["neq"]
        verbose_name = _("enterprise register entry")
        verbose_name_plural = _("enterprise register extract")

    def __str__(self) -> str:
        return f"{self.neq} {self.legal_name}"

    @property
    def is_struck_off(self) -> bool:
        return self.status != self.Status.REGISTERED


class VendorVerification(models.Model):
    """A coordinator's decision on a firm's identity, and the register's evidence as they saw it then (so the
    audit shows what the decision rested on, whatever the extract says later)."""

    class Decision(models.TextChoices):
        VERIFIED = "verified", _("Verified")
        REFUSED = "refused", _("Refused")

    class NameMatch(models.TextChoices):
        EXACT = "exact", _("Same name")
        CLOSE = "close", _("Close name")
        DIFFERENT = "different", _("Different name")
        NO_EVIDENCE = "no_evidence", _("Not in the register's extract")

    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="verifications"
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"))
    # What the firm declared and what the register said, when the coordinator decided.
    vendor_name = models.CharField(_("declared name"), max_length=255)
    vendor_neq = models.CharField(_("declared NEQ"), max_length=10)
    name_match = models.CharField(_("name match"), max_length=16, choices=NameMatch.choices)
    register_name = models.CharField(_("register's name"), max_length=255, blank=True)
    register_status = models.CharField(
        _("registration status"), max_length=32, choices=EnterpriseRegisterEntry.Status.choices, blank=True
    )
    register_status_date = models.DateField(_("status date"), null=True, blank=True)
    extract_date = models.DateField(_("extract date"), null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("verification decision")
        verbose_name_plural = _("verification decisions")

    def __str__(self) -> str:
        return f"{self.vendor_id} {self.decision} {self.decided_at:%Y-%m-%d}"


domain_validator = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Enter a domain name such as mcn.gouv.qc.ca, without @ or https://."),
    code="invalid_domain",
)


def validate_email_domains(value: object) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Give at least one email domain."), code="no_domain")
    for domain in value:
        if not isinstance(domain, str):
            raise ValidationError(_("Give each email domain as text."), code="invalid_domain")
        domain_validator(domain)


class OrganizationSignIn(models.Model):
    """An organization's own OpenID Connect provider: its members sign in with their work account.

    allauth reads the provider from `social_app` (provider "openid_connect"), where the client id and secret
    live; marketplace.services.organization_sign_in_configure keeps both in step."""

    organization = models.OneToOneField(
        "hub.Organization",
        verbose_name=_("public organization"),
        on_delete=models.CASCADE,
        related_name="sign_in",
    )
    social_app = models.OneToOneField(
        "socialaccount.SocialApp",
        verbose_name=_("allauth application"),
        on_delete=models.PROTECT,
        related_name="organization_sign_in",
        editable=False,
    )
    issuer = models.URLField(
        _("issuer"),
        help_text=_("The provider's address, such as https://login.example.gouv.qc.ca/realms/staff."),
    )
    email_domains = models.JSONField(
        _("allowed email domains"),
        default=list,
        validators=[validate_email_domains],
        help_text=_("Only verified addresses at these domains may sign in, such as mcn.gouv.qc.ca."),
    )
    is_enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organization sign-in")
        verbose_name_plural = _("organization sign-ins")

    def __str__(self) -> str:
        return str(self.organization)

    @property
    def provider_id(self) -> str:
        return self.social_app.provider_id

    @property
    def client_id(self) -> str:
        return self.social_app.client_id

    @property
    def issuer_origin(self) -> str:
        """Where the provider's pages are (scheme, host and port): the sign-in form is let to lead there."""
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"

    def allows(self, email: str) -> bool:
        return email.rpartition("@")[2].lower() in self.email_domains
