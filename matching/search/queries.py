"""The matcher: engine queries and explanations, as plain functions over plain data.

Ranking comes from the engine alone. Each requirement is its own named clause, so the engine returns,
for every hit, which requirements matched and what each contributed (`include_named_queries_score`);
the explanation is read from those signals, never recomputed here.

Score = text relevance (descriptions and references against the other side's text, both languages,
bilingual synonyms) + expertise overlap + structured fit (region, delivery language, certifications).
Hard eligibility (active and verified vendor, SME ceiling, open challenge) is a filter; softer gaps
only lower the rank, so a good partner with a gap still reaches the coordinator.
"""

import dataclasses
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from marketplace.models import ProfileSection

# Weights, tuned on the development catalogue (docs/matching.md). Text relevance is squashed to
# [0, weight) by s / (s + half), `half` being the BM25 score worth half the weight (see `_text_clause`),
# so a long text cannot outweigh the requirements and the weights mean the same on any catalogue.
# Challenge → vendors: the challenge's text against the vendor's name, description and references.
TEXT_WEIGHT = 2.0
TEXT_HALF = 8.0
EXPERTISE_WEIGHT = 2.0
REGION_WEIGHT = 0.5
LANGUAGE_WEIGHT = 0.5
CERTIFICATION_WEIGHT = 0.5
# Vendor → challenges: the vendor's description and references against the challenge's title and description.
OPPORTUNITY_TEXT_WEIGHT = 1.0
OPPORTUNITY_TEXT_HALF = 3.0
# For a vendor browsing opportunities, fit only breaks ties between equally relevant challenges:
# any larger, and challenges that merely fit (anywhere, no certification) outrank relevant ones.
OPPORTUNITY_FIT_WEIGHT = 0.05

TEXT_FIELDS_VENDOR = ["description", "description.en", "name", "name.en", "references", "references.en"]
TEXT_FIELDS_CHALLENGE = ["title", "title.en", "description", "description.en"]
# The other side's text is matched by its QUERY_TERMS most distinctive terms (by tf-idf in the index
# searched: `more_like_this`), not by every word. A word most documents share ("gestion", "données")
# ranks nothing but makes the engine score every document that has it (docs/benchmarks.md). It also
# keeps the query far below the engine's limit of 1,024 clauses, which a 250-word posting used to reach.
QUERY_TERMS = 25
# Nor is a term found in more than COMMON_TERM_SHARE of the documents searched distinctive: it barely
# ranks, and the engine must score every document that has it. Leaving such terms out kept the
# development catalogue's rankings as good and took a quarter off the 100k rankings' p95
# (docs/matching.md, docs/benchmarks.md). A small catalogue keeps its words up to COMMON_TERM_FLOOR.
COMMON_TERM_SHARE = 0.05
COMMON_TERM_FLOOR = 20
# The terms are chosen in the opening of the text, up to its QUERY_WORDS-th word of four letters or
# more (shorter words are mostly stop words): the opening carries the subject, ranks as well as the
# whole text on the development catalogue, and costs less to analyse (docs/matching.md).
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
    sme_eligible: bool | None = True  # None: not told (the firm hides its size).
    clause_scores: dict[str, float] = field(default_factory=dict)


# The vendor's profile section each highlighted field of an explanation quotes.
HIGHLIGHT_SECTIONS = {"description": ProfileSection.DESCRIPTION, "references": ProfileSection.REFERENCES}


def explanation_within(explanation: Explanation, *, sections: Iterable[str]) -> Explanation:
    """The explanation of a vendor's rank without what it says of the profile sections outside
    `sections` (marketplace.visibility): their passages, and the region fit, certifications and SME
    eligibility read from them. The rank itself may still come from hidden text (docs/privacy.md)."""
    visible = set(sections)
    hidden_clauses = set()
    highlights = explanation.highlights.items()
    changes: dict = {
        "highlights": {
            name: fragments for name, fragments in highlights if HIGHLIGHT_SECTIONS.get(name) in visible
        }
    }
    if ProfileSection.REGIONS not in visible:
        changes["region_fit"] = None
        hidden_clauses.add("region")
    if ProfileSection.CERTIFICATIONS not in visible:
        changes |= {"certifications_present": [], "certifications_missing": []}
        hidden_clauses |= {name for name in explanation.clause_scores if name.startswith("certification")}
    if ProfileSection.EMPLOYEES not in visible:
        changes["sme_eligible"] = None
    changes["clause_scores"] = {
        name: score for name, score in explanation.clause_scores.items() if name not in hidden_clauses
    }
    return dataclasses.replace(explanation, **changes)


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


def _expertise_clauses(codes: list[str]) -> list[dict]:
    """One clause per taxonomy code of the other side: each one shared adds EXPERTISE_WEIGHT."""
    return [_constant(f"expertise:{code}", {"term": {"expertise": code}}, EXPERTISE_WEIGHT) for code in codes]


def common_term_ceiling(indexed: int) -> int:
    """The most documents a query term may be found in, out of the `indexed` documents searched."""
    return max(COMMON_TERM_FLOOR, math.ceil(COMMON_TERM_SHARE * indexed))


def _text_clause(name: str, text: str, fields: list[str], weight: float, half: float, indexed: int) -> dict:
    """Relevance of a long text, squashed to [0, weight) so it weighs the same for short and long texts.

    The weight goes into the script, not into the clause's `boost`: the engine multiplies the inner
    query's score by the boost before the script sees it.
    """
    match = {
        "more_like_this": {
            "fields": fields,
            "like": query_text(text),
            "max_query_terms": QUERY_TERMS,
            "min_term_freq": 1,
            "min_doc_freq": 1,
            "max_doc_freq": common_term_ceiling(indexed),
            "minimum_should_match": 1,
        }
    }
    return {
        "function_score": {
            "query": match,
            "functions": [
                {
                    "script_score": {
                        "script": {
                            "source": "params.weight * _score / (_score + params.half)",
                            "params": {"weight": weight, "half": half},
                        }
                    }
                }
            ],
            "boost_mode": "replace",
            "_name": name,
        }
    }


def _highlight(text: str, fields: list[str]) -> dict:
    """Passages marked by the opening's words, since the engine cannot highlight a `more_like_this`.

    Only the French-analysed fields: the synonyms bring the other language's words into them, and
    analysing each text a second time for English doubled the cost of a ranking's highlights.
    """
    return {
        **HIGHLIGHT_TAGS,
        "fields": {name: {} for name in fields},
        "highlight_query": {"multi_match": {"query": query_text(text), "fields": fields}},
        "fragment_size": 160,
        "number_of_fragments": 3,
    }


def _ranking_query(filters: list[dict], relevance: list[dict], fit: list[dict]) -> dict:
    """Eligible documents relevant to the other side (shared words or expertise), fit adding to the score.

    Fit alone does not make a match: a vendor who merely works in French is no partner for a French
    posting, and listing every French-speaking firm as a match made the totals meaningless.
    """
    relevant = {"bool": {"should": relevance, "minimum_should_match": 1}}
    return {"bool": {"filter": filters, "must": [relevant], "should": fit}}


def vendor_eligibility(challenge: ChallengeProfile) -> list[dict]:
    """The vendors a challenge may be paired with at all: active, verified, under its size ceiling."""
    filters = [{"term": {"is_active": True}}, {"term": {"is_verified": True}}]
    if challenge.max_employees is not None:
        filters.append({"range": {"employees": {"lte": challenge.max_employees}}})
    return filters


def vendors_for_challenge_query(challenge: ChallengeProfile, *, indexed: int) -> dict:
    """The ranking of vendors for a challenge, out of the `indexed` vendors of the index searched."""
    relevance = [
        _text_clause("text", challenge.text, TEXT_FIELDS_VENDOR, TEXT_WEIGHT, TEXT_HALF, indexed),
        *_expertise_clauses(challenge.expertise),
    ]
    fit = (
        [_constant("region", {"terms": {"regions": challenge.regions}}, REGION_WEIGHT)]
        if challenge.regions
        else []
    )
    fit += [
        _constant(f"language:{code}", {"term": {"languages": code}}, LANGUAGE_WEIGHT)
        for code in challenge.required_languages
    ]
    fit += [
        _constant(f"certification:{name}", {"term": {"certifications": name}}, CERTIFICATION_WEIGHT)
        for name in challenge.required_certifications
    ]
    return {
        "query": _ranking_query(vendor_eligibility(challenge), relevance, fit),
        "sort": [{"_score": "desc"}, {"tiebreak": "asc"}],
        "highlight": _highlight(challenge.text, ["description", "references"]),
        "_source": ["key", "name", "expertise", "regions", "languages", "certifications", "employees"],
    }


def challenges_for_vendor_query(vendor: VendorProfile, *, indexed: int) -> dict:
    """The ranking of open challenges for a vendor, out of the `indexed` challenges of the index searched."""
    filters = [
        {"term": {"status": "published"}},
        {
            "bool": {
                "should": [
                    {"bool": {"must_not": {"exists": {"field": "max_employees"}}}},
                    {"range": {"max_employees": {"gte": vendor.employees}}},
                ]
            }
        },
    ]
    relevance = [
        _text_clause(
            "text",
            vendor.text,
            TEXT_FIELDS_CHALLENGE,
            OPPORTUNITY_TEXT_WEIGHT,
            OPPORTUNITY_TEXT_HALF,
            indexed,
        ),
        *_expertise_clauses(vendor.expertise),
    ]
    fit = [
        # Region fits when the challenge is anywhere in Quebec or in a region the vendor serves.
        _constant(
            "region",
            {
                "bool": {
                    "should": [
                        {"bool": {"must_not": {"exists": {"field": "regions"}}}},
                        {"terms": {"regions": vendor.regions}},
                    ]
                }
            },
            OPPORTUNITY_FIT_WEIGHT,
        ),
        # Languages and certifications fit when the vendor offers every one the challenge requires.
        _constant(
            "languages", _all_required_offered("required_languages", vendor.languages), OPPORTUNITY_FIT_WEIGHT
        ),
        _constant(
            "certifications",
            _all_required_offered("required_certifications", vendor.certifications),
            OPPORTUNITY_FIT_WEIGHT,
        ),
    ]
    return {
        "query": _ranking_query(filters, relevance, fit),
        "sort": [{"_score": "desc"}, {"tiebreak": "asc"}],
        "highlight": _highlight(vendor.text, ["title", "description"]),
        "_source": [
            "key",
            "title",
            "organization_name",
            "expertise",
            "regions",
            "required_languages",
            "required_certifications",
            "max_employees",
            "deadline",
            "budget_min",
            "budget_max",
        ],
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
        text_score=clauses.get("text", 0.0),
        expertise_matched=matched_expertise,
        expertise_missing=[code for code in challenge.expertise if code not in matched_expertise],
        highlights=_merge_highlights(hit.get("highlight", {})),
        region_fit=("region" in clauses) if challenge.regions else None,
        languages_matched=matched_languages,
        languages_missing=[code for code in challenge.required_languages if code not in matched_languages],
        certifications_present=matched_certifications,
        certifications_missing=[
            c for c in challenge.required_certifications if c not in matched_certifications
        ],
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
