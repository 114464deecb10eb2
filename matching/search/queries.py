"""Query bodies, built by pure functions over plain data: nothing here talks to the engine.

The matcher's rankings. Ranking comes from the engine alone. Each requirement is its own named clause, so
the engine returns, for every hit, which requirements matched and what each contributed
(`include_named_queries_score`); the explanation is read from those signals, never recomputed
(matching.search.explain).

Score = text relevance (descriptions and references against the other side's text, both languages,
bilingual synonyms) + expertise overlap + structured fit (region, delivery language, certifications, SME
ceiling). Hard eligibility (active and verified vendor, open challenge, and each requirement the ministry
made mandatory: `Challenge.mandatory_requirements`) is a filter; the requirements it only prefers are gaps
that lower the rank, so a good partner with a gap still reaches the coordinator.

The people search. Challenge and vendor search answer one page of hits plus facet counts. Each facet
counts the hits of every *other* active filter but ignores its own, so choosing a value never hides its
siblings (the usual faceted-search behaviour): the filters go in a post_filter, and each facet's
aggregation sits under a filter aggregation of the others.
"""

import datetime
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from elasticsearch_dsl import A, Q, Search
from elasticsearch_dsl.aggs import Agg
from elasticsearch_dsl.query import Query

from marketplace.models import ProfileSection, Requirement
from marketplace.visibility import ProfileVisibility

# The matcher

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
SME_WEIGHT = 0.5
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
# keeps the query far below the engine's limit of 1,024 clauses, whatever the posting's length.
QUERY_TERMS = 25
# Nor is a term found in more than COMMON_TERM_SHARE of the documents searched distinctive: it barely
# ranks, and the engine must score every document that has it; leaving such terms out costs no ranking
# quality (docs/matching.md, docs/benchmarks.md). A small catalogue keeps its words up to COMMON_TERM_FLOOR.
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
    # The requirements (marketplace.models.Requirement) that are filters; the others are preferences.
    mandatory: frozenset[str] = frozenset()

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


def vendor_directory_filters() -> list[dict]:
    """The vendors the directory vouches for: active and verified."""
    return [{"term": {"is_active": True}}, {"term": {"is_verified": True}}]


def ceiling_filter(max_employees: int) -> dict:
    return {"range": {"employees": {"lte": max_employees}}}


def mandatory_requirement_filters(challenge: ChallengeProfile) -> list[dict]:
    """One filter per mandatory requirement, meaning what marketplace.eligibility means by it."""
    filters = []
    if Requirement.LANGUAGES in challenge.mandatory:
        filters += [{"term": {"languages": code}} for code in challenge.required_languages]
    if Requirement.CERTIFICATIONS in challenge.mandatory:
        filters += [{"term": {"certifications": name}} for name in challenge.required_certifications]
    if Requirement.REGIONS in challenge.mandatory and challenge.regions:
        filters.append({"terms": {"regions": challenge.regions}})
    if Requirement.MAX_EMPLOYEES in challenge.mandatory and challenge.max_employees is not None:
        filters.append(ceiling_filter(challenge.max_employees))
    return filters


def vendor_eligibility(challenge: ChallengeProfile) -> list[dict]:
    """The vendors a challenge may be paired with at all: active, verified, meeting every mandatory requirement."""
    return [*vendor_directory_filters(), *mandatory_requirement_filters(challenge)]


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
    if challenge.max_employees is not None:
        fit.append(_constant("sme", ceiling_filter(challenge.max_employees), SME_WEIGHT))
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
        # A ceiling filters only where the ministry made it mandatory; elsewhere it is a gap the page shows.
        {
            "bool": {
                "should": [
                    {"bool": {"must_not": {"exists": {"field": "max_employees"}}}},
                    {"range": {"max_employees": {"gte": vendor.employees}}},
                    {
                        "bool": {
                            "must_not": {"term": {"mandatory_requirements": Requirement.MAX_EMPLOYEES.value}}
                        }
                    },
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
            "mandatory_requirements",
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


# The people search

MAX_QUERY_LENGTH = 200

CHALLENGE_TEXT_FIELDS = [
    "title^3",
    "title.en^3",
    "description",
    "description.en",
    "expertise_labels",
    "expertise_labels.en",
    "organization_name",
    "organization_name.en",
]
VENDOR_TEXT_FIELDS = [
    "name^3",
    "name.en^3",
    "description",
    "description.en",
    "references",
    "references.en",
    "expertise_labels",
    "expertise_labels.en",
    "certifications.text",
]
# The same, as a viewer who sees only the firms' public sections searches them: a firm's name and
# expertise are always public, and each hideable text has a copy filled only while it is public.
PUBLIC_VENDOR_TEXT_FIELDS = [
    "name^3",
    "name.en^3",
    "public_description",
    "public_description.en",
    "public_references",
    "public_references.en",
    "expertise_labels",
    "expertise_labels.en",
    "public_certifications.text",
]
# The vendor facets (and filters) that read a profile section a firm may hide.
FACET_SECTIONS: dict[str, str] = {
    "region": ProfileSection.REGIONS,
    "size": ProfileSection.EMPLOYEES,
    "certification": ProfileSection.CERTIFICATIONS,
}
# The fuzzy clause only rescues misspelt words: exact and synonym matches rank above it.
FUZZY_BOOST = 0.5


class BudgetRange(models.TextChoices):
    UNDER_100K = "lt-100k", _("Under $100,000")
    FROM_100K_TO_500K = "100k-500k", _("$100,000 to $500,000")
    FROM_500K_TO_1M = "500k-1m", _("$500,000 to $1,000,000")
    OVER_1M = "gt-1m", _("$1,000,000 and over")


# [low, high) in CAD. A challenge is in every range its [budget_min, budget_max] overlaps.
BUDGET_BOUNDS: dict[str, tuple[int | None, int | None]] = {
    BudgetRange.UNDER_100K: (None, 100_000),
    BudgetRange.FROM_100K_TO_500K: (100_000, 500_000),
    BudgetRange.FROM_500K_TO_1M: (500_000, 1_000_000),
    BudgetRange.OVER_1M: (1_000_000, None),
}


class DeadlineWindow(models.TextChoices):
    WITHIN_30_DAYS = "30d", _("Closing within 30 days")
    WITHIN_90_DAYS = "90d", _("Closing in 31 to 90 days")
    LATER = "later", _("Closing in more than 90 days")


# Days from today, both ends included. A deadline already past is in no window.
DEADLINE_DAYS: dict[str, tuple[int, int | None]] = {
    DeadlineWindow.WITHIN_30_DAYS: (0, 30),
    DeadlineWindow.WITHIN_90_DAYS: (31, 90),
    DeadlineWindow.LATER: (91, None),
}


class VendorSize(models.TextChoices):
    MICRO = "1-9", _("1 to 9 employees")
    SMALL = "10-49", _("10 to 49 employees")
    MEDIUM = "50-99", _("50 to 99 employees")
    LARGE = "100-249", _("100 to 249 employees")
    LARGEST_SME = "250-499", _("250 to 499 employees")


# Employees, both ends included.
SIZE_BOUNDS: dict[str, tuple[int, int]] = {
    VendorSize.MICRO: (1, 9),
    VendorSize.SMALL: (10, 49),
    VendorSize.MEDIUM: (50, 99),
    VendorSize.LARGE: (100, 249),
    VendorSize.LARGEST_SME: (250, 499),
}


class ChallengeSort(models.TextChoices):
    RELEVANCE = "relevance", _("Relevance")
    NEWEST = "newest", _("Newest first")
    DEADLINE = "deadline", _("Deadline, soonest first")
    BUDGET = "budget", _("Budget, largest first")


class VendorSort(models.TextChoices):
    RELEVANCE = "relevance", _("Relevance")
    NAME = "name", _("Name")


# Equal keys are ordered by the stable pseudo-random tiebreak, never by id or date: an early
# sign-up or an old posting buys no rank.
TIEBREAK = {"tiebreak": {"order": "asc"}}
CHALLENGE_SORTS: dict[str, list] = {
    ChallengeSort.RELEVANCE: [{"_score": {"order": "desc"}}, TIEBREAK],
    ChallengeSort.NEWEST: [{"published_at": {"order": "desc"}}, TIEBREAK],
    ChallengeSort.DEADLINE: [{"deadline": {"order": "asc"}}, TIEBREAK],
    ChallengeSort.BUDGET: [{"budget_max": {"order": "desc"}}, TIEBREAK],
}
VENDOR_SORTS: dict[str, list] = {
    VendorSort.RELEVANCE: [{"_score": {"order": "desc"}}, TIEBREAK],
    VendorSort.NAME: [{"name.raw": {"order": "asc"}}, TIEBREAK],
}

CHALLENGE_RESULT_FIELDS = [
    "key",
    "title",
    "description",
    "language",
    "organization_id",
    "organization_name",
    "organization_kind",
    "expertise",
    "regions",
    "budget_min",
    "budget_max",
    "deadline",
    "published_at",
]
VENDOR_RESULT_FIELDS = [
    "key",
    "name",
    "description",
    "expertise",
    "regions",
    "languages",
    "employees",
    "certifications",
    "public_profile",
]
TERMS_FACET_SIZE = 100
DESCRIPTION_HIGHLIGHT = {"fragment_size": 160, "number_of_fragments": 3}


@dataclass(frozen=True)
class SearchQuery:
    """Which documents a search matches: its words (scored), filters that always apply, and one
    filter per active facet."""

    text: Query | None
    filters: dict[str, Query]
    base: list[Query] = field(default_factory=list)

    def unfaceted(self) -> Query:
        """The words and the filters that always apply: what the facets count within."""
        return Q("bool", must=[self.text or Q("match_all")], filter=self.base)

    def combined(self) -> Query:
        """The whole query in one piece, as a saved search stores it for its alerts. A search runs the
        same: `unfaceted()` as its query and the facet filters as its post_filter."""
        return Q("bool", must=[self.unfaceted()], filter=list(self.filters.values()))


def _text_query(q: str, fields: list[str]) -> Query | None:
    """Every word must be found, in any of the fields (synonyms included); a misspelt word is
    found by the fuzzy clause.

    Not a single fuzzy multi_match with OR: the multi-word synonym rules leave stray function
    words ("de", "en") in the English sub-fields, and OR-ing them matched almost every document.
    The text is plain words: never query_string syntax."""
    if not q:
        return None
    return Q(
        "bool",
        should=[
            Q("multi_match", query=q, fields=fields, type="cross_fields", operator="and"),
            Q(
                "multi_match",
                query=q,
                fields=fields,
                fuzziness="AUTO",
                prefix_length=1,
                operator="and",
                boost=FUZZY_BOOST,
            ),
        ],
        minimum_should_match=1,
    )


def _any(clauses: Iterable[Query]) -> Query:
    return Q("bool", should=list(clauses), minimum_should_match=1)


def _budget_clause(budget: str) -> Query:
    low, high = BUDGET_BOUNDS[budget]
    overlap = []
    if low is not None:
        overlap.append(Q("range", budget_max={"gte": low}))
    if high is not None:
        overlap.append(Q("range", budget_min={"lt": high}))
    return Q("bool", filter=overlap)


def _deadline_clause(window: str, today: datetime.date) -> Query:
    first, last = DEADLINE_DAYS[window]
    bounds = {"gte": (today + datetime.timedelta(days=first)).isoformat()}
    if last is not None:
        bounds["lte"] = (today + datetime.timedelta(days=last)).isoformat()
    return Q("range", deadline=bounds)


def _size_clause(size: str) -> Query:
    low, high = SIZE_BOUNDS[size]
    return Q("range", employees={"gte": low, "lte": high})


def _region_clause(codes: Sequence[str]) -> Query:
    # A challenge without regions is open anywhere in Quebec, so it is in every region.
    return _any([Q("terms", regions=list(codes)), Q("bool", must_not=[Q("exists", field="regions")])])


def challenge_query(
    *, q: str = "", filters: Mapping[str, Sequence[str]], today: datetime.date | None = None
) -> SearchQuery:
    """The one definition of what a challenge search matches, shared by search and saved-search alerts."""
    clauses: dict[str, Query] = {}
    if filters.get("expertise"):
        clauses["expertise"] = Q("terms", expertise=list(filters["expertise"]))
    if filters.get("region"):
        clauses["region"] = _region_clause(filters["region"])
    if filters.get("organization_kind"):
        clauses["organization_kind"] = Q("terms", organization_kind=list(filters["organization_kind"]))
    if filters.get("language"):
        clauses["language"] = Q("terms", language=list(filters["language"]))
    if filters.get("budget"):
        clauses["budget"] = _any(_budget_clause(budget) for budget in filters["budget"])
    if filters.get("deadline"):
        today = today or timezone.localdate()
        clauses["deadline"] = _any(_deadline_clause(window, today) for window in filters["deadline"])
    return SearchQuery(text=_text_query(q, CHALLENGE_TEXT_FIELDS), filters=clauses)


@dataclass(frozen=True)
class VendorScope:
    """What a vendor search may read of each firm's profile: everything (the matcher, coordinators), or
    the sections each firm made public plus the whole profile of the firms in `full_profile_ids`."""

    everything: bool
    full_profile_ids: frozenset[int] = frozenset()

    @classmethod
    def whole(cls) -> "VendorScope":
        return cls(everything=True)

    @classmethod
    def of(cls, visibility: ProfileVisibility) -> "VendorScope":
        if visibility.sees_everything:
            return cls.whole()
        return cls(everything=False, full_profile_ids=visibility.full_profile_ids)

    @property
    def description_field(self) -> str:
        """Passages are highlighted in the text the words were searched in: the public copy, unless whole."""
        return "description" if self.everything else "public_description"

    def _full_profile(self) -> list[Query]:
        return [Q("ids", values=sorted(map(str, self.full_profile_ids)))] if self.full_profile_ids else []

    def section_visible(self, section: str) -> Query | None:
        """The firms whose `section` this scope reads; None when it reads every section of every firm."""
        if self.everything:
            return None
        return _any([Q("term", public_profile=section), *self._full_profile()])

    def within(self, section: str | None, clause: Query) -> Query:
        """The clause, limited to the firms whose `section` this scope reads."""
        visible = self.section_visible(section) if section else None
        return clause if visible is None else Q("bool", filter=[clause, visible])

    def text(self, q: str) -> Query | None:
        """The words, found only in the text this scope reads, and scored on public text only.

        Public text has its own fields (`public_*`, filled only for a public section): the engine's
        term statistics of the full fields count hidden texts too, and a score computed with them would
        tell how many firms hide a word. A firm whose whole profile the viewer sees is found by any of
        its words but scored on its public text, for the same reason."""
        if not q or self.everything:
            return _text_query(q, VENDOR_TEXT_FIELDS)
        public = _text_query(q, PUBLIC_VENDOR_TEXT_FIELDS)
        full_profile = self._full_profile()
        if not full_profile:
            return public
        return _any(
            [
                Q("bool", must=[public], must_not=full_profile),
                Q("bool", filter=[*full_profile, _text_query(q, VENDOR_TEXT_FIELDS)], should=[public]),
            ]
        )


def vendor_query(*, q: str = "", filters: Mapping[str, Sequence[str]], scope: VendorScope) -> SearchQuery:
    """Active and verified vendors only: the directory vouches for the firms it lists.

    The words, and the filters on a section a firm may hide, read only what `scope` may see."""
    clauses: dict[str, Query] = {}
    if filters.get("expertise"):
        clauses["expertise"] = Q("terms", expertise=list(filters["expertise"]))
    if filters.get("region"):
        clauses["region"] = Q("terms", regions=list(filters["region"]))
    if filters.get("language"):
        clauses["language"] = Q("terms", languages=list(filters["language"]))
    if filters.get("size"):
        clauses["size"] = _any(_size_clause(size) for size in filters["size"])
    if filters.get("certification"):
        clauses["certification"] = Q("terms", certifications=list(filters["certification"]))
    clauses = {name: scope.within(FACET_SECTIONS.get(name), clause) for name, clause in clauses.items()}
    base = [Q("term", is_active=True), Q("term", is_verified=True)]
    return SearchQuery(text=scope.text(q), filters=clauses, base=base)


def keyed_filters(clauses: dict[str, Query]) -> Agg:
    return A("filters", filters=clauses)


def _faceted_search_body(
    *,
    query: SearchQuery,
    facet_aggs: dict[str, dict[str, Agg]],
    sort: list,
    source: list[str],
    highlight: dict[str, dict],
    page: int,
    page_size: int,
    facet_scopes: Mapping[str, Query] | None = None,
) -> dict:
    """One page of hits and the facets; a facet in `facet_scopes` counts only the documents of its clause."""
    start = (page - 1) * page_size
    search = Search().query(query.unfaceted())
    if query.filters:
        search = search.post_filter(Q("bool", filter=list(query.filters.values())))
    facet_scopes = facet_scopes or {}
    for name, aggs in facet_aggs.items():
        others = [clause for facet, clause in query.filters.items() if facet != name]
        if name in facet_scopes:
            others.append(facet_scopes[name])
        bucket = search.aggs.bucket(name, "filter", filter=Q("bool", filter=others))
        for agg_name, agg in aggs.items():
            bucket.bucket(agg_name, agg)
    if query.text is not None:
        search = search.highlight_options(encoder="html", pre_tags=["<mark>"], post_tags=["</mark>"])
        for field_name, options in highlight.items():
            search = search.highlight(field_name, f"{field_name}.en", **options)
    search = search.sort(*sort).source(source).extra(track_total_hits=True, track_scores=True)
    return search[start : start + page_size].to_dict()


def challenge_search_body(
    *,
    q: str,
    filters: Mapping[str, Sequence[str]],
    sort: str,
    page: int,
    page_size: int,
    today: datetime.date,
) -> dict:
    """Published challenges matching the words and filters, with facet counts.

    Sorted by relevance when there are words, newest first otherwise."""
    sort = sort or (ChallengeSort.RELEVANCE if q else ChallengeSort.NEWEST)
    return _faceted_search_body(
        query=challenge_query(q=q, filters=filters, today=today),
        facet_aggs={
            "expertise": {"values": A("terms", field="expertise", size=TERMS_FACET_SIZE)},
            "region": {
                "values": A("terms", field="regions", size=TERMS_FACET_SIZE),
                "anywhere": A("missing", field="regions"),
            },
            "organization_kind": {"values": A("terms", field="organization_kind", size=TERMS_FACET_SIZE)},
            "language": {"values": A("terms", field="language", size=TERMS_FACET_SIZE)},
            "budget": {
                "values": keyed_filters({value: _budget_clause(value) for value in BudgetRange.values})
            },
            "deadline": {
                "values": keyed_filters(
                    {value: _deadline_clause(value, today) for value in DeadlineWindow.values}
                )
            },
        },
        sort=CHALLENGE_SORTS[sort],
        source=CHALLENGE_RESULT_FIELDS,
        highlight={"title": {"number_of_fragments": 0}, "description": DESCRIPTION_HIGHLIGHT},
        page=page,
        page_size=page_size,
    )


def vendor_search_body(
    *, scope: VendorScope, q: str, filters: Mapping[str, Sequence[str]], sort: str, page: int, page_size: int
) -> dict:
    """Active, verified vendors matching the words and filters, with facet counts; what `scope` may not
    read of a firm is never matched, filtered on, counted or highlighted."""
    facet_scopes = {
        name: visible
        for name, section in FACET_SECTIONS.items()
        if (visible := scope.section_visible(section))
    }
    return _faceted_search_body(
        query=vendor_query(q=q, filters=filters, scope=scope),
        facet_aggs={
            "expertise": {"values": A("terms", field="expertise", size=TERMS_FACET_SIZE)},
            "region": {"values": A("terms", field="regions", size=TERMS_FACET_SIZE)},
            "language": {"values": A("terms", field="languages", size=TERMS_FACET_SIZE)},
            "size": {"values": keyed_filters({value: _size_clause(value) for value in VendorSize.values})},
            "certification": {"values": A("terms", field="certifications", size=TERMS_FACET_SIZE)},
        },
        facet_scopes=facet_scopes,
        sort=VENDOR_SORTS[sort or VendorSort.RELEVANCE],
        source=VENDOR_RESULT_FIELDS,
        highlight={"name": {"number_of_fragments": 0}, scope.description_field: DESCRIPTION_HIGHLIGHT},
        page=page,
        page_size=page_size,
    )
