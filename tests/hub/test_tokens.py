"""API tokens: many per user, stored as a digest, expiring, listed and revoked by their owner, deleted with the password."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from hub.models import ApiToken
from hub.services import api_token_create
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Un-mot-de-passe-solide-42"


@pytest.fixture
def user():
    return factories.UserFactory(username="marie")


def token_request(username: str = "marie", password: str = PASSWORD, **extra):
    return APIClient().post(
        reverse("token-create"), {"username": username, "password": password, **extra}, format="json"
    )


def client_with(key: str, language: str = "fr") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE=language)
    return client


def test_token_create_stores_only_a_digest_of_the_secret(user):
    response = token_request(label="Script de synchronisation")

    key = response.data["token"]
    token = ApiToken.objects.get(user=user)
    assert response.status_code == 200
    assert key not in (token.digest, token.prefix, token.label)
    assert token.digest == ApiToken.digest_of(key)
    assert (response.data["prefix"], token.prefix) == (key[:8], key[:8])
    assert response.data["label"] == "Script de synchronisation"


def test_token_create_gives_each_client_its_own_token(user):
    first, second = token_request().data["token"], token_request().data["token"]

    assert first != second
    assert client_with(first).get(reverse("me")).status_code == 200
    assert client_with(second).get(reverse("me")).status_code == 200


def test_token_lifetime_follows_the_setting(user, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 7

    token, _key = api_token_create(user=user, label="")

    assert token.expires_at - token.created_at == datetime.timedelta(days=7)


def test_token_lifetime_is_thirty_days_by_default(user):
    response = token_request()

    token = ApiToken.objects.get(user=user)
    assert token.expires_at - token.created_at == datetime.timedelta(days=30)
    assert (
        response.data["expires_at"]
        == token.expires_at.astimezone(timezone.get_current_timezone()).isoformat()
    )


def test_token_past_its_lifetime_is_refused_with_a_translated_401(user):
    token, key = api_token_create(user=user, label="")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = client_with(key).get(reverse("me"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "Ce jeton d'API a expiré le" in response.data["detail"]
    assert "POST /api/v1/auth/token/" in response.data["detail"]


def test_token_past_its_lifetime_is_refused_in_english_too(user):
    token, key = api_token_create(user=user, label="")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = client_with(key, language="en").get(reverse("me"))

    assert response.status_code == 401
    assert "This API token expired on" in response.data["detail"]


def test_unknown_token_is_refused_with_a_translated_401(user):
    response = client_with("pas-un-jeton").get(reverse("me"))

    assert response.status_code == 401
    assert "Ce jeton d'API n'est pas valide" in response.data["detail"]


def test_token_of_an_inactive_user_is_refused(user):
    _token, key = api_token_create(user=user, label="")
    user.is_active = False
    user.save()

    assert client_with(key).get(reverse("me")).status_code == 401


def test_token_use_is_recorded(user):
    token, key = api_token_create(user=user, label="")

    client_with(key).get(reverse("me"))

    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < datetime.timedelta(minutes=1)


def test_token_list_shows_the_users_tokens_but_never_their_secret(user):
    mine, key = api_token_create(user=user, label="Intégration continue")
    api_token_create(user=factories.UserFactory(), label="Pas à moi")

    response = client_with(key).get(reverse("token-list"))

    assert response.status_code == 200
    assert [item["id"] for item in response.data["results"]] == [mine.pk]
    assert set(response.data["results"][0]) == {
        "id",
        "label",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
    }
    assert key not in str(response.data)


def test_token_revoke_deletes_the_token_which_then_no_longer_works(user):
    spare, spare_key = api_token_create(user=user, label="Ancien script")
    _current, key = api_token_create(user=user, label="")

    response = client_with(key).delete(reverse("token-detail", kwargs={"token_id": spare.pk}))

    assert response.status_code == 204
    assert not ApiToken.objects.filter(pk=spare.pk).exists()
    assert client_with(spare_key).get(reverse("me")).status_code == 401
    assert client_with(key).get(reverse("me")).status_code == 200


def test_token_revoke_answers_404_for_another_users_token(user):
    others, _other_key = api_token_create(user=factories.UserFactory(), label="")
    _mine, key = api_token_create(user=user, label="")

    response = client_with(key).delete(reverse("token-detail", kwargs={"token_id": others.pk}))

    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=others.pk).exists()


def test_setting_a_password_deletes_the_users_tokens_whatever_the_path(user):
    """The admin, `manage.py changepassword` and the site's forms all go through set_password() and save()."""
    api_token_create(user=user, label="")
    other_user_token, _key = api_token_create(user=factories.UserFactory(), label="")

    user.set_password("Un-tout-nouveau-mot-de-passe-7")
    user.save()

    assert not ApiToken.objects.filter(user=user).exists()
    assert ApiToken.objects.filter(pk=other_user_token.pk).exists()


def test_saving_a_user_without_changing_the_password_keeps_the_tokens(user):
    api_token_create(user=user, label="")

    user.first_name = "Marie"
    user.save()

    assert ApiToken.objects.filter(user=user).exists()


def test_token_create_deletes_the_users_expired_tokens(user):
    old, _key = api_token_create(user=user, label="")
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))

    token_request()

    assert not ApiToken.objects.filter(pk=old.pk).exists()
    assert ApiToken.objects.filter(user=user).count() == 1


def test_personal_data_export_lists_the_users_tokens_but_not_their_digest(user):
    token, key = api_token_create(user=user, label="Script")

    data = client_with(key).get(reverse("me-data")).json()

    assert [item["id"] for item in data["api_tokens"]] == [token.pk]
    assert data["api_tokens"][0]["label"] == "Script"
    assert token.digest not in str(data)


def test_admin_lists_tokens_without_their_digest_and_deletes_one(client, user):
    token, _key = api_token_create(user=user, label="Script")
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))

    listing = client.get("/admin/hub/apitoken/")
    detail = client.get(f"/admin/hub/apitoken/{token.pk}/change/")
    client.post(f"/admin/hub/apitoken/{token.pk}/delete/", {"post": "yes"})

    assert listing.status_code == 200 and token.prefix in listing.content.decode()
    assert detail.status_code == 200 and token.digest not in detail.content.decode()
    assert not ApiToken.objects.filter(pk=token.pk).exists()
