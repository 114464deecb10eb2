"""Queries against the search index: the selectors of the search engine.

Challenge and vendor search answer one page of hits plus facet counts. Each facet counts the hits
of every *other* active filter but ignores its own, so choosing a value never hides its siblings
(the usual faceted-search behaviour): the filters go in a post_filter, and each facet's aggregation
sits under a filter aggregation of the others.
"""

import datetime
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from elasticsearch import ConnectionError as SearchConnectionError
from elasticsearch import TransportError
from elasticsearch.helpers import scan
from elasticsearch_dsl import A, Q, Search, connections
from elasticsearch_dsl.aggs import Agg
from elasticsearch_dsl.query import Query

from hub.exceptions import SearchUnavailable
from hub.models import Organization
from hub.security import CACHE_OUTAGE_ERRORS
from marketplace.models import Expertise, Language, ProfileSection, Region
from marketplace.visibility import ProfileVisibility, redact
from matching.documents import ChallengeDocument, VendorDocument, index_alias
from matching.matcher import ChallengeProfile, vendor_eligibility

logger = logging.getLogger(__name__)


@contextmanager
def engine_errors() -> Iterator[None]:
    """Turn the engine being away (down, timing out, or not ready) into SearchUnavailable."""
    try:
        yield
    except SearchConnectionError as error:  # Timeouts included.
        raise SearchUnavailable() from error
    except TransportError as error:
        if error.status_code in (429, 502, 503, 504):
            raise SearchUnavailable() from error
        raise


MAX_QUERY_LENGTH = 200
# The engine's index.max_result_window: it refuses to page deeper than this.
MAX_RESULT_WINDOW = 10_000
# Kind of the percolator index holding the saved searches' stored queries.
SAVED_SEARCHES = "saved-searches"

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
# The highlighted vendor fields, and the section each one shows (None: always public).
VENDOR_HIGHLIGHT_SECTIONS: dict[str, str | None] = {"name": None, "description": ProfileSection.DESCRIPTION}
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


@dataclass(frozen=True)
class SearchResults:
    count: int
    page: int
    page_size: int
    results: list[dict]
    facets: dict[str, list[dict]]


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


def _search(
    *,
    index: str,
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
    search = Search(index=index).query(query.unfaceted())
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
    return search[start : start + page_size].execute().to_dict()


def _highlights(hit: dict, fields: Iterable[str]) -> dict[str, list[str]]:
    """One list of fragments per field; the French-analysed field first, its English sub-field otherwise."""
    found = hit.get("highlight", {})
    return {name: found.get(name) or found.get(f"{name}.en") or [] for name in fields}


def _hits(response: dict, *, highlight_fields: Iterable[str], scored: bool) -> list[dict]:
    return [
        {
            "id": int(hit["_id"]),
            **hit["_source"],
            "highlights": _highlights(hit, highlight_fields),
            "score": hit.get("_score") if scored else None,
        }
        for hit in response["hits"]["hits"]
    ]


def _terms_facet(
    aggregation: dict, *, labels: Mapping[str, str], selected: Sequence[str], extra: int = 0
) -> list[dict]:
    counts = {bucket["key"]: bucket["doc_count"] + extra for bucket in aggregation["values"]["buckets"]}
    if extra:
        counts |= {value: extra for value in labels if value not in counts}
    counts |= {value: 0 for value in selected if value not in counts}  # A chosen value stays visible.
    values = sorted(counts, key=lambda value: (-counts[value], str(labels.get(value, value)).casefold()))
    return [
        {"value": value, "label": str(labels.get(value, value)), "count": counts[value]} for value in values
    ]


def _bucket_facet(aggregation: dict, *, choices: type[models.TextChoices]) -> list[dict]:
    buckets = aggregation["values"]["buckets"]
    return [
        {"value": value, "label": str(label), "count": buckets[value]["doc_count"]}
        for value, label in choices.choices
    ]


def _keyed_filters(clauses: dict[str, Query]) -> Agg:
    return A("filters", filters=clauses)


def challenge_search(
    *, q: str = "", filters: Mapping[str, Sequence[str]], sort: str = "", page: int = 1, page_size: int = 20
) -> SearchResults:
    """Published challenges matching the words and filters, with facet counts.

    Sorted by relevance when there are words, newest first otherwise."""
    today = timezone.localdate()
    query = challenge_query(q=q, filters=filters, today=today)
    sort = sort or (ChallengeSort.RELEVANCE if q else ChallengeSort.NEWEST)
    response = _search(
        index=index_alias(ChallengeDocument.kind()),
        query=query,
        facet_aggs={
            "expertise": {"values": A("terms", field="expertise", size=TERMS_FACET_SIZE)},
            "region": {
                "values": A("terms", field="regions", size=TERMS_FACET_SIZE),
                "anywhere": A("missing", field="regions"),
            },
            "organization_kind": {"values": A("terms", field="organization_kind", size=TERMS_FACET_SIZE)},
            "language": {"values": A("terms", field="language", size=TERMS_FACET_SIZE)},
            "budget": {
                "values": _keyed_filters({value: _budget_clause(value) for value in BudgetRange.values})
            },
            "deadline": {
                "values": _keyed_filters(
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
    aggregations = response["aggregations"]
    facets = {
        "expertise": _terms_facet(
            aggregations["expertise"], labels=_expertise_labels(), selected=filters.get("expertise", [])
        ),
        # Challenges open anywhere count in every region, as the region filter returns them.
        "region": _terms_facet(
            aggregations["region"],
            labels=_region_labels(),
            selected=filters.get("region", []),
            extra=aggregations["region"]["anywhere"]["doc_count"],
        ),
        "organization_kind": _terms_facet(
            aggregations["organization_kind"],
            labels=dict(Organization.Kind.choices),
            selected=filters.get("organization_kind", []),
        ),
        "language": _terms_facet(
            aggregations["language"], labels=dict(Language.choices), selected=filters.get("language", [])
        ),
        "budget": _bucket_facet(aggregations["budget"], choices=BudgetRange),
        "deadline": _bucket_facet(aggregations["deadline"], choices=DeadlineWindow),
    }
    return SearchResults(
        count=response["hits"]["total"]["value"],
        page=page,
        page_size=page_size,
        results=_hits(response, highlight_fields=("title", "description"), scored=bool(q)),
        facets=facets,
    )


def vendor_search(
    *,
    visibility: ProfileVisibility,
    q: str = "",
    filters: Mapping[str, Sequence[str]],
    sort: str = "",
    page: int = 1,
    page_size: int = 20,
) -> SearchResults:
    """Active, verified vendors matching the words and filters, with facet counts.

    What the viewer may not see of a firm (marketplace.visibility) is never matched, filtered on,
    counted, highlighted or returned: hidden sections come back as null."""
    scope = VendorScope.of(visibility)
    query = vendor_query(q=q, filters=filters, scope=scope)
    # Passages are highlighted in the text the words were searched in: the public copy, unless whole.
    description = "description" if scope.everything else "public_description"
    facet_scopes = {
        name: visible
        for name, section in FACET_SECTIONS.items()
        if (visible := scope.section_visible(section))
    }
    response = _search(
        index=index_alias(VendorDocument.kind()),
        query=query,
        facet_aggs={
            "expertise": {"values": A("terms", field="expertise", size=TERMS_FACET_SIZE)},
            "region": {"values": A("terms", field="regions", size=TERMS_FACET_SIZE)},
            "language": {"values": A("terms", field="languages", size=TERMS_FACET_SIZE)},
            "size": {"values": _keyed_filters({value: _size_clause(value) for value in VendorSize.values})},
            "certification": {"values": A("terms", field="certifications", size=TERMS_FACET_SIZE)},
        },
        facet_scopes=facet_scopes,
        sort=VENDOR_SORTS[sort or VendorSort.RELEVANCE],
        source=VENDOR_RESULT_FIELDS,
        highlight={"name": {"number_of_fragments": 0}, description: DESCRIPTION_HIGHLIGHT},
        page=page,
        page_size=page_size,
    )
    aggregations = response["aggregations"]
    facets = {
        "expertise": _terms_facet(
            aggregations["expertise"], labels=_expertise_labels(), selected=filters.get("expertise", [])
        ),
        "region": _terms_facet(
            aggregations["region"], labels=_region_labels(), selected=filters.get("region", [])
        ),
        "language": _terms_facet(
            aggregations["language"], labels=dict(Language.choices), selected=filters.get("language", [])
        ),
        "size": _bucket_facet(aggregations["size"], choices=VendorSize),
        "certification": _terms_facet(
            aggregations["certification"], labels={}, selected=filters.get("certification", [])
        ),
    }
    hits = _hits(response, highlight_fields=("name", description), scored=bool(q))
    for hit in hits:
        hit["highlights"]["description"] = hit["highlights"].pop(description)
    return SearchResults(
        count=response["hits"]["total"]["value"],
        page=page,
        page_size=page_size,
        results=[
            _vendor_hit_for(
                hit,
                sections=visibility.sections(
                    vendor_id=hit["id"], public_profile=hit.get("public_profile", [])
                ),
            )
            for hit in hits
        ],
        facets=facets,
    )


def _vendor_hit_for(hit: dict, *, sections: frozenset[str]) -> dict:
    """The hit with what the viewer may not see nulled, and no passage highlighted in a hidden section."""
    hit = redact(hit, sections=sections)
    hit["highlights"] = {
        name: fragments if VENDOR_HIGHLIGHT_SECTIONS[name] in (None, *sections) else []
        for name, fragments in hit["highlights"].items()
    }
    hit.pop("public_profile", None)
    return hit


def _expertise_labels() -> dict[str, str]:
    return {item.code: item.label for item in Expertise.objects.all()}


def _region_labels() -> dict[str, str]:
    return {item.code: item.label for item in Region.objects.all()}


def saved_search_ids_matching(*, document: dict) -> list[int]:
    """Ids of the saved searches whose stored query matches this challenge document (percolation)."""
    client = connections.get_connection()
    alias = index_alias(SAVED_SEARCHES)
    if not client.indices.exists_alias(name=alias):
        return []  # No search was ever saved.
    hits = scan(
        client,
        index=alias,
        query={"query": {"percolate": {"field": "query", "document": document}}, "_source": False},
        size=500,
    )
    return [int(hit["_id"]) for hit in hits]


# Reach: how many vendors a challenge's draft would reach, and which requirements shrink that pool.


class RequirementKind(models.TextChoices):
    CEILING = "ceiling"  # At most max_employees employees.
    REGION = "region"  # Serves one of the challenge's regions.
    LANGUAGE = "language"  # Delivers in this language.
    CERTIFICATION = "certification"  # Holds this certification.
    EXPERTISE = "expertise"  # Has one of the challenge's areas of expertise.


@dataclass(frozen=True)
class RequirementReach:
    """One requirement of a draft: how many vendors meet it, and how many it alone keeps out."""

    kind: str  # A RequirementKind.
    value: str  # The language code or the certification; empty for the other kinds.
    meeting: int  # Eligible vendors that meet it; for the ceiling, directory vendors under it.
    removes: int  # Vendors that meet every other requirement but not this one.


@dataclass(frozen=True)
class Reach:
    directory: int  # Active, verified vendors.
    eligible: int  # Of these, the ones the matcher may propose: under the SME ceiling.
    matching: int  # Eligible vendors that meet every requirement.
    requirements: list[RequirementReach]  # The requirement that keeps the most vendors out first.


def _vendor_facet_clause(facet: str, values: Sequence[str], scope: VendorScope) -> Query:
    """What the vendor directory means by a facet value ("serves the region", "holds the certification")."""
    return vendor_query(filters={facet: list(values)}, scope=scope).filters[facet]


def _requirement_clauses(profile: ChallengeProfile, scope: VendorScope) -> list[tuple[str, str, Query]]:
    clauses = []
    if profile.regions:
        clauses.append((RequirementKind.REGION, "", _vendor_facet_clause("region", profile.regions, scope)))
    clauses += [
        (RequirementKind.LANGUAGE, code, _vendor_facet_clause("language", [code], scope))
        for code in profile.required_languages
    ]
    clauses += [
        (RequirementKind.CERTIFICATION, name, _vendor_facet_clause("certification", [name], scope))
        for name in profile.required_certifications
    ]
    if profile.expertise:
        clauses.append(
            (RequirementKind.EXPERTISE, "", _vendor_facet_clause("expertise", profile.expertise, scope))
        )
    return clauses


def _all_of(clauses: Iterable[Query]) -> Query:
    return Q("bool", filter=list(clauses))


def challenge_reach(*, profile: ChallengeProfile, visibility: ProfileVisibility) -> Reach:
    """How many directory vendors a challenge (even a half-written draft) would reach, in one engine request.

    Eligibility is the matcher's own hard filter (active, verified, under the SME ceiling); each
    requirement means what the vendor directory's facet means. The matcher only ranks vendors that miss a
    soft requirement lower, so `matching` is the pool that fits everything, not a limit on proposals.

    Counted as the viewer's directory would: a firm meets a requirement on a section only if it shows
    the viewer that section (a count of one would otherwise tell a hidden value), so the numbers are
    those of the firms that say they fit; the matcher itself reads every section."""
    scope = VendorScope.of(visibility)
    requirements = _requirement_clauses(profile, scope)
    eligibility = _all_of(Q(clause) for clause in vendor_eligibility(profile))
    if profile.max_employees is not None:
        eligibility = scope.within(ProfileSection.EMPLOYEES, eligibility)
    counts = {
        "eligible": eligibility,
        "all": _all_of([eligibility, *(clause for _kind, _value, clause in requirements)]),
    }
    for index, (_kind, _value, clause) in enumerate(requirements):
        others = [other for position, (_k, _v, other) in enumerate(requirements) if position != index]
        counts[f"meets-{index}"] = _all_of([eligibility, clause])
        counts[f"others-{index}"] = _all_of([eligibility, *others])
    if profile.max_employees is not None:
        counts["others-ceiling"] = _all_of(clause for _kind, _value, clause in requirements)
    search = Search(index=index_alias(VendorDocument.kind())).query(
        vendor_query(filters={}, scope=VendorScope.whole()).unfaceted()
    )
    search.aggs.bucket("reach", _keyed_filters(counts))
    search = search.extra(size=0, track_total_hits=True)
    with engine_errors():
        response = search.execute().to_dict()
    buckets = {
        name: bucket["doc_count"] for name, bucket in response["aggregations"]["reach"]["buckets"].items()
    }
    matching = buckets["all"]
    reached = [
        RequirementReach(
            kind=kind,
            value=value,
            meeting=buckets[f"meets-{index}"],
            removes=buckets[f"others-{index}"] - matching,
        )
        for index, (kind, value, _clause) in enumerate(requirements)
    ]
    if profile.max_employees is not None:
        reached.insert(
            0,
            RequirementReach(
                kind=RequirementKind.CEILING,
                value="",
                meeting=buckets["eligible"],
                removes=buckets["others-ceiling"] - matching,
            ),
        )
    return Reach(
        directory=response["hits"]["total"]["value"],
        eligible=buckets["eligible"],
        matching=matching,
        # Stable: equal requirements keep the order of the form.
        requirements=sorted(reached, key=lambda requirement: -requirement.removes),
    )


# Opportunity search answers are the same for every reader: they are kept in the cache, filed under
# the challenge index's generation, which every write to that index advances once it is searchable
# (matching/indexing.py). A kept answer is therefore never older than the index; the timeout only
# bounds what the cache holds. Without the cache (down, or OPPORTUNITY_CACHE_SECONDS=0), each request
# asks the engine.


def _generation_key() -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}:opportunity-search-generation"


def opportunity_cache_advance() -> None:
    """Retire every kept opportunity search answer: the challenge index changed."""
    try:
        try:
            cache.incr(_generation_key())
        except ValueError:  # No generation yet (a new or emptied cache).
            cache.set(_generation_key(), 1, timeout=None)
    except CACHE_OUTAGE_ERRORS as error:
        # Requests meanwhile ask the engine. A Redis that comes back with its data (not restarted) may
        # serve answers kept before this change, for at most OPPORTUNITY_CACHE_SECONDS.
        logger.warning("Opportunity search answers could not be retired, the cache is unavailable: %s", error)


def opportunity_search_cached(*, params: str, answer: Callable[[], dict]) -> dict:
    """The kept answer to these query parameters in the reader's language, or `answer()`, then kept."""
    seconds = settings.OPPORTUNITY_CACHE_SECONDS
    if not seconds:
        return answer()
    # The language (facet labels) and the day (deadline windows) change the answer too.
    scope = f"{translation.get_language()}:{timezone.localdate().isoformat()}:{hashlib.sha256(params.encode()).hexdigest()}"
    try:
        key = f"{settings.SEARCH_INDEX_PREFIX}:opportunity-search:{cache.get(_generation_key(), 0)}:{scope}"
        kept = cache.get(key)
    except CACHE_OUTAGE_ERRORS as error:
        logger.warning("Opportunity search answered without the cache, which is unavailable: %s", error)
        return answer()
    if kept is not None:
        return kept
    data = answer()
    try:
        cache.set(key, data, timeout=seconds)
    except CACHE_OUTAGE_ERRORS as error:
        logger.warning("Opportunity search answer not kept, the cache is unavailable: %s", error)
    return data
