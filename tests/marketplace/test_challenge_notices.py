"""Who hears of a challenge's return to draft, closure or cancellation (marketplace.services.challenge_transition)."""

import pytest
from django.urls import reverse

from hub.models import Notification, User
from marketplace.models import Challenge
from marketplace.services import challenge_transition
from matching.models import Introduction
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(ministry_member):
    return factories.OrganizationFactory(members=[ministry_member])


def introduce(challenge: Challenge, *, language: str = "fr", **status) -> User:
    """A firm introduced to the challenge; returns its member."""
    member = factories.UserFactory(role=User.Role.VENDOR_MEMBER, preferred_language=language)
    factories.IntroductionFactory(
        proposal__challenge=challenge, proposal__vendor=factories.VendorFactory(members=[member]), **status
    )
    return member


def told(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("user", flat=True))


def test_challenge_transition_return_to_draft_tells_the_organization_the_coordinators_note(
    organization, ministry_member, coordinator
):
    challenge = factories.ChallengeFactory(organization=organization, submitted=True)

    challenge_transition(
        challenge=challenge, user=coordinator, to_status=Challenge.Status.DRAFT, note="Précisez le budget."
    )

    notification = Notification.objects.get(kind=Notification.Kind.CHALLENGE_RETURNED)
    assert notification.user == ministry_member
    assert "Précisez le budget." in notification.body
    assert not Notification.objects.filter(kind=Notification.Kind.ON_BEHALF).exists()  # Told once.


def test_challenge_transition_return_to_draft_by_a_member_tells_nobody(organization, ministry_member):
    challenge = factories.ChallengeFactory(organization=organization, submitted=True)

    challenge_transition(challenge=challenge, user=ministry_member, to_status=Challenge.Status.DRAFT)

    assert not Notification.objects.exists()


def test_challenge_transition_close_tells_every_introduced_firm_but_those_that_declined(
    organization, ministry_member
):
    challenge = factories.ChallengeFactory(organization=organization, published=True)
    introduced = introduce(challenge)
    interested = introduce(challenge, interested=True)
    declined = introduce(challenge, declined=True)

    challenge_transition(
        challenge=challenge, user=ministry_member, to_status=Challenge.Status.CLOSED, note="Budget gelé."
    )

    assert told(Notification.Kind.CHALLENGE_CLOSED) == {introduced.pk, interested.pk}
    assert declined.pk not in told(Notification.Kind.CHALLENGE_CLOSED)
    assert "Budget gelé." in Notification.objects.get(user=introduced).body


def test_challenge_transition_cancel_tells_each_firm_in_its_language(organization, ministry_member):
    challenge = factories.ChallengeFactory(organization=organization, published=True)
    french = introduce(challenge, language="fr")
    english = introduce(challenge, language="en")

    challenge_transition(challenge=challenge, user=ministry_member, to_status=Challenge.Status.CANCELLED)

    assert Notification.objects.get(user=french, kind=Notification.Kind.CHALLENGE_CANCELLED).title.startswith(
        "Annulé"
    )
    assert Notification.objects.get(
        user=english, kind=Notification.Kind.CHALLENGE_CANCELLED
    ).title.startswith("Cancelled")


def test_challenge_transition_cancel_of_a_draft_tells_no_firm(organization, ministry_member):
    challenge = factories.ChallengeFactory(organization=organization)

    challenge_transition(challenge=challenge, user=ministry_member, to_status=Challenge.Status.CANCELLED)

    assert not Notification.objects.exists()
    assert not Introduction.objects.exists()


def test_challenge_close_api_tells_the_introduced_firms(api_client, organization, ministry_member):
    challenge = factories.ChallengeFactory(organization=organization, published=True)
    member = introduce(challenge)
    api_client.force_authenticate(ministry_member)

    response = api_client.post(reverse("challenge-close", args=[challenge.pk]), {"note": "Projet reporté."})

    assert response.status_code == 200
    assert told(Notification.Kind.CHALLENGE_CLOSED) == {member.pk}


def test_challenge_withdraw_api_by_a_coordinator_refuses_a_missing_note(
    api_client, organization, coordinator
):
    challenge = factories.ChallengeFactory(organization=organization, submitted=True)
    api_client.force_authenticate(coordinator)

    response = api_client.post(reverse("challenge-withdraw", args=[challenge.pk]), {"note": ""})

    assert response.status_code == 400
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.SUBMITTED
    assert not Notification.objects.exists()


def test_challenge_manage_page_shows_the_coordinators_note_at_the_top(
    client, organization, ministry_member, coordinator
):
    challenge = factories.ChallengeFactory(organization=organization, submitted=True)
    challenge_transition(
        challenge=challenge, user=coordinator, to_status=Challenge.Status.DRAFT, note="Précisez le budget."
    )
    client.force_login(ministry_member)

    content = client.get(reverse("frontend:challenge_manage", args=[challenge.pk])).content.decode()

    assert "Précisez le budget." in content
    assert content.index("Précisez le budget.") < content.index('id="introductions"')


def test_challenge_manage_page_hides_the_note_once_submitted_again(
    client, organization, ministry_member, coordinator
):
    challenge = factories.ChallengeFactory(organization=organization, submitted=True)
    factories.grid_create(challenge)
    challenge_transition(
        challenge=challenge, user=coordinator, to_status=Challenge.Status.DRAFT, note="Précisez le budget."
    )
    challenge_transition(challenge=challenge, user=ministry_member, to_status=Challenge.Status.SUBMITTED)
    client.force_login(ministry_member)

    content = client.get(reverse("frontend:challenge_manage", args=[challenge.pk])).content.decode()

    assert "Précisez le budget." not in content.split('id="history"')[0]
