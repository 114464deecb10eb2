"""A firm raises its hand (« Manifester notre intérêt »): the service, its refusals and what coordinators see."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from rest_framework.test import APIClient

from hub.exceptions import Conflict
from hub.models import AuditEntry, Notification, User
from marketplace.models import Challenge
from matching.models import Introduction, MatchProposal
from matching.search.explain import NotProposed
from matching.services import proposal_approve, proposal_reject, proposal_request
from tests import factories

pytestmark = pytest.mark.django_db

TEXT = "Migration des applications vers l'infonuagique gouvernementale et hébergement sécurisé."
NOTE = "Nous avons migré trois ministères vers le nuage gouvernemental."


@pytest.fixture
def member() -> User:
    return factories.UserFactory(role=User.Role.VENDOR_MEMBER)


@pytest.fixture
def vendor(member):
    return factories.VendorFactory(description=TEXT, members=[member], languages=["fr"])


@pytest.fixture
def challenge():
    return factories.ChallengeFactory(
        published=True, description=TEXT, required_languages=["fr"], mandatory_requirements=["languages"]
    )


def request_for(challenge, vendor, user, *, note: str = NOTE, reason: str = "") -> MatchProposal:
    return proposal_request(challenge=challenge, vendor=vendor, user=user, note=note, reason=reason)


# A new request: a pending proposal with the matcher's frozen explanation


@pytest.mark.search
def test_proposal_request_creates_a_pending_proposal_asked_by_the_firm_with_the_matchers_explanation(
    challenge, vendor, member, indexed
):
    indexed(vendor)

    proposal = request_for(challenge, vendor, member)

    assert proposal.status == MatchProposal.Status.PENDING
    assert proposal.source == MatchProposal.Source.VENDOR
    assert (proposal.requested_by, proposal.request_note) == (member, NOTE)
    assert proposal.requested_at is not None
    assert proposal.rank == 1
    assert proposal.score > 0
    assert proposal.explanation["languages_matched"] == ["fr"]
    assert proposal.explanation["not_proposed"] == ""


@pytest.mark.search
def test_proposal_request_says_the_matcher_ranked_the_firm_below_its_top(
    challenge, vendor, member, indexed, settings
):
    settings.PROPOSALS_PER_CHALLENGE = 1
    better = factories.VendorFactory(description=TEXT, languages=["fr"], certifications=["ISO 27001"])
    vendor.description = "Nous hébergeons des applications."
    vendor.save()
    indexed(better, vendor)

    proposal = request_for(challenge, vendor, member)

    assert proposal.rank is None
    assert proposal.score > 0
    assert proposal.explanation["not_proposed"] == NotProposed.BELOW_TOP


@pytest.mark.search
def test_proposal_request_says_the_matcher_finds_nothing_in_common(challenge, member, indexed):
    printer = factories.VendorFactory(
        description="Impression d'affiches et de dépliants.",
        expertise=[factories.ExpertiseFactory(code="print")],
        languages=["fr"],
        members=[member],
    )
    indexed(printer)

    proposal = request_for(challenge, printer, member)

    assert proposal.score is None
    assert proposal.explanation["not_proposed"] == NotProposed.UNRELATED


def test_proposal_request_records_the_request_on_a_pending_proposal_and_keeps_its_source(
    challenge, vendor, member
):
    existing = factories.MatchProposalFactory(challenge=challenge, vendor=vendor, rank=3, score=4.2)

    proposal = request_for(challenge, vendor, member)

    assert proposal.pk == existing.pk
    assert (proposal.source, proposal.rank, proposal.score) == (MatchProposal.Source.ENGINE, 3, 4.2)
    assert proposal.is_requested
    assert proposal.request_note == NOTE


def test_proposal_request_records_the_request_on_a_held_proposal(challenge, vendor, member):
    factories.MatchProposalFactory(challenge=challenge, vendor=vendor, on_hold=True)

    proposal = request_for(challenge, vendor, member)

    assert proposal.status == MatchProposal.Status.ON_HOLD
    assert proposal.is_requested


def test_proposal_request_is_audited(challenge, vendor, member):
    proposal = factories.MatchProposalFactory(challenge=challenge, vendor=vendor)

    request_for(challenge, vendor, member)

    entry = AuditEntry.objects.get(object_type="matchproposal", object_id=proposal.pk)
    assert (entry.actor, entry.action, entry.to_state) == (member, "request_introduction", "pending")


def test_proposal_request_tells_the_coordinators(
    challenge, vendor, member, coordinator, django_capture_on_commit_callbacks
):
    factories.MatchProposalFactory(challenge=challenge, vendor=vendor)

    with django_capture_on_commit_callbacks(execute=True):
        request_for(challenge, vendor, member)

    notification = Notification.objects.get(user=coordinator, kind=Notification.Kind.INTRODUCTION_REQUESTED)
    assert vendor.name in notification.title
    assert NOTE in notification.body


# Refusals, each saying what to do, with nothing written


def test_proposal_request_refuses_a_firm_already_introduced(challenge, vendor, member):
    factories.MatchProposalFactory(challenge=challenge, vendor=vendor, approved=True)

    with pytest.raises(Conflict) as refused:
        request_for(challenge, vendor, member)

    assert refused.value.code == "proposal_already_introduced"
    assert not MatchProposal.objects.filter(requested_at__isnull=False).exists()


def test_proposal_request_refuses_a_firm_a_coordinator_already_rejected(challenge, vendor, member):
    factories.MatchProposalFactory(challenge=challenge, vendor=vendor, rejected=True)

    with pytest.raises(Conflict) as refused:
        request_for(challenge, vendor, member)

    assert refused.value.code == "proposal_already_rejected"
    assert "Hors sujet." in refused.value.messages[0]


def test_proposal_request_refuses_asking_twice(challenge, vendor, member):
    factories.MatchProposalFactory(challenge=challenge, vendor=vendor)
    request_for(challenge, vendor, member)

    with pytest.raises(Conflict) as refused:
        request_for(challenge, vendor, member, note="Encore nous.")

    assert refused.value.code == "proposal_already_requested"
    assert MatchProposal.objects.get(vendor=vendor).request_note == NOTE


def test_proposal_request_refuses_an_unverified_firm_and_says_it_must_be_verified_first(
    challenge, vendor, member
):
    vendor.is_verified = False
    vendor.save()

    with override("en"), pytest.raises(PermissionDenied, match="must be verified"):
        request_for(challenge, vendor, member)

    assert not MatchProposal.objects.exists()


def test_proposal_request_refuses_an_inactive_firm(challenge, vendor, member):
    vendor.is_active = False
    vendor.save()

    with override("en"), pytest.raises(PermissionDenied, match="inactive"):
        request_for(challenge, vendor, member)


@pytest.mark.parametrize(
    "status", [Challenge.Status.DRAFT, Challenge.Status.CLOSED, Challenge.Status.AWARDED]
)
def test_proposal_request_refuses_a_challenge_that_is_not_open(vendor, member, status):
    challenge = factories.ChallengeFactory(status=status)

    with pytest.raises(Conflict) as refused:
        request_for(challenge, vendor, member)

    assert refused.value.code == "challenge_not_published"


def test_proposal_request_refuses_a_challenge_past_its_deadline(challenge, vendor, member):
    challenge.deadline = timezone.localdate() - datetime.timedelta(days=1)
    challenge.save()

    with pytest.raises(Conflict) as refused:
        request_for(challenge, vendor, member)

    assert refused.value.code == "challenge_deadline_passed"


def test_proposal_request_refuses_a_firm_missing_a_mandatory_requirement_and_names_it(challenge, member):
    english_only = factories.VendorFactory(members=[member], languages=["en"])

    with pytest.raises(PermissionDenied, match="français"):
        request_for(challenge, english_only, member)

    assert not MatchProposal.objects.exists()


def test_proposal_request_refuses_someone_who_is_not_a_member_of_the_firm(challenge, vendor):
    stranger = factories.UserFactory(role=User.Role.VENDOR_MEMBER)

    with pytest.raises(PermissionDenied):
        request_for(challenge, vendor, stranger)


def test_proposal_request_refuses_a_note_over_1000_characters(challenge, vendor, member):
    with pytest.raises(ValidationError) as refused:
        request_for(challenge, vendor, member, note="x" * 1001)

    assert "note" in refused.value.message_dict


def test_proposal_request_refuses_an_empty_note(challenge, vendor, member):
    with pytest.raises(ValidationError) as refused:
        request_for(challenge, vendor, member, note="   ")

    assert "note" in refused.value.message_dict


# A coordinator acting for the firm


def test_proposal_request_by_a_coordinator_requires_a_reason(challenge, vendor, coordinator):
    factories.MatchProposalFactory(challenge=challenge, vendor=vendor)

    with pytest.raises(ValidationError) as refused:
        request_for(challenge, vendor, coordinator)

    assert "reason" in refused.value.message_dict
    assert not MatchProposal.objects.filter(requested_at__isnull=False).exists()


def test_proposal_request_by_a_coordinator_is_audited_for_the_firm_which_is_told(
    challenge, vendor, member, coordinator, django_capture_on_commit_callbacks
):
    proposal = factories.MatchProposalFactory(challenge=challenge, vendor=vendor)

    with django_capture_on_commit_callbacks(execute=True):
        request_for(challenge, vendor, coordinator, reason="La firme nous a écrit.")

    entry = AuditEntry.objects.get(object_id=proposal.pk, action="request_introduction")
    assert (entry.on_behalf_of, entry.reason) == (vendor.name, "La firme nous a écrit.")
    assert Notification.objects.filter(user=member, kind=Notification.Kind.ON_BEHALF).exists()


# The coordinators decide; the firm is told


def test_rejecting_a_request_tells_the_firm_the_coordinators_reason(
    challenge, vendor, member, coordinator, django_capture_on_commit_callbacks
):
    factories.MatchProposalFactory(challenge=challenge, vendor=vendor)
    proposal = request_for(challenge, vendor, member)

    with django_capture_on_commit_callbacks(execute=True):
        proposal_reject(proposal=proposal, user=coordinator, reason="Le défi demande une cote de sécurité.")

    notification = Notification.objects.get(user=member, kind=Notification.Kind.INTRODUCTION_REQUEST_REJECTED)
    assert "Le défi demande une cote de sécurité." in notification.body


def test_rejecting_a_proposal_the_firm_did_not_ask_for_tells_it_nothing(
    challenge, vendor, member, coordinator, django_capture_on_commit_callbacks
):
    proposal = factories.MatchProposalFactory(challenge=challenge, vendor=vendor)

    with django_capture_on_commit_callbacks(execute=True):
        proposal_reject(proposal=proposal, user=coordinator, reason="Hors sujet.")

    assert not Notification.objects.filter(user=member).exists()


def test_approving_a_request_introduces_the_firm_which_is_told(
    challenge, vendor, member, coordinator, django_capture_on_commit_callbacks
):
    factories.MatchProposalFactory(challenge=challenge, vendor=vendor)
    proposal = request_for(challenge, vendor, member)

    with django_capture_on_commit_callbacks(execute=True):
        proposal_approve(proposal=proposal, user=coordinator)

    assert Introduction.objects.filter(challenge=challenge, vendor=vendor).exists()
    assert Notification.objects.filter(user=member, kind=Notification.Kind.INTRODUCTION).exists()


# The API


def api_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def interest(client: APIClient, challenge: Challenge, body: dict):
    return client.post(reverse("challenge-interest", args=[challenge.pk]), body, format="json")


def test_challenge_interest_api_records_the_request(challenge, vendor, member):
    factories.MatchProposalFactory(challenge=challenge, vendor=vendor)

    response = interest(api_for(member), challenge, {"vendor": vendor.pk, "note": NOTE})

    assert response.status_code == 201, response.data
    assert response.data["request_note"] == NOTE
    assert response.data["status"] == "pending"
    assert "score" not in response.data  # The matcher's score is the hub's business.


def test_challenge_interest_api_answers_409_for_a_firm_already_introduced(challenge, vendor, member):
    factories.MatchProposalFactory(challenge=challenge, vendor=vendor, approved=True)

    response = interest(api_for(member), challenge, {"vendor": vendor.pk, "note": NOTE})

    assert response.status_code == 409
    assert "déjà présentée" in str(response.data)


def test_challenge_interest_api_answers_403_naming_the_missing_requirement(challenge, member):
    english_only = factories.VendorFactory(members=[member], languages=["en"])

    response = interest(api_for(member), challenge, {"vendor": english_only.pk, "note": NOTE})

    assert response.status_code == 403
    assert "français" in str(response.data)


def test_challenge_interest_api_answers_404_for_a_firm_the_user_is_not_a_member_of(challenge, member):
    other = factories.VendorFactory()

    response = interest(api_for(member), challenge, {"vendor": other.pk, "note": NOTE})

    assert response.status_code == 404


def test_challenge_interest_api_answers_400_for_a_note_too_long(challenge, vendor, member):
    response = interest(api_for(member), challenge, {"vendor": vendor.pk, "note": "x" * 1001})

    assert response.status_code == 400
    assert "note" in response.data


def test_proposal_list_api_shows_the_firms_request(challenge, vendor, member, coordinator):
    factories.MatchProposalFactory(challenge=challenge, vendor=vendor)
    request_for(challenge, vendor, member)

    response = api_for(coordinator).get(reverse("proposal-list"))

    item = next(item for item in response.data["results"] if item["vendor"]["id"] == vendor.pk)
    assert (item["request_note"], item["requested_by"]) == (NOTE, member.pk)
    assert item["requested_at"] is not None


def test_challenge_interest_api_answers_503_and_writes_nothing_while_the_engine_is_down(
    challenge, vendor, member, engine_down
):
    response = interest(api_for(member), challenge, {"vendor": vendor.pk, "note": NOTE})

    assert response.status_code == 503
    assert not MatchProposal.objects.exists()
    assert not Notification.objects.exists()
