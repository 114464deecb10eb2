from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from hub import roles
from hub.models import AuditEntry, Invitation, Organization, OrganizationInvitation, User
from hub.selectors import invitation_find
from marketplace.models import Challenge, Expertise, ProfileSection, Region, Vendor, VendorInvitation
from marketplace.visibility import ProfileVisibility

PUBLIC_CHALLENGE_STATUSES = [Challenge.Status.PUBLISHED, Challenge.Status.CLOSED, Challenge.Status.AWARDED]


def region_list() -> QuerySet[Region]:
    return Region.objects.order_by("code")


def expertise_list() -> QuerySet[Expertise]:
    return Expertise.objects.order_by("code")


def region_labels() -> dict[str, str]:
    """Each region's code and its label in the reader's language."""
    return {item.code: item.label for item in region_list()}


def expertise_labels() -> dict[str, str]:
    """Each expertise's code and its label in the reader's language."""
    return {item.code: item.label for item in expertise_list()}


def organization_list() -> QuerySet[Organization]:
    return Organization.objects.select_related("region").order_by("name")


def organization_get(*, organization_id: int) -> Organization:
    return get_object_or_404(organization_list(), pk=organization_id)


def organization_list_for_member(*, user: User) -> QuerySet[Organization]:
    if roles.is_coordinator(user):
        return organization_list()
    return organization_list().filter(members=user)


def challenge_list(*, user: User) -> QuerySet[Challenge]:
    """Challenges this user may see: public ones, plus their organization's drafts (all, for coordinators)."""
    challenges = Challenge.objects.select_related("organization", "organization__region").prefetch_related(
        "expertise", "regions"
    )
    if not roles.is_coordinator(user):
        visible = Q(status__in=PUBLIC_CHALLENGE_STATUSES)
        if user.is_authenticated:
            visible |= Q(organization__in=Organization.objects.filter(members=user))
        challenges = challenges.filter(visible)
    return challenges.order_by("-published_at", "-created_at", "-id")


def challenge_get(*, user: User, challenge_id: int) -> Challenge:
    return get_object_or_404(challenge_list(user=user), pk=challenge_id)


def challenge_list_latest_published(*, limit: int = 6) -> QuerySet[Challenge]:
    return (
        Challenge.objects.filter(status=Challenge.Status.PUBLISHED)
        .select_related("organization")
        .prefetch_related("expertise", "regions")
        .order_by("-published_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class MarketplaceFigures:
    """What the home page tells every visitor about the market, in aggregate."""

    open_challenges: int  # Published and taking proposals.
    verified_vendors: int  # Active firms whose identity and NEQ a coordinator checked.
    regions_served: int  # Regions those firms serve, counted from the firms that show their regions publicly.


def marketplace_figures() -> MarketplaceFigures:
    """Two aggregate queries, whatever the size of the catalogue."""
    open_challenges = Challenge.objects.filter(status=Challenge.Status.PUBLISHED).count()
    # The figures are public: a firm that hides its regions is not counted in them (marketplace/visibility.py).
    shows_regions = ProfileVisibility(user=AnonymousUser()).section_visible(ProfileSection.REGIONS)
    vendors = Vendor.objects.filter(is_active=True, is_verified=True).aggregate(
        count=Count("pk", distinct=True),
        regions=Count("regions", filter=shows_regions, distinct=True),
    )
    return MarketplaceFigures(
        open_challenges=open_challenges, verified_vendors=vendors["count"], regions_served=vendors["regions"]
    )


def vendor_list(*, user: User) -> QuerySet[Vendor]:
    """Active vendors are public; members also see their own inactive firm, coordinators see all.

    Each vendor comes with `full_profile`: whether this user sees its whole profile or only the
    sections the firm made public (marketplace.visibility decides; vendor_profile_sections reads it)."""
    vendors = Vendor.objects.prefetch_related("expertise", "regions", "references")
    if not roles.is_coordinator(user):
        visible = Q(is_active=True)
        if user.is_authenticated:
            visible |= Q(pk__in=Vendor.objects.filter(members=user).values("pk"))
        vendors = vendors.filter(visible)
    full_profile = ProfileVisibility(user=user).full_profile_expression()
    return vendors.annotate(full_profile=full_profile).order_by("name", "id")


def vendor_get(*, user: User, vendor_id: int) -> Vendor:
    return get_object_or_404(vendor_list(user=user), pk=vendor_id)


def vendor_get_for_member(*, user: User, vendor_id: int) -> Vendor:
    """A vendor its own member is acting for (any vendor, for coordinators)."""
    vendors = vendor_list(user=user)
    if not roles.is_coordinator(user):
        vendors = vendors.filter(members=user)
    return get_object_or_404(vendors, pk=vendor_id)


def vendor_list_for_member(*, user: User) -> QuerySet[Vendor]:
    """The firms this user is a member of, active or not: the ones they act for on the SME pages."""
    if not user.is_authenticated:
        return Vendor.objects.none()
    return vendor_list(user=user).filter(members=user)


# The matcher reads the description against challenges' texts: a few lines match little.
PROFILE_DESCRIPTION_MIN_LENGTH = 300


@dataclass(frozen=True)
class ProfileCompleteness:
    """Which parts of a firm's profile the matcher can use, and which are still missing."""

    done: list[str]
    missing: list[str]

    @property
    def percent(self) -> int:
        return round(100 * len(self.done) / (len(self.done) + len(self.missing)))


def vendor_profile_completeness(*, vendor: Vendor) -> ProfileCompleteness:
    checks = {
        "description": len(vendor.description.strip()) >= PROFILE_DESCRIPTION_MIN_LENGTH,
        "expertise": bool(vendor.expertise.all()),
        "regions": bool(vendor.regions.all()),
        "languages": bool(vendor.languages),
        "certifications": bool(vendor.certifications),
        "references": bool(vendor.references.all()),
    }
    return ProfileCompleteness(
        done=[name for name, ok in checks.items() if ok],
        missing=[name for name, ok in checks.items() if not ok],
    )


def challenge_list_submitted(*, user: User) -> QuerySet[Challenge]:
    """Challenges waiting for a coordinator to publish them, longest waiting first; only coordinators review them.

    Each has `submitted_at`: when it was last submitted, from the audit log (its last change, if the log has none)."""
    if not roles.is_coordinator(user):
        return Challenge.objects.none()
    submitted = AuditEntry.objects.filter(
        object_type=Challenge._meta.model_name, object_id=OuterRef("pk"), to_state=Challenge.Status.SUBMITTED
    ).order_by("-created_at", "-id")
    return (
        challenge_list(user=user)
        .filter(status=Challenge.Status.SUBMITTED)
        .annotate(submitted_at=Coalesce(Subquery(submitted.values("created_at")[:1]), F("updated_at")))
        .order_by("submitted_at", "id")
    )


def challenge_list_for_member(*, user: User) -> QuerySet[Challenge]:
    """Challenges of the user's own organizations, in every status (all of them, for coordinators).

    Unlike challenge_list, another organization's published challenge is not among them."""
    challenges = challenge_list(user=user)
    if not user.is_authenticated:
        return challenges.none()
    if not user.is_coordinator:
        challenges = challenges.filter(organization__in=Organization.objects.filter(members=user))
    return challenges


def challenge_get_for_member(*, user: User, challenge_id: int) -> Challenge:
    """A challenge its organization's member is managing (any challenge, for coordinators)."""
    return get_object_or_404(challenge_list_for_member(user=user), pk=challenge_id)


def vendor_personal_data(*, user: User, **signal_kwargs) -> dict:
    """Receiver of hub's `personal_data_requested`: the firms the user belongs to, and which of them name them as
    contact person."""
    return {
        "vendor_memberships": list(
            Vendor.objects.filter(members=user).order_by("name", "id").values("id", "name")
        ),
        "vendor_contacts": list(
            vendor_list_for_contact(user=user).values(
                "id", "name", "contact_name", "contact_email", "contact_phone"
            )
        ),
    }


def vendor_list_for_contact(*, user: User) -> QuerySet[Vendor]:
    """The firms the user belongs to that name them as their contact person.

    Membership links the firm to the account; an email address alone never does, since the address only
    says who the firm names, not who typed it on an account (issue 13)."""
    if not user.email:
        return Vendor.objects.none()
    return Vendor.objects.filter(members=user, contact_email__iexact=user.email).order_by("name", "id")


def invitation_find_any(*, key: str) -> Invitation | None:
    """The invitation, to an organization or to a firm, whose emailed key this is."""
    return invitation_find(invitation_model=OrganizationInvitation, key=key) or invitation_find(
        invitation_model=VendorInvitation, key=key
    )
