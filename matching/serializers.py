from collections.abc import Callable, Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from hub.models import Organization
from marketplace.award_rules import taxes
from marketplace.models import Challenge, Expertise, Language, Region, Vendor
from marketplace.serializers import CodeRelatedField, behalf_reason_field
from matching.models import (
    AwardDecision,
    Clarification,
    CommitteeMember,
    ConsensusScore,
    Engagement,
    EngagementAmendment,
    Introduction,
    MatchProposal,
    Milestone,
    Payout,
    SavedSearch,
    Score,
    ScoreSheet,
    Submission,
    SubmissionAttachment,
    VendorExposure,
)
from matching.search.explain import explanation_gaps, explanation_reasons
from matching.search.queries import (
    MAX_QUERY_LENGTH,
    BudgetRange,
    ChallengeSort,
    DeadlineWindow,
    VendorSize,
    VendorSort,
)
from matching.selectors import engagement_terms
from matching.services.submissions import deadline_closes_at

MAX_FACET_VALUES = 50


def _expertise_codes() -> Iterable[str]:
    return Expertise.objects.values_list("code", flat=True)


def _region_codes() -> Iterable[str]:
    return Region.objects.values_list("code", flat=True)


class FacetValuesField(serializers.ListField):
    """A repeatable query parameter (`?region=03&region=06`); with `choices`, every value must be known.

    Blank values are dropped: a form's "any" option sends an empty one."""

    def __init__(self, *, choices: Callable[[], Iterable[str]] | None = None, **kwargs) -> None:
        kwargs.setdefault("child", serializers.CharField(max_length=120, allow_blank=True))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_FACET_VALUES)
        super().__init__(**kwargs)
        self.known_values = choices

    def to_internal_value(self, data) -> list[str]:
        values = list(dict.fromkeys(value for value in super().to_internal_value(data) if value))
        if self.known_values is None:
            return values
        known = sorted(self.known_values())
        for value in values:
            if value not in known:
                raise serializers.ValidationError(
                    _("“%(value)s” is not a valid value for %(parameter)s. Choose among: %(choices)s.")
                    % {"value": value, "parameter": self.field_name, "choices": ", ".join(known)}
                )
        return values


def validate_search_words(value: str) -> str:
    if not value:
        raise serializers.ValidationError(
            _("Enter search words, or leave the field out to browse everything.")
        )
    if len(value) > MAX_QUERY_LENGTH:
        raise serializers.ValidationError(
            _("Search words are limited to %(max)s characters. Shorten the search.")
            % {"max": MAX_QUERY_LENGTH}
        )
    return value


class ChallengeSearchInputSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Search words; leave out to browse everything."),
    )
    expertise = FacetValuesField(choices=_expertise_codes, help_text=gettext_lazy("Expertise codes."))
    region = FacetValuesField(
        choices=_region_codes,
        help_text=gettext_lazy("Region codes. Challenges open anywhere in Quebec match every region."),
    )
    organization_kind = FacetValuesField(choices=lambda: Organization.Kind.values)
    language = FacetValuesField(choices=lambda: Language.values, help_text=gettext_lazy("Posting languages."))
    budget = FacetValuesField(
        choices=lambda: BudgetRange.values,
        help_text=gettext_lazy("Budget ranges; a challenge is in every range its budget overlaps."),
    )
    deadline = FacetValuesField(
        choices=lambda: DeadlineWindow.values, help_text=gettext_lazy("Deadline windows, counted from today.")
    )
    sort = serializers.ChoiceField(
        choices=ChallengeSort.choices,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Relevance by default when there are search words, newest otherwise."),
    )

    def validate_q(self, value: str) -> str:
        return validate_search_words(value)


class VendorSearchInputSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Search words; leave out to browse everything."),
    )
    expertise = FacetValuesField(choices=_expertise_codes, help_text=gettext_lazy("Expertise codes."))
    region = FacetValuesField(choices=_region_codes, help_text=gettext_lazy("Codes of regions served."))
    language = FacetValuesField(
        choices=lambda: Language.values, help_text=gettext_lazy("Delivery languages.")
    )
    size = FacetValuesField(
        choices=lambda: VendorSize.values, help_text=gettext_lazy("Size bands (employees).")
    )
    certification = FacetValuesField(help_text=gettext_lazy("Certifications, as written on vendor profiles."))
    sort = serializers.ChoiceField(choices=VendorSort.choices, required=False, allow_blank=True)

    def validate_q(self, value: str) -> str:
        return validate_search_words(value)


class FacetValueOutputSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class ChallengeHighlightsOutputSerializer(serializers.Serializer):
    """Fragments with the matched words in <mark> tags; the rest of the text is HTML-escaped."""

    title = serializers.ListField(child=serializers.CharField())
    description = serializers.ListField(child=serializers.CharField())


class ChallengeSearchResultOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    language = serializers.CharField()
    organization_id = serializers.IntegerField()
    organization_name = serializers.CharField()
    organization_kind = serializers.CharField()
    expertise = serializers.ListField(child=serializers.CharField(), default=list)
    regions = serializers.ListField(child=serializers.CharField(), default=list)
    budget_min = serializers.DecimalField(max_digits=12, decimal_places=2)
    budget_max = serializers.DecimalField(max_digits=12, decimal_places=2)
    deadline = serializers.DateField()
    published_at = serializers.DateTimeField()
    highlights = ChallengeHighlightsOutputSerializer()
    score = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("Relevance; null without search words.")
    )


class ChallengeFacetsOutputSerializer(serializers.Serializer):
    expertise = FacetValueOutputSerializer(many=True)
    region = FacetValueOutputSerializer(many=True)
    organization_kind = FacetValueOutputSerializer(many=True)
    language = FacetValueOutputSerializer(many=True)
    budget = FacetValueOutputSerializer(many=True)
    deadline = FacetValueOutputSerializer(many=True)


class ChallengeSearchOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = ChallengeSearchResultOutputSerializer(many=True)
    facets = ChallengeFacetsOutputSerializer()


class VendorHighlightsOutputSerializer(serializers.Serializer):
    """Fragments with the matched words in <mark> tags; the rest of the text is HTML-escaped."""

    name = serializers.ListField(child=serializers.CharField())
    description = serializers.ListField(child=serializers.CharField())


class VendorSearchResultOutputSerializer(serializers.Serializer):
    """A hidden section of the firm's profile (marketplace.visibility) is null."""

    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    expertise = serializers.ListField(child=serializers.CharField(), default=list)
    regions = serializers.ListField(child=serializers.CharField(), default=list, allow_null=True)
    languages = serializers.ListField(child=serializers.CharField(), default=list)
    employees = serializers.IntegerField(allow_null=True)
    certifications = serializers.ListField(child=serializers.CharField(), default=list, allow_null=True)
    highlights = VendorHighlightsOutputSerializer()
    score = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("Relevance; null without search words.")
    )


class VendorFacetsOutputSerializer(serializers.Serializer):
    expertise = FacetValueOutputSerializer(many=True)
    region = FacetValueOutputSerializer(many=True)
    language = FacetValueOutputSerializer(many=True)
    size = FacetValueOutputSerializer(many=True)
    certification = FacetValueOutputSerializer(many=True)


class VendorSearchOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = VendorSearchResultOutputSerializer(many=True)
    facets = VendorFacetsOutputSerializer()


class SavedSearchCreateInputSerializer(ChallengeSearchInputSerializer):
    """The challenge-search parameters to keep, plus a name. Sorting means nothing for alerts."""

    name = serializers.CharField(max_length=120)
    vendor = serializers.PrimaryKeyRelatedField(
        queryset=Vendor.objects.all(),
        required=False,
        help_text=gettext_lazy("The firm the search is saved for; needed only by members of several firms."),
    )
    sort = None


class SavedSearchOutputSerializer(serializers.ModelSerializer):
    q = serializers.CharField(source="query")

    class Meta:
        model = SavedSearch
        fields = ["id", "name", "q", "filters", "vendor", "created_at", "updated_at"]


# The matcher


class MatchExplanationOutputSerializer(serializers.Serializer):
    """Why a result ranks where it does, read from the engine's own signals."""

    reasons = serializers.SerializerMethodField(help_text=gettext_lazy("What fits, in plain sentences."))
    gaps = serializers.SerializerMethodField(help_text=gettext_lazy("What is missing, in plain sentences."))
    text_score = serializers.FloatField()
    expertise_matched = serializers.ListField(child=serializers.CharField())
    expertise_missing = serializers.ListField(child=serializers.CharField())
    highlights = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    region_fit = serializers.BooleanField(allow_null=True)
    languages_matched = serializers.ListField(child=serializers.CharField())
    languages_missing = serializers.ListField(child=serializers.CharField())
    certifications_present = serializers.ListField(child=serializers.CharField())
    certifications_missing = serializers.ListField(child=serializers.CharField())
    sme_eligible = serializers.BooleanField(allow_null=True)
    clause_scores = serializers.DictField(child=serializers.FloatField())
    requirements_missing = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy(
            "The challenge's mandatory requirements the firm fails: it cannot ask to be introduced. Always "
            "empty for a firm ranked for a challenge (the matcher leaves such firms out)."
        ),
    )

    def get_reasons(self, explanation) -> list[str]:
        return explanation_reasons(explanation, expertise_labels=self.context["expertise_labels"])

    def get_gaps(self, explanation) -> list[str]:
        return explanation_gaps(explanation)


class MatchedVendorOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    expertise = serializers.ListField(child=serializers.CharField(), default=list)
    regions = serializers.ListField(child=serializers.CharField(), default=list)
    languages = serializers.ListField(child=serializers.CharField(), default=list)
    certifications = serializers.ListField(child=serializers.CharField(), default=list)
    employees = serializers.IntegerField()


class MatchedChallengeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    title = serializers.CharField()
    organization_name = serializers.CharField()
    expertise = serializers.ListField(child=serializers.CharField(), default=list)
    regions = serializers.ListField(child=serializers.CharField(), default=list)
    required_languages = serializers.ListField(child=serializers.CharField(), default=list)
    required_certifications = serializers.ListField(child=serializers.CharField(), default=list)
    deadline = serializers.DateField()
    budget_min = serializers.DecimalField(max_digits=12, decimal_places=2)
    budget_max = serializers.DecimalField(max_digits=12, decimal_places=2)


class VendorMatchOutputSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    score = serializers.FloatField()
    vendor = MatchedVendorOutputSerializer()
    explanation = MatchExplanationOutputSerializer()


class ChallengeMatchOutputSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    score = serializers.FloatField()
    challenge = MatchedChallengeOutputSerializer()
    explanation = MatchExplanationOutputSerializer()


class VendorMatchPageOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = VendorMatchOutputSerializer(many=True)


class ChallengeMatchPageOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = ChallengeMatchOutputSerializer(many=True)


class ExposureSummaryInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=366, default=30)
    channel = serializers.ChoiceField(choices=VendorExposure.Channel.choices, required=False)


class ExposedVendorOutputSerializer(serializers.Serializer):
    vendor = serializers.IntegerField()
    name = serializers.CharField()
    shown = serializers.IntegerField()


class ExposureSummaryOutputSerializer(serializers.Serializer):
    since = serializers.DateField()
    total = serializers.IntegerField()
    vendors_shown = serializers.IntegerField()
    vendors_active = serializers.IntegerField()
    top_decile_share = serializers.FloatField()
    gini = serializers.FloatField()
    top = ExposedVendorOutputSerializer(many=True)


# The workflow


class ProposalListInputSerializer(serializers.Serializer):
    ORDERINGS = ["-score", "score", "-created_at", "created_at", "rank"]

    status = serializers.ChoiceField(choices=MatchProposal.Status.choices, required=False)
    organization = serializers.IntegerField(min_value=1, required=False)
    expertise = CodeRelatedField(slug_field="code", queryset=Expertise.objects.all(), required=False)
    region = CodeRelatedField(slug_field="code", queryset=Region.objects.all(), required=False)
    older_than_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    ordering = serializers.ChoiceField(choices=ORDERINGS, required=False, default="-score")


class ProposalCreateInputSerializer(serializers.Serializer):
    challenge = serializers.PrimaryKeyRelatedField(queryset=Challenge.objects.all())
    vendor = serializers.PrimaryKeyRelatedField(queryset=Vendor.objects.all())


class ProposalDecisionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ProposalRejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ProposalBulkApproveInputSerializer(serializers.Serializer):
    proposals = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=200
    )


class ProposalOutputSerializer(serializers.ModelSerializer):
    challenge = serializers.SerializerMethodField()
    vendor = serializers.SerializerMethodField()

    class Meta:
        model = MatchProposal
        fields = [
            "id",
            "challenge",
            "vendor",
            "source",
            "rank",
            "score",
            "explanation",
            "status",
            "reason",
            "decided_by",
            "decided_at",
            "requested_by",
            "requested_at",
            "request_note",
            "created_at",
        ]

    def get_challenge(self, proposal) -> dict:
        return {
            "id": proposal.challenge_id,
            "title": proposal.challenge.title,
            "organization": proposal.challenge.organization.name,
        }

    def get_vendor(self, proposal) -> dict:
        return {"id": proposal.vendor_id, "name": proposal.vendor.name}


class ChallengeInterestInputSerializer(serializers.Serializer):
    vendor = serializers.IntegerField(
        min_value=1,
        help_text=gettext_lazy("The firm asking to be introduced: one the caller is a member of."),
    )
    note = serializers.CharField(
        max_length=1000,
        help_text=gettext_lazy("Why the firm is a good partner for the challenge, in a few lines."),
    )
    reason = behalf_reason_field()


class ChallengeInterestOutputSerializer(serializers.ModelSerializer):
    """The firm's own request, as the firm sees it: not the matcher's score or rank, which are the hub's."""

    challenge = serializers.IntegerField(source="challenge_id")
    vendor = serializers.IntegerField(source="vendor_id")

    class Meta:
        model = MatchProposal
        fields = ["id", "challenge", "vendor", "status", "requested_at", "request_note"]


class ProposalBulkApproveOutputSerializer(serializers.Serializer):
    approved = ProposalOutputSerializer(many=True)
    refused = serializers.DictField(
        child=serializers.CharField(), help_text=gettext_lazy("Proposal id → why.")
    )


class IntroductionOutputSerializer(serializers.ModelSerializer):
    challenge = serializers.SerializerMethodField()
    vendor = serializers.SerializerMethodField()

    class Meta:
        model = Introduction
        fields = [
            "id",
            "challenge",
            "vendor",
            "status",
            "pitch",
            "decline_reason",
            "created_at",
            "updated_at",
        ]

    def get_challenge(self, introduction) -> dict:
        return {
            "id": introduction.challenge_id,
            "title": introduction.challenge.title,
            "organization": introduction.challenge.organization.name,
        }

    def get_vendor(self, introduction) -> dict:
        return {"id": introduction.vendor_id, "name": introduction.vendor.name}


class IntroductionInterestInputSerializer(serializers.Serializer):
    pitch = serializers.CharField(max_length=2000)
    reason = behalf_reason_field()


class IntroductionShortlistInputSerializer(serializers.Serializer):
    reason = behalf_reason_field()


class IntroductionDeclineInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ClarificationInputSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=4000)
    answer = serializers.CharField(max_length=8000, required=False, allow_blank=True, default="")
    reason = behalf_reason_field()


class ClarificationAnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=8000)
    reason = behalf_reason_field()


class ClarificationOutputSerializer(serializers.ModelSerializer):
    """Never says who asked."""

    class Meta:
        model = Clarification
        fields = ["id", "question", "answer", "answered_at", "created_at"]


class ChallengeAwardInputSerializer(serializers.Serializer):
    introduction = serializers.IntegerField(min_value=1)
    reason = behalf_reason_field()


class MilestoneInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    due_date = serializers.DateField()
    reason = behalf_reason_field()


class MilestoneMoveInputSerializer(serializers.Serializer):
    """Delivering or accepting a milestone: only a coordinator acting for a party says something (why)."""

    reason = behalf_reason_field()


class MilestoneOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "amount", "due_date", "status", "delivered_at", "accepted_at", "created_at"]


class EngagementAmendInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text=gettext_lazy("Why the engagement is amended; both parties are told.")
    )
    price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("The new price ceiling before taxes (CAD), if it changes."),
    )
    ends_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("The new end date, if it changes."),
    )


class EngagementAmendmentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = EngagementAmendment
        fields = ["id", "reason", "price", "ends_on", "created_at"]


class EngagementTermsOutputSerializer(serializers.Serializer):
    """The price and dates in force (after the amendments), and how much of the price the milestones take."""

    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    planned = serializers.DecimalField(max_digits=12, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=12, decimal_places=2)


class EngagementOutputSerializer(serializers.ModelSerializer):
    challenge = serializers.SerializerMethodField()
    vendor = serializers.SerializerMethodField()
    milestones = MilestoneOutputSerializer(many=True, read_only=True)
    terms = serializers.SerializerMethodField()
    amendments = EngagementAmendmentOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Engagement
        fields = [
            "id",
            "challenge",
            "vendor",
            "status",
            "submission",
            "price",
            "starts_on",
            "ends_on",
            "terms",
            "amendments",
            "milestones",
            "created_at",
        ]

    def get_terms(self, engagement) -> EngagementTermsOutputSerializer:
        return EngagementTermsOutputSerializer(engagement_terms(engagement=engagement)).data

    def get_challenge(self, engagement) -> dict:
        return {"id": engagement.challenge_id, "title": engagement.challenge.title}

    def get_vendor(self, engagement) -> dict:
        return {"id": engagement.vendor_id, "name": engagement.vendor.name}


# Proposals (a firm's answer to a challenge), sealed until the deadline


class SubmissionTeamRowSerializer(serializers.Serializer):
    role = serializers.CharField(max_length=200, allow_blank=True)
    name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Optional: only the names the firm chooses to give."),
    )


class SubmissionScheduleRowSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255, allow_blank=True)
    week = serializers.IntegerField(
        min_value=1, max_value=520, help_text=gettext_lazy("The week it is due, counted from the start.")
    )
    amount = serializers.CharField(
        max_length=32,
        help_text=gettext_lazy("Its share of the price, in CAD before taxes, such as 25000.00."),
    )


class SubmissionSaveInputSerializer(serializers.Serializer):
    """Only the fields sent change; answers are keyed by the criterion's id (an empty text removes the answer)."""

    approach = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    team = SubmissionTeamRowSerializer(many=True, required=False, max_length=50)
    schedule = SubmissionScheduleRowSerializer(many=True, required=False, max_length=50)
    price = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=gettext_lazy(
            "In CAD before taxes, greater than zero, at most two decimals, such as 125000.00."
        ),
    )
    answers = serializers.DictField(
        child=serializers.CharField(max_length=20000, allow_blank=True), required=False
    )
    reason = behalf_reason_field()


class SubmissionMoveInputSerializer(serializers.Serializer):
    """Submitting or withdrawing: only a coordinator acting for the firm says something (why)."""

    reason = behalf_reason_field()


class SubmissionAttachmentAddInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("A PDF document."))
    reason = behalf_reason_field()


class SubmissionAttachmentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubmissionAttachment
        fields = ["id", "name", "size", "sha256", "created_at"]


class SubmissionAnswerOutputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion_id")
    title = serializers.CharField(source="criterion.title")
    weight = serializers.IntegerField(source="criterion.weight")
    text = serializers.CharField()


class SubmissionOutputSerializer(serializers.ModelSerializer):
    challenge = serializers.SerializerMethodField()
    vendor = serializers.SerializerMethodField()
    gst = serializers.SerializerMethodField()
    qst = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    answers = SubmissionAnswerOutputSerializer(many=True, read_only=True)
    attachments = SubmissionAttachmentOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "challenge",
            "vendor",
            "introduction",
            "status",
            "approach",
            "team",
            "schedule",
            "price",
            "gst",
            "qst",
            "total",
            "answers",
            "attachments",
            "submitted_at",
            "withdrawn_at",
            "created_at",
            "updated_at",
        ]

    def get_challenge(self, submission) -> dict:
        challenge = submission.challenge
        return {
            "id": challenge.pk,
            "title": challenge.title,
            "deadline": challenge.deadline.isoformat(),
            "closes_at": deadline_closes_at(challenge).isoformat(),
        }

    def get_vendor(self, submission) -> dict:
        return {"id": submission.vendor_id, "name": submission.vendor.name}

    def _taxes(self, submission) -> tuple[Decimal, Decimal] | None:
        return taxes(submission.price) if submission.price is not None else None

    def get_gst(self, submission) -> str | None:
        amounts = self._taxes(submission)
        return str(amounts[0]) if amounts else None

    def get_qst(self, submission) -> str | None:
        amounts = self._taxes(submission)
        return str(amounts[1]) if amounts else None

    def get_total(self, submission) -> str | None:
        amounts = self._taxes(submission)
        return str(submission.price + sum(amounts)) if amounts else None


class PayoutCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        help_text=gettext_lazy("Why the payment is cancelled; the firm and the organization are told."),
    )


class PayoutOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payout
        fields = [
            "id",
            "milestone",
            "amount",
            "currency",
            "status",
            "attempts",
            "last_error",
            "cancel_reason",
            "created_at",
            "updated_at",
        ]


# The evaluation and the award (services/evaluations.py)

MAX_COMMITTEE = 30  # Far more than any committee; a cap on one request's work.
MAX_CRITERIA = 50


class CommitteeSetInputSerializer(serializers.Serializer):
    members = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=MAX_COMMITTEE,
        help_text=gettext_lazy("The scoring members' user ids: at least three members of the organization."),
    )
    secretary = serializers.IntegerField(
        min_value=1,
        help_text=gettext_lazy("The secretary's user id: a member of the organization who does not score."),
    )
    reason = behalf_reason_field()


class CommitteeMemberOutputSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()

    class Meta:
        model = CommitteeMember
        fields = ["id", "user", "role", "created_at"]

    def get_user(self, member) -> dict:
        return {"id": member.user_id, "name": member.user.get_full_name() or member.user.get_username()}


class ScoreInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(min_value=1)
    # Any whole number: the service refuses one outside 0–100 with a message that names the criterion.
    score = serializers.IntegerField(min_value=-32768, max_value=32767)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


def scores_field(help_text: object) -> serializers.ListField:
    return serializers.ListField(child=ScoreInputSerializer(), max_length=MAX_CRITERIA, help_text=help_text)


class ScoreSheetSaveInputSerializer(serializers.Serializer):
    scores = scores_field(
        gettext_lazy("A score from 0 to 100 (70 is acceptable) and a comment for some or all criteria.")
    )


class ScoreSheetSubmitInputSerializer(serializers.Serializer):
    scores = serializers.ListField(
        child=ScoreInputSerializer(),
        max_length=MAX_CRITERIA,
        required=False,
        default=list,
        help_text=gettext_lazy("Scores saved with the submission; every criterion must then have one."),
    )


class ConsensusRecordInputSerializer(serializers.Serializer):
    scores = scores_field(
        gettext_lazy("The committee's score for every criterion, with the comment meant for the firm.")
    )


def scores_from(validated: list[dict]) -> dict[int, tuple[int, str]]:
    """The service's shape: criterion id → (score, comment)."""
    return {row["criterion"]: (row["score"], row.get("comment", "")) for row in validated}


class ScoreOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Score
        fields = ["criterion", "score", "comment"]


class ScoreSheetOutputSerializer(serializers.ModelSerializer):
    member = serializers.SerializerMethodField()
    scores = ScoreOutputSerializer(many=True, read_only=True)

    class Meta:
        model = ScoreSheet
        fields = ["id", "submission", "member", "submitted_at", "scores", "updated_at"]

    def get_member(self, sheet) -> dict:
        user = sheet.member.user
        return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


class ConsensusScoreOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsensusScore
        fields = ["criterion", "score", "comment", "recorded_at"]


class RankingRowOutputSerializer(serializers.Serializer):
    submission = serializers.IntegerField(source="submission.pk")
    vendor = serializers.SerializerMethodField()
    price = serializers.DecimalField(source="result.price", max_digits=12, decimal_places=2)
    quality = serializers.DecimalField(
        source="result.quality", max_digits=7, decimal_places=2, allow_null=True
    )
    adjusted_price = serializers.DecimalField(
        source="result.adjusted_price", max_digits=12, decimal_places=2, allow_null=True
    )
    rejected = serializers.BooleanField(source="result.rejected")
    rejection_reasons = serializers.ListField(
        child=serializers.CharField(), source="result.rejection_reasons"
    )
    rank = serializers.IntegerField(source="result.rank", allow_null=True)
    steps = serializers.ListField(child=serializers.CharField(), source="result.steps")

    def get_vendor(self, row) -> dict:
        return {"id": row.submission.vendor_id, "name": row.submission.vendor.name}


class ChallengeAwardSubmissionInputSerializer(serializers.Serializer):
    submission = serializers.IntegerField(min_value=1, help_text=gettext_lazy("The top-ranked proposal."))
    rationale = serializers.CharField(
        max_length=5000, help_text=gettext_lazy("Why this proposal wins; kept with the decision.")
    )
    reason = behalf_reason_field()


class AwardDecisionOutputSerializer(serializers.ModelSerializer):
    vendor = serializers.SerializerMethodField()
    engagement = serializers.SerializerMethodField()

    class Meta:
        model = AwardDecision
        fields = [
            "id",
            "challenge",
            "submission",
            "vendor",
            "price",
            "rationale",
            "ranking",
            "engagement",
            "decided_at",
        ]

    def get_vendor(self, decision) -> dict:
        return {"id": decision.submission.vendor_id, "name": decision.submission.vendor.name}

    def get_engagement(self, decision) -> int | None:
        engagement = Engagement.objects.filter(submission_id=decision.submission_id).only("pk").first()
        return engagement.pk if engagement else None


class DebriefCriterionOutputSerializer(serializers.Serializer):
    title = serializers.CharField()
    weight = serializers.IntegerField()
    score = serializers.IntegerField(allow_null=True)
    comment = serializers.CharField()


class DebriefOutputSerializer(serializers.Serializer):
    """A firm's debrief: its own scores, rank and rejection reasons, and the winner's final score and price."""

    submission = serializers.IntegerField(source="submission.pk")
    challenge = serializers.SerializerMethodField()
    is_winner = serializers.BooleanField()
    rank = serializers.IntegerField(allow_null=True)
    quality = serializers.CharField(allow_null=True)
    rejected = serializers.BooleanField()
    rejection_reasons = serializers.ListField(child=serializers.CharField())
    criteria = DebriefCriterionOutputSerializer(many=True)
    winner_vendor = serializers.CharField()
    winner_quality = serializers.CharField(allow_null=True)
    winner_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    awarded_at = serializers.DateTimeField(source="decision.decided_at")
    engagement = serializers.SerializerMethodField()

    def get_challenge(self, debrief) -> dict:
        challenge = debrief.submission.challenge
        return {"id": challenge.pk, "title": challenge.title}

    def get_engagement(self, debrief) -> int | None:
        return debrief.engagement.pk if debrief.engagement else None
