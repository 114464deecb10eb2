"""Sign-in lockout (hub/security.py): the site's form, the API's token endpoint and the admin share one rule."""
import time

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from hub.security import LoginLockedOut, login_lockout_check
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Un-mot-de-passe-solide-42"
WRONG = "pas-le-bon-mot-de-passe"


@pytest.fixture
def user():
    return factories.UserFactory(username="marie", is_staff=True)


def token_request(username: str, password: str, address: str = "192.0.2.1"):
    return APIClient().post(
        reverse("token-create"), {"username": username, "password": password}, format="json", REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def site_login(client, username: str, password: str, address: str = "192.0.2.1"):
    return client.post(
        reverse("frontend:login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_token_endpoint_locks_a_username_out_after_five_failures(user):
    statuses = [token_request("marie", WRONG).status_code for _attempt in range(5)]

    response = token_request("marie", PASSWORD)

    assert statuses[:4] == [403] * 4  # Each refusal before the limit says the password is wrong.
    assert statuses[4] == 429  # The failure that reaches the limit already says when to retry.
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert "try again in 15 minutes" in str(response.data["detail"])


def test_site_login_locks_a_username_out_and_says_when_to_retry_in_the_pages_language(client, user):
    for _attempt in range(5):
        site_login(client, "marie", WRONG)

    response = site_login(client, "marie", PASSWORD)

    assert response.status_code == 200  # The form again, not the redirect of a successful sign-in.
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives de connexion infructueuses" in response.content.decode()
    assert "réessayez dans 15 minutes" in response.content.decode()


def test_failures_on_the_site_and_on_the_api_add_up(client, user):
    for _attempt in range(3):
        site_login(client, "marie", WRONG)
    for _attempt in range(2):
        token_request("marie", WRONG)

    response = token_request("marie", PASSWORD)

    assert response.status_code == 429


def test_admin_login_is_locked_out_too(client, user):
    for _attempt in range(5):
        token_request("marie", WRONG)

    client.post("/admin/login/", {"username": "marie", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1")

    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_forgets_the_usernames_failures(user):
    for _attempt in range(4):
        token_request("marie", WRONG)
    assert token_request("marie", PASSWORD).status_code == 200

    statuses = [token_request("marie", WRONG).status_code for _attempt in range(4)]

    assert statuses == [403] * 4


def test_the_username_is_matched_whatever_its_case(user):
    for username in ["marie", "Marie", "MARIE", "mArie", "marIE"]:
        token_request(username, WRONG)

    assert token_request("marie", PASSWORD).status_code == 429


def test_locking_one_username_leaves_the_others_alone(user):
    factories.UserFactory(username="paul")
    for _attempt in range(5):
        token_request("marie", WRONG)

    response = token_request("paul", PASSWORD)

    assert response.status_code == 200


@override_settings(LOGIN_FAILURES_PER_ADDRESS=6)
def test_an_address_guessing_many_usernames_is_locked_out(user):
    for number in range(6):
        token_request(f"inconnu{number}", WRONG, address="192.0.2.66")

    from_there = token_request("marie", PASSWORD, address="192.0.2.66")
    from_elsewhere = token_request("marie", PASSWORD, address="192.0.2.7")

    assert from_there.status_code == 429
    assert from_elsewhere.status_code == 200


def test_the_lockout_ends_after_fifteen_minutes(user, monkeypatch):
    for _attempt in range(5):
        token_request("marie", WRONG)
    later = time.time() + 15 * 60 + 1

    monkeypatch.setattr(time, "time", lambda: later)  # The cache's clock and the lockout's.

    assert token_request("marie", PASSWORD).status_code == 200


def test_lockout_check_reports_the_seconds_left(user):
    for _attempt in range(5):
        token_request("marie", WRONG)

    with pytest.raises(LoginLockedOut) as locked:
        login_lockout_check(request=None, username="marie")

    assert 14 * 60 < locked.value.retry_after <= 15 * 60


@override_settings(CACHES={"default": {
    "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0",
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
}})
def test_signing_in_still_works_while_the_cache_is_down(user, caplog):
    response = token_request("marie", PASSWORD)

    assert response.status_code == 200
    assert "the cache is unavailable" in caplog.text
