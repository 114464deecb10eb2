"""Typed text is shown as text, never run as markup; search words reach the engine as words, never as syntax."""

import json
import re
from functools import partial

import pytest
from django.urls import reverse
from elasticsearch_dsl import connections

from hub.models import User
from marketplace.models import Challenge
from matching.search import indexing
from matching.search.documents import index_alias
from matching.search.queries import VendorScope, challenge_query, vendor_query
from tests import factories

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
# In highlighted fragments the engine escapes the text, then marks the words it matched, "script" included.
ESCAPED_AND_HIGHLIGHTED = re.compile(r"&lt;(<mark>)?script(</mark>)?&gt;")

# Query-language syntax of the engine, JSON of its request body, and far too much text.
HOSTILE_QUERIES = [
    "title:(foo AND",
    "*",
    '"unbalanced',
    json.dumps({"query": {"match_all": {}}}),
    "description:* OR _exists_:title",
    "cloud^1000 \\ / ~2 [a TO z] {0 TO 9}",
    "x" * 5000,
]


@pytest.fixture
def hostile_challenge() -> Challenge:
    return factories.ChallengeFactory(
        published=True,
        title=f"Infonuagique {SCRIPT}",
        description=f"Migration vers le nuage {SCRIPT} avec hébergement.",
    )


def _refresh(kind: str, ids: list[int]) -> None:
    indexing.index_sync(kind, ids)
    connections.get_connection().indices.refresh(index=index_alias(kind))  # Only this run's index.


def test_challenge_title_is_escaped_on_its_public_page(client, hostile_challenge):
    html = client.get(reverse("frontend:challenge_detail", args=[hostile_challenge.pk])).content.decode()

    assert SCRIPT not in html
    assert ESCAPED in html


def test_challenge_title_is_escaped_on_the_home_page(client, hostile_challenge):
    html = client.get(reverse("frontend:home")).content.decode()

    assert SCRIPT not in html
    assert ESCAPED in html


def test_vendor_description_is_escaped_on_its_public_profile(client):
    vendor = factories.VendorFactory(
        name=f"Firme {SCRIPT}", description=f"Hébergement infonuagique {SCRIPT}."
    )

    html = client.get(reverse("frontend:vendor_detail", args=[vendor.pk])).content.decode()

    assert SCRIPT not in html
    assert ESCAPED in html


@pytest.mark.search
def test_search_highlights_in_the_api_are_escaped(api_client, hostile_challenge):
    _refresh("challenge", [hostile_challenge.pk])

    response = api_client.get(reverse("challenge-search"), {"q": "infonuagique"})

    [hit] = response.data["results"]
    highlights = " ".join(hit["highlights"]["title"] + hit["highlights"]["description"])
    assert "<mark>" in highlights
    assert "<script>" not in highlights
    assert ESCAPED_AND_HIGHLIGHTED.search(highlights)


@pytest.mark.search
def test_search_results_page_escapes_titles_and_highlights(client, hostile_challenge):
    _refresh("challenge", [hostile_challenge.pk])

    html = client.get(reverse("frontend:challenge_search"), {"q": "infonuagique"}).content.decode()

    assert "<script>alert" not in html
    assert ESCAPED_AND_HIGHLIGHTED.search(html)


@pytest.mark.search
def test_vendor_directory_highlights_are_escaped(client):
    vendor = factories.VendorFactory(description=f"Hébergement infonuagique {SCRIPT}.")
    _refresh("vendor", [vendor.pk])
    client.force_login(factories.UserFactory(role=User.Role.COORDINATOR))

    html = client.get(reverse("frontend:vendor_directory"), {"q": "infonuagique"}).content.decode()

    assert "<script>alert" not in html
    assert ESCAPED_AND_HIGHLIGHTED.search(html)


@pytest.mark.search
@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_api_search_answers_hostile_words_without_a_server_error(api_client, coordinator, q):
    api_client.force_authenticate(coordinator)

    challenges = api_client.get(reverse("challenge-search"), {"q": q})
    vendors = api_client.get(reverse("vendor-search"), {"q": q})

    assert challenges.status_code in (200, 400)
    assert vendors.status_code in (200, 400)


@pytest.mark.search
@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_search_pages_answer_hostile_words_without_a_server_error(client, coordinator, q):
    client.force_login(coordinator)

    challenges = client.get(reverse("frontend:challenge_search"), {"q": q})
    vendors = client.get(reverse("frontend:vendor_directory"), {"q": q})

    assert challenges.status_code in (200, 400)
    assert vendors.status_code in (200, 400)


@pytest.mark.search
def test_query_syntax_matches_nothing_it_would_match_as_syntax(api_client):
    """`*` or `_exists_:title` would match every document as query syntax; as words they match none."""
    challenge = factories.ChallengeFactory(published=True, title="Portail citoyen")
    _refresh("challenge", [challenge.pk])

    for q in ("*", "_exists_:title", json.dumps({"query": {"match_all": {}}})):
        response = api_client.get(reverse("challenge-search"), {"q": q})
        assert response.data["count"] == 0, q


def _clauses(node, found: list) -> list:
    """Every (clause type, body) in an engine request, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((key, value))
            _clauses(value, found)
    elif isinstance(node, list):
        for item in node:
            _clauses(item, found)
    return found


# A coordinator's vendor query, and that of a viewer who sees one firm's whole profile and the others'
# public sections: its most elaborate form (one text clause per combination of public sections).
whole_vendor_query = partial(vendor_query, scope=VendorScope.whole())
scoped_vendor_query = partial(
    vendor_query, scope=VendorScope(everything=False, full_profile_ids=frozenset({1}))
)


@pytest.mark.parametrize(
    "build",
    [challenge_query, whole_vendor_query, scoped_vendor_query],
    ids=["challenges", "vendors", "vendors-scoped"],
)
@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_search_words_reach_the_engine_only_as_match_text(build, q):
    request = build(q=q, filters={}).combined().to_dict()

    clauses = _clauses(request, [])
    assert not {"query_string", "simple_query_string", "wildcard", "regexp", "script"} & {
        key for key, _ in clauses
    }
    places = [key for key, value in clauses if value == q]
    assert places and set(places) == {"query"}
    assert all(body["query"] == q for key, body in clauses if key == "multi_match")
