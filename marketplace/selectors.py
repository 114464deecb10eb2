from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from hub import roles
from hub.formats import long_date
from hub.models import AuditEntry, Invitation, Organization, OrganizationInvitation, User
from hub.selectors import invitation_find
from marketplace.eligibility import challenge_requirements_missing
from marketplace.models import (
    SME_MAX_EMPLOYEES,
    Challenge,
    EnterpriseRegisterEntry,
    Expertise,
    OrganizationSignIn,
    ProfileSection,
    Region,
    Vendor,
    VendorInvitation,
    VendorJoinRequest,
    VendorVerification,
)
from marketplace.register import register_region_code
from marketplace.verification import (
    NameComparison,
    NameMatch,
    SizeComparison,
    name_compare,
    region_declared,
    size_compare,
)
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
        "expertise", "regions", "criteria", "addenda"
    )
    if not roles.is_coordinator(user):
        visible = Q(status__in=PUBLIC_CHALLENGE_STATUSES)
        if user.is_authenticated:
            visible |= Q(organization__in=Organization.objects.filter(members=user))
        challenges = challenges.filter(visible)
    return challenges.order_by("-published_at", "-created_at", "-id")


def challenge_get(*, user: User, challenge_id: int) -> Challenge:
    return get_object_or_404(challenge_list(user=user), pk=challenge_id)


def challenge_ids_ineligible(*, vendor: Vendor, challenge_ids: list[int]) -> set[int]:
    """Of these challenges, the ones the firm fails a mandatory requirement of (marketplace.eligibility)."""
    challenges = Challenge.objects.filter(pk__in=challenge_ids).exclude(mandatory_requirements=[])
    return {
        challenge.pk
        for challenge in challenges.prefetch_related("regions")
        if challenge_requirements_missing(challenge, vendor)
    }


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
    """Receiver of hub's `personal_data_requested`: the firms the user belongs to, which of them name them as
    contact person, and the user's requests to join firms (with their message)."""
    return {
        "vendor_join_requests": list(
            VendorJoinRequest.objects.filter(requester=user)
            .order_by("created_at", "id")
            .values("id", "vendor_id", "vendor__name", "message", "status", "refusal_reason", "created_at")
        ),
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


@dataclass(frozen=True)
class RegisterEvidence:
    """What the enterprise register's extract says about a NEQ, and whether the firm may register.

    `extract_loaded` False: the hub has loaded no extract yet, so there is no evidence either way and the
    coordinators' verification decides (nothing is refused)."""

    neq: str
    extract_loaded: bool
    entry: EnterpriseRegisterEntry | None
    region: Region | None
    refusals: tuple[str, ...]

    @property
    def found(self) -> bool:
        return self.entry is not None

    @property
    def may_register(self) -> bool:
        return not self.refusals


def register_evidence(*, neq: str) -> RegisterEvidence:
    entry = EnterpriseRegisterEntry.objects.filter(neq=neq).first()
    if entry is None:
        loaded = EnterpriseRegisterEntry.objects.exists()
        refusals = (
            (
                _(
                    "The enterprise number %(neq)s is not in the Quebec enterprise register's extract of "
                    "%(date)s. Check the number on your firm's record at the Registraire des entreprises."
                )
                % {"neq": neq, "date": long_date(EnterpriseRegisterEntry.objects.first().extract_date)},
            )
            if loaded
            else ()
        )
        return RegisterEvidence(neq=neq, extract_loaded=loaded, entry=None, region=None, refusals=refusals)
    region_code = register_region_code(entry.postal_code)
    region = Region.objects.filter(code=region_code).first() if region_code else None
    return RegisterEvidence(
        neq=neq, extract_loaded=True, entry=entry, region=region, refusals=tuple(_register_refusals(entry))
    )


def _register_refusals(entry: EnterpriseRegisterEntry) -> list[str]:
    refusals = []
    if entry.is_struck_off:
        refusals.append(
            _(
                "The Quebec enterprise register lists %(name)s as %(status)s since %(date)s: a firm struck off "
                "the register cannot register on Maillage."
            )
            % {
                "name": entry.legal_name,
                "status": entry.get_status_display(),
                "date": long_date(entry.status_date),
            }
        )
    if entry.employees_min > SME_MAX_EMPLOYEES:
        refusals.append(
            _(
                "The Quebec enterprise register gives %(name)s %(range)s employees, more than the %(ceiling)s an "
                "SME may have: Maillage is for SMEs only."
            )
            % {"name": entry.legal_name, "range": entry.employees_range, "ceiling": SME_MAX_EMPLOYEES}
        )
    return refusals


def invitation_find_any(*, key: str) -> Invitation | None:
    """The invitation, to an organization or to a firm, whose emailed key this is."""
    return invitation_find(invitation_model=OrganizationInvitation, key=key) or invitation_find(
        invitation_model=VendorInvitation, key=key
    )


# Requests to join a firm


def vendor_find_by_neq(*, neq: str) -> Vendor | None:
    """The firm on Maillage with this NEQ, active or not: a NEQ names one firm, which a newcomer asks to join."""
    return Vendor.objects.filter(neq=neq).first()


def join_request_list_for_vendor(*, user: User, vendor: Vendor) -> QuerySet[VendorJoinRequest]:
    """The requests waiting for the firm's answer, oldest first; only its members (and coordinators) see them."""
    if not roles.is_vendor_member(user, vendor):
        return VendorJoinRequest.objects.none()
    return VendorJoinRequest.objects.filter(
        vendor=vendor, status=VendorJoinRequest.Status.PENDING
    ).select_related("requester", "vendor")


def join_request_list_for_requester(*, user: User) -> QuerySet[VendorJoinRequest]:
    """The user's own requests, newest first."""
    if not user.is_authenticated:
        return VendorJoinRequest.objects.none()
    return (
        VendorJoinRequest.objects.filter(requester=user)
        .select_related("vendor", "requester")
        .order_by("-created_at", "-id")
    )


def join_request_get_for_vendor(*, user: User, join_request_id: int) -> VendorJoinRequest:
    """A request to a firm this user acts for (any firm, for coordinators); a 404 otherwise."""
    requests = VendorJoinRequest.objects.select_related("requester", "vendor")
    if not roles.is_coordinator(user):
        requests = requests.filter(vendor__members=user) if user.is_authenticated else requests.none()
    return get_object_or_404(requests, pk=join_request_id)


def join_request_get_for_requester(*, user: User, join_request_id: int) -> VendorJoinRequest:
    return get_object_or_404(join_request_list_for_requester(user=user), pk=join_request_id)


# The coordinators' verification of firms


@dataclass(frozen=True)
class VerificationEvidence:
    """The register's evidence beside what a firm declared, as the verification queue shows it."""

    register: RegisterEvidence
    name: NameComparison
    region_declared: bool | None  # None: no extract entry, or a postal code that gives no one region.
    size: SizeComparison | None  # None: no extract entry.

    @property
    def entry(self) -> EnterpriseRegisterEntry | None:
        return self.register.entry


def vendor_verification_evidence(*, vendor: Vendor) -> VerificationEvidence:
    register = register_evidence(neq=vendor.neq)
    entry = register.entry
    if entry is None:
        return VerificationEvidence(
            register=register, name=NameComparison(NameMatch.NO_EVIDENCE), region_declared=None, size=None
        )
    return VerificationEvidence(
        register=register,
        name=name_compare(declared=vendor.name, legal_name=entry.legal_name, other_names=entry.other_names),
        region_declared=region_declared(
            registered=register.region.code if register.region else None,
            declared={region.code for region in vendor.regions.all()},
        ),
        size=size_compare(
            minimum=entry.employees_min,
            maximum=entry.employees_max,
            ceiling=SME_MAX_EMPLOYEES,
            declared=vendor.employees,
        ),
    )


def _refused_since_last_change() -> Exists:
    # A refusal stands until the firm next changes its profile (Vendor.updated_at): then it is to verify again.
    return Exists(
        VendorVerification.objects.filter(
            vendor=OuterRef("pk"),
            decision=VendorVerification.Decision.REFUSED,
            decided_at__gte=OuterRef("updated_at"),
        )
    )


def vendor_list_to_verify(*, user: User) -> QuerySet[Vendor]:
    """The firms the coordinators have to verify, longest waiting first (since their last change): not verified,
    and not refused since they last changed. Empty for anyone but a coordinator."""
    if not roles.is_coordinator(user):
        return Vendor.objects.none()
    return (
        Vendor.objects.filter(is_verified=False)
        .exclude(_refused_since_last_change())
        .prefetch_related("regions", "members")
        .order_by("updated_at", "id")
    )


def vendor_verification_pending(*, vendor: Vendor) -> bool:
    """Whether the firm is still to verify (not verified, not refused since its last change)."""
    return not vendor.is_verified and not (
        VendorVerification.objects.filter(
            vendor=vendor, decision=VendorVerification.Decision.REFUSED, decided_at__gte=vendor.updated_at
        ).exists()
    )


def vendor_verification_last(*, vendor: Vendor) -> VendorVerification | None:
    """The latest decision on the firm, if any."""
    return vendor.verifications.select_related("decided_by").order_by("-decided_at", "-id").first()


def vendor_verification_refusal(*, vendor: Vendor) -> VendorVerification | None:
    """The refusal its members still have to act on: the latest decision, a refusal, the firm unchanged since."""
    last = vendor_verification_last(vendor=vendor)
    if last is None or last.decision != VendorVerification.Decision.REFUSED or vendor.is_verified:
        return None
    return last if last.decided_at >= vendor.updated_at else None


def vendor_identity_changes(*, vendor: Vendor) -> list[tuple[str, str, str]]:
    """What changed in the firm's name and NEQ since a coordinator last verified it: (field, then, now)."""
    verified = (
        vendor.verifications.filter(decision=VendorVerification.Decision.VERIFIED)
        .order_by("-decided_at", "-id")
        .first()
    )
    if verified is None:
        return []
    then = {"name": verified.vendor_name, "neq": verified.vendor_neq}
    return [
        (field, before, getattr(vendor, field))
        for field, before in then.items()
        if before != getattr(vendor, field)
    ]


def vendor_unverified_entry(*, vendor: Vendor) -> AuditEntry | None:
    """The audit entry of the firm's last return to the queue after a change of name or NEQ, if any."""
    return (
        AuditEntry.objects.filter(object_type=Vendor._meta.model_name, object_id=vendor.pk, action="unverify")
        .order_by("-created_at", "-id")
        .first()
    )


def challenge_return_entry(*, challenge: Challenge) -> AuditEntry | None:
    """While a challenge is a draft again because a hub coordinator returned it, the audit entry of that return:
    its reason is the coordinator's note, which heads the organization's page of the challenge."""
    if challenge.status != Challenge.Status.DRAFT:
        return None
    return (
        AuditEntry.objects.filter(
            object_type=Challenge._meta.model_name,
            object_id=challenge.pk,
            action=Challenge.Status.DRAFT,
            from_state=Challenge.Status.SUBMITTED,
        )
        .exclude(on_behalf_of="")
        .order_by("-created_at", "-id")
        .first()
    )


def organization_sign_in_for_email(*, email: str) -> OrganizationSignIn | None:
    """The enabled sign-in of the organization whose allowed domains include the address's domain."""
    domain = email.strip().rpartition("@")[2].lower()
    # A few dozen organizations at most: read them all rather than query inside a JSON list, which the
    # embedded SQLite of `make run` cannot do the way PostgreSQL does.
    for sign_in in OrganizationSignIn.objects.filter(is_enabled=True).select_related(
        "organization", "social_app"
    ):
        if domain in sign_in.email_domains:
            return sign_in
    return None


def organization_sign_in_for_provider(*, provider_id: str) -> OrganizationSignIn | None:
    return (
        OrganizationSignIn.objects.select_related("organization", "social_app")
        .filter(social_app__provider_id=provider_id)
        .first()
    )


def organization_sign_in_list() -> QuerySet[OrganizationSignIn]:
    """The organizations whose members may sign in with their own provider, for the sign-in page's list."""
    return (
        OrganizationSignIn.objects.filter(is_enabled=True)
        .select_related("organization", "social_app")
        .order_by("organization__name")
    )
