"""The matcher's endpoints: ranked, explained, counted, and closed to those who should not see them."""

import pytest
from django.urls import reverse

from matching.models import VendorExposure
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.search]

TEXT = "Migration des applications vers l'infonuagique gouvernementale."


@pytest.fixture
def challenge(indexed):
    challenge = factories.ChallengeFactory(
        published=True, description=TEXT, required_certifications=["SOC 2"]
    )
    indexed(challenge)
    return challenge


@pytest.fixture
def vendors(indexed):
    vendors = [
        factories.VendorFactory(description=TEXT),
        factories.VendorFactory(description="Impression d'affiches."),
    ]
    indexed(*vendors)
    return vendors


def test_challenge_matches_ranks_vendors_with_explanations(api_client, coordinator, challenge, vendors):
    api_client.force_authenticate(coordinator)

    response = api_client.get(reverse("challenge-matches", args=[challenge.id]), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    first = response.data["results"][0]
    assert first["rank"] == 1 and first["vendor"]["id"] == vendors[0].id
    assert first["explanation"]["certifications_missing"] == ["SOC 2"]
    assert "Certifications manquantes\xa0: SOC 2." in first["explanation"]["gaps"]
    assert "Certifications manquantes\xa0: SOC 2." not in first["explanation"]["reasons"]
    assert any("<mark>" in fragment for fragment in first["explanation"]["highlights"]["description"])


def test_challenge_matches_counts_each_vendor_shown(api_client, coordinator, challenge, vendors):
    api_client.force_authenticate(coordinator)

    api_client.get(reverse("challenge-matches", args=[challenge.id]))
    api_client.get(reverse("challenge-matches", args=[challenge.id]))

    exposure = VendorExposure.objects.get(vendor=vendors[0], channel=VendorExposure.Channel.MATCHES)
    assert exposure.count == 2


@pytest.mark.parametrize("role", ["anonymous", "ministry_member", "vendor_member"])
def test_challenge_matches_is_closed_to_everyone_but_coordinators(request, api_client, challenge, role):
    if role != "anonymous":
        api_client.force_authenticate(request.getfixturevalue(role))

    response = api_client.get(reverse("challenge-matches", args=[challenge.id]))

    assert response.status_code in (401, 403)


def test_challenge_matches_answers_404_for_an_unknown_challenge(api_client, coordinator):
    api_client.force_authenticate(coordinator)

    assert api_client.get(reverse("challenge-matches", args=[999999])).status_code == 404


def test_challenge_matches_refuses_malformed_pagination(api_client, coordinator, challenge):
    api_client.force_authenticate(coordinator)

    response = api_client.get(reverse("challenge-matches", args=[challenge.id]), {"page": "-1"})

    assert response.status_code == 400
    assert "page" in response.data


def test_vendor_opportunities_ranks_open_challenges_for_the_vendors_member(
    api_client, vendor_member, challenge
):
    api_client.force_authenticate(vendor_member)
    vendor = vendor_member.vendors.get()

    response = api_client.get(reverse("vendor-opportunities", args=[vendor.id]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.data["results"][0]["challenge"]["id"] == challenge.id
    assert "Certifications missing: SOC 2." in response.data["results"][0]["explanation"]["gaps"]


def test_vendor_opportunities_hides_another_vendors_view(api_client, vendor_member):
    other = factories.VendorFactory()
    api_client.force_authenticate(vendor_member)

    assert api_client.get(reverse("vendor-opportunities", args=[other.id])).status_code == 404


def test_exposure_summary_shows_how_attention_is_spread(api_client, coordinator, challenge, vendors):
    api_client.force_authenticate(coordinator)
    api_client.get(reverse("challenge-matches", args=[challenge.id]))

    response = api_client.get(reverse("exposure-summary"), {"days": 7})

    assert response.status_code == 200
    assert response.data["total"] == response.data["vendors_shown"] == 2
    assert response.data["gini"] == 0.0


def test_exposure_summary_refuses_an_impossible_period(api_client, coordinator):
    api_client.force_authenticate(coordinator)

    assert api_client.get(reverse("exposure-summary"), {"days": "0"}).status_code == 400


def test_vendor_opportunities_mark_a_challenge_whose_mandatory_requirement_the_vendor_misses(
    api_client, vendor_member, indexed
):
    api_client.force_authenticate(vendor_member)
    vendor = vendor_member.vendors.get()
    challenge = factories.ChallengeFactory(
        published=True,
        description=TEXT,
        required_certifications=["SOC 2"],
        mandatory_requirements=["certifications"],
    )
    indexed(challenge)

    response = api_client.get(reverse("vendor-opportunities", args=[vendor.id]))

    assert response.data["results"][0]["explanation"]["requirements_missing"] == ["certifications"]
