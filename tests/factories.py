import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from hub.models import Organization, User
from marketplace.models import Challenge, Expertise, Region, Vendor
from matching.models import Engagement, Introduction, MatchProposal, Milestone, Payout


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.qc.ca")
    password = factory.django.Password("Un-mot-de-passe-solide-42")
    role = User.Role.VENDOR_MEMBER


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


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Ministère numéro {n}")
    kind = Organization.Kind.MINISTRY
    region = factory.SubFactory(RegionFactory)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if extracted:
            self.members.set(extracted)


class VendorFactory(factory.django.DjangoModelFactory):
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


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge
        skip_postgeneration_save = True

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
    status = Challenge.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        self.regions.set(extracted if extracted is not None else [RegionFactory()])

    @factory.post_generation
    def expertise(self, create, extracted, **kwargs):
        self.expertise.set(extracted if extracted is not None else [ExpertiseFactory()])


class MatchProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchProposal

    challenge = factory.SubFactory(ChallengeFactory)
    vendor = factory.SubFactory(VendorFactory)
    source = MatchProposal.Source.ENGINE
    status = MatchProposal.Status.APPROVED


class IntroductionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Introduction

    proposal = factory.SubFactory(MatchProposalFactory)
    challenge = factory.SelfAttribute("proposal.challenge")
    vendor = factory.SelfAttribute("proposal.vendor")
    status = Introduction.Status.AWARDED


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    introduction = factory.SubFactory(IntroductionFactory)
    challenge = factory.SelfAttribute("introduction.challenge")
    vendor = factory.SelfAttribute("introduction.vendor")
    status = Engagement.Status.ACTIVE


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    engagement = factory.SubFactory(EngagementFactory)
    title = factory.Sequence(lambda n: f"Livrable {n}")
    amount = Decimal("1234.56")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    status = Milestone.Status.PLANNED


class PayoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payout

    milestone = factory.SubFactory(MilestoneFactory, status=Milestone.Status.ACCEPTED)
    amount = factory.SelfAttribute("milestone.amount")
    status = Payout.Status.PENDING
