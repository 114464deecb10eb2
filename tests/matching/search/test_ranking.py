"""The matcher against the real engine: eligibility, explanations, fairness of ties."""

import pytest

from marketplace.models import Challenge
from matching.search.documents import stable_tiebreak
from matching.search.queries import COMMON_TERM_FLOOR
from matching.search.ranking import challenge_ranking, vendor_ranking
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.search]

CLOUD_TEXT = "Migration des applications vers l'infonuagique gouvernementale et hébergement sécurisé."


@pytest.fixture
def challenge():
    return factories.ChallengeFactory(
        published=True,
        title="Migration infonuagique",
        description=CLOUD_TEXT,
        required_languages=["fr"],
        required_certifications=["ISO 27001"],
        max_employees=100,
    )


def ranked_keys(challenge: Challenge) -> list[str]:
    return [hit.source["key"] for hit in vendor_ranking(challenge=challenge)[1]]


def test_vendor_ranking_leaves_out_inactive_unverified_and_oversized_vendors(challenge, indexed):
    challenge.mandatory_requirements = ["max_employees"]
    eligible = factories.VendorFactory(key="ok", description=CLOUD_TEXT)
    inactive = factories.VendorFactory(key="inactive", description=CLOUD_TEXT)
    unverified = factories.VendorFactory(key="unverified", description=CLOUD_TEXT, is_verified=False)
    too_big = factories.VendorFactory(key="big", description=CLOUD_TEXT, employees=101)
    indexed(eligible, inactive, unverified, too_big)
    inactive.is_active = False
    inactive.save()
    indexed(inactive)

    assert ranked_keys(challenge) == ["ok"]


def test_vendor_ranking_finds_a_vendor_writing_in_english(challenge, indexed):
    english = factories.VendorFactory(
        key="en", description="We migrate government applications to the cloud.", languages=["en"]
    )
    unrelated = factories.VendorFactory(
        key="print", description="Impression d'affiches et de dépliants.", languages=["en"]
    )
    indexed(english, unrelated)

    assert ranked_keys(challenge)[0] == "en"


def test_vendor_ranking_ranks_a_gap_below_a_full_fit(challenge, indexed):
    full = factories.VendorFactory(
        key="full", description=CLOUD_TEXT, certifications=["ISO 27001"], languages=["fr"]
    )
    gap = factories.VendorFactory(key="gap", description=CLOUD_TEXT, certifications=[], languages=["en"])
    indexed(full, gap)

    assert ranked_keys(challenge) == ["full", "gap"]


def test_vendor_ranking_leaves_out_a_vendor_who_fits_but_shares_neither_words_nor_expertise(
    challenge, indexed
):
    fits_only = factories.VendorFactory(
        key="fits",
        description="Impression d'affiches et de dépliants.",
        expertise=[],
        languages=["fr"],
        certifications=["ISO 27001"],
    )
    relevant = factories.VendorFactory(key="ok", description=CLOUD_TEXT, languages=["en"])
    indexed(fits_only, relevant)

    assert ranked_keys(challenge) == ["ok"]


def test_vendor_ranking_does_not_match_on_a_word_most_vendors_use(indexed):
    challenge = factories.ChallengeFactory(
        published=True,
        title="Audit d'accessibilité",
        description="Audit WCAG de l'accessibilité du portail.",
        expertise=[],
    )
    common = [
        factories.VendorFactory(
            key=f"print-{n}", description="Impression et accessibilité des dépliants.", expertise=[]
        )
        for n in range(COMMON_TERM_FLOOR + 1)
    ]
    auditor = factories.VendorFactory(
        key="audit", description="Audits WCAG de portails publics.", expertise=[]
    )
    indexed(*common, auditor)

    assert ranked_keys(challenge) == ["audit"]


def test_vendor_ranking_explains_each_element(challenge, indexed):
    vendor = factories.VendorFactory(
        description=CLOUD_TEXT,
        certifications=[],
        languages=["en"],
        regions=[factories.RegionFactory(code="06")],
    )
    indexed(vendor)

    explanation = vendor_ranking(challenge=challenge)[1][0].explanation

    assert explanation.expertise_matched == ["cloud"]
    assert any("<mark>" in fragment for fragment in explanation.highlights["description"])
    assert explanation.region_fit is False
    assert explanation.languages_missing == ["fr"]
    assert explanation.certifications_missing == ["ISO 27001"]
    assert explanation.sme_eligible is True
    assert explanation.clause_scores["text"] > 0


def test_vendor_ranking_orders_equal_scores_by_stable_hash_not_by_registration(challenge, indexed):
    vendors = [factories.VendorFactory(key=f"twin-{n}", description=CLOUD_TEXT) for n in range(6)]
    indexed(*vendors)

    keys = ranked_keys(challenge)

    assert keys == sorted(keys, key=stable_tiebreak)
    assert keys != sorted(keys)  # Registration order (keys were created in order) is not the ranking.


def test_challenge_ranking_keeps_only_open_challenges_the_vendor_may_answer(indexed):
    vendor = factories.VendorFactory(description=CLOUD_TEXT, employees=200)
    open_challenge = factories.ChallengeFactory(published=True, description=CLOUD_TEXT, max_employees=499)
    closed = factories.ChallengeFactory(description=CLOUD_TEXT, status=Challenge.Status.CLOSED)
    too_small = factories.ChallengeFactory(
        published=True, description=CLOUD_TEXT, max_employees=50, mandatory_requirements=["max_employees"]
    )
    indexed(open_challenge, closed, too_small)

    total, hits = challenge_ranking(vendor=vendor)

    assert total == 1
    assert [hit.id for hit in hits] == [open_challenge.id]


def test_challenge_ranking_explains_requirements_the_vendor_lacks(indexed):
    vendor = factories.VendorFactory(description=CLOUD_TEXT, certifications=["ISO 27001"], languages=["fr"])
    challenge = factories.ChallengeFactory(
        published=True,
        description=CLOUD_TEXT,
        required_languages=["fr", "en"],
        required_certifications=["ISO 27001", "SOC 2"],
    )
    indexed(challenge)

    explanation = challenge_ranking(vendor=vendor)[1][0].explanation

    assert explanation.languages_missing == ["en"]
    assert explanation.certifications_present == ["ISO 27001"]
    assert explanation.certifications_missing == ["SOC 2"]
    assert explanation.region_fit is True


def test_rankings_answer_for_texts_far_longer_than_the_engine_accepts_as_clauses(indexed):
    # Every word of the other side's text used to become a clause per field: past about 250 words the
    # engine refused the query (more than 1,024 clauses) and the matches page answered 500.
    words = " ".join(
        f"{word}{n}" for n in range(400) for word in ("infonuagique", "hébergement", "migration")
    )
    vendor = factories.VendorFactory(description=f"{CLOUD_TEXT} {words}")
    challenge = factories.ChallengeFactory(published=True, description=f"{CLOUD_TEXT} {words}")
    indexed(vendor, challenge)

    assert [hit.id for hit in vendor_ranking(challenge=challenge)[1]] == [vendor.id]
    assert [hit.id for hit in challenge_ranking(vendor=vendor)[1]] == [challenge.id]


def test_vendor_ranking_never_proposes_a_firm_that_cannot_deliver_in_mandatory_french(challenge, indexed):
    challenge.mandatory_requirements = ["languages"]
    french = factories.VendorFactory(key="fr", description=CLOUD_TEXT, languages=["fr"])
    english = factories.VendorFactory(key="en", description=CLOUD_TEXT, languages=["en"])
    indexed(french, english)

    assert ranked_keys(challenge) == ["fr"]


def test_vendor_ranking_ranks_lower_and_shows_the_gap_of_a_firm_missing_preferred_french(challenge, indexed):
    challenge.mandatory_requirements = []
    french = factories.VendorFactory(key="fr", description=CLOUD_TEXT, languages=["fr"])
    english = factories.VendorFactory(key="en", description=CLOUD_TEXT, languages=["en"])
    indexed(french, english)

    hits = vendor_ranking(challenge=challenge)[1]

    assert [hit.source["key"] for hit in hits] == ["fr", "en"]
    assert hits[1].explanation.languages_missing == ["fr"]


def test_vendor_ranking_ranks_a_firm_over_a_preferred_ceiling_lower_with_the_gap(challenge, indexed):
    challenge.mandatory_requirements = []
    small = factories.VendorFactory(key="small", description=CLOUD_TEXT, employees=100)
    big = factories.VendorFactory(key="big", description=CLOUD_TEXT, employees=101)
    indexed(small, big)

    hits = vendor_ranking(challenge=challenge)[1]

    assert [hit.source["key"] for hit in hits] == ["small", "big"]
    assert hits[1].explanation.sme_eligible is False


def test_vendor_ranking_never_proposes_a_firm_outside_mandatory_regions(indexed):
    capitale, montreal = factories.RegionFactory(code="03"), factories.RegionFactory(code="06")
    challenge = factories.ChallengeFactory(
        published=True, description=CLOUD_TEXT, regions=[capitale], mandatory_requirements=["regions"]
    )
    near = factories.VendorFactory(key="near", description=CLOUD_TEXT, regions=[capitale])
    far = factories.VendorFactory(key="far", description=CLOUD_TEXT, regions=[montreal])
    indexed(near, far)

    assert ranked_keys(challenge) == ["near"]


def test_challenge_ranking_lists_a_challenge_over_a_preferred_ceiling_with_the_gap(indexed):
    vendor = factories.VendorFactory(description=CLOUD_TEXT, employees=200)
    challenge = factories.ChallengeFactory(published=True, description=CLOUD_TEXT, max_employees=50)
    indexed(challenge)

    explanation = challenge_ranking(vendor=vendor)[1][0].explanation

    assert explanation.sme_eligible is False
    assert explanation.requirements_missing == []


def test_challenge_ranking_marks_a_challenge_whose_mandatory_language_the_vendor_lacks(indexed):
    vendor = factories.VendorFactory(description=CLOUD_TEXT, languages=["en"])
    challenge = factories.ChallengeFactory(
        published=True,
        description=CLOUD_TEXT,
        required_languages=["fr"],
        mandatory_requirements=["languages"],
    )
    indexed(challenge)

    explanation = challenge_ranking(vendor=vendor)[1][0].explanation

    assert explanation.requirements_missing == ["languages"]
