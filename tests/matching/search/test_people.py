import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from elasticsearch_dsl import connections

from hub.models import Organization
from matching.models import VendorExposure
from matching.search import indexing
from matching.search.documents import index_alias, stable_tiebreak
from matching.search.kinds import SearchKind
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.search]

CHALLENGES = reverse("challenge-search")
VENDORS = reverse("vendor-search")


@pytest.fixture(autouse=True)
def taxonomy(taxonomy):
    factories.ExpertiseFactory(code="geomatics", label_fr="Géomatique", label_en="Geomatics")


def region(code: str):
    return factories.RegionFactory(code=code)


def expertise(code: str):
    return factories.ExpertiseFactory(code=code)


def ids(response) -> list[int]:
    return [item["id"] for item in response.data["results"]]


def facet(response, name: str) -> dict[str, int]:
    return {item["value"]: item["count"] for item in response.data["facets"][name]}


# Challenge search


def test_challenge_search_counts_each_facet_value(api_client, indexed):
    indexed(
        factories.ChallengeFactory(
            published=True, expertise=[expertise("cloud")], regions=[region("03")], language="fr"
        ),
        factories.ChallengeFactory(
            published=True, expertise=[expertise("cloud")], regions=[region("06")], language="en"
        ),
        factories.ChallengeFactory(
            published=True, expertise=[expertise("security")], regions=[region("03")], language="fr"
        ),
    )

    response = api_client.get(CHALLENGES)

    assert response.status_code == 200
    assert response.data["count"] == 3
    assert facet(response, "expertise") == {"cloud": 2, "security": 1}
    assert facet(response, "region") == {"03": 2, "06": 1}
    assert facet(response, "language") == {"fr": 2, "en": 1}
    assert facet(response, "organization_kind") == {"ministry": 3}


def test_challenge_search_facet_filter_narrows_results_and_other_facets_but_not_its_own(api_client, indexed):
    cloud_03, cloud_06, _security_03 = indexed(
        factories.ChallengeFactory(published=True, expertise=[expertise("cloud")], regions=[region("03")]),
        factories.ChallengeFactory(published=True, expertise=[expertise("cloud")], regions=[region("06")]),
        factories.ChallengeFactory(published=True, expertise=[expertise("security")], regions=[region("03")]),
    )

    response = api_client.get(CHALLENGES, {"expertise": "cloud"})

    assert sorted(ids(response)) == sorted([cloud_03.id, cloud_06.id])
    assert facet(response, "expertise") == {"cloud": 2, "security": 1}
    assert facet(response, "region") == {"03": 1, "06": 1}


def test_challenge_search_repeated_filter_values_match_any_of_them(api_client, indexed):
    cloud, security, _geomatics = indexed(
        factories.ChallengeFactory(published=True, expertise=[expertise("cloud")]),
        factories.ChallengeFactory(published=True, expertise=[expertise("security")]),
        factories.ChallengeFactory(published=True, expertise=[expertise("geomatics")]),
    )

    response = api_client.get(CHALLENGES, {"expertise": ["cloud", "security"]})

    assert sorted(ids(response)) == sorted([cloud.id, security.id])


def test_challenge_search_region_filter_includes_challenges_open_anywhere(api_client, indexed):
    in_03, anywhere, _in_06 = indexed(
        factories.ChallengeFactory(published=True, regions=[region("03")]),
        factories.ChallengeFactory(published=True, regions=[]),
        factories.ChallengeFactory(published=True, regions=[region("06")]),
    )

    response = api_client.get(CHALLENGES, {"region": "03"})

    assert sorted(ids(response)) == sorted([in_03.id, anywhere.id])


def test_challenge_search_counts_challenges_open_anywhere_in_every_region(api_client, indexed):
    indexed(
        factories.ChallengeFactory(published=True, regions=[region("03")]),
        factories.ChallengeFactory(published=True, regions=[]),
    )

    response = api_client.get(CHALLENGES)

    assert facet(response, "region") == {"03": 2, "06": 1}


def test_challenge_search_budget_filter_matches_overlapping_ranges(api_client, indexed):
    small, straddling, _large = indexed(
        factories.ChallengeFactory(published=True, budget_min=Decimal("20000"), budget_max=Decimal("80000")),
        factories.ChallengeFactory(published=True, budget_min=Decimal("50000"), budget_max=Decimal("150000")),
        factories.ChallengeFactory(
            published=True, budget_min=Decimal("600000"), budget_max=Decimal("900000")
        ),
    )

    response = api_client.get(CHALLENGES, {"budget": "lt-100k"})

    assert sorted(ids(response)) == sorted([small.id, straddling.id])
    assert facet(response, "budget") == {"lt-100k": 2, "100k-500k": 1, "500k-1m": 1, "gt-1m": 0}


def test_challenge_search_deadline_filter_counts_days_from_today(api_client, indexed):
    today = timezone.localdate()
    soon, _later = indexed(
        factories.ChallengeFactory(published=True, deadline=today + datetime.timedelta(days=30)),
        factories.ChallengeFactory(published=True, deadline=today + datetime.timedelta(days=31)),
    )

    response = api_client.get(CHALLENGES, {"deadline": "30d"})

    assert ids(response) == [soon.id]
    assert facet(response, "deadline") == {"30d": 1, "90d": 1, "later": 0}


def test_challenge_search_labels_facets_in_the_requested_language(api_client, indexed):
    indexed(
        factories.ChallengeFactory(published=True, expertise=[expertise("cloud")], regions=[region("06")])
    )

    french = api_client.get(CHALLENGES, HTTP_ACCEPT_LANGUAGE="fr")
    english = api_client.get(CHALLENGES, HTTP_ACCEPT_LANGUAGE="en")

    assert french.data["facets"]["expertise"][0]["label"] == "Infonuagique"
    assert english.data["facets"]["expertise"][0]["label"] == "Cloud computing"
    assert english.data["facets"]["region"][0]["label"] == "Montreal"
    assert english.data["facets"]["organization_kind"][0]["label"] == str(Organization.Kind.MINISTRY.label)


def test_challenge_search_finds_a_misspelt_word(api_client, indexed):
    geomatics, _other = indexed(
        factories.ChallengeFactory(published=True, title="Cartographie géomatique des zones inondables"),
        factories.ChallengeFactory(
            published=True, title="Centre des opérations de sécurité", description="Surveillance 24/7."
        ),
    )

    response = api_client.get(CHALLENGES, {"q": "géomatiqe"})

    assert response.status_code == 200
    assert ids(response) == [geomatics.id]


def test_challenge_search_requires_every_word(api_client, indexed):
    both, _one = indexed(
        factories.ChallengeFactory(published=True, title="Cartographie géomatique des zones inondables"),
        factories.ChallengeFactory(
            published=True, title="Cartographie des accidents routiers", description="Analyse des données."
        ),
    )

    response = api_client.get(CHALLENGES, {"q": "cartographie géomatique"})

    assert ids(response) == [both.id]


def test_challenge_search_treats_engine_syntax_as_words(api_client, indexed):
    (challenge,) = indexed(
        factories.ChallengeFactory(
            published=True, title="Title registry for foo records", description="Records.", language="en"
        )
    )

    response = api_client.get(CHALLENGES, {"q": "title:(foo AND"})

    assert response.status_code == 200
    assert ids(response) == [challenge.id]


def test_challenge_search_highlights_matches_and_escapes_html(api_client, indexed):
    indexed(
        factories.ChallengeFactory(
            published=True,
            title="Plateforme géomatique",
            description="Remplacer <script>alert('x')</script> par une plateforme géomatique.",
        )
    )

    response = api_client.get(CHALLENGES, {"q": "géomatique"})

    highlights = response.data["results"][0]["highlights"]
    assert highlights["title"] == ["Plateforme <mark>géomatique</mark>"]
    fragment = highlights["description"][0]
    assert "<mark>géomatique</mark>" in fragment
    assert "&lt;script&gt;" in fragment
    assert "<script>" not in fragment


def test_challenge_search_without_words_lists_newest_first_without_scores(api_client, indexed):
    now = timezone.now()
    old, new = indexed(
        factories.ChallengeFactory(published=True, published_at=now - datetime.timedelta(days=3)),
        factories.ChallengeFactory(published=True, published_at=now),
    )

    response = api_client.get(CHALLENGES)

    assert ids(response) == [new.id, old.id]
    assert response.data["results"][0]["score"] is None
    assert response.data["results"][0]["highlights"] == {"title": [], "description": []}


def test_challenge_search_sorts_by_deadline_soonest_first(api_client, indexed):
    today = timezone.localdate()
    late, soon, middle = indexed(
        *(
            factories.ChallengeFactory(published=True, deadline=today + datetime.timedelta(days=days))
            for days in (60, 10, 30)
        )
    )

    response = api_client.get(CHALLENGES, {"q": "infonuagique", "sort": "deadline"})

    assert ids(response) == [soon.id, middle.id, late.id]
    assert all(item["score"] is not None for item in response.data["results"])


def test_challenge_search_sorts_by_budget_largest_first(api_client, indexed):
    small, large = indexed(
        factories.ChallengeFactory(published=True, budget_min=Decimal("10000"), budget_max=Decimal("20000")),
        factories.ChallengeFactory(published=True, budget_min=Decimal("10000"), budget_max=Decimal("900000")),
    )

    response = api_client.get(CHALLENGES, {"sort": "budget"})

    assert ids(response) == [large.id, small.id]
    assert response.data["results"][0]["budget_max"] == "900000.00"


def test_challenge_search_orders_equal_scores_by_the_stable_tiebreak(api_client, indexed):
    organization = factories.OrganizationFactory()
    challenges = indexed(
        *factories.ChallengeFactory.create_batch(5, published=True, organization=organization)
    )

    response = api_client.get(CHALLENGES, {"q": "infonuagique"})

    assert len({item["score"] for item in response.data["results"]}) == 1
    assert ids(response) == [c.id for c in sorted(challenges, key=lambda c: stable_tiebreak(c.key))]


def test_challenge_search_pages_through_results(api_client, indexed):
    organization = factories.OrganizationFactory()
    challenges = indexed(
        *factories.ChallengeFactory.create_batch(3, published=True, organization=organization)
    )
    expected = [c.id for c in sorted(challenges, key=lambda c: stable_tiebreak(c.key))]

    response = api_client.get(CHALLENGES, {"q": "infonuagique", "page": 2, "page_size": 2})

    assert (response.data["count"], response.data["page"], response.data["page_size"]) == (3, 2, 2)
    assert ids(response) == expected[2:]


def test_challenge_search_refuses_empty_words(api_client):
    response = api_client.get(CHALLENGES, {"q": "   "}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "Enter search words" in response.data["q"][0]


def test_challenge_search_refuses_words_longer_than_200_characters(api_client):
    response = api_client.get(CHALLENGES, {"q": "a" * 201}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "200" in response.data["q"][0]


def test_challenge_search_accepts_200_characters_of_synonym_rich_words(api_client):
    words = "infonuagique intelligence artificielle cybersécurité tests d'intrusion données ouvertes tableau de bord"

    response = api_client.get(CHALLENGES, {"q": (f"{words} " * 3)[:200]})

    assert response.status_code == 200


def test_challenge_search_refuses_an_unknown_expertise_code_naming_it(api_client):
    response = api_client.get(CHALLENGES, {"expertise": ["cloud", "astrologie"]}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "astrologie" in response.data["expertise"][0]
    assert "expertise" in response.data["expertise"][0]


def test_challenge_search_refuses_an_unknown_budget_range_naming_it(api_client):
    response = api_client.get(CHALLENGES, {"budget": "gratuit"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "gratuit" in response.data["budget"][0]


def test_challenge_search_ignores_blank_form_values(api_client, indexed):
    (challenge,) = indexed(factories.ChallengeFactory(published=True))

    response = api_client.get(CHALLENGES, {"expertise": "", "sort": "", "page": ""})

    assert response.status_code == 200
    assert ids(response) == [challenge.id]


def test_challenge_search_refuses_an_unknown_sort(api_client):
    response = api_client.get(CHALLENGES, {"sort": "random"})

    assert response.status_code == 400
    assert "sort" in response.data


@pytest.mark.parametrize("params", [{"page": "x"}, {"page": "0"}, {"page_size": "-1"}, {"page_size": "1000"}])
def test_challenge_search_refuses_malformed_pagination(api_client, params):
    response = api_client.get(CHALLENGES, params)

    assert response.status_code == 400
    assert set(response.data) == set(params)


def test_challenge_search_refuses_pages_beyond_the_engine_window(api_client):
    response = api_client.get(CHALLENGES, {"page": "501", "page_size": "20"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "10000" in response.data["page"][0]


def test_challenge_search_answers_503_with_a_retry_hint_while_the_engine_is_away(api_client, engine_down):
    response = api_client.get(CHALLENGES, {"q": "infonuagique"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Retry-After"]
    assert "try again" in response.data["detail"]


# Opportunity search answers kept in the cache


def delete_behind_the_apps_back(challenge) -> None:
    client = connections.get_connection()
    client.delete(index=index_alias(SearchKind.CHALLENGE), id=challenge.id, refresh=True)


def test_opportunity_search_answer_is_kept_until_the_challenge_index_changes(api_client, indexed):
    first, second = indexed(
        factories.ChallengeFactory(published=True), factories.ChallengeFactory(published=True)
    )
    assert sorted(ids(api_client.get(CHALLENGES, {"q": "infonuagique"}))) == sorted([first.id, second.id])

    delete_behind_the_apps_back(first)  # Not through the app: the kept answer is not retired.
    assert sorted(ids(api_client.get(CHALLENGES, {"q": "infonuagique"}))) == sorted([first.id, second.id])

    third = factories.ChallengeFactory(published=True)
    indexing.index_sync("challenge", [third.id])  # Through the app: every kept answer is retired.
    assert sorted(ids(api_client.get(CHALLENGES, {"q": "infonuagique"}))) == sorted([second.id, third.id])


def test_opportunity_search_keeps_one_answer_per_language_and_per_parameters(api_client, indexed):
    indexed(factories.ChallengeFactory(published=True, expertise=[expertise("cloud")]))

    french = api_client.get(CHALLENGES, HTTP_ACCEPT_LANGUAGE="fr").data["facets"]["expertise"]
    english = api_client.get(CHALLENGES, HTTP_ACCEPT_LANGUAGE="en").data["facets"]["expertise"]
    filtered = api_client.get(CHALLENGES, {"expertise": "security"}, HTTP_ACCEPT_LANGUAGE="en")

    assert (french[0]["label"], english[0]["label"]) == ("Infonuagique", "Cloud computing")
    assert filtered.data["count"] == 0


def test_opportunity_search_does_not_keep_a_refused_request(api_client):
    for _attempt in range(2):
        assert api_client.get(CHALLENGES, {"expertise": "nope"}).status_code == 400


@override_settings(OPPORTUNITY_CACHE_SECONDS=0)
def test_opportunity_search_asks_the_engine_every_time_without_the_cache(api_client, indexed):
    (challenge,) = indexed(factories.ChallengeFactory(published=True))
    assert ids(api_client.get(CHALLENGES)) == [challenge.id]

    delete_behind_the_apps_back(challenge)

    assert ids(api_client.get(CHALLENGES)) == []


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
)
def test_opportunity_search_answers_while_the_cache_is_down(api_client, caplog, indexed):
    (challenge,) = indexed(factories.ChallengeFactory(published=True))

    response = api_client.get(CHALLENGES)

    assert response.status_code == 200 and ids(response) == [challenge.id]
    assert "the cache, which is unavailable" in caplog.text
    assert "could not be retired, the cache is unavailable" in caplog.text


# Vendor search


@pytest.fixture
def ministry_client(api_client, ministry_member):
    api_client.force_authenticate(ministry_member)
    return api_client


def test_vendor_search_finds_an_english_vendor_with_a_french_word(ministry_client, indexed):
    cloud, _geomatics = indexed(
        factories.VendorFactory(
            description="We run cloud computing platforms for public bodies.", languages=["en"]
        ),
        factories.VendorFactory(description="Drone surveys and mapping.", expertise=[expertise("geomatics")]),
    )

    response = ministry_client.get(VENDORS, {"q": "infonuagique"})

    assert response.status_code == 200
    assert ids(response) == [cloud.id]


def test_vendor_search_leaves_out_unverified_and_inactive_vendors(ministry_client, indexed):
    verified, unverified, inactive = (
        factories.VendorFactory(),
        factories.VendorFactory(is_verified=False),
        factories.VendorFactory(is_active=False),
    )
    indexed(verified, unverified, inactive)

    response = ministry_client.get(VENDORS)

    assert ids(response) == [verified.id]
    assert response.data["count"] == 1


def test_vendor_search_filters_by_size_band_and_counts_each_band(ministry_client, indexed):
    micro, _small = indexed(factories.VendorFactory(employees=5), factories.VendorFactory(employees=40))

    response = ministry_client.get(VENDORS, {"size": "1-9"})

    assert ids(response) == [micro.id]
    assert facet(response, "size") == {"1-9": 1, "10-49": 1, "50-99": 0, "100-249": 0, "250-499": 0}


def test_vendor_search_filters_by_certification(ministry_client, indexed):
    certified, _other = indexed(
        factories.VendorFactory(certifications=["ISO 27001"]), factories.VendorFactory(certifications=[])
    )

    response = ministry_client.get(VENDORS, {"certification": "ISO 27001"})

    assert ids(response) == [certified.id]
    assert facet(response, "certification") == {"ISO 27001": 1}


def test_vendor_search_counts_an_exposure_for_each_listed_vendor(ministry_client, indexed):
    vendors = indexed(*factories.VendorFactory.create_batch(3))
    first_page = sorted(vendors, key=lambda v: stable_tiebreak(v.key))[:2]

    ministry_client.get(VENDORS, {"page_size": 2})
    ministry_client.get(VENDORS, {"page_size": 2})

    exposures = VendorExposure.objects.filter(channel=VendorExposure.Channel.SEARCH)
    assert {(e.vendor_id, e.count) for e in exposures} == {(v.id, 2) for v in first_page}


def test_vendor_search_sorts_by_name(ministry_client, indexed):
    zeta, alpha = indexed(
        factories.VendorFactory(name="Zeta Nuage"), factories.VendorFactory(name="Alpha Nuage")
    )

    response = ministry_client.get(VENDORS, {"sort": "name"})

    assert ids(response) == [alpha.id, zeta.id]


def test_vendor_search_is_open_to_coordinators(api_client, coordinator):
    api_client.force_authenticate(coordinator)

    response = api_client.get(VENDORS)

    assert response.status_code == 200


@pytest.mark.parametrize("reader", ["anonymous", "vendor_member"])
def test_vendor_search_is_public_but_counts_no_exposure_outside_public_bodies(
    request, api_client, indexed, reader
):
    # The directory is public, like the firms' pages; exposures measure the attention of public bodies.
    shown = indexed(factories.VendorFactory())[0]
    if reader != "anonymous":
        api_client.force_authenticate(request.getfixturevalue(reader))

    response = api_client.get(VENDORS)

    assert response.status_code == 200
    assert ids(response) == [shown.id]
    assert not VendorExposure.objects.exists()


def test_vendor_search_answers_503_with_a_retry_hint_while_the_engine_is_away(ministry_client, engine_down):
    response = ministry_client.get(VENDORS, {"q": "infonuagique"})

    assert response.status_code == 503
    assert response["Retry-After"]
    assert not VendorExposure.objects.exists()


def test_search_endpoints_are_documented_in_the_schema(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    challenge_parameters = {
        p["name"] for p in schema["paths"]["/api/v1/search/challenges/"]["get"]["parameters"]
    }
    vendor_parameters = {p["name"] for p in schema["paths"]["/api/v1/search/vendors/"]["get"]["parameters"]}
    assert {
        "q",
        "expertise",
        "region",
        "organization_kind",
        "language",
        "budget",
        "deadline",
        "sort",
        "page",
    } <= (challenge_parameters)
    assert {
        "q",
        "expertise",
        "region",
        "language",
        "size",
        "certification",
        "sort",
        "page_size",
    } <= vendor_parameters
