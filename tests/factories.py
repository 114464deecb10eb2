"""One factory per model of hub, marketplace and matching, each starting in its model's first state.

A later state comes from the services, or from an explicit trait (`ChallengeFactory(published=True)`,
`IntroductionFactory(awarded=True)`) that sets what the service would have set on the way: who decided
and when, the publication date, the award. tests/test_factories.py checks that every model has one."""

import datetime
import secrets
import time
from decimal import Decimal

import factory
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.utils import timezone

from hub.models import (
    ApiToken,
    AuditEntry,
    ConfidentialityIncident,
    Consent,
    Notification,
    Organization,
    OrganizationInvitation,
    User,
)
from marketplace.models import (
    AwardMode,
    Challenge,
    ChallengeAddendum,
    EnterpriseRegisterEntry,
    EvaluationCriterion,
    Expertise,
    OrganizationSignIn,
    Region,
    RelevanceJudgment,
    Vendor,
    VendorInvitation,
    VendorJoinRequest,
    VendorReference,
    VendorVerification,
)
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
    OutboxEntry,
    Payout,
    SavedSearch,
    Score,
    ScoreSheet,
    Submission,
    SubmissionAnswer,
    SubmissionAttachment,
    VendorExposure,
)

# hub


# The TOTP secret of the coordinators and administrators that UserFactory makes: tests compute its codes.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app shows now for `secret`."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.qc.ca")
    password = factory.django.Password("Un-mot-de-passe-solide-42")
    role = User.Role.VENDOR_MEMBER

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """Coordinators and administrators must have a second factor (hub.middleware.TwoFactorRequiredMiddleware):
        they get a TOTP authenticator with TOTP_SECRET, unless `totp=False`."""
        if create and self.is_coordinator and extracted is not False:
            TOTP.activate(self, TOTP_SECRET)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Ministère numéro {n}")
    kind = Organization.Kind.MINISTRY
    region = factory.SubFactory("tests.factories.RegionFactory")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if extracted:
            self.members.set(extracted)


class NotificationFactory(factory.django.DjangoModelFactory):
    """Unread and not emailed yet; `read=True` and `emailed=True` for later."""

    class Meta:
        model = Notification

    class Params:
        read = factory.Trait(read_at=factory.LazyFunction(timezone.now))
        emailed = factory.Trait(emailed_at=factory.LazyFunction(timezone.now))

    user = factory.SubFactory(UserFactory)
    kind = Notification.Kind.CHALLENGE_PUBLISHED
    title = factory.Sequence(lambda n: f"Défi publié numéro {n}")
    body = ""
    url = ""
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    actor = factory.SubFactory(UserFactory, role=User.Role.COORDINATOR)
    actor_label = factory.LazyAttribute(lambda entry: entry.actor.username if entry.actor else "")
    object_type = "challenge"
    object_id = factory.Sequence(lambda n: n + 1)
    action = "publish"
    from_state = Challenge.Status.SUBMITTED
    to_state = Challenge.Status.PUBLISHED


class ConsentFactory(factory.django.DjangoModelFactory):
    """The terms of use accepted in their current version."""

    class Meta:
        model = Consent

    user = factory.SubFactory(UserFactory)
    kind = Consent.Kind.TERMS
    version = factory.LazyAttribute(lambda consent: settings.CONSENT_VERSIONS[consent.kind])
    granted = True


class ConfidentialityIncidentFactory(factory.django.DjangoModelFactory):
    """Just recorded: neither reported to the Commission nor told to the people concerned yet."""

    class Meta:
        model = ConfidentialityIncident

    discovered_at = factory.LazyFunction(timezone.now)
    description = "Courriel envoyé au mauvais destinataire."
    personal_information = "Nom et courriel d'une personne-ressource."


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token as hub.services.api_token_create makes it; its key is `token.key` (never stored)."""

    class Meta:
        model = ApiToken
        exclude = ["key"]

    key = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    user = factory.SubFactory(UserFactory)
    label = "script"
    prefix = factory.LazyAttribute(lambda token: token.key[: ApiToken.PREFIX_LENGTH])
    digest = factory.LazyAttribute(lambda token: ApiToken.digest_of(token.key))
    expires_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)
    )


class OrganizationSignInFactory(factory.django.DjangoModelFactory):
    """An organization's provider as marketplace.services.organization_sign_in_configure saves it (enabled)."""

    class Meta:
        model = OrganizationSignIn

    organization = factory.SubFactory(OrganizationFactory)
    issuer = "https://login.example.gouv.qc.ca"
    email_domains = factory.LazyAttribute(lambda sign_in: [f"{sign_in.organization.key}.gouv.qc.ca"])
    social_app = factory.LazyAttribute(
        lambda sign_in: SocialApp.objects.create(
            provider="openid_connect",
            provider_id=f"organization-{sign_in.organization.pk}",
            name=sign_in.organization.name,
            client_id="maillage",
            secret="a-secret",
            settings={"server_url": sign_in.issuer, "oauth_pkce_enabled": True},
        )
    )


class OrganizationInvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation as hub.services.invitation_send makes it, without the email; pass `key=` to know
    the key of its link (only its digest is stored)."""

    class Meta:
        model = OrganizationInvitation
        exclude = ["key"]

    key = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.qc.ca")
    invited_by = factory.SubFactory(UserFactory, role=User.Role.COORDINATOR)
    digest = factory.LazyAttribute(lambda invitation: OrganizationInvitation.digest_of(invitation.key))
    expires_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=settings.INVITATION_LIFETIME_DAYS)
    )


# marketplace


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "03"
    label_fr = "Capitale-Nationale"
    label_en = "Capitale-Nationale"


class ExpertiseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expertise
        django_get_or_create = ["code"]

    code = "cloud"
    label_fr = "Infonuagique"
    label_en = "Cloud computing"


class VendorFactory(factory.django.DjangoModelFactory):
    """A firm of the catalogue: the catalogue import creates firms verified (marketplace.catalog)."""

    class Meta:
        model = Vendor
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"v-{n:04d}")
    name = factory.Sequence(lambda n: f"Firme {n} inc.")
    neq = factory.Sequence(lambda n: f"11{n:08d}")
    description = "Nous hébergeons des applications dans l'infonuagique gouvernementale."
    languages = ["fr", "en"]
    employees = 25
    founded = 2012
    certifications = ["ISO 27001"]
    is_active = True
    is_verified = True

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        self.regions.set(extracted if extracted is not None else [RegionFactory()])

    @factory.post_generation
    def expertise(self, create, extracted, **kwargs):
        self.expertise.set(extracted if extracted is not None else [ExpertiseFactory()])

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if extracted:
            self.members.set(extracted)


class VendorInvitationFactory(OrganizationInvitationFactory):
    class Meta:
        model = VendorInvitation
        exclude = ["key", "organization"]

    vendor = factory.SubFactory(VendorFactory)
    digest = factory.LazyAttribute(lambda invitation: VendorInvitation.digest_of(invitation.key))


class VendorJoinRequestFactory(factory.django.DjangoModelFactory):
    """A vendor member asking to join a firm, waiting for its members' answer."""

    class Meta:
        model = VendorJoinRequest

    requester = factory.SubFactory(UserFactory, role=User.Role.VENDOR_MEMBER)
    vendor = factory.SubFactory(VendorFactory)
    message = "Je travaille chez vous depuis lundi."


class EnterpriseRegisterEntryFactory(factory.django.DjangoModelFactory):
    """A line of the enterprise register's extract: a registered SME, unless told otherwise."""

    class Meta:
        model = EnterpriseRegisterEntry

    neq = factory.Sequence(lambda n: f"88{n:08d}")
    legal_name = factory.Sequence(lambda n: f"Entreprise inscrite numéro {n} inc.")
    status_date = datetime.date(2015, 3, 2)
    postal_code = "G1R 4Y8"
    employees_range = "10 à 19"
    employees_min = 10
    employees_max = 19
    extract_date = datetime.date(2026, 12, 1)
    imported_at = factory.LazyFunction(timezone.now)


class VendorVerificationFactory(factory.django.DjangoModelFactory):
    """A coordinator's decision as marketplace.services.vendor_verification_decide records it: a verification,
    of a firm found with the same name in the register's extract."""

    class Meta:
        model = VendorVerification

    vendor = factory.SubFactory(VendorFactory)
    decision = VendorVerification.Decision.VERIFIED
    decided_by = factory.SubFactory(UserFactory, role=User.Role.COORDINATOR)
    decided_at = factory.LazyFunction(timezone.now)
    vendor_name = factory.LazyAttribute(lambda verification: verification.vendor.name)
    vendor_neq = factory.LazyAttribute(lambda verification: verification.vendor.neq)
    name_match = VendorVerification.NameMatch.EXACT
    register_name = factory.LazyAttribute(lambda verification: verification.vendor.name)
    register_status = EnterpriseRegisterEntry.Status.REGISTERED
    register_status_date = datetime.date(2015, 3, 2)
    extract_date = datetime.date(2026, 12, 1)


class VendorReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorReference

    vendor = factory.SubFactory(VendorFactory)
    client = "Ville de Lévis"
    title = factory.Sequence(lambda n: f"Mandat numéro {n}")
    year = 2023


# A challenge's publication date is set when it is published, and kept afterwards.
UNPUBLISHED_STATUSES = {Challenge.Status.DRAFT, Challenge.Status.SUBMITTED}


class ChallengeFactory(factory.django.DjangoModelFactory):
    """A draft; `submitted`, `published`, `closed`, `awarded` or `cancelled` for later."""

    class Meta:
        model = Challenge
        skip_postgeneration_save = True

    class Params:
        submitted = factory.Trait(status=Challenge.Status.SUBMITTED)
        published = factory.Trait(status=Challenge.Status.PUBLISHED)
        evaluation = factory.Trait(
            status=Challenge.Status.EVALUATION, proposals_opened_at=factory.LazyFunction(timezone.now)
        )
        closed = factory.Trait(status=Challenge.Status.CLOSED)
        awarded = factory.Trait(status=Challenge.Status.AWARDED)
        cancelled = factory.Trait(status=Challenge.Status.CANCELLED)

    key = factory.Sequence(lambda n: f"c-{n:03d}")
    organization = factory.SubFactory(OrganizationFactory)
    title = "Migration des applications vers l'infonuagique"
    description = "Le ministère souhaite migrer ses applications vers un nuage gouvernemental."
    language = "fr"
    budget_min = Decimal("50000")
    budget_max = Decimal("150000")
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))
    required_languages = ["fr"]
    required_certifications: list = []
    max_employees = 499
    status = Challenge.Status.DRAFT
    published_at = factory.LazyAttribute(
        lambda challenge: None if challenge.status in UNPUBLISHED_STATUSES else timezone.now()
    )

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        self.regions.set(extracted if extracted is not None else [RegionFactory()])

    @factory.post_generation
    def expertise(self, create, extracted, **kwargs):
        self.expertise.set(extracted if extracted is not None else [ExpertiseFactory()])


class EvaluationCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationCriterion

    challenge = factory.SubFactory(ChallengeFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Critère {n}")
    description = "Ce que le comité évalue."
    weight = 40
    has_minimum = False


class ChallengeAddendumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChallengeAddendum

    challenge = factory.SubFactory(ChallengeFactory, published=True)
    number = factory.Sequence(lambda n: n + 1)
    summary = "Le critère 2 est précisé."


def grid_create(
    challenge: Challenge, *, weights: tuple[int, ...] = (40, 30, 30), mode: str = AwardMode.ADJUSTED_PRICE
) -> list[EvaluationCriterion]:
    """Give the challenge an award mode (K = 30 % for the adjusted price) and one criterion per weight."""
    challenge.award_mode = mode
    challenge.k_factor = 30 if mode == AwardMode.ADJUSTED_PRICE else None
    challenge.save(update_fields=["award_mode", "k_factor"])
    return [
        EvaluationCriterionFactory(challenge=challenge, position=position, weight=weight)
        for position, weight in enumerate(weights, start=1)
    ]


class RelevanceJudgmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelevanceJudgment

    challenge = factory.SubFactory(ChallengeFactory, published=True)
    vendor = factory.SubFactory(VendorFactory)
    grade = 2


# matching


class OutboxEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxEntry

    kind = OutboxEntry.Kind.VENDOR
    object_id = factory.LazyAttribute(lambda entry: VendorFactory().pk)


class VendorExposureFactory(factory.django.DjangoModelFactory):
    """Today's first exposure of a vendor in one channel, as matching.services.vendor_exposure_record counts it."""

    class Meta:
        model = VendorExposure

    vendor = factory.SubFactory(VendorFactory)
    day = factory.LazyFunction(timezone.localdate)
    channel = VendorExposure.Channel.SEARCH
    count = 1


class SavedSearchFactory(factory.django.DjangoModelFactory):
    """A search saved by a vendor member for their firm (the user's firm, or a new one).

    Not in the percolator index: matching.services.saved_search_create puts it there."""

    class Meta:
        model = SavedSearch

    user = factory.SubFactory(UserFactory, role=User.Role.VENDOR_MEMBER)
    vendor = factory.LazyAttribute(
        lambda saved: saved.user.vendors.order_by("pk").first() or VendorFactory(members=[saved.user])
    )
    name = "Infonuagique"


# Who decided a proposal, and when, is set by the decision (matching.services.proposals).
def _decided(proposal) -> bool:
    return proposal.status != MatchProposal.Status.PENDING


class MatchProposalFactory(factory.django.DjangoModelFactory):
    """Pending, for a published challenge; `approved`, `rejected` or `on_hold` once a coordinator decided."""

    class Meta:
        model = MatchProposal

    class Params:
        approved = factory.Trait(status=MatchProposal.Status.APPROVED)
        rejected = factory.Trait(status=MatchProposal.Status.REJECTED, reason="Hors sujet.")
        on_hold = factory.Trait(status=MatchProposal.Status.ON_HOLD)

    challenge = factory.SubFactory(ChallengeFactory, published=True)
    vendor = factory.SubFactory(VendorFactory)
    source = MatchProposal.Source.ENGINE
    status = MatchProposal.Status.PENDING
    decided_by = factory.Maybe(
        factory.LazyAttribute(_decided),
        yes_declaration=factory.SubFactory(UserFactory, role=User.Role.COORDINATOR),
        no_declaration=None,
    )
    decided_at = factory.Maybe(
        factory.LazyAttribute(_decided),
        yes_declaration=factory.LazyFunction(timezone.now),
        no_declaration=None,
    )


class IntroductionFactory(factory.django.DjangoModelFactory):
    """Introduced after its proposal's approval; `interested`, `declined`, `shortlisted`, `awarded` or
    `not_selected` for later. When the factory makes the challenge, `awarded` awards it to the vendor."""

    class Meta:
        model = Introduction

    class Params:
        interested = factory.Trait(status=Introduction.Status.INTERESTED)
        declined = factory.Trait(status=Introduction.Status.DECLINED)
        shortlisted = factory.Trait(status=Introduction.Status.SHORTLISTED)
        awarded = factory.Trait(
            status=Introduction.Status.AWARDED,
            proposal__challenge__status=Challenge.Status.AWARDED,
            proposal__challenge__awarded_vendor=factory.SelfAttribute("..vendor"),
        )
        not_selected = factory.Trait(status=Introduction.Status.NOT_SELECTED)

    proposal = factory.SubFactory(MatchProposalFactory, approved=True)
    challenge = factory.SelfAttribute("proposal.challenge")
    vendor = factory.SelfAttribute("proposal.vendor")
    status = Introduction.Status.INTRODUCED


class ClarificationFactory(factory.django.DjangoModelFactory):
    """A question asked about a published challenge, not answered yet; `answered=True` publishes an answer."""

    class Meta:
        model = Clarification

    class Params:
        answered = factory.Trait(
            answer="Un centre de données interne.",
            answered_at=factory.LazyFunction(timezone.now),
        )

    challenge = factory.SubFactory(ChallengeFactory, published=True)
    asked_by = factory.SubFactory(UserFactory, role=User.Role.VENDOR_MEMBER)
    question = factory.Sequence(lambda n: f"Question numéro {n} : quel est l'hébergement actuel ?")


class EngagementFactory(factory.django.DjangoModelFactory):
    """Active, opened by the award of its introduction; `completed=True` for later."""

    class Meta:
        model = Engagement

    class Params:
        completed = factory.Trait(status=Engagement.Status.COMPLETED)

    introduction = factory.SubFactory(IntroductionFactory, awarded=True)
    challenge = factory.SelfAttribute("introduction.challenge")
    vendor = factory.SelfAttribute("introduction.vendor")
    status = Engagement.Status.ACTIVE


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A draft proposal of an introduced firm; `submitted=True` for later."""

    class Meta:
        model = Submission

    class Params:
        submitted = factory.Trait(
            status=Submission.Status.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )

    introduction = factory.SubFactory(IntroductionFactory)
    challenge = factory.SelfAttribute("introduction.challenge")
    vendor = factory.SelfAttribute("introduction.vendor")
    approach = "Une démarche agile, par itérations de deux semaines."
    team = factory.LazyFunction(lambda: [{"role": "Chargée de projet", "name": ""}])
    schedule = factory.LazyFunction(lambda: [{"title": "Prototype", "week": 6, "amount": "40000.00"}])
    price = Decimal("100000.00")


class SubmissionAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubmissionAnswer

    submission = factory.SubFactory(SubmissionFactory)
    criterion = factory.SubFactory(
        EvaluationCriterionFactory, challenge=factory.SelfAttribute("..submission.challenge")
    )
    text = "Notre réponse à ce critère."


class SubmissionAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubmissionAttachment

    submission = factory.SubFactory(SubmissionFactory)
    file = factory.django.FileField(filename="offre.pdf", data=b"%PDF-1.4\n%%EOF\n")
    name = "offre.pdf"
    size = 15
    sha256 = "0" * 64


class CommitteeMemberFactory(factory.django.DjangoModelFactory):
    """A scoring member of the challenge's committee, made a member of its organization; `secretary=True`."""

    class Meta:
        model = CommitteeMember
        skip_postgeneration_save = True

    class Params:
        secretary = factory.Trait(role=CommitteeMember.Role.SECRETARY)

    challenge = factory.SubFactory(ChallengeFactory, evaluation=True)
    user = factory.SubFactory(UserFactory, role=User.Role.MINISTRY_MEMBER)
    role = CommitteeMember.Role.MEMBER

    @factory.post_generation
    def organization_membership(self, create, extracted, **kwargs):
        if create:
            self.challenge.organization.members.add(self.user)


class ScoreSheetFactory(factory.django.DjangoModelFactory):
    """A member's sheet for a submitted proposal of the same challenge, not submitted yet."""

    class Meta:
        model = ScoreSheet

    member = factory.SubFactory(CommitteeMemberFactory)
    submission = factory.SubFactory(
        SubmissionFactory,
        submitted=True,
        introduction__proposal__challenge=factory.SelfAttribute("....member.challenge"),
    )


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    sheet = factory.SubFactory(ScoreSheetFactory)
    criterion = factory.SubFactory(
        EvaluationCriterionFactory, challenge=factory.SelfAttribute("..sheet.submission.challenge")
    )
    score = 75
    comment = "Solide."


class ConsensusScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsensusScore

    submission = factory.SubFactory(SubmissionFactory, submitted=True)
    criterion = factory.SubFactory(
        EvaluationCriterionFactory, challenge=factory.SelfAttribute("..submission.challenge")
    )
    score = 75
    comment = "Une démarche claire."


class AwardDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwardDecision

    submission = factory.SubFactory(SubmissionFactory, submitted=True)
    challenge = factory.SelfAttribute("submission.challenge")
    price = factory.SelfAttribute("submission.price")
    rationale = "La soumission au prix ajusté le plus bas."


class EngagementAmendmentFactory(factory.django.DjangoModelFactory):
    """A coordinator's amendment raising the engagement's price."""

    class Meta:
        model = EngagementAmendment

    engagement = factory.SubFactory(EngagementFactory)
    reason = "Travaux supplémentaires demandés par l'organisme."
    price = Decimal("200000.00")


# The dates a milestone's moves set (matching.services.engagements).
_DELIVERED = {Milestone.Status.DELIVERED, Milestone.Status.ACCEPTED, Milestone.Status.PAID}
_ACCEPTED = {Milestone.Status.ACCEPTED, Milestone.Status.PAID}


class MilestoneFactory(factory.django.DjangoModelFactory):
    """Planned; `delivered`, `accepted` or `paid` for later, with what the moves set (dates, who accepted)."""

    class Meta:
        model = Milestone

    class Params:
        delivered = factory.Trait(status=Milestone.Status.DELIVERED)
        accepted = factory.Trait(status=Milestone.Status.ACCEPTED)
        paid = factory.Trait(status=Milestone.Status.PAID)

    engagement = factory.SubFactory(EngagementFactory)
    title = factory.Sequence(lambda n: f"Livrable {n}")
    amount = Decimal("1234.56")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    status = Milestone.Status.PLANNED
    delivered_at = factory.LazyAttribute(
        lambda milestone: timezone.now() if milestone.status in _DELIVERED else None
    )
    accepted_at = factory.LazyAttribute(
        lambda milestone: timezone.now() if milestone.status in _ACCEPTED else None
    )
    # Accepted by a member of the organization, when it has one.
    accepted_by = factory.LazyAttribute(
        lambda milestone: (
            milestone.engagement.challenge.organization.members.order_by("pk").first()
            if milestone.status in _ACCEPTED
            else None
        )
    )


class PayoutFactory(factory.django.DjangoModelFactory):
    """Waiting to be sent, for an accepted milestone (matching.services.payout_request)."""

    class Meta:
        model = Payout

    class Params:
        submitted = factory.Trait(status=Payout.Status.SUBMITTED, attempts=1)
        paid = factory.Trait(status=Payout.Status.PAID, attempts=1, milestone__status=Milestone.Status.PAID)
        failed = factory.Trait(status=Payout.Status.FAILED, attempts=1)

    milestone = factory.SubFactory(MilestoneFactory, accepted=True)
    amount = factory.SelfAttribute("milestone.amount")
    status = Payout.Status.PENDING
