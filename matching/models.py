import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import MD5, Lower, Trim
from django.utils.translation import gettext_lazy as _

from matching.search.kinds import SearchKind


class OutboxEntry(models.Model):
    """A committed change still to be copied into the search index.

    Written in the same transaction as the change, deleted only once the index holds the state
    that was current after it, so nothing committed can miss the index (engine down, worker killed).
    """

    class Kind(models.TextChoices):
        VENDOR = SearchKind.VENDOR.value
        CHALLENGE = SearchKind.CHALLENGE.value
        REBUILD = "rebuild"  # Bulk imports: one full reindex instead of thousands of rows.

    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "outbox entries"

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id or ''}".strip()


class VendorExposure(models.Model):
    """How often a vendor was shown or proposed, per day and channel: is attention spread fairly?"""

    class Channel(models.TextChoices):
        MATCHES = "matches", _("Ranked for a challenge")
        PROPOSAL = "proposal", _("Proposed for a challenge")
        SEARCH = "search", _("Listed in a vendor search")

    vendor = models.ForeignKey("marketplace.Vendor", on_delete=models.CASCADE, related_name="exposures")
    day = models.DateField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "day", "channel"], name="vendor_exposure_unique_day_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.vendor_id} {self.day} {self.channel}: {self.count}"


class SavedSearch(models.Model):
    """A vendor member's challenge search, kept to be alerted when a newly published challenge matches it.

    Its query is stored in the percolator index (indexing.saved_search_index_sync), which finds the
    saved searches a challenge matches without running each of them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_searches",
    )
    vendor = models.ForeignKey(
        "marketplace.Vendor",
        verbose_name=_("vendor"),
        on_delete=models.CASCADE,
        related_name="saved_searches",
    )
    name = models.CharField(_("name"), max_length=120)
    query = models.CharField(_("search words"), max_length=200, blank=True)
    # The challenge-search filters, e.g. {"expertise": ["cloud"], "region": ["03"]}. Never "deadline":
    # its windows are relative to today, which a stored query cannot follow.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.name


class MatchProposal(models.Model):
    """A vendor proposed for a challenge, waiting for a coordinator's decision before any introduction."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        ON_HOLD = "on_hold", _("On hold")

    class Source(models.TextChoices):
        ENGINE = "engine", _("Proposed by the matcher")
        MANUAL = "manual", _("Added by a coordinator")
        VENDOR = "vendor", _("Asked by the firm")

    challenge = models.ForeignKey(
        "marketplace.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    vendor = models.ForeignKey(
        "marketplace.Vendor", verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="proposals"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.ENGINE)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    # What the engine saw when it proposed the vendor, kept as it was for the coordinator.
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The firm raised its hand ("Manifester notre intérêt"): on its own proposal (source VENDOR), or on one
    # the matcher or a coordinator had already made, which keeps its source.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    request_note = models.TextField(_("the firm's note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["challenge", "rank", "id"]
        verbose_name = _("match proposal")
        verbose_name_plural = _("match proposals")
        constraints = [models.UniqueConstraint(fields=["challenge", "vendor"], name="proposal_unique_pair")]

    def __str__(self) -> str:
        return f"{self.challenge} ↔ {self.vendor}"

    @property
    def is_requested(self) -> bool:
        """Whether the firm asked to be introduced."""
        return self.requested_at is not None


class Introduction(models.Model):
    """An approved pairing: the vendor and the public organization now know of each other."""

    class Status(models.TextChoices):
        INTRODUCED = "introduced", _("Introduced")
        INTERESTED = "interested", _("Interested")
        DECLINED = "declined", _("Declined")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        AWARDED = "awarded", _("Awarded")
        NOT_SELECTED = "not_selected", _("Not selected")

    proposal = models.OneToOneField(MatchProposal, on_delete=models.PROTECT, related_name="introduction")
    challenge = models.ForeignKey(
        "marketplace.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="introductions",
    )
    vendor = models.ForeignKey(
        "marketplace.Vendor", verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="introductions"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.INTRODUCED)
    pitch = models.TextField(_("pitch"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "vendor"], name="introduction_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.challenge} ↔ {self.vendor}"


DUPLICATE_QUESTION_MESSAGE = _(
    "This question has already been asked about this challenge. Its answer appears on the challenge's page, "
    "for every introduced firm, as soon as the organization gives it."
)


class Clarification(models.Model):
    """A question about a challenge and its answer, published to every introduced vendor.

    Who asked is never shown to vendors or to the organization, as public procurement expects."""

    challenge = models.ForeignKey(
        "marketplace.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="clarifications",
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")
        constraints = [
            # One question once per challenge, whatever its case or surrounding spaces: even two identical asks
            # sent at the same moment (a double submit) cannot both land. Hashed, as a question of up to 4,000
            # characters would not fit in an index entry.
            models.UniqueConstraint(
                "challenge",
                MD5(Lower(Trim("question"))),
                name="clarification_unique_question_per_challenge",
                violation_error_message=DUPLICATE_QUESTION_MESSAGE,
                violation_error_code="clarification_duplicate",
            )
        ]

    def __str__(self) -> str:
        return self.question[:80]

    # Its two states, as the audit log records them: asked until answered, then published.
    ASKED = "asked"
    PUBLISHED = "published"

    @property
    def status(self) -> str:
        return self.PUBLISHED if self.answered_at else self.ASKED


class Submission(models.Model):
    """An introduced firm's proposal for a challenge: sealed until the challenge's deadline.

    Before the deadline only the firm sees it (and may edit or withdraw it); at the deadline the submitted
    ones are opened to the organization's selection committee (Challenge.proposals_opened_at)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    challenge = models.ForeignKey(
        "marketplace.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    vendor = models.ForeignKey(
        "marketplace.Vendor", verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="submissions"
    )
    introduction = models.OneToOneField(Introduction, on_delete=models.PROTECT, related_name="submission")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    approach = models.TextField(_("approach"), blank=True)
    # [{"role": "...", "name": "..."}]: roles, and only the names the firm chooses to give.
    team = models.JSONField(_("team"), default=list, blank=True)
    # [{"title": "...", "week": 6, "amount": "25000.00"}]: deliverables, the week after the start each is due,
    # and its share of the price; the engagement's milestones are pre-filled from it.
    schedule = models.JSONField(_("schedule"), default=list, blank=True)
    # Before taxes; GST and QST are computed and shown apart.
    price = models.DecimalField(
        _("price before taxes (CAD)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["challenge", "submitted_at", "id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "vendor"], name="submission_unique_pair"),
            models.CheckConstraint(
                condition=models.Q(price__isnull=True) | models.Q(price__gt=0),
                name="submission_price_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge} — {self.vendor}"


class SubmissionAnswer(models.Model):
    """The firm's answer to one criterion of the challenge's grid."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(
        "marketplace.EvaluationCriterion", on_delete=models.CASCADE, related_name="answers"
    )
    text = models.TextField(_("answer"))

    class Meta:
        ordering = ["criterion__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "criterion"], name="answer_unique_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.submission} — {self.criterion}"


class SubmissionAttachment(models.Model):
    """A PDF joined to a proposal, kept through Django's storage API (files, or S3 through django-storages)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="submissions/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    """A member of a challenge's selection committee: members score, the secretary records the consensus."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary")

    challenge = models.ForeignKey(
        "marketplace.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="committee",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="committees"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["challenge", "role", "id"]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="committee_unique_member"),
            models.UniqueConstraint(
                fields=["challenge"], condition=models.Q(role="secretary"), name="committee_one_secretary"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge} — {self.user} ({self.role})"


class ScoreSheet(models.Model):
    """One committee member's scores for one proposal; the others' stay hidden from them until it is submitted."""

    member = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="sheets")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="sheets")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["submission", "member", "id"]
        constraints = [models.UniqueConstraint(fields=["member", "submission"], name="sheet_unique_member")]

    def __str__(self) -> str:
        return f"{self.member} — {self.submission}"


SCORE_RANGE = models.Q(score__gte=0) & models.Q(score__lte=100)


class Score(models.Model):
    """A member's score (0–100, 70 is the acceptable level) for one criterion, with their comment."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        "marketplace.EvaluationCriterion", on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(100)])
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["criterion__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_unique_criterion"),
            models.CheckConstraint(condition=SCORE_RANGE, name="score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class ConsensusScore(models.Model):
    """The committee's agreed score for one criterion of a proposal, recorded by the secretary.

    `comment` is meant for the firm: its debrief shows it."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="consensus")
    criterion = models.ForeignKey(
        "marketplace.EvaluationCriterion", on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(100)])
    comment = models.TextField(_("comment for the firm"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        ordering = ["submission", "criterion__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "criterion"], name="consensus_unique_criterion"),
            models.CheckConstraint(condition=SCORE_RANGE, name="consensus_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.submission} — {self.criterion}: {self.score}"


class AwardDecision(models.Model):
    """The reasoned award: the winning proposal, its price, the rationale, and the ranking as computed then."""

    challenge = models.OneToOneField(
        "marketplace.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.PROTECT,
        related_name="award_decision",
    )
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="award_decision")
    price = models.DecimalField(_("awarded price before taxes (CAD)"), max_digits=12, decimal_places=2)
    rationale = models.TextField(_("rationale"))
    # Every proposal's final quality score, rejection, adjusted price and rank, frozen at the award.
    ranking = models.JSONField(_("ranking"), default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")

    def __str__(self) -> str:
        return f"{self.challenge} — {self.submission.vendor}"


class Engagement(models.Model):
    """The pilot contract that follows an award."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")

    challenge = models.OneToOneField(
        "marketplace.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.PROTECT,
        related_name="engagement",
    )
    vendor = models.ForeignKey(
        "marketplace.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="engagements"
    )
    introduction = models.OneToOneField(Introduction, on_delete=models.PROTECT, related_name="engagement")
    # From the winning proposal; empty for engagements awarded before proposals existed.
    submission = models.OneToOneField(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="engagement"
    )
    price = models.DecimalField(
        _("price before taxes (CAD)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")

    def __str__(self) -> str:
        return f"{self.challenge} — {self.vendor}"


class EngagementAmendment(models.Model):
    """An amendment (« avenant ») to an engagement, recorded by a hub coordinator with its reason: a new price
    ceiling, a new end date, or both. The latest amendment that sets one of them is the one in force."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="amendments")
    reason = models.TextField(_("reason"))
    price = models.DecimalField(
        _("new price before taxes (CAD)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    ends_on = models.DateField(_("new end date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__isnull=False) | models.Q(ends_on__isnull=False),
                name="amendment_changes_something",
            ),
            models.CheckConstraint(
                condition=models.Q(price__isnull=True) | models.Q(price__gt=0),
                name="amendment_price_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.engagement} — {self.created_at:%Y-%m-%d}"


class Milestone(models.Model):
    """A deliverable of an engagement, paid to the vendor once the organization accepts it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DELIVERED = "delivered", _("Delivered")
        ACCEPTED = "accepted", _("Accepted")
        PAID = "paid", _("Paid")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=255)
    amount = models.DecimalField(
        _("amount (CAD)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class Payout(models.Model):
    """The payment of an accepted milestone to its vendor, through the payment provider.

    One per milestone (the database refuses a second), and sent under an idempotency key generated
    once, here, so neither a second acceptance nor a retried request can pay twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SUBMITTED = "submitted", _("Sent to the payment provider")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        # A coordinator gave up on a failed payout, with a reason; the milestone stays accepted, unpaid.
        CANCELLED = "cancelled", _("Cancelled")

    milestone = models.OneToOneField(
        Milestone, verbose_name=_("milestone"), on_delete=models.PROTECT, related_name="payout"
    )
    # Always the milestone's amount: payout_request copies it, and nothing changes it afterwards.
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CAD")
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True, editable=False)
    provider_id = models.CharField(_("provider's id"), max_length=100, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts to send"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # The provider's time of the last change applied: an older event arriving late is ignored.
    last_event_at = models.DateTimeField(_("last event at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(condition=models.Q(currency="CAD"), name="payout_currency_cad"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} — {self.amount} {self.currency}"
