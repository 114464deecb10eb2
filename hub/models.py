import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Role(models.TextChoices):
        MINISTRY_MEMBER = "ministry", _("Public organization member")
        VENDOR_MEMBER = "vendor", _("Vendor member")
        COORDINATOR = "coordinator", _("Hub coordinator")
        ADMINISTRATOR = "admin", _("Administrator")

    class EmailFrequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY_DIGEST = "daily_digest", _("Once a day, in a digest")
        OFF = "off", _("Never")

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VENDOR_MEMBER)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )
    email_frequency = models.CharField(
        _("notification emails"),
        max_length=16,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATE,
    )

    # Coordinators and administrators (and superusers, whatever their role) see and decide everything on
    # the hub. hub.selectors.coordinator_list finds them with the same rule.
    COORDINATOR_ROLES = (Role.COORDINATOR, Role.ADMINISTRATOR)
    # What the account says about its owner: the API's /me shows it, the personal-data download includes it.
    ACCOUNT_FIELDS = (
        "id",
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "preferred_language",
        "email_frequency",
    )

    class Meta(AbstractUser.Meta):
        constraints = [
            # One account per address: password resets, notifications and allauth's email confirmation rely on it.
            # Empty stays allowed (an anonymized account has none).
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_unique_email",
                violation_error_code="email_taken",
                violation_error_message=_(
                    "Another account already uses this email address. Enter an address of your own."
                ),
            )
        ]

    @property
    def is_coordinator(self) -> bool:
        """Coordinators and administrators see and decide everything on the hub."""
        return self.is_authenticated and (self.is_superuser or self.role in self.COORDINATOR_ROLES)


class Organization(models.Model):
    """A public body that posts challenges."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        AGENCY = "agency", _("Agency")
        MUNICIPALITY = "municipality", _("Municipality")
        HEALTH = "health", _("Health and social services")
        EDUCATION = "education", _("Education")
        CROWN = "crown", _("Crown corporation")

    key = models.SlugField(_("catalogue key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # A string reference, not an import: regions belong to the marketplace app.
    region = models.ForeignKey(
        "marketplace.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    members = models.ManyToManyField(
        User, verbose_name=_("members"), related_name="organizations", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("public organization")
        verbose_name_plural = _("public organizations")

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """An in-app message to one user, stored in the recipient's language at the time it was sent."""

    class Kind(models.TextChoices):
        CHALLENGE_MATCH = "challenge_match", _("New challenge matching a saved search")
        CHALLENGE_PUBLISHED = "challenge_published", _("Challenge published")
        PROPOSALS_READY = "proposals_ready", _("Proposals to review")
        INTRODUCTION = "introduction", _("Introduction")
        INTEREST = "interest", _("Vendor interested")
        DECLINE = "decline", _("Vendor declined")
        QUESTION_ASKED = "question_asked", _("Question received")
        CLARIFICATION = "clarification", _("Clarification published")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        AWARDED = "awarded", _("Challenge awarded")
        NOT_SELECTED = "not_selected", _("Not selected")
        MILESTONE_DELIVERED = "milestone_delivered", _("Milestone delivered")
        MILESTONE_ACCEPTED = "milestone_accepted", _("Milestone accepted")
        PAYOUT_PAID = "payout_paid", _("Payment sent")
        PAYOUT_FAILED = "payout_failed", _("Payment failed")
        PAYOUT_CANCELLED = "payout_cancelled", _("Payment cancelled")
        ENGAGEMENT_AMENDED = "engagement_amended", _("Engagement amended")
        CHALLENGE_RETURNED = "challenge_returned", _("Challenge returned to draft")
        CHALLENGE_CLOSED = "challenge_closed", _("Challenge closed")
        CHALLENGE_CANCELLED = "challenge_cancelled", _("Challenge cancelled")
        VENDOR_TO_VERIFY = "vendor_to_verify", _("Vendor to verify")
        ON_BEHALF = "on_behalf", _("Done on your behalf by the hub")
        MEMBER_JOINED = "member_joined", _("New member")
        JOIN_REQUEST = "join_request", _("Request to join your firm")
        JOIN_REQUEST_DECIDED = "join_request_decided", _("Answer to your request to join a firm")
        VENDOR_VERIFICATION = "vendor_verification", _("Verification of your firm")
        PROPOSALS_RECEIVED = "proposals_received", _("Proposals received at the deadline")
        DEADLINE_PASSED = "deadline_passed", _("Deadline passed")
        GRID_AMENDED = "grid_amended", _("Evaluation grid changed (addendum)")
        COMMITTEE_NAMED = "committee_named", _("Named to a selection committee")
        DEBRIEF = "debrief", _("Debrief of an award")
        INTRODUCTION_REQUESTED = "introduction_requested", _("A firm asks to be introduced")
        INTRODUCTION_REQUEST_REJECTED = (
            "introduction_request_rejected",
            _("Request to be introduced declined"),
        )

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # The language of title and body: the recipient's preferred one when it was sent. Pages in the other
    # language mark the texts with it.
    language = models.CharField(_("language"), max_length=2, default="fr")
    # What the notification is about, e.g. "challenge-match:42": the same event never notifies twice.
    dedupe_key = models.CharField(_("deduplication key"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Set once the notification went out by email, alone or in a digest: it is never emailed twice.
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], name="notification_unique_user_dedupe_key")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class AuditEntry(models.Model):
    """One state change of a workflow object: who, when, from what to what, why. Append-only.

    The app only ever inserts rows; on PostgreSQL a trigger also refuses UPDATE and DELETE, except what deleting
    an account at the person's request changes (hub.services.user_delete, hub/migrations/0011)."""

    # What replaces the words a person typed (`reason`) when they have their account deleted (Law 25). Stored
    # as written here, which the trigger checks; shown in the reader's language (reason_display).
    REASON_ERASED = gettext_noop("Text erased at the request of the person concerned (Law 25).")
    REASON_ANONYMIZED = gettext_noop("Deleted at the user's request (Law 25).")
    # What changed, and why: the API's audit log and the actor's personal-data download both show it.
    CHANGE_FIELDS = ("object_type", "object_id", "action", "from_state", "to_state", "reason")

    actor = models.ForeignKey(User, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL)
    # Kept when the actor's account is later anonymized or deleted, so the log stays readable.
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.BigIntegerField(_("object id"))
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=32, blank=True)
    to_state = models.CharField(_("to"), max_length=32, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # A coordinator who acts for a party (a firm, an organization) is the actor; the party is named here.
    on_behalf_of = models.CharField(
        _("on behalf of"),
        max_length=300,
        blank=True,
        help_text=_("The firm or organization the actor acted for."),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} {self.from_state}→{self.to_state}"

    @property
    def reason_display(self) -> str:
        """The reason as typed, or the hub's own fixed texts in the reader's language."""
        return (
            gettext(self.reason)
            if self.reason in {self.REASON_ERASED, self.REASON_ANONYMIZED}
            else self.reason
        )


class Consent(models.Model):
    """One consent given or withdrawn by a user, for one version of what they agreed to. Append-only.

    The current state of a consent is the user's latest record of that kind; older records stay as
    proof of what was agreed to, and when (Quebec's Law 25). On PostgreSQL a trigger refuses UPDATE
    and DELETE."""

    class Kind(models.TextChoices):
        TERMS = "terms", _("Terms of use and privacy policy")
        NOTIFICATIONS = "notifications", _("Notification emails")

    # PROTECT: a user is anonymized, never deleted, so the proof of consent outlives the identity.
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    version = models.CharField(_("version"), max_length=32)
    granted = models.BooleanField(_("granted"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "kind", "-created_at"])]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} v{self.version} {'granted' if self.granted else 'withdrawn'}"


class ConfidentialityIncident(models.Model):
    """An entry of the register of confidentiality incidents that Quebec's Law 25 requires.

    Its fields follow the Regulation respecting confidentiality incidents (section 11)."""

    occurred_at = models.DateTimeField(
        _("occurred at"),
        null=True,
        blank=True,
        help_text=_("When the incident happened or began; empty if unknown."),
    )
    discovered_at = models.DateTimeField(_("discovered at"), help_text=_("When the hub became aware of it."))
    description = models.TextField(_("description"), help_text=_("The circumstances of the incident."))
    personal_information = models.TextField(
        _("personal information concerned"),
        help_text=_("Which personal information is involved, or why it cannot be described."),
    )
    people_affected = models.PositiveIntegerField(
        _("people affected"),
        null=True,
        blank=True,
        help_text=_("How many people are concerned; empty if unknown."),
    )
    risk_of_serious_injury = models.BooleanField(_("risk of serious injury"), default=False)
    risk_assessment = models.TextField(
        _("risk assessment"),
        blank=True,
        help_text=_(
            "The sensitivity of the information, the consequences to expect and how likely misuse is."
        ),
    )
    measures_taken = models.TextField(
        _("measures taken"), blank=True, help_text=_("What was done to reduce the risk of injury.")
    )
    reported_to_commission_at = models.DateField(
        _("reported to the Commission d'accès à l'information on"), null=True, blank=True
    )
    people_notified_at = models.DateField(_("people concerned notified on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-discovered_at", "-id"]
        verbose_name = _("confidentiality incident")
        verbose_name_plural = _("confidentiality incidents")

    def __str__(self) -> str:
        return f"{self.discovered_at:%Y-%m-%d} — {self.description[:60]}"

    def clean(self) -> None:
        if self.occurred_at and self.discovered_at and self.occurred_at > self.discovered_at:
            raise ValidationError(
                {
                    "discovered_at": _(
                        "An incident cannot be discovered before it occurred. Check both dates."
                    )
                },
                code="incident_dates",
            )


class ApiToken(models.Model):
    """A key to the API for one user and one client. Only a digest of the key is stored: whoever reads the
    database cannot use it. Tokens expire (API_TOKEN_LIFETIME_DAYS) and die with the password."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    # The key's first characters, shown so that a person can tell their tokens apart; not enough to use one.
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.label})" if self.label else f"{self.prefix}…"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @staticmethod
    def digest_of(key: str) -> str:
        # A plain SHA-256 suffices: the key is 256 random bits, not a password that could be guessed.
        return hashlib.sha256(key.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation to join a party (an organization, a firm) sent to an email address. Single use, it expires
    (INVITATION_LIFETIME_DAYS) and can be revoked. Only a digest of its key is stored, as for ApiToken: the
    emailed link carries the key, and whoever reads the database cannot use it.

    Abstract: OrganizationInvitation (here) and marketplace.VendorInvitation name their party in PARTY_FIELD and
    the role their members have in MEMBER_ROLE; hub.services' invitation_* functions serve both."""

    PARTY_FIELD: str
    MEMBER_ROLE: str

    email = models.EmailField(_("email"))
    invited_by = models.ForeignKey(
        User, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The invitation email's language: the invited person's own if they have an account, the inviter's otherwise.
    language = models.CharField(_("language"), max_length=2, default="fr")
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.email

    @property
    def party(self) -> models.Model:
        return getattr(self, self.PARTY_FIELD)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    digest_of = staticmethod(ApiToken.digest_of)


class OrganizationInvitation(Invitation):
    PARTY_FIELD = "organization"
    MEMBER_ROLE = User.Role.MINISTRY_MEMBER

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("public organization"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )

    class Meta(Invitation.Meta):
        verbose_name = _("invitation to a public organization")
        verbose_name_plural = _("invitations to public organizations")
