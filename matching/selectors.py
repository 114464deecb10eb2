import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from elasticsearch_dsl import connections

from hub.models import User
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
from matching.models import SavedSearch, VendorExposure
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


@dataclass
class ExposureSummary:
    since: date
    total: int
    vendors_shown: int
    vendors_active: int
    top_decile_share: float  # Share of all exposures that went to the most-shown 10 % of vendors shown.
    gini: float  # 0 = attention spread evenly over the vendors shown, 1 = all on one firm.
    top: list[dict]


def vendor_exposure_summary(*, days: int = 30, channel: str | None = None, top: int = 20) -> ExposureSummary:
    """How attention is spread over vendors: does the same handful of firms get it all?"""
    since = timezone.localdate() - timedelta(days=days - 1)
    exposures = VendorExposure.objects.filter(day__gte=since)
    if channel:
        exposures = exposures.filter(channel=channel)
    per_vendor = list(
        exposures.values("vendor_id", "vendor__name").annotate(shown=Sum("count")).order_by("-shown", "vendor__name")
    )
    counts = sorted((row["shown"] for row in per_vendor), reverse=True)
    total = sum(counts)
    decile = max(1, math.ceil(len(counts) / 10)) if counts else 0
    return ExposureSummary(
        since=since,
        total=total,
        vendors_shown=len(counts),
        vendors_active=Vendor.objects.filter(is_active=True, is_verified=True).count(),
        top_decile_share=round(sum(counts[:decile]) / total, 4) if total else 0.0,
        gini=_gini(counts),
        top=[{"vendor": row["vendor_id"], "name": row["vendor__name"], "shown": row["shown"]} for row in per_vendor[:top]],
    )


def _gini(counts: list[int]) -> float:
    if not counts or not sum(counts):
        return 0.0
    ordered = sorted(counts)
    n = len(ordered)
    weighted = sum((index + 1) * value for index, value in enumerate(ordered))
    return round((2 * weighted) / (n * sum(ordered)) - (n + 1) / n, 4)


def saved_search_list(*, user: User) -> QuerySet[SavedSearch]:
    """The user's own saved searches, newest first: nobody else's are ever visible."""
    return SavedSearch.objects.filter(user=user).order_by("-created_at", "-id")


def saved_search_get(*, user: User, saved_search_id: int) -> SavedSearch:
    return get_object_or_404(saved_search_list(user=user), pk=saved_search_id)
