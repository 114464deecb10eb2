"""The matcher's plain functions: queries built, without a database or an engine."""

from matching.search.queries import (
    COMMON_TERM_FLOOR,
    OPPORTUNITY_TEXT_HALF,
    OPPORTUNITY_TEXT_WEIGHT,
    QUERY_TERMS,
    QUERY_WORDS,
    TEXT_HALF,
    TEXT_WEIGHT,
    ChallengeProfile,
    VendorProfile,
    challenges_for_vendor_query,
    common_term_ceiling,
    query_text,
    vendors_for_challenge_query,
)

CHALLENGE = ChallengeProfile(
    title="Portail citoyen",
    description="Connexion par identité numérique.",
    expertise=["web-mobile", "identity"],
    regions=["03"],
    required_languages=["fr"],
    required_certifications=["ISO 27001", "Cote de sécurité (fiabilité)"],
    max_employees=499,
)
# Documents in the index searched: the common-term ceiling is a share of them.
INDEXED = 10_000
VENDOR = VendorProfile(
    description="Identity federation.",
    references=["Portail. Connexion fédérée."],
    expertise=["identity"],
    regions=["06"],
    languages=["en"],
    certifications=["ISO 27001"],
    employees=60,
)


def clause_names(query: dict) -> set[str]:
    def names(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "_name":
                    yield value
                yield from names(value)
        elif isinstance(node, list):
            for item in node:
                yield from names(item)

    return set(names(query["query"]))


def relevance_clauses(ranking: dict) -> list[dict]:
    return ranking["query"]["bool"]["must"][0]["bool"]["should"]


def test_vendors_for_challenge_query_filters_hard_eligibility():
    challenge = ChallengeProfile(**{**CHALLENGE.__dict__, "mandatory": frozenset({"max_employees"})})

    filters = vendors_for_challenge_query(challenge, indexed=INDEXED)["query"]["bool"]["filter"]

    assert {"term": {"is_active": True}} in filters
    assert {"term": {"is_verified": True}} in filters
    assert {"range": {"employees": {"lte": 499}}} in filters


def test_vendors_for_challenge_query_filters_every_mandatory_requirement():
    mandatory = frozenset({"languages", "certifications", "regions", "max_employees"})
    challenge = ChallengeProfile(**{**CHALLENGE.__dict__, "mandatory": mandatory})

    filters = vendors_for_challenge_query(challenge, indexed=INDEXED)["query"]["bool"]["filter"]

    assert {"term": {"languages": "fr"}} in filters
    assert {"term": {"certifications": "ISO 27001"}} in filters
    assert {"term": {"certifications": "Cote de sécurité (fiabilité)"}} in filters
    assert {"terms": {"regions": ["03"]}} in filters
    assert {"range": {"employees": {"lte": 499}}} in filters


def test_vendors_for_challenge_query_only_prefers_requirements_that_are_not_mandatory():
    filters = vendors_for_challenge_query(CHALLENGE, indexed=INDEXED)["query"]["bool"]["filter"]

    assert filters == [{"term": {"is_active": True}}, {"term": {"is_verified": True}}]


def test_vendors_for_challenge_query_names_one_clause_per_requirement():
    assert clause_names(vendors_for_challenge_query(CHALLENGE, indexed=INDEXED)) == {
        "text",
        "expertise:web-mobile",
        "expertise:identity",
        "region",
        "language:fr",
        "certification:ISO 27001",
        "certification:Cote de sécurité (fiabilité)",
        "sme",
    }


def test_rankings_match_the_other_sides_distinctive_terms_squashed_below_the_text_weight():
    for ranking, text, weight, half in [
        (vendors_for_challenge_query(CHALLENGE, indexed=INDEXED), CHALLENGE.text, TEXT_WEIGHT, TEXT_HALF),
        (
            challenges_for_vendor_query(VENDOR, indexed=INDEXED),
            VENDOR.text,
            OPPORTUNITY_TEXT_WEIGHT,
            OPPORTUNITY_TEXT_HALF,
        ),
    ]:
        text_clause = relevance_clauses(ranking)[0]["function_score"]

        assert text_clause["query"]["more_like_this"]["like"] == query_text(text)
        assert text_clause["query"]["more_like_this"]["max_query_terms"] == QUERY_TERMS
        assert text_clause["query"]["more_like_this"]["max_doc_freq"] == 500
        # The weight is in the script: a clause boost would scale the score the script squashes.
        assert "boost" not in text_clause
        assert text_clause["functions"][0]["script_score"]["script"]["params"] == {
            "weight": weight,
            "half": half,
        }


def test_a_term_in_more_than_five_percent_of_the_documents_is_not_distinctive():
    assert common_term_ceiling(100_000) == 5_000
    assert common_term_ceiling(10_001) == 501  # Rounded up: never below the share.


def test_a_small_catalogue_keeps_its_words():
    assert common_term_ceiling(0) == COMMON_TERM_FLOOR
    assert common_term_ceiling(240) == COMMON_TERM_FLOOR


def test_fit_alone_does_not_make_a_match():
    for ranking in [
        vendors_for_challenge_query(CHALLENGE, indexed=INDEXED),
        challenges_for_vendor_query(VENDOR, indexed=INDEXED),
    ]:
        query = ranking["query"]["bool"]

        assert clause_names({"query": query["should"]}) <= {
            "region",
            "language:fr",
            "languages",
            "certifications",
            "certification:ISO 27001",
            "certification:Cote de sécurité (fiabilité)",
            "sme",
        }
        assert query["must"][0]["bool"]["minimum_should_match"] == 1
        assert clause_names({"query": relevance_clauses(ranking)}) >= {"text", "expertise:identity"}


def test_vendors_for_challenge_query_orders_ties_by_stable_hash_not_by_id():
    assert vendors_for_challenge_query(CHALLENGE, indexed=INDEXED)["sort"] == [
        {"_score": "desc"},
        {"tiebreak": "asc"},
    ]


def test_vendors_for_challenge_query_has_no_ceiling_filter_when_there_is_none():
    challenge = ChallengeProfile(**{**CHALLENGE.__dict__, "max_employees": None})

    filters = vendors_for_challenge_query(challenge, indexed=INDEXED)["query"]["bool"]["filter"]

    assert not any("range" in item for item in filters)


def test_challenges_for_vendor_query_keeps_only_open_challenges_within_the_vendor_size():
    filters = challenges_for_vendor_query(VENDOR, indexed=INDEXED)["query"]["bool"]["filter"]

    assert {"term": {"status": "published"}} in filters
    assert "max_employees" in str(filters) and "60" in str(filters)


def test_query_text_keeps_a_short_text_whole():
    assert query_text(CHALLENGE.text) == CHALLENGE.text


def test_query_text_cuts_a_long_text_after_its_first_words_of_four_letters_or_more():
    text = "Le portail de la ville " + " ".join(f"mot{n}" for n in range(500))

    cut = query_text(text)

    assert cut.startswith("Le portail de la ville mot0 ")
    assert len([word for word in cut.split() if len(word) >= 4]) == QUERY_WORDS
