"""The people search: opportunities (challenges) and the vendor directory, with facets and highlights.

Each search sends the body matching.search.queries builds and shapes the engine's answer into a page of
hits and facet counts (`SearchResults`), which the API renders and the pages draw. What a viewer may not
see of a firm (marketplace.visibility) is never matched, filtered on, counted, highlighted or returned.
"""

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils import timezone, translation

from hub.models import Organization
from hub.security import CACHE_OUTAGE_ERRORS
from marketplace.models import Language, ProfileSection
from marketplace.selectors import expertise_labels, region_labels
from marketplace.visibility import ProfileVisibility, redact
from matching.search.client import engine_search
from matching.search.documents import ChallengeDocument, VendorDocument, index_alias
from matching.search.queries import (
    BudgetRange,
    DeadlineWindow,
    VendorScope,
    VendorSize,
    challenge_search_body,
    vendor_search_body,
)

logger = logging.getLogger(__name__)

# The highlighted vendor fields, and the section each one shows (None: always public).
VENDOR_HIGHLIGHT_SECTIONS: dict[str, str | None] = {"name": None, "description": ProfileSection.DESCRIPTION}


@dataclass(frozen=True)
class SearchResults:
    count: int
    page: int
    page_size: int
    results: list[dict]
    facets: dict[str, list[dict]]


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


def challenge_search(
    *, q: str = "", filters: Mapping[str, Sequence[str]], sort: str = "", page: int = 1, page_size: int = 20
) -> SearchResults:
    """Published challenges matching the words and filters, with facet counts.

    Sorted by relevance when there are words, newest first otherwise."""
    response = engine_search(
        index=index_alias(ChallengeDocument.kind()),
        body=challenge_search_body(
            q=q, filters=filters, sort=sort, page=page, page_size=page_size, today=timezone.localdate()
        ),
    )
    aggregations = response["aggregations"]
    facets = {
        "expertise": _terms_facet(
            aggregations["expertise"], labels=expertise_labels(), selected=filters.get("expertise", [])
        ),
        # Challenges open anywhere count in every region, as the region filter returns them.
        "region": _terms_facet(
            aggregations["region"],
            labels=region_labels(),
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
    description = scope.description_field
    response = engine_search(
        index=index_alias(VendorDocument.kind()),
        body=vendor_search_body(scope=scope, q=q, filters=filters, sort=sort, page=page, page_size=page_size),
    )
    aggregations = response["aggregations"]
    facets = {
        "expertise": _terms_facet(
            aggregations["expertise"], labels=expertise_labels(), selected=filters.get("expertise", [])
        ),
        "region": _terms_facet(
            aggregations["region"], labels=region_labels(), selected=filters.get("region", [])
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


# Opportunity search answers are the same for every reader: they are kept in the cache, filed under
# the challenge index's generation, which every write to that index advances once it is searchable
# (matching.search.indexing). A kept answer is therefore never older than the index; the timeout only
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
