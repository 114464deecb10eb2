"""Whether a firm may answer a challenge: each mandatory requirement it fails, named; preferences never."""

import pytest

from marketplace.eligibility import challenge_requirements_missing
from marketplace.models import Requirement
from tests import factories

pytestmark = pytest.mark.django_db


def missing(challenge, vendor) -> list[str]:
    return [item.requirement for item in challenge_requirements_missing(challenge, vendor)]


def test_challenge_requirements_missing_names_a_mandatory_language_the_firm_lacks():
    challenge = factories.ChallengeFactory(required_languages=["fr"], mandatory_requirements=["languages"])
    vendor = factories.VendorFactory(languages=["en"])

    assert missing(challenge, vendor) == [Requirement.LANGUAGES]


def test_challenge_requirements_missing_ignores_a_preferred_language_the_firm_lacks():
    challenge = factories.ChallengeFactory(required_languages=["fr"], mandatory_requirements=[])
    vendor = factories.VendorFactory(languages=["en"])

    assert missing(challenge, vendor) == []


def test_challenge_requirements_missing_names_mandatory_certifications_the_firm_lacks():
    challenge = factories.ChallengeFactory(
        required_certifications=["ISO 27001", "SOC 2"], mandatory_requirements=["certifications"]
    )
    vendor = factories.VendorFactory(certifications=["ISO 27001"])

    items = challenge_requirements_missing(challenge, vendor)

    assert [item.requirement for item in items] == [Requirement.CERTIFICATIONS]
    assert "SOC 2" in items[0].message and "ISO 27001" not in items[0].message


def test_challenge_requirements_missing_names_mandatory_regions_the_firm_does_not_serve():
    challenge = factories.ChallengeFactory(
        regions=[factories.RegionFactory(code="03")], mandatory_requirements=["regions"]
    )
    vendor = factories.VendorFactory(regions=[factories.RegionFactory(code="06")])

    assert missing(challenge, vendor) == [Requirement.REGIONS]


def test_challenge_requirements_missing_counts_a_challenge_without_regions_as_anywhere():
    challenge = factories.ChallengeFactory(regions=[], mandatory_requirements=["regions"])
    vendor = factories.VendorFactory(regions=[factories.RegionFactory(code="06")])

    assert missing(challenge, vendor) == []


def test_challenge_requirements_missing_names_a_mandatory_ceiling_the_firm_exceeds():
    challenge = factories.ChallengeFactory(max_employees=50, mandatory_requirements=["max_employees"])
    vendor = factories.VendorFactory(employees=51)

    assert missing(challenge, vendor) == [Requirement.MAX_EMPLOYEES]


def test_challenge_requirements_missing_is_empty_for_a_firm_meeting_every_mandatory_requirement():
    challenge = factories.ChallengeFactory(
        required_languages=["fr"],
        required_certifications=["ISO 27001"],
        max_employees=50,
        mandatory_requirements=["languages", "certifications", "regions", "max_employees"],
    )
    vendor = factories.VendorFactory(languages=["fr"], certifications=["ISO 27001"], employees=25)

    assert missing(challenge, vendor) == []
