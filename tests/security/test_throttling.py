"""API throttling (hub/security.py): per address without a user, per user once signed in, and on tokens."""

import pytest
from rest_framework.test import APIClient

from hub.services import api_token_create
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    """Set the rates of this test; the test settings turn throttling off."""

    def set_rates(num_proxies: int = 0, **rates: str) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "login": None, **rates},
            "NUM_PROXIES": num_proxies,
        }

    return set_rates


def test_anonymous_requests_are_throttled_per_address(rates):
    rates(anon="3/minute")
    client = APIClient()

    statuses = [client.get("/api/v1/regions/", REMOTE_ADDR="192.0.2.1").status_code for _request in range(4)]
    other_address = client.get("/api/v1/regions/", REMOTE_ADDR="192.0.2.2")

    assert statuses == [200, 200, 200, 429]
    assert other_address.status_code == 200


def test_a_throttled_request_says_when_to_retry(rates):
    rates(anon="1/minute")
    client = APIClient()
    client.get("/api/v1/regions/")

    response = client.get("/api/v1/regions/")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_signed_in_users_are_throttled_per_user_not_per_address(rates):
    rates(anon="1/minute", user="2/minute")
    first, second = APIClient(), APIClient()
    first.credentials(
        HTTP_AUTHORIZATION=f"Token {api_token_create(user=factories.UserFactory(), label='')[1]}"
    )
    second.credentials(
        HTTP_AUTHORIZATION=f"Token {api_token_create(user=factories.UserFactory(), label='')[1]}"
    )

    statuses = [first.get("/api/v1/me/").status_code for _request in range(3)]

    assert statuses == [200, 200, 429]
    assert second.get("/api/v1/me/").status_code == 200


def test_token_requests_are_throttled_per_address(rates):
    rates(login="2/minute")
    factories.UserFactory(username="marie")
    body = {"username": "marie", "password": "Un-mot-de-passe-solide-42"}

    statuses = [
        APIClient().post("/api/v1/auth/token/", body, format="json").status_code for _request in range(3)
    ]

    assert statuses == [200, 200, 429]


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(rates):
    rates(anon="1/minute", num_proxies=1)
    client = APIClient()

    first = client.get("/api/v1/regions/", HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR="192.0.2.1")
    same_client = client.get("/api/v1/regions/", HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR="192.0.2.1")
    other_client = client.get(
        "/api/v1/regions/", HTTP_X_FORWARDED_FOR="198.51.100.2", REMOTE_ADDR="192.0.2.1"
    )

    assert (first.status_code, same_client.status_code, other_client.status_code) == (200, 429, 200)


def test_without_a_proxy_a_forged_x_forwarded_for_changes_nothing(rates):
    rates(anon="1/minute")
    client = APIClient()

    client.get("/api/v1/regions/", HTTP_X_FORWARDED_FOR="198.51.100.1")
    response = client.get("/api/v1/regions/", HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert response.status_code == 429


def test_the_api_still_answers_while_the_cache_is_down(rates, settings, caplog):
    rates(anon="3/minute")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    response = APIClient().get("/api/v1/regions/")

    assert response.status_code == 200
    assert "the cache is unavailable" in caplog.text
