from dataclasses import dataclass

from elasticsearch_dsl import connections

from marketplace.models import Challenge, Vendor
from matching.documents import index_alias
from matching.matcher import (
    ChallengeProfile,
    Explanation,
    VendorProfile,
    challenges_for_vendor_query,
    explain_challenge_hit,
    explain_vendor_hit,
    vendors_for_challenge_query,
)
from matching.search import engine_errors

# The engine gives per-clause scores only when asked.
NAMED_SCORES = {"include_named_queries_score": "true"}


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


def _search(kind: str, body: dict, *, offset: int, size: int) -> dict:
    with engine_errors():
        return connections.get_connection().search(
            index=index_alias(kind), body={**body, "from": offset, "size": size}, params=NAMED_SCORES
        )


def vendor_ranking(*, challenge: Challenge, offset: int = 0, size: int = 20) -> tuple[int, list[RankedHit]]:
    """Eligible vendors for a challenge, best first, each with its explanation; and the total."""
    profile = challenge_profile(challenge)
    response = _search("vendors", vendors_for_challenge_query(profile), offset=offset, size=size)
    hits = [
        RankedHit(id=int(hit["_id"]), source=hit["_source"], explanation=explain_vendor_hit(hit, profile))
        for hit in response["hits"]["hits"]
    ]
    return response["hits"]["total"]["value"], hits


def challenge_ranking(*, vendor: Vendor, offset: int = 0, size: int = 20) -> tuple[int, list[RankedHit]]:
    """Open challenges for a vendor, best first, each with its explanation; and the total."""
    profile = vendor_profile(vendor)
    response = _search("challenges", challenges_for_vendor_query(profile), offset=offset, size=size)
    hits = [
        RankedHit(id=int(hit["_id"]), source=hit["_source"], explanation=explain_challenge_hit(hit, profile))
        for hit in response["hits"]["hits"]
    ]
    return response["hits"]["total"]["value"], hits
