import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, DateField, F, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hub import roles
from hub.models import Notification, User
from hub.selectors import notification_list
from marketplace.models import Challenge, Expertise, Region, Vendor
from marketplace.selectors import PUBLIC_CHALLENGE_STATUSES
from matching.models import (
    Clarification,
    Engagement,
    Introduction,
    MatchProposal,
    Milestone,
    SavedSearch,
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
