import pytest
from django.urls import reverse

from hub.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def test_preferences_get_shows_the_defaults(api_client):
    api_client.force_authenticate(factories.UserFactory())

    response = api_client.get(reverse("me-preferences"))

    assert response.status_code == 200
    assert response.json() == {"preferred_language": "fr", "email_frequency": "immediate"}


def test_preferences_patch_changes_language_and_email_frequency(api_client):
    user = factories.UserFactory()
    api_client.force_authenticate(user)

    response = api_client.patch(
        reverse("me-preferences"),
        {"preferred_language": "en", "email_frequency": "daily_digest"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {"preferred_language": "en", "email_frequency": "daily_digest"}
    user.refresh_from_db()
    assert (user.preferred_language, user.email_frequency) == ("en", User.EmailFrequency.DAILY_DIGEST)


def test_preferences_patch_keeps_what_is_left_out(api_client):
    user = factories.UserFactory(preferred_language="en")
    api_client.force_authenticate(user)

    response = api_client.patch(reverse("me-preferences"), {"email_frequency": "off"}, format="json")

    assert response.json() == {"preferred_language": "en", "email_frequency": "off"}


def test_preferences_patch_refuses_an_unknown_frequency_with_a_clear_message(api_client):
    user = factories.UserFactory()
    api_client.force_authenticate(user)

    response = api_client.patch(
        reverse("me-preferences"), {"email_frequency": "weekly"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json()["email_frequency"] == [
        "“weekly” is not an email frequency. Choose immediate, daily_digest or off."
    ]
    user.refresh_from_db()
    assert user.email_frequency == User.EmailFrequency.IMMEDIATE


def test_preferences_patch_refuses_an_unknown_language(api_client):
    api_client.force_authenticate(factories.UserFactory())

    response = api_client.patch(
        reverse("me-preferences"), {"preferred_language": "de"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json()["preferred_language"] == ["“de” is not a language of the site. Choose fr or en."]


def test_preferences_refuse_anonymous_users(api_client):
    response = api_client.get(reverse("me-preferences"))

    assert response.status_code in (401, 403)


def test_me_shows_the_email_frequency(api_client):
    api_client.force_authenticate(factories.UserFactory(email_frequency=User.EmailFrequency.OFF))

    response = api_client.get(reverse("me"))

    assert response.json()["email_frequency"] == "off"
