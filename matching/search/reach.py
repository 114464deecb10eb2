"""The live reach: how many vendors a challenge's draft would reach, and which requirements shrink that pool."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import models
from elasticsearch_dsl import Q, Search
from elasticsearch_dsl.query import Query

from marketplace.models import ProfileSection
from marketplace.visibility import ProfileVisibility
from matching.search.client import engine_search
from matching.search.documents import VendorDocument, index_alias
from matching.search.queries import (
    ChallengeProfile,
    VendorScope,
    ceiling_filter,
    keyed_filters,
    vendor_directory_filters,
    vendor_query,
)


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
    # The ceiling counts as the pool's bound whether mandatory or preferred: the draft's author reads how
    # many SMEs under it the directory holds.
    ceiling = [ceiling_filter(profile.max_employees)] if profile.max_employees is not None else []
    eligibility = _all_of(Q(clause) for clause in [*vendor_directory_filters(), *ceiling])
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
    search = Search().query(vendor_query(filters={}, scope=VendorScope.whole()).unfaceted())
    search.aggs.bucket("reach", keyed_filters(counts))
    search = search.extra(size=0, track_total_hits=True)
    response = engine_search(index=index_alias(VendorDocument.kind()), body=search.to_dict())
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
