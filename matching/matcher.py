"""The matcher: engine queries and explanations, as plain functions over plain data.

Ranking comes from the engine alone. Each requirement is its own named clause, so the engine returns,
for every hit, which requirements matched and what each contributed (`include_named_queries_score`);
the explanation is read from those signals, never recomputed here.

Score = text relevance (descriptions and references against the other side's text, both languages,
bilingual synonyms) + expertise overlap + structured fit (region, delivery language, certifications).
Hard eligibility (active and verified vendor, SME ceiling, open challenge) is a filter; softer gaps
only lower the rank, so a good partner with a gap still reaches the coordinator.
"""
import re
from dataclasses import dataclass, field

# Weights, tuned on the development catalogue (docs/matching.md). Text relevance is normalised to
# [0, 1] per query by the engine (see `_text_clause`), so the structured weights mean the same on
# any catalogue whatever the length of the texts.
TEXT_WEIGHT = 10.0
REFERENCES_WEIGHT = 3.0
EXPERTISE_WEIGHT = 2.0
REGION_WEIGHT = 0.5
LANGUAGE_WEIGHT = 0.5
CERTIFICATION_WEIGHT = 0.5
# For a vendor browsing opportunities, fit only breaks ties between equally relevant challenges:
# any larger, and challenges that merely fit (anywhere, no certification) outrank relevant ones.
OPPORTUNITY_FIT_WEIGHT = 0.05

TEXT_FIELDS_VENDOR = ["description", "description.en", "name", "name.en"]
REFERENCE_FIELDS = ["references", "references.en"]
TEXT_FIELDS_CHALLENGE = ["title^2", "title.en^2", "description", "description.en"]
# The other side's text is cut after its first QUERY_WORDS words of four letters or more (shorter
# words are mostly stop words, which cost nothing). Every analysed word becomes a clause per field, and
# the engine refuses a query of more than 1,024 clauses (`indices.query.bool.max_clause_count`): a
# 250-word posting used to hit it. Time also grows with the clauses. A text's opening carries its
# subject: on the development catalogue the first 64 words rank as well as the whole text (docs/matching.md).
QUERY_WORDS = 64
_LONG_WORD = re.compile(r"\w{4,}")
HIGHLIGHT_TAGS = {"pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html"}


@dataclass(frozen=True)
class ChallengeProfile:
    """What the matcher needs to know of a challenge."""

    title: str
    description: str
    expertise: list[str]
    regions: list[str]
    required_languages: list[str]
    required_certifications: list[str]
    max_employees: int | None
    on_site: bool = False

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.description}"


@dataclass(frozen=True)
class VendorProfile:
    """What the matcher needs to know of a vendor."""

    description: str
    references: list[str]
    expertise: list[str]
    regions: list[str]
    languages: list[str]
    certifications: list[str]
    employees: int

    @property
    def text(self) -> str:
        return "\n".join([self.description, *self.references])


@dataclass
class Explanation:
    """Why a result was ranked where it is; every element comes from the engine's signals."""

    score: float
    text_score: float = 0.0
    expertise_matched: list[str] = field(default_factory=list)
    expertise_missing: list[str] = field(default_factory=list)
    highlights: dict[str, list[str]] = field(default_factory=dict)
    region_fit: bool | None = None  # None: the challenge can be delivered anywhere.
    languages_matched: list[str] = field(default_factory=list)
    languages_missing: list[str] = field(default_factory=list)
    certifications_present: list[str] = field(default_factory=list)
    certifications_missing: list[str] = field(default_factory=list)
    sme_eligible: bool = True
    clause_scores: dict[str, float] = field(default_factory=dict)


def query_text(text: str) -> str:
    """The text up to its QUERY_WORDS-th word of four letters or more, whitespace kept."""
    words = 0
    for match in _LONG_WORD.finditer(text):
        words += 1
        if words > QUERY_WORDS:
            return text[: match.start()]
    return text


def _constant(name: str, query: dict, weight: float) -> dict:
    return {"constant_score": {"filter": query, "boost": weight, "_name": name}}


def _text_clause(name: str, text: str, fields: list[str], weight: float) -> dict:
    """Relevance of a long text, squashed to [0, weight) so it weighs the same for short and long texts."""
    match = {"multi_match": {"query": query_text(text), "fields": fields, "type": "most_fields"}}
    return {
        "function_score": {
            "query": match,
            "functions": [{"script_score": {"script": {"source": "_score / (_score + params.k)", "params": {"k": 40.0}}}}],
            "boost_mode": "replace",
            "boost": weight,
            "_name": name,
        }
    }


def vendors_for_challenge_query(challenge: ChallengeProfile) -> dict:
    filters = [{"term": {"is_active": True}}, {"term": {"is_verified": True}}]
    if challenge.max_employees is not None:
        filters.append({"range": {"employees": {"lte": challenge.max_employees}}})
    should = [
        _text_clause("text", challenge.text, TEXT_FIELDS_VENDOR, TEXT_WEIGHT),
        _text_clause("references", challenge.text, REFERENCE_FIELDS, REFERENCES_WEIGHT),
    ]
    should += [_constant(f"expertise:{code}", {"term": {"expertise": code}}, EXPERTISE_WEIGHT) for code in challenge.expertise]
    if challenge.regions:
        should.append(_constant("region", {"terms": {"regions": challenge.regions}}, REGION_WEIGHT))
    should += [
        _constant(f"language:{code}", {"term": {"languages": code}}, LANGUAGE_WEIGHT)
        for code in challenge.required_languages
    ]
    should += [
        _constant(f"certification:{name}", {"term": {"certifications": name}}, CERTIFICATION_WEIGHT)
        for name in challenge.required_certifications
    ]
    return {
        "query": {"bool": {"filter": filters, "should": should, "minimum_should_match": 1}},
        "sort": [{"_score": "desc"}, {"tiebreak": "asc"}],
        "highlight": {
            **HIGHLIGHT_TAGS,
            "fields": {"description": {}, "description.en": {}, "references": {}, "references.en": {}},
            "highlight_query": {"multi_match": {"query": query_text(challenge.text), "fields": TEXT_FIELDS_VENDOR + REFERENCE_FIELDS}},
            "fragment_size": 160,
            "number_of_fragments": 3,
        },
        "_source": ["key", "name", "expertise", "regions", "languages", "certifications", "employees"],
    }


def challenges_for_vendor_query(vendor: VendorProfile) -> dict:
    filters = [
        {"term": {"status": "published"}},
        {"bool": {"should": [
            {"bool": {"must_not": {"exists": {"field": "max_employees"}}}},
            {"range": {"max_employees": {"gte": vendor.employees}}},
        ]}},
    ]
    should = [_text_clause("text", vendor.text, TEXT_FIELDS_CHALLENGE, TEXT_WEIGHT + REFERENCES_WEIGHT)]
    should += [_constant(f"expertise:{code}", {"term": {"expertise": code}}, EXPERTISE_WEIGHT) for code in vendor.expertise]
    # Region fits when the challenge is anywhere in Quebec or in a region the vendor serves.
    should.append(_constant("region", {"bool": {"should": [
        {"bool": {"must_not": {"exists": {"field": "regions"}}}},
        {"terms": {"regions": vendor.regions}},
    ]}}, OPPORTUNITY_FIT_WEIGHT))
    # Languages and certifications fit when the vendor offers every one the challenge requires.
    should.append(
        _constant("languages", _all_required_offered("required_languages", vendor.languages), OPPORTUNITY_FIT_WEIGHT)
    )
    should.append(
        _constant(
            "certifications",
            _all_required_offered("required_certifications", vendor.certifications),
            OPPORTUNITY_FIT_WEIGHT,
        )
    )
    return {
        "query": {"bool": {"filter": filters, "should": should, "minimum_should_match": 1}},
        "sort": [{"_score": "desc"}, {"tiebreak": "asc"}],
        "highlight": {
            **HIGHLIGHT_TAGS,
            "fields": {"title": {}, "title.en": {}, "description": {}, "description.en": {}},
            "highlight_query": {"multi_match": {"query": query_text(vendor.text), "fields": TEXT_FIELDS_CHALLENGE}},
            "fragment_size": 160,
            "number_of_fragments": 3,
        },
        "_source": ["key", "title", "organization_name", "expertise", "regions", "required_languages",
                    "required_certifications", "max_employees", "deadline", "budget_min", "budget_max"],
    }


def _all_required_offered(field_name: str, offered: list[str]) -> dict:
    """Challenges that require nothing in `field_name`, or only values among `offered`."""
    nothing_required = {"range": {f"{field_name}_count": {"lte": 0}}}
    if not offered:
        return nothing_required
    every_one_offered = {
        "terms_set": {field_name: {"terms": offered, "minimum_should_match_field": f"{field_name}_count"}}
    }
    return {"bool": {"should": [nothing_required, every_one_offered], "minimum_should_match": 1}}


def explain_vendor_hit(hit: dict, challenge: ChallengeProfile) -> Explanation:
    """Read why a vendor matched a challenge off the engine's named-clause scores and highlights."""
    clauses = hit.get("matched_queries") or {}
    source = hit.get("_source", {})
    matched_certifications = [c for c in challenge.required_certifications if f"certification:{c}" in clauses]
    matched_languages = [code for code in challenge.required_languages if f"language:{code}" in clauses]
    matched_expertise = [code for code in challenge.expertise if f"expertise:{code}" in clauses]
    max_employees = challenge.max_employees
    return Explanation(
        score=hit["_score"],
        text_score=clauses.get("text", 0.0) + clauses.get("references", 0.0),
        expertise_matched=matched_expertise,
        expertise_missing=[code for code in challenge.expertise if code not in matched_expertise],
        highlights=_merge_highlights(hit.get("highlight", {})),
        region_fit=("region" in clauses) if challenge.regions else None,
        languages_matched=matched_languages,
        languages_missing=[code for code in challenge.required_languages if code not in matched_languages],
        certifications_present=matched_certifications,
        certifications_missing=[c for c in challenge.required_certifications if c not in matched_certifications],
        # The filter already removed vendors over the ceiling; this states it for the reader.
        sme_eligible=max_employees is None or source.get("employees", 0) <= max_employees,
        clause_scores=clauses,
    )


def explain_challenge_hit(hit: dict, vendor: VendorProfile) -> Explanation:
    """Read why a challenge suits a vendor off the engine's named-clause scores and highlights."""
    clauses = hit.get("matched_queries") or {}
    source = hit.get("_source", {})
    expertise = source.get("expertise", [])
    required_languages = source.get("required_languages", [])
    required_certifications = source.get("required_certifications", [])
    return Explanation(
        score=hit["_score"],
        text_score=clauses.get("text", 0.0),
        expertise_matched=[code for code in expertise if f"expertise:{code}" in clauses],
        expertise_missing=[code for code in expertise if f"expertise:{code}" not in clauses],
        highlights=_merge_highlights(hit.get("highlight", {})),
        region_fit=("region" in clauses) if source.get("regions") else None,
        languages_matched=[code for code in required_languages if code in vendor.languages],
        languages_missing=[code for code in required_languages if code not in vendor.languages],
        certifications_present=[c for c in required_certifications if c in vendor.certifications],
        certifications_missing=[c for c in required_certifications if c not in vendor.certifications],
        sme_eligible=True,  # Challenges whose ceiling the vendor exceeds were filtered out.
        clause_scores=clauses,
    )


def _merge_highlights(highlight: dict[str, list[str]]) -> dict[str, list[str]]:
    """One list per field: the French and English analyses of a text highlight the same passages."""
    merged: dict[str, list[str]] = {}
    for name, fragments in highlight.items():
        target = merged.setdefault(name.removesuffix(".en"), [])
        target.extend(fragment for fragment in fragments if fragment not in target)
    return merged
