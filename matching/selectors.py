import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, DateField, F, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hub import roles
from hub.exceptions import Conflict
from hub.models import Notification, User
from hub.selectors import notification_list
from marketplace import award_rules
from marketplace.models import Challenge, Expertise, Region, Vendor
from marketplace.selectors import PUBLIC_CHALLENGE_STATUSES
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
    ScoreSheet,
    Submission,
    SubmissionAttachment,
    VendorExposure,
)


@dataclass
class ExposureSummary:
    since: date
    total: int
    vendors_shown: int
    vendors_active: int
    top_decile_share: float  # Share of all exposures that went to the most-shown 10 % of vendors shown.
    gini: float  # 0 = attention spread evenly over the vendors shown, 1 = all on one firm.
    top: list[dict]


def vendor_exposure_summary(*, days: int = 30, channel: str | None = None, top: int = 20) -> ExposureSummary:
    """How attention is spread over vendors: does the same handful of firms get it all?"""
    since = timezone.localdate() - timedelta(days=days - 1)
    exposures = VendorExposure.objects.filter(day__gte=since)
    if channel:
        exposures = exposures.filter(channel=channel)
    per_vendor = list(
        exposures.values("vendor_id", "vendor__name")
        .annotate(shown=Sum("count"))
        .order_by("-shown", "vendor__name")
    )
    counts = sorted((row["shown"] for row in per_vendor), reverse=True)
    total = sum(counts)
    decile = max(1, math.ceil(len(counts) / 10)) if counts else 0
    return ExposureSummary(
        since=since,
        total=total,
        vendors_shown=len(counts),
        vendors_active=Vendor.objects.filter(is_active=True, is_verified=True).count(),
        top_decile_share=round(sum(counts[:decile]) / total, 4) if total else 0.0,
        gini=_gini(counts),
        top=[
            {"vendor": row["vendor_id"], "name": row["vendor__name"], "shown": row["shown"]}
            for row in per_vendor[:top]
        ],
    )


def _gini(counts: list[int]) -> float:
    if not counts or not sum(counts):
        return 0.0
    ordered = sorted(counts)
    n = len(ordered)
    weighted = sum((index + 1) * value for index, value in enumerate(ordered))
    return round((2 * weighted) / (n * sum(ordered)) - (n + 1) / n, 4)


def saved_search_list(*, user: User) -> QuerySet[SavedSearch]:
    """The user's own saved searches, newest first: nobody else's are ever visible."""
    return SavedSearch.objects.filter(user=user).order_by("-created_at", "-id")


def saved_search_get(*, user: User, saved_search_id: int) -> SavedSearch:
    return get_object_or_404(saved_search_list(user=user), pk=saved_search_id)


# The workflow


def proposal_list(
    *,
    user: User,
    status: str | None = None,
    organization_id: int | None = None,
    expertise: str | None = None,
    region: str | None = None,
    older_than_days: int | None = None,
    ordering: str = "-score",
) -> QuerySet[MatchProposal]:
    """The coordinators' queue; nobody else sees proposals."""
    if not roles.is_coordinator(user):
        return MatchProposal.objects.none()
    proposals = MatchProposal.objects.select_related(
        "challenge", "challenge__organization", "vendor", "decided_by"
    )
    if status:
        proposals = proposals.filter(status=status)
    if organization_id:
        proposals = proposals.filter(challenge__organization_id=organization_id)
    if expertise:
        proposals = proposals.filter(challenge__expertise__code=expertise)
    if region:
        proposals = proposals.filter(challenge__regions__code=region)
    if older_than_days is not None:
        proposals = proposals.filter(created_at__lte=timezone.now() - timedelta(days=older_than_days))
    return proposals.distinct().order_by(ordering, "challenge_id", "rank", "id")


def proposal_get(*, user: User, proposal_id: int) -> MatchProposal:
    return get_object_or_404(proposal_list(user=user), pk=proposal_id)


def proposal_request_get(*, user: User, challenge: Challenge, vendor: Vendor) -> MatchProposal | None:
    """The firm's own request to be introduced to the challenge, if it made one: for its members and the
    coordinators. A proposal the firm did not ask for stays the hub's business."""
    if not roles.is_vendor_member(user, vendor):
        return None
    return MatchProposal.objects.filter(
        challenge=challenge, vendor=vendor, requested_at__isnull=False
    ).first()


def introduction_list(*, user: User) -> QuerySet[Introduction]:
    """Introductions of the user's firm or organization (all of them, for coordinators)."""
    introductions = Introduction.objects.select_related("challenge", "challenge__organization", "vendor")
    if not user.is_authenticated:
        return introductions.none()
    if not user.is_coordinator:
        introductions = introductions.filter(
            Q(vendor__members=user) | Q(challenge__organization__members=user)
        )
    return introductions.distinct().order_by("-created_at", "-id")


def introduction_get(*, user: User, introduction_id: int) -> Introduction:
    return get_object_or_404(introduction_list(user=user), pk=introduction_id)


def clarification_list(*, user: User, challenge: Challenge) -> QuerySet[Clarification]:
    """The organization and coordinators see every question; introduced vendors the answered ones
    and their own. Who asked is never part of what is shown."""
    clarifications = challenge.clarifications.order_by("created_at", "id")
    if roles.is_organization_member(user, challenge.organization):
        return clarifications
    introduced = user.is_authenticated and challenge.introductions.filter(vendor__members=user).exists()
    if not introduced:
        return clarifications.none()
    return clarifications.filter(Q(answered_at__isnull=False) | Q(asked_by=user))


def clarification_get(*, user: User, clarification_id: int) -> Clarification:
    clarification = get_object_or_404(Clarification.objects.select_related("challenge"), pk=clarification_id)
    return get_object_or_404(
        clarification_list(user=user, challenge=clarification.challenge), pk=clarification_id
    )


def engagement_list(*, user: User) -> QuerySet[Engagement]:
    engagements = Engagement.objects.select_related(
        "challenge", "challenge__organization", "vendor"
    ).prefetch_related("milestones")
    if not user.is_authenticated:
        return engagements.none()
    if not user.is_coordinator:
        engagements = engagements.filter(Q(vendor__members=user) | Q(challenge__organization__members=user))
    return engagements.distinct().order_by("-created_at", "-id")


def engagement_get(*, user: User, engagement_id: int) -> Engagement:
    return get_object_or_404(engagement_list(user=user), pk=engagement_id)


def milestone_get(*, user: User, milestone_id: int) -> Milestone:
    milestone = get_object_or_404(Milestone.objects.select_related("engagement"), pk=milestone_id)
    engagement_get(user=user, engagement_id=milestone.engagement_id)  # 404 unless the user may see it.
    return milestone


def payout_get(*, user: User, payout_id: int) -> Payout:
    payout = get_object_or_404(
        Payout.objects.select_related("milestone__engagement__challenge", "milestone__engagement__vendor"),
        pk=payout_id,
    )
    engagement_get(user=user, engagement_id=payout.milestone.engagement_id)  # 404 unless the user may see it.
    return payout


def payout_list_failed() -> QuerySet[Payout]:
    """The payouts that failed and wait for a coordinator (sent again or cancelled), oldest first."""
    return (
        Payout.objects.filter(status=Payout.Status.FAILED)
        .select_related("milestone__engagement__challenge__organization", "milestone__engagement__vendor")
        .order_by("updated_at", "id")
    )


def introduction_list_for_vendor(
    *, user: User, vendor: Vendor, status: str | None = None
) -> QuerySet[Introduction]:
    """One firm's introductions, newest first, as its member sees them."""
    introductions = introduction_list(user=user).filter(vendor=vendor)
    if status:
        introductions = introductions.filter(status=status)
    return introductions


def engagement_list_for_vendor(*, user: User, vendor: Vendor) -> QuerySet[Engagement]:
    return engagement_list(user=user).filter(vendor=vendor)


@dataclass(frozen=True)
class EngagementTerms:
    """What an engagement's milestones must fit in: its price and dates as the latest amendments left them."""

    price: Decimal
    starts_on: date
    ends_on: date | None  # None: no end was ever set (engagements opened before proposals existed).
    planned: Decimal  # The sum of every milestone's amount.

    @property
    def remaining(self) -> Decimal:
        return self.price - self.planned


def engagement_terms(*, engagement: Engagement) -> EngagementTerms:
    """The price ceiling and the dates in force. An engagement opened before proposals existed has no price
    or dates of its own: its ceiling is the challenge's maximum budget, and nothing is due before the day it
    was opened. An amendment's price or end date replaces the one before it."""
    amendments = list(engagement_amendment_list(engagement=engagement))
    price = next(
        (amendment.price for amendment in reversed(amendments) if amendment.price is not None),
        engagement.price if engagement.price is not None else engagement.challenge.budget_max,
    )
    ends_on = next(
        (amendment.ends_on for amendment in reversed(amendments) if amendment.ends_on is not None),
        engagement.ends_on,
    )
    planned = engagement.milestones.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return EngagementTerms(
        price=price,
        starts_on=engagement.starts_on or timezone.localdate(engagement.created_at),
        ends_on=ends_on,
        planned=planned,
    )


def engagement_amendment_list(*, engagement: Engagement) -> QuerySet[EngagementAmendment]:
    """An engagement's amendments, oldest first."""
    return EngagementAmendment.objects.filter(engagement=engagement).select_related("created_by")


def milestone_list(*, engagement: Engagement) -> QuerySet[Milestone]:
    """An engagement's milestones, soonest due first, each with its payout (if any) in the same query."""
    return engagement.milestones.select_related("payout").order_by("due_date", "id")


def saved_search_alert_list(*, user: User) -> QuerySet[Notification]:
    """The alerts the user's saved searches sent (new challenges that matched them), unread first."""
    return notification_list(user=user).filter(kind=Notification.Kind.CHALLENGE_MATCH)


def proposal_list_for_queue(
    *,
    user: User,
    status: str | None = None,
    organization_id: int | None = None,
    expertise: str | None = None,
    region: str | None = None,
    older_than_days: int | None = None,
    ordering: str = "-score",
) -> QuerySet[MatchProposal]:
    """proposal_list, with each challenge's expertise and regions loaded in two queries for the whole page."""
    return proposal_list(
        user=user,
        status=status,
        organization_id=organization_id,
        expertise=expertise,
        region=region,
        older_than_days=older_than_days,
        ordering=ordering,
    ).prefetch_related("challenge__expertise", "challenge__regions")


# The coordinators' dashboard: every figure is counted by the database.


@dataclass
class WeekOfProposals:
    week: date  # The Monday that starts it, in the site's time zone.
    counts: dict[str, int]  # Every proposal status, zero included.

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def dashboard_proposals_by_week(*, weeks: int = 8) -> list[WeekOfProposals]:
    """Proposals made in each of the last `weeks` weeks (this one included), by the status they have now."""
    today = timezone.localdate()
    first_week = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    rows = (
        MatchProposal.objects.filter(
            created_at__gte=timezone.make_aware(datetime.combine(first_week, time.min))
        )
        .annotate(week=TruncWeek("created_at", output_field=DateField()))
        .values("week", "status")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts = {(row["week"], row["status"]): row["count"] for row in rows}
    return [
        WeekOfProposals(
            week=week,
            counts={status: counts.get((week, status), 0) for status in MatchProposal.Status.values},
        )
        for week in (first_week + timedelta(weeks=n) for n in range(weeks))
    ]


@dataclass
class FirstIntroductionDelays:
    median_days: float | None  # Over every challenge that had an introduction; None before the first one.
    challenge_count: int
    latest: list[Challenge]  # Annotated with first_introduction_at and delay (a timedelta), newest first.
    waiting: int  # Published challenges nobody has been introduced to yet.


def dashboard_first_introduction_delays(*, latest: int = 12) -> FirstIntroductionDelays:
    """How long organizations wait, from publication to the first vendor introduced to their challenge."""
    challenges = (
        Challenge.objects.filter(published_at__isnull=False)
        .annotate(first_introduction_at=Min("introductions__created_at"))
        .filter(first_introduction_at__isnull=False)
        .annotate(delay=F("first_introduction_at") - F("published_at"))
    )
    count = challenges.count()
    median_days = None
    if count:
        # The middle one (or the mean of the middle two), picked by the database from the sorted delays.
        delays = challenges.order_by("delay", "id").values_list("delay", flat=True)
        middle = list(delays[(count - 1) // 2 : count // 2 + 1])
        median_days = round(sum(delay.total_seconds() for delay in middle) / len(middle) / 86400, 1)
    return FirstIntroductionDelays(
        median_days=median_days,
        challenge_count=count,
        latest=list(challenges.order_by("-published_at", "-id")[:latest]),
        waiting=Challenge.objects.filter(
            status=Challenge.Status.PUBLISHED, introductions__isnull=True
        ).count(),
    )


@dataclass
class ChallengesByRegion:
    # Annotated with challenge_count, most challenges first; regions without any left out.
    regions: list[Region]
    anywhere: int  # Challenges open to vendors from anywhere in Quebec (no region given).


@dataclass(frozen=True)
class MatchingFigures:
    """What the home page tells every visitor about the pairings, in aggregate."""

    pairings_approved: int  # Proposals a coordinator approved: each one introduced a firm to a public body.
    pilot_projects_active: int  # Engagements under way.


def matching_figures() -> MatchingFigures:
    """Two aggregate queries, whatever the number of proposals."""
    return MatchingFigures(
        pairings_approved=MatchProposal.objects.filter(status=MatchProposal.Status.APPROVED).count(),
        pilot_projects_active=Engagement.objects.filter(status=Engagement.Status.ACTIVE).count(),
    )


def dashboard_challenges_by_region() -> ChallengesByRegion:
    """Challenges ever published (now open, closed or awarded) per region; one in several regions counts in each."""
    regions = (
        Region.objects.annotate(
            challenge_count=Count(
                "challenges", filter=Q(challenges__status__in=PUBLIC_CHALLENGE_STATUSES), distinct=True
            )
        )
        .filter(challenge_count__gt=0)
        .order_by("-challenge_count", "code")
    )
    anywhere = Challenge.objects.filter(status__in=PUBLIC_CHALLENGE_STATUSES, regions__isnull=True).count()
    return ChallengesByRegion(regions=list(regions), anywhere=anywhere)


def dashboard_proposals_by_expertise() -> QuerySet[Expertise]:
    """Proposals per expertise of their challenge (one with several counts in each), and how many were approved."""
    return (
        Expertise.objects.annotate(
            proposal_count=Count("challenges__proposals", distinct=True),
            approved_count=Count(
                "challenges__proposals",
                filter=Q(challenges__proposals__status=MatchProposal.Status.APPROVED),
                distinct=True,
            ),
        )
        .filter(proposal_count__gt=0)
        .order_by("-proposal_count", "code")
    )


def introduction_list_for_challenge(*, user: User, challenge: Challenge) -> QuerySet[Introduction]:
    """The introductions of one challenge that the user may see, with the proposals they came from."""
    return introduction_list(user=user).filter(challenge=challenge).select_related("proposal")


# Once a firm chose to answer an organization's challenge (it expressed interest), that organization's
# members see the firm's whole profile, contact person included: they must evaluate and reach it. An
# introduction alone unlocks nothing (docs/privacy.md).
PROFILE_UNLOCKING_STATUSES = [
    Introduction.Status.INTERESTED,
    Introduction.Status.SHORTLISTED,
    Introduction.Status.AWARDED,
    Introduction.Status.NOT_SELECTED,
]


def vendor_ids_answering_user(*, user: User, **signal_kwargs) -> QuerySet:
    """Receiver of marketplace's `full_profile_granted`: the firms that answered a challenge of the user's
    organizations."""
    return Introduction.objects.filter(
        status__in=PROFILE_UNLOCKING_STATUSES, challenge__organization__members=user
    ).values("vendor_id")


def matching_personal_data(*, user: User, **signal_kwargs) -> dict:
    """Receiver of hub's `personal_data_requested`: the user's saved searches and the questions they asked."""
    return {
        "saved_searches": list(
            SavedSearch.objects.filter(user=user)
            .order_by("created_at", "id")
            .values("id", "vendor_id", "name", "query", "filters", "created_at", "updated_at")
        ),
        "clarifications_asked": list(
            Clarification.objects.filter(asked_by=user)
            .order_by("created_at", "id")
            .values("id", "challenge_id", "question", "created_at")
        ),
    }


def challenge_list_without_proposals(
    *, published_since: datetime, published_before: datetime
) -> QuerySet[Challenge]:
    """Open challenges published in this window that have no proposal at all, oldest publication first."""
    return (
        Challenge.objects.filter(
            status=Challenge.Status.PUBLISHED,
            published_at__gte=published_since,
            published_at__lt=published_before,
        )
        .exclude(pk__in=MatchProposal.objects.values("challenge_id"))
        .order_by("published_at", "id")
    )


# Proposals (matching.models.Submission), sealed until the deadline. Every read first runs the deadline's check, so
# that a late beat worker neither opens proposals early nor keeps them sealed after their deadline.


def challenge_deadlines_check(*, user: User, challenge: Challenge | None = None) -> None:
    """Close the challenges whose deadline passed: this one, or all those of the user's organizations and
    firms (every one, for coordinators)."""
    from matching.services.submissions import challenge_deadline_close_if_due, challenges_deadline_due

    if challenge is not None:
        challenge_deadline_close_if_due(challenge)
        challenge.refresh_from_db(fields=["status", "proposals_opened_at"])
        return
    due = challenges_deadline_due()
    if not user.is_coordinator:
        due = due.filter(Q(organization__members=user) | Q(submissions__vendor__members=user)).distinct()
    for due_challenge in due:
        challenge_deadline_close_if_due(due_challenge)


def submission_list(*, user: User, challenge: Challenge | None = None) -> QuerySet[Submission]:
    """The proposals this user may read. A firm's members read their own, in every state. A public
    organization's members read none before the deadline opened them (Challenge.proposals_opened_at), then
    only the submitted ones: drafts and withdrawn proposals are never opened. Coordinators read them all (the
    hub acts for firms); every read by someone outside the firm is audited (submission_openings_record)."""
    submissions = Submission.objects.select_related(
        "challenge", "challenge__organization", "vendor", "introduction"
    ).prefetch_related("answers__criterion", "attachments")
    if not user.is_authenticated:
        return submissions.none()
    challenge_deadlines_check(user=user, challenge=challenge)
    if challenge is not None:
        submissions = submissions.filter(challenge=challenge)
    if user.is_coordinator:
        return submissions.order_by("challenge_id", "submitted_at", "id")
    opened = Q(
        challenge__organization__members=user,
        challenge__proposals_opened_at__isnull=False,
        status=Submission.Status.SUBMITTED,
    )
    return (
        submissions.filter(Q(vendor__members=user) | opened)
        .distinct()
        .order_by("challenge_id", "submitted_at", "id")
    )


def submission_list_read(
    *, user: User, challenge: Challenge | None = None, challenge_id: int | None = None
) -> list[Submission]:
    """submission_list (of one challenge, given it or its id), read now, with the openings by people outside the
    firms audited."""
    from matching.services.submissions import submission_openings_record

    submissions = submission_list(user=user, challenge=challenge)
    if challenge_id is not None:
        submissions = submissions.filter(challenge_id=challenge_id)
    submissions = list(submissions)
    outside = [submission for submission in submissions if not roles.is_member_of(user, submission.vendor)]
    submission_openings_record(user=user, submissions=outside)
    return submissions


def submission_get(*, user: User, submission_id: int) -> Submission:
    """One proposal the user may read (Http404 otherwise, sealed or not), its opening audited."""
    from matching.services.submissions import submission_openings_record

    found = Submission.objects.select_related("challenge").filter(pk=submission_id).first()
    submission = get_object_or_404(
        submission_list(user=user, challenge=found.challenge if found else None), pk=submission_id
    )
    if not roles.is_member_of(user, submission.vendor):
        submission_openings_record(user=user, submissions=[submission])
    return submission


def submission_for_introduction(*, user: User, introduction: Introduction) -> Submission | None:
    """The firm's own proposal for this introduction, if it started one (its members' form; a coordinator's
    read for the firm is audited like any read from outside it)."""
    from matching.services.submissions import submission_openings_record

    submission = (
        submission_list(user=user, challenge=introduction.challenge).filter(introduction=introduction).first()
    )
    if submission is not None and not roles.is_member_of(user, submission.vendor):
        submission_openings_record(user=user, submissions=[submission])
    return submission


def submission_attachment_get(*, user: User, attachment_id: int) -> SubmissionAttachment:
    """An attachment of a proposal the user may read; Http404 otherwise."""
    attachment = get_object_or_404(
        SubmissionAttachment.objects.select_related("submission"), pk=attachment_id
    )
    submission_get(user=user, submission_id=attachment.submission_id)
    return attachment


# The evaluation (services/evaluations.py, docs/evaluation.md)


def _may_evaluate(user: User, challenge: Challenge) -> bool:
    """The organization's members and the coordinators follow the evaluation of its challenge."""
    return roles.is_organization_member(user, challenge.organization)


def committee_list(*, challenge: Challenge, user: User) -> QuerySet[CommitteeMember]:
    """The challenge's selection committee, secretary first; the organization's and the coordinators' business."""
    if not _may_evaluate(user, challenge):
        raise Http404
    return challenge.committee.select_related("user").order_by(
        "-role", "user__last_name", "user__username", "id"
    )


def submission_list_opened(*, challenge: Challenge, user: User) -> QuerySet[Submission]:
    """The challenge's submitted proposals once opened (never before its deadline's closing opened them),
    for the organization's members and the coordinators. The deadline's check runs first, as on every read
    of proposals."""
    if not _may_evaluate(user, challenge):
        return Submission.objects.none()
    challenge_deadlines_check(user=user, challenge=challenge)
    if challenge.proposals_opened_at is None:
        return Submission.objects.none()
    return (
        challenge.submissions.filter(status=Submission.Status.SUBMITTED)
        .select_related("vendor", "challenge", "challenge__organization", "introduction")
        .prefetch_related("answers", "attachments")
        .order_by("submitted_at", "id")
    )


def submission_get_opened(*, user: User, submission_id: int) -> Submission:
    """One opened proposal, for its evaluation; its opening audited like any read from outside the firm."""
    from matching.services.submissions import submission_openings_record

    submission = get_object_or_404(
        Submission.objects.select_related("challenge__organization"), pk=submission_id
    )
    submission = get_object_or_404(
        submission_list_opened(challenge=submission.challenge, user=user), pk=submission_id
    )
    submission_openings_record(user=user, submissions=[submission])
    return submission


def committee_seat(*, challenge: Challenge, user: User) -> CommitteeMember | None:
    """The user's seat on the challenge's committee, if any."""
    if not user.is_authenticated:
        return None
    return challenge.committee.filter(user=user).first()


def score_sheet_list(*, submission: Submission, user: User) -> QuerySet[ScoreSheet]:
    """The score sheets of a proposal the user may read. A scoring member sees their own, and the others'
    submitted ones only once they submitted theirs (so that nobody scores under influence); the secretary and
    the coordinators see the submitted ones; other members of the organization see none."""
    sheets = submission.sheets.select_related("member__user").prefetch_related("scores__criterion")
    submitted = sheets.filter(submitted_at__isnull=False)
    seat = committee_seat(challenge=submission.challenge, user=user)
    if seat is None:
        return submitted if roles.is_coordinator(user) else sheets.none()
    if seat.role == CommitteeMember.Role.SECRETARY:
        return submitted
    own = sheets.filter(member=seat)
    if own.filter(submitted_at__isnull=False).exists():
        return sheets.filter(Q(member=seat) | Q(submitted_at__isnull=False))
    return own


def consensus_list(*, submission: Submission, user: User) -> QuerySet[ConsensusScore]:
    if not _may_evaluate(user, submission.challenge):
        raise Http404
    return submission.consensus.select_related("criterion", "recorded_by").order_by(
        "criterion__position", "id"
    )


def submission_list_without_consensus(*, challenge: Challenge) -> QuerySet[Submission]:
    """The submitted proposals the secretary has not recorded a consensus for on every criterion."""
    criteria = challenge.criteria.count()
    return (
        challenge.submissions.filter(status=Submission.Status.SUBMITTED)
        .annotate(agreed=Count("consensus", distinct=True))
        .filter(agreed__lt=criteria)
        .order_by("submitted_at", "id")
    )


def ranking_compute(challenge: Challenge) -> list[award_rules.RankedProposal]:
    """Every submitted proposal ranked by the challenge's award mode, from its consensus scores and its price:
    marketplace.award_rules computes it, never a person."""
    criteria = list(challenge.criteria.order_by("position", "id"))
    submissions = challenge.submissions.filter(status=Submission.Status.SUBMITTED).prefetch_related(
        "consensus"
    )
    specs = [
        award_rules.CriterionSpec(
            key=str(criterion.pk), weight=criterion.weight, has_minimum=criterion.has_minimum
        )
        for criterion in criteria
    ]
    errors = award_rules.grid_errors(mode=challenge.award_mode, k_factor=challenge.k_factor, criteria=specs)
    if errors:
        raise Conflict(
            _("The challenge's grid is not valid, so nothing can be ranked: %(errors)s")
            % {"errors": " ".join(errors)},
            code="grid_invalid",
        )
    return award_rules.rank(
        mode=challenge.award_mode,
        k_factor=challenge.k_factor,
        criteria=specs,
        proposals=[
            award_rules.Proposal(
                key=str(submission.pk),
                price=submission.price,
                scores={str(score.criterion_id): score.score for score in submission.consensus.all()},
            )
            for submission in submissions
        ],
    )


@dataclass
class RankingRow:
    """One line of a challenge's ranking, with its proposal."""

    submission: Submission
    result: award_rules.RankedProposal


def challenge_ranking(*, challenge: Challenge, user: User) -> list[RankingRow]:
    """The challenge's ranking as it stands, best first, for its organization's members and the coordinators.
    Refused (Conflict) while a proposal still waits for its consensus: a partial ranking would mislead."""
    if not _may_evaluate(user, challenge) or challenge.proposals_opened_at is None:
        raise Http404
    if not challenge.award_mode:
        raise Conflict(
            _("This challenge has no award mode, so no ranking: it is awarded from its introductions."),
            code="challenge_no_award_mode",
        )
    missing = submission_list_without_consensus(challenge=challenge).count()
    if missing:
        raise Conflict(
            ngettext(
                "The ranking is computed once the consensus is recorded for every proposal; %(count)s still "
                "waits for it.",
                "The ranking is computed once the consensus is recorded for every proposal; %(count)s still "
                "wait for it.",
                missing,
            )
            % {"count": missing},
            code="consensus_incomplete",
        )
    submissions = {
        str(submission.pk): submission for submission in challenge.submissions.select_related("vendor")
    }
    return [RankingRow(submission=submissions[row.key], result=row) for row in ranking_compute(challenge)]


@dataclass
class DebriefCriterion:
    title: str
    weight: int
    score: int | None
    comment: str


@dataclass
class Debrief:
    """What a firm learns of the award of a challenge it submitted a proposal for: its own scores and rank
    against the winner's final score and price; never another firm's."""

    submission: Submission
    decision: AwardDecision
    is_winner: bool
    rank: int | None
    quality: str | None
    rejected: bool
    rejection_reasons: list[str]
    criteria: list[DebriefCriterion]
    winner_vendor: str
    winner_quality: str | None
    winner_price: Decimal
    engagement: Engagement | None


def submission_debrief(*, user: User, submission_id: int) -> Debrief:
    """A firm's debrief once its challenge is awarded: for its members and the coordinators (404 otherwise)."""
    submission = get_object_or_404(
        Submission.objects.select_related("challenge__organization", "vendor"),
        pk=submission_id,
        status=Submission.Status.SUBMITTED,
    )
    if not roles.is_vendor_member(user, submission.vendor):
        raise Http404
    decision = get_object_or_404(
        AwardDecision.objects.select_related("submission__vendor"), challenge=submission.challenge
    )
    rows = {row["submission"]: row for row in decision.ranking}
    own, winner = rows.get(submission.pk, {}), rows.get(decision.submission_id, {})
    # The rank and scores are the award's, as frozen; the reasons are worded again in the reader's language
    # (the consensus no longer changes once the challenge is awarded).
    reasons = own.get("rejection_reasons") or []
    if reasons:
        reasons = next(
            (
                row.rejection_reasons
                for row in ranking_compute(submission.challenge)
                if row.key == str(submission.pk)
            ),
            reasons,
        )
    consensus = {score.criterion_id: score for score in submission.consensus.all()}
    is_winner = decision.submission_id == submission.pk
    return Debrief(
        submission=submission,
        decision=decision,
        is_winner=is_winner,
        rank=own.get("rank"),
        quality=own.get("quality"),
        rejected=bool(own.get("rejected")),
        rejection_reasons=list(reasons),
        criteria=[
            DebriefCriterion(
                title=criterion.title,
                weight=criterion.weight,
                score=consensus[criterion.pk].score if criterion.pk in consensus else None,
                comment=consensus[criterion.pk].comment if criterion.pk in consensus else "",
            )
            for criterion in submission.challenge.criteria.order_by("position", "id")
        ],
        winner_vendor=decision.submission.vendor.name,
        winner_quality=winner.get("quality"),
        winner_price=decision.price,
        engagement=Engagement.objects.filter(submission=submission).first() if is_winner else None,
    )


def committee_candidate_list(*, challenge: Challenge, user: User) -> QuerySet[User]:
    """Who may sit on the challenge's committee: the organization's active members."""
    if not _may_evaluate(user, challenge):
        raise Http404
    return challenge.organization.members.filter(is_active=True).order_by(
        "last_name", "first_name", "username"
    )
