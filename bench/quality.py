"""Ranking quality of the PostgreSQL baseline on a judged catalogue, scored exactly like the matcher."""

import json
import re
from collections import Counter, defaultdict

from django.db import transaction

from bench import pgfts
from bench.generator import DEV_CATALOG
from hub.models import Organization
from marketplace.catalog import catalog_import
from marketplace.models import Challenge, Expertise, Region, Vendor
from matching.evaluation import metrics


def _grades(data: dict) -> tuple[dict, dict]:
    by_challenge: dict = defaultdict(dict)
    by_vendor: dict = defaultdict(dict)
    for judgment in data.get("judgments", []):
        by_challenge[judgment["challenge"]][judgment["vendor"]] = judgment["grade"]
        by_vendor[judgment["vendor"]][judgment["challenge"]] = judgment["grade"]
    return by_challenge, by_vendor


def pg_baseline_rankings(*, top: int = pgfts.TOP_TERMS) -> tuple[dict, dict]:
    """Both directions' rankings (keys, best first) of the PostgreSQL baseline over the current rows."""
    vendor_keys = dict(Vendor.objects.values_list("pk", "key"))
    challenge_keys = dict(Challenge.objects.values_list("pk", "key"))
    to_vendors = {
        c.key: [
            vendor_keys[pk]
            for pk in pgfts.vendors_for_challenge(
                text=f"{c.title}\n{c.description}", max_employees=c.max_employees, top=top
            )
        ]
        for c in Challenge.objects.all()
    }
    to_challenges = {}
    for v in Vendor.objects.prefetch_related("references"):
        text = "\n".join([v.description, *(f"{r.title}. {r.summary}" for r in v.references.all())])
        to_challenges[v.key] = [
            challenge_keys[pk]
            for pk in pgfts.challenges_for_vendor(text=text, employees=v.employees, top=top)
        ]
    return to_vendors, to_challenges


def pg_baseline_quality(data: dict, *, tops: tuple[int, ...] = (pgfts.TOP_TERMS,)) -> dict:
    """Import `data` in a transaction that is rolled back, build the baseline's tables in it, and score
    both directions with `matching.evaluation.metrics` (the matcher's own scoring)."""
    by_challenge, by_vendor = _grades(data)
    results = {}
    with transaction.atomic():
        for model in (Challenge, Vendor, Organization, Expertise, Region):
            model.objects.all().delete()
        catalog_import(data=data)
        pgfts.fts_build()
        for top in tops:
            to_vendors, to_challenges = pg_baseline_rankings(top=top)
            results[top] = {
                "challenge_to_vendor": metrics(to_vendors, by_challenge),
                "vendor_to_challenge": metrics(to_challenges, by_vendor),
            }
        transaction.set_rollback(True)
    return results[tops[0]] if len(tops) == 1 else results


def frequent_words(limit: int = 300) -> list[str]:
    """Words people would type: the taxonomy labels' words and the development catalogue's frequent
    long words, in both languages."""
    dev = json.loads(DEV_CATALOG.read_text(encoding="utf-8"))
    labels = {
        w
        for item in dev["taxonomy"]
        for lang in ("fr", "en")
        for w in re.findall(r"\w{4,}", item[lang].lower())
    }
    text = " ".join(r["description"] for r in dev["vendors"] + dev["challenges"]).lower()
    counts = Counter(word for word in re.findall(r"[a-zà-ÿ]{7,}", text))
    common = [word for word, count in counts.most_common(limit) if count >= 3]
    return sorted(labels | set(common))
