import json

import pytest
from django.core.management import call_command
from elasticsearch_dsl import connections

from marketplace.models import Vendor
from matching.evaluation import metrics, ndcg_at
from tests import factories
from tests.marketplace.test_catalog import DEV_CATALOG


def test_ndcg_at_is_one_for_the_ideal_order_and_lower_otherwise():
    grades = {"a": 3, "b": 1, "c": 0}

    assert ndcg_at(["a", "b", "c"], grades, 10) == 1.0
    assert ndcg_at(["c", "b", "a"], grades, 10) < ndcg_at(["b", "a", "c"], grades, 10) < 1.0


def test_metrics_count_unjudged_results_as_irrelevant_and_skip_queries_without_relevant_results():
    rankings = {"q1": ["x", "a", "y"], "q2": ["z"]}
    grades = {"q1": {"a": 2}, "q2": {"z": 0}}

    result = metrics(rankings, grades)

    assert result["queries"] == 1
    assert result["mrr"] == 0.5
    assert result["p@5"] == 0.2
    assert result["recall@20"] == 1.0


@pytest.mark.django_db(transaction=True)
@pytest.mark.search
def test_evaluate_matching_reports_both_systems_and_leaves_nothing_behind(tmp_path, capsys, settings):
    data = json.loads(DEV_CATALOG.read_text(encoding="utf-8"))
    kept = {c["key"] for c in data["challenges"][:6]}
    data["judgments"] = [j for j in data["judgments"] if j["challenge"] in kept]
    judged = {j["vendor"] for j in data["judgments"]}
    data["challenges"] = [c for c in data["challenges"] if c["key"] in kept]
    data["vendors"] = [v for v in data["vendors"] if v["key"] in judged]
    catalog = tmp_path / "small.json"
    catalog.write_text(json.dumps(data), encoding="utf-8")
    existing = factories.VendorFactory()  # The live database must come out untouched.
    client = connections.get_connection()
    own_indexes = f"{settings.SEARCH_INDEX_PREFIX}-*"
    indexes_before = set(client.indices.get(index=own_indexes))
    throwaway_before = set(client.indices.get(index="eval-*"))  # Another run's evaluation may be under way.

    call_command("evaluate_matching", "--catalog", str(catalog), "--json")

    report = json.loads(capsys.readouterr().out)
    for system in ("matcher", "baseline"):
        for direction in ("challenge_to_vendor", "vendor_to_challenge"):
            assert set(report[system][direction]) >= {"ndcg@10", "p@5", "mrr", "recall@20"}
            assert 0.0 <= report[system][direction]["ndcg@10"] <= 1.0
    assert report["matcher"]["challenge_to_vendor"]["queries"] == 6
    assert list(Vendor.objects.all()) == [existing]
    assert set(client.indices.get(index=own_indexes)) == indexes_before
    assert set(client.indices.get(index="eval-*")) <= throwaway_before  # Its throw-away indexes are gone.
