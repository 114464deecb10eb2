"""The matcher's rankings: vendors for a challenge, open challenges for a vendor, each hit explained.

The query bodies and their weights are in matching.search.queries; the explanation is read off the
engine's signals by matching.search.explain."""

from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic

from marketplace.models import Challenge, Vendor
from matching.search.client import NAMED_SCORES, engine_count, engine_search
from matching.search.documents import index_alias
from matching.search.explain import (
    Explanation,
    NotProposed,
    explain_challenge_hit,
    explain_vendor_hit,
)
from matching.search.kinds import SearchKind
from matching.search.queries import (
    ChallengeProfile,
    VendorProfile,
    challenges_for_vendor_query,
    vendors_for_challenge_query,
)

# How long a web or worker process reuses an index's document count (see `indexed_documents`).
INDEXED_COUNT_SECONDS = 300
_indexed_counts: dict[str, tuple[float, int]] = {}


@dataclass
class RankedHit:
    id: int
    source: dict
    explanation: Explanation


def challenge_profile(challenge: Challenge) -> ChallengeProfile:
    return ChallengeProfile(
        title=challenge.title,
        description=challenge.description,
        expertise=[item.code for item in challenge.expertise.all()],
        regions=[region.code for region in challenge.regions.all()],
        required_languages=list(challenge.required_languages),
        required_certifications=list(challenge.required_certifications),
        max_employees=challenge.max_employees,
        on_site=challenge.on_site,
        mandatory=frozenset(challenge.mandatory_requirements),
    )


def vendor_profile(vendor: Vendor) -> VendorProfile:
    return VendorProfile(
        description=vendor.description,
        references=[f"{r.title}. {r.summary}" for r in vendor.references.all()],
        expertise=[item.code for item in vendor.expertise.all()],
        regions=[region.code for region in vendor.regions.all()],
        languages=list(vendor.languages),
        certifications=list(vendor.certifications),
        employees=vendor.employees,
    )


def indexed_documents(kind: SearchKind) -> int:
    """How many documents the kind's index holds, counted at most once every INDEXED_COUNT_SECONDS per
    process: the matcher only derives a share from it (`common_term_ceiling`), so it need not be exact."""
    alias = index_alias(kind)
    counted_at, count = _indexed_counts.get(alias, (-INDEXED_COUNT_SECONDS, 0))
    if monotonic() - counted_at >= INDEXED_COUNT_SECONDS:
        count = engine_count(index=alias)
        _indexed_counts[alias] = (monotonic(), count)
    return count


def _ranking(
    kind: SearchKind, body: dict, explain: Callable[[dict], Explanation], *, offset: int, size: int
) -> tuple[int, list[RankedHit]]:
    response = engine_search(
        index=index_alias(kind), body={**body, "from": offset, "size": size}, params=NAMED_SCORES
    )
    hits = [
        RankedHit(id=int(hit["_id"]), source=hit["_source"], explanation=explain(hit))
        for hit in response["hits"]["hits"]
    ]
    return response["hits"]["total"]["value"], hits


def vendor_ranking(*, challenge: Challenge, offset: int = 0, size: int = 20) -> tuple[int, list[RankedHit]]:
    """Eligible vendors for a challenge, best first, each with its explanation; and the total."""
    profile = challenge_profile(challenge)
    query = vendors_for_challenge_query(profile, indexed=indexed_documents(SearchKind.VENDOR))
    return _ranking(
        SearchKind.VENDOR, query, lambda hit: explain_vendor_hit(hit, profile), offset=offset, size=size
    )


def challenge_ranking(*, vendor: Vendor, offset: int = 0, size: int = 20) -> tuple[int, list[RankedHit]]:
    """Open challenges for a vendor, best first, each with its explanation; and the total."""
    profile = vendor_profile(vendor)
    query = challenges_for_vendor_query(profile, indexed=indexed_documents(SearchKind.CHALLENGE))
    return _ranking(
        SearchKind.CHALLENGE, query, lambda hit: explain_challenge_hit(hit, profile), offset=offset, size=size
    )


def vendor_standing(*, challenge: Challenge, vendor: Vendor, top: int) -> tuple[int | None, Explanation]:
    """Where the matcher ranks one vendor for a challenge, and why: its rank among the `top` best (None
    below them) and its explanation, which says why the matcher would not propose it if so.

    Two engine requests at most: the top of the ranking, then the same query limited to this vendor."""
    total, hits = vendor_ranking(challenge=challenge, size=top)
    for rank, hit in enumerate(hits, start=1):
        if hit.id == vendor.pk:
            return rank, hit.explanation
    profile = challenge_profile(challenge)
    query = vendors_for_challenge_query(profile, indexed=indexed_documents(SearchKind.VENDOR))
    query["query"]["bool"]["filter"] = [
        *query["query"]["bool"]["filter"],
        {"ids": {"values": [str(vendor.pk)]}},
    ]
    _total, own = _ranking(
        SearchKind.VENDOR, query, lambda hit: explain_vendor_hit(hit, profile), offset=0, size=1
    )
    if own:
        explanation = own[0].explanation
        explanation.not_proposed = NotProposed.BELOW_TOP
        return None, explanation
    # The engine did not match it at all: it shares no word nor expertise (it meets every mandatory
    # requirement, which the caller checked; the engine's filters are the same).
    return None, Explanation(
        score=0.0,
        expertise_missing=list(profile.expertise),
        not_proposed=NotProposed.UNRELATED,
    )
