"""Sign-in lockout (hub/security.py): the site's form, the API's token endpoint and the admin share one rule.

Failures lock a (username, address) pair, and an address that fails too often; a username attacked from many
addresses is refused only from addresses that never signed in to it, so a guesser cannot lock its owner out."""

import html
import re
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.test import RequestFactory, override_settings
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
        reverse("token-create"),
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def site_login(client, username: str, password: str, address: str = "192.0.2.1"):
    return client.post(
        reverse("frontend:login"), {"login": username, "password": password}, REMOTE_ADDR=address
    )


def test_token_endpoint_locks_a_username_out_from_that_address_after_five_failures(user):
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
    assert "réessayez dans 15\xa0minutes" in response.content.decode()


def test_failures_on_the_site_and_on_the_api_add_up(client, user):
    for _attempt in range(3):
        site_login(client, "marie", WRONG)
    for _attempt in range(2):
        token_request("marie", WRONG)

    response = token_request("marie", PASSWORD)

    assert response.status_code == 429


def test_admin_login_is_the_sites_sign_in_and_its_lockout(client, user):
    for _attempt in range(5):
        token_request("marie", WRONG)

    admin_login = client.get("/admin/login/", REMOTE_ADDR="192.0.2.1")
    response = site_login(client, "marie", PASSWORD)

    assert admin_login.status_code == 302
    assert admin_login["Location"] == "/fr/login/?next=%2Fadmin%2Flogin%2F"
    assert "_auth_user_id" not in client.session
    assert "réessayez dans 15\xa0minutes" in response.content.decode()


def test_a_successful_sign_in_forgets_the_failures_from_its_address(user):
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
        login_lockout_check(request=RequestFactory().get("/", REMOTE_ADDR="192.0.2.1"), username="marie")

    assert 14 * 60 < locked.value.retry_after <= 15 * 60


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
)
def test_signing_in_still_works_while_the_cache_is_down(user, caplog):
    response = token_request("marie", PASSWORD)

    assert response.status_code == 200
    assert "the cache is unavailable" in caplog.text


# Guessing must not become a way to lock the owner out.


def test_the_right_password_from_another_address_still_signs_in(user):
    for _attempt in range(5):
        token_request("marie", WRONG, address="192.0.2.66")

    from_the_guesser = token_request("marie", PASSWORD, address="192.0.2.66")
    from_the_owner = token_request("marie", PASSWORD, address="192.0.2.7")

    assert from_the_guesser.status_code == 429
    assert from_the_owner.status_code == 200


def test_the_site_form_signs_the_owner_in_from_another_address(client, user):
    for _attempt in range(5):
        site_login(client, "marie", WRONG, address="192.0.2.66")

    site_login(client, "marie", PASSWORD, address="192.0.2.7")

    assert client.session["_auth_user_id"] == str(user.pk)


def guess_from_many_addresses(username: str, count: int = 10, first: int = 100) -> None:
    for number in range(first, first + count):
        token_request(username, WRONG, address=f"198.51.100.{number}")


def test_an_account_with_a_second_factor_is_not_refused_for_its_username_being_guessed(client, user):
    TOTP.activate(user, factories.TOTP_SECRET)
    guess_from_many_addresses("marie")

    response = site_login(client, "marie", PASSWORD, address="203.0.113.5")

    assert response["Location"].endswith(
        "/accounts/2fa/authenticate/"
    )  # The password passed; the code is next.


def test_signing_in_by_email_counts_against_the_same_account(client, user):
    for _attempt in range(5):
        token_request("marie", WRONG)

    response = site_login(client, user.email, PASSWORD)

    assert "_auth_user_id" not in client.session
    assert [error.code for error in response.context["form"].non_field_errors().as_data()] == ["locked_out"]


def test_a_username_guessed_from_many_addresses_is_refused_from_new_addresses(user):
    guess_from_many_addresses("marie")

    response = token_request("marie", PASSWORD, address="203.0.113.5")

    assert response.status_code == 429
    assert "from a place you have not signed in from before" in str(response.data["detail"])
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60


def test_a_username_guessed_from_many_addresses_still_signs_in_from_an_address_it_used_before(user):
    assert token_request("marie", PASSWORD, address="192.0.2.7").status_code == 200
    guess_from_many_addresses("marie")

    response = token_request("marie", PASSWORD, address="192.0.2.7")

    assert response.status_code == 200


def test_the_refusal_from_new_addresses_doubles_each_time_the_guessing_resumes(user, monkeypatch):
    guess_from_many_addresses("marie")
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    guess_from_many_addresses("marie", first=150)

    with pytest.raises(LoginLockedOut) as locked:
        login_lockout_check(request=RequestFactory().get("/", REMOTE_ADDR="203.0.113.5"), username="marie")

    assert 29 * 60 < locked.value.retry_after <= 30 * 60


def test_a_password_reset_lets_its_address_sign_in_while_the_username_is_guessed(client, user):
    user.email = "marie@example.qc.ca"
    user.save()
    guess_from_many_addresses("marie")
    client.post("/en/password-reset/", {"email": "marie@example.qc.ca"}, REMOTE_ADDR="203.0.113.5")
    link = re.search(r"http://testserver(/(?:fr|en)/password-reset/[^/]+/[^/]+/)", mail.outbox[0].body).group(
        1
    )
    form_page = client.get(link, follow=True, REMOTE_ADDR="203.0.113.5")
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Nouveau-mot-de-passe-77", "new_password2": "Nouveau-mot-de-passe-77"},
        REMOTE_ADDR="203.0.113.5",
    )

    from_the_reset = token_request("marie", "Nouveau-mot-de-passe-77", address="203.0.113.5")
    from_elsewhere = token_request("marie", "Nouveau-mot-de-passe-77", address="203.0.113.6")

    assert from_the_reset.status_code == 200
    assert from_elsewhere.status_code == 429


def test_the_site_form_says_why_a_new_address_is_refused_in_the_pages_language(client, user):
    guess_from_many_addresses("marie")

    response = client.post("/fr/login/", {"login": "marie", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5")

    assert "_auth_user_id" not in client.session
    assert "depuis un nouvel endroit" in html.unescape(response.content.decode())
