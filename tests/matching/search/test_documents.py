"""The analyzers, through the real engine: what a French or English reader types must find the text."""

import pytest
from elasticsearch_dsl import Search, connections

from matching.search import indexing
from matching.search.documents import index_alias
from matching.search.kinds import SearchKind
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.search]


def found(query: str, field: str = "description") -> set[str]:
    connections.get_connection().indices.refresh(index=index_alias(SearchKind.VENDOR))
    search = Search(index=index_alias(SearchKind.VENDOR)).query(
        "multi_match", query=query, fields=[field, f"{field}.en"], operator="and"
    )
    return {hit.key for hit in search.execute()}


@pytest.fixture
def vendors(indexed):
    french = factories.VendorFactory(
        key="fr", description="Nous concevons l'entrepôt de données des hôpitaux."
    )
    english = factories.VendorFactory(
        key="en", description="We deliver cloud computing migrations and email archiving."
    )
    unrelated = factories.VendorFactory(key="other", description="Nous imprimons des affiches.")
    indexed(french, english, unrelated)


def test_french_analyzer_matches_a_singular_query_to_a_plural_text(vendors):
    assert found("hôpital") == {"fr"}


def test_french_analyzer_matches_across_an_elided_article(vendors):
    assert found("entrepôts") == {"fr"}  # The text says « l'entrepôt ».


def test_french_analyzer_matches_a_query_typed_without_accents(vendors):
    assert found("entrepot donnees hopitaux") == {"fr"}


def test_synonyms_let_a_french_query_find_english_text(vendors):
    assert found("infonuagique") == {"en"}
    assert found("courriels") == {"en"}


def test_synonyms_let_an_english_query_find_french_text(vendors):
    assert found("data warehouse") == {"fr"}


def test_taxonomy_labels_are_synonyms_across_languages(search_index):
    factories.ExpertiseFactory(code="geospatial", label_fr="Géomatique", label_en="Geospatial")
    vendor = factories.VendorFactory(key="geo", description="Géomatique municipale et cartes interactives.")
    indexing.index_rebuild("vendor")  # Synonyms from the taxonomy are read when an index is built.

    assert found("geospatial") == {vendor.key}
