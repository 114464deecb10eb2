"""Offline evaluation of the matcher against a catalogue's relevance judgments.

Runs in a throw-away world: the catalogue is imported inside a transaction that is rolled back,
into indexes under a unique prefix that are deleted afterwards, so nothing of it survives.
"""

import math
import uuid
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.test import override_settings

from hub.models import Organization
from marketplace.catalog import catalog_import
from marketplace.models import Challenge, Expertise, Region, Vendor
from matching.search import indexing
from matching.search.client import engine, engine_bulk, engine_search
from matching.search.kinds import INDEXED_KINDS
from matching.search.ranking import challenge_ranking, vendor_ranking

DEPTH = 20  # Enough for recall@20.
METRICS = ("ndcg@10", "p@5", "mrr", "recall@20")

Ranking = dict[str, list[str]]  # query key -> result keys, best first
Grades = dict[str, dict[str, int]]  # query key -> result key -> grade


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int) -> float:
    gains = [2 ** grades.get(key, 0) - 1 for key in ranked[:k]]
    ideal = sorted((2**g - 1 for g in grades.values()), reverse=True)[:k]
    ideal_dcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains)) / ideal_dcg if ideal_dcg else 0.0


def metrics(rankings: Ranking, grades: Grades) -> dict[str, float]:
    """Mean metrics over the queries that have at least one relevant result (grade >= 1).

    nDCG uses the grades; precision, MRR and recall count any grade >= 1 as relevant.
    A pair without a judgment counts as 0."""
    queries = [query for query, judged in grades.items() if any(g > 0 for g in judged.values())]
    totals = dict.fromkeys(METRICS, 0.0)
    for query in queries:
        ranked, judged = rankings.get(query, []), grades[query]
        relevant = {key for key, grade in judged.items() if grade > 0}
        first = next((i for i, key in enumerate(ranked) if key in relevant), None)
        totals["ndcg@10"] += ndcg_at(ranked, judged, 10)
        totals["p@5"] += sum(key in relevant for key in ranked[:5]) / 5
        totals["mrr"] += 1 / (first + 1) if first is not None else 0.0
        totals["recall@20"] += len(relevant & set(ranked[:20])) / len(relevant)
    return {name: round(total / len(queries), 4) if queries else 0.0 for name, total in totals.items()} | {
        "queries": len(queries)
    }


def _judgments(data: dict) -> tuple[Grades, Grades]:
    by_challenge: Grades = defaultdict(dict)
    by_vendor: Grades = defaultdict(dict)
    for judgment in data.get("judgments", []):
        by_challenge[judgment["challenge"]][judgment["vendor"]] = judgment["grade"]
        by_vendor[judgment["vendor"]][judgment["challenge"]] = judgment["grade"]
    return by_challenge, by_vendor


def _matcher_rankings() -> tuple[Ranking, Ranking]:
    vendor_keys = dict(Vendor.objects.values_list("pk", "key"))
    challenge_keys = dict(Challenge.objects.values_list("pk", "key"))
    to_vendors = {
        challenge.key: [vendor_keys[hit.id] for hit in vendor_ranking(challenge=challenge, size=DEPTH)[1]]
        for challenge in Challenge.objects.prefetch_related("expertise", "regions")
    }
    to_challenges = {
        vendor.key: [challenge_keys[hit.id] for hit in challenge_ranking(vendor=vendor, size=DEPTH)[1]]
        for vendor in Vendor.objects.prefetch_related("expertise", "regions", "references")
    }
    return to_vendors, to_challenges


def _baseline_rankings(prefix: str) -> tuple[Ranking, Ranking]:
    """A single BM25 multi_match of one side's text over the other's: no filters, no synonyms."""
    plain = {"mappings": {"properties": {"text": {"type": "text", "analyzer": "standard"}}}}
    indexes = {"vendors": f"{prefix}-baseline-vendors", "challenges": f"{prefix}-baseline-challenges"}
    for index in indexes.values():
        engine().indices.create(index=index, body=plain)
    vendors = list(Vendor.objects.values_list("key", "description"))
    challenges = list(Challenge.objects.values_list("key", "title", "description"))
    refused = engine_bulk(
        ({"_index": indexes["vendors"], "_id": key, "text": text} for key, text in vendors), chunk_size=500
    ) + engine_bulk(
        (
            {"_index": indexes["challenges"], "_id": key, "text": f"{title}\n{text}"}
            for key, title, text in challenges
        ),
        chunk_size=500,
    )
    if refused:
        raise RuntimeError(f"The baseline index rejected {len(refused)} document(s), first: {refused[0]}")
    engine().indices.refresh(index=list(indexes.values()))

    def ranked(index: str, text: str) -> list[str]:
        body = {
            "query": {"multi_match": {"query": text, "fields": ["text"]}},
            "size": DEPTH,
            "_source": False,
        }
        return [hit["_id"] for hit in engine_search(index=index, body=body)["hits"]["hits"]]

    return (
        {key: ranked(indexes["vendors"], f"{title}\n{text}") for key, title, text in challenges},
        {key: ranked(indexes["challenges"], text) for key, text in vendors},
    )


def _with_throwaway_world(data: dict, evaluate: Callable[[str], dict]) -> dict:
    prefix = f"eval-{uuid.uuid4().hex[:10]}"
    with transaction.atomic():
        # Only this catalogue's records may compete in the rankings.
        for model in (Challenge, Vendor, Organization, Expertise, Region):
            model.objects.all().delete()
        catalog_import(data=data)
        try:
            with override_settings(SEARCH_INDEX_PREFIX=prefix):
                for kind in INDEXED_KINDS:
                    indexing.index_rebuild(kind)
                return evaluate(prefix)
        finally:
            engine().indices.delete(index=f"{prefix}-*", ignore_unavailable=True)
            transaction.set_rollback(True)


def evaluate_catalog(data: dict) -> dict:
    """nDCG@10, P@5, MRR and recall@20 of the matcher and of the baseline, in both directions."""
    by_challenge, by_vendor = _judgments(data)

    def evaluate(prefix: str) -> dict:
        systems = {"matcher": _matcher_rankings(), "baseline": _baseline_rankings(prefix)}
        return {
            name: {
                "challenge_to_vendor": metrics(to_vendors, by_challenge),
                "vendor_to_challenge": metrics(to_challenges, by_vendor),
            }
            for name, (to_vendors, to_challenges) in systems.items()
        }

    return _with_throwaway_world(data, evaluate)
