"""The challenge's page for a firm's member: « Manifester notre intérêt », or why the firm may not."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from hub.models import User
from matching.models import MatchProposal
from tests import factories

pytestmark = pytest.mark.django_db


def page(name: str, language: str = "fr", **kwargs) -> str:
    with override(language):
        return reverse(f"frontend:{name}", kwargs=kwargs)


@pytest.fixture
def member(client) -> User:
    user = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    client.force_login(user)
    return user


@pytest.fixture
def challenge():
    return factories.ChallengeFactory(
        published=True, required_languages=["fr"], mandatory_requirements=["languages"]
    )


def test_challenge_page_offers_an_eligible_firm_to_express_its_interest(client, member, challenge):
    factories.VendorFactory(members=[member], languages=["fr"])

    content = client.get(page("challenge_detail", challenge_id=challenge.pk)).content.decode()

    assert "Manifester notre intérêt" in content
    assert page("vendor_challenge_interest", challenge_id=challenge.pk) in content


def test_challenge_page_says_which_mandatory_requirement_the_firm_misses_instead_of_the_button(
    client, member, challenge
):
    factories.VendorFactory(members=[member], languages=["en"])

    content = client.get(page("challenge_detail", challenge_id=challenge.pk)).content.decode()

    assert "Manifester notre intérêt" not in content
    assert "français" in content


def test_challenge_page_says_an_unverified_firm_must_be_verified_first(client, member, challenge):
    factories.VendorFactory(members=[member], is_verified=False)

    content = client.get(page("challenge_detail", "en", challenge_id=challenge.pk)).content.decode()

    assert "Express our interest" not in content
    assert "must be verified" in content


def test_challenge_page_shows_the_firms_request_once_made(client, member, challenge):
    vendor = factories.VendorFactory(members=[member])
    factories.MatchProposalFactory(
        challenge=challenge, vendor=vendor, requested_at=timezone.now(), request_note="Notre note."
    )

    content = client.get(page("challenge_detail", "en", challenge_id=challenge.pk)).content.decode()

    assert "Express our interest" not in content
    assert "Notre note." in content


def test_challenge_page_shows_each_requirement_as_mandatory_or_preferred(client, challenge):
    challenge.required_certifications = ["ISO 27001"]
    challenge.save()

    content = client.get(page("challenge_detail", challenge_id=challenge.pk)).content.decode()

    assert "obligatoire" in content
    assert "souhaité" in content


def test_posting_the_note_records_the_request(client, member, challenge):
    vendor = factories.VendorFactory(members=[member])
    factories.MatchProposalFactory(challenge=challenge, vendor=vendor)

    response = client.post(
        page("vendor_challenge_interest", challenge_id=challenge.pk), {"note": "Nous sommes prêts."}
    )

    assert response.status_code == 302
    assert MatchProposal.objects.get(vendor=vendor).request_note == "Nous sommes prêts."


def test_posting_an_empty_note_shows_the_form_again_with_the_error(client, member, challenge):
    factories.VendorFactory(members=[member])

    response = client.post(page("vendor_challenge_interest", "en", challenge_id=challenge.pk), {"note": ""})

    assert response.status_code == 400
    assert not MatchProposal.objects.exists()


@pytest.mark.search
def test_opportunity_search_marks_a_challenge_whose_mandatory_requirement_the_firm_misses(
    client, member, indexed
):
    factories.VendorFactory(members=[member], languages=["en"])
    french_only = factories.ChallengeFactory(
        published=True, required_languages=["fr"], mandatory_requirements=["languages"]
    )
    indexed(french_only)

    response = client.get(page("challenge_search", "en"))

    assert [hit["ineligible"] for hit in response.context["hits"]] == [True]
    assert "Not eligible" in response.content.decode()


@pytest.mark.search
def test_opportunity_search_does_not_mark_a_challenge_whose_requirement_is_only_preferred(
    client, member, indexed
):
    factories.VendorFactory(members=[member], languages=["en"])
    preferred = factories.ChallengeFactory(
        published=True, required_languages=["fr"], mandatory_requirements=[]
    )
    indexed(preferred)

    response = client.get(page("challenge_search", "en"))

    assert [hit["ineligible"] for hit in response.context["hits"]] == [False]


def test_posting_while_the_engine_is_down_says_so_and_writes_nothing(client, member, challenge, engine_down):
    factories.VendorFactory(members=[member])

    response = client.post(
        page("vendor_challenge_interest", "en", challenge_id=challenge.pk), {"note": "Nous sommes prêts."}
    )

    assert response.status_code == 503
    assert "temporarily unavailable" in response.content.decode()
    assert not MatchProposal.objects.exists()
