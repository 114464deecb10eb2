"""Explanations read off the engine's signals, and the sentences they make, without a database or an engine."""

import pytest
from django.utils import translation

from matching.search.explain import (
    Explanation,
    explain_challenge_hit,
    explain_vendor_hit,
    explanation_gaps,
    explanation_reasons,
    match_strength,
)
from matching.search.queries import ChallengeProfile
from tests.matching.search.test_queries import CHALLENGE, VENDOR


def test_explain_vendor_hit_reads_matches_and_gaps_from_named_scores():
    hit = {
        "_id": "7",
        "_score": 12.5,
        "_source": {"employees": 60},
        "matched_queries": {"text": 1.5, "expertise:identity": 2.0, "certification:ISO 27001": 0.5},
        "highlight": {
            "description": ["<mark>Identity</mark> federation"],
            "description.en": ["<mark>Identity</mark> federation"],
        },
    }

    explanation = explain_vendor_hit(hit, CHALLENGE)

    assert explanation.text_score == 1.5
    assert explanation.expertise_matched == ["identity"]
    assert explanation.expertise_missing == ["web-mobile"]
    assert explanation.region_fit is False
    assert explanation.languages_missing == ["fr"]
    assert explanation.certifications_present == ["ISO 27001"]
    assert explanation.certifications_missing == ["Cote de sécurité (fiabilité)"]
    assert explanation.sme_eligible is True
    assert explanation.highlights == {"description": ["<mark>Identity</mark> federation"]}


def test_explain_vendor_hit_says_region_does_not_matter_for_work_anywhere():
    challenge = ChallengeProfile(**{**CHALLENGE.__dict__, "regions": []})

    explanation = explain_vendor_hit({"_score": 1.0, "_source": {}, "matched_queries": {}}, challenge)

    assert explanation.region_fit is None


def test_explain_challenge_hit_compares_requirements_with_what_the_vendor_offers():
    hit = {
        "_score": 5.0,
        "_source": {
            "expertise": ["identity", "cloud"],
            "regions": ["03"],
            "required_languages": ["fr", "en"],
            "required_certifications": ["ISO 27001", "SOC 2"],
        },
        "matched_queries": {"text": 4.0, "expertise:identity": 1.5},
    }

    explanation = explain_challenge_hit(hit, VENDOR)

    assert explanation.expertise_matched == ["identity"]
    assert explanation.region_fit is False
    assert explanation.languages_matched == ["en"] and explanation.languages_missing == ["fr"]
    assert explanation.certifications_present == ["ISO 27001"]
    assert explanation.certifications_missing == ["SOC 2"]


def test_gaps_name_missing_languages_in_the_readers_language():
    explanation = explain_vendor_hit({"_score": 1.0, "matched_queries": {}, "_source": {}}, CHALLENGE)

    with translation.override("en"):
        english = explanation_gaps(explanation)
    with translation.override("fr"):
        french = explanation_gaps(explanation)

    assert "Cannot deliver in: French." in english
    assert any("français" in reason.lower() for reason in french)
    assert not any(": fr." in reason for reason in english + french)


# A vendor with as much that fits as is missing.
MIXED = Explanation(
    score=3.0,
    expertise_matched=["cloud"],
    region_fit=False,
    certifications_present=["ISO 27001"],
    certifications_missing=["SOC 2"],
    languages_missing=["fr"],
    sme_eligible=False,
)


def test_reasons_say_only_what_fits():
    with translation.override("en"):
        reasons = explanation_reasons(MIXED, expertise_labels={"cloud": "Cloud computing"})

    assert reasons == ["Shared expertise: Cloud computing.", "Certifications held: ISO 27001."]


def test_gaps_say_only_what_is_missing():
    with translation.override("en"):
        gaps = explanation_gaps(MIXED)

    assert gaps == [
        "Not present in the region of the work.",
        "Cannot deliver in: French.",
        "Certifications missing: SOC 2.",
        "Above the SME ceiling.",
    ]


def test_reasons_point_to_the_passages_only_where_they_are_shown():
    explanation = Explanation(
        score=1.0, highlights={"description": ["<mark>nuage</mark>"]}, sme_eligible=None
    )

    with translation.override("en"):
        shown = explanation_reasons(explanation, expertise_labels={})
        not_shown = explanation_reasons(explanation, expertise_labels={}, passages_shown=False)

    assert shown == ["Their texts describe the same work (see the highlighted passages)."]
    assert not_shown == ["Their texts describe the same work."]


@pytest.mark.parametrize(
    ("score", "strength"),
    [(6.0, "Very strong match"), (4.0, "Strong match"), (2.0, "Fair match"), (1.0, "Weak match")],
)
def test_match_strength_compares_the_score_with_the_best_a_vendor_could_reach(score, strength):
    # Best possible: text 2 + two expertise 4 + region 0.5 + one language 0.5 + one certification 0.5 = 7.5.
    explanation = Explanation(
        score=score,
        expertise_matched=["cloud"],
        expertise_missing=["identity"],
        region_fit=True,
        languages_missing=["fr"],
        certifications_present=["SOC 2"],
    )

    with translation.override("en"):
        assert match_strength(explanation) == strength
