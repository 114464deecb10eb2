"""The front door on django-allauth: an SME's sign-up (consent, confirmation link, then "register my firm"),
and the two-factor sign-in that coordinators and administrators must set up (issue 16)."""

import html
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail

from hub.models import Consent, User
from hub.services import api_token_create
from tests import factories
from tests.factories import TOTP_SECRET, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "Un-mot-de-passe-solide-42"
LINK = re.compile(r"https?://\S+/(?P<language>fr|en)/accounts/confirm-email/(?P<key>[^/\s]+)/")


def sign_up(client, *, language: str = "fr", email: str = "lea@pme-exemple.qc.ca", **fields):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD, "terms": "on", **fields}
    return client.post(f"/{language}/accounts/signup/", {k: v for k, v in data.items() if v is not None})


def confirmation_path(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return f"/{match['language']}/accounts/confirm-email/{match['key']}/"


def page_text(response) -> str:
    return html.unescape(response.content.decode())


# Sign-up


def test_signup_creates_an_unconfirmed_sme_account_in_the_pages_language(client):
    response = sign_up(client, language="en")

    user = User.objects.get(email="lea@pme-exemple.qc.ca")
    assert response.status_code == 302
    assert user.role == User.Role.VENDOR_MEMBER
    assert user.preferred_language == "en"
    assert not user.emailaddress_set.get().verified
    assert "_auth_user_id" not in client.session


def test_signup_records_the_consent_to_the_terms_with_its_version(client, settings):
    sign_up(client)

    consent = Consent.objects.get(user__email="lea@pme-exemple.qc.ca")
    assert consent.kind == Consent.Kind.TERMS
    assert consent.granted
    assert consent.version == settings.CONSENT_VERSIONS["terms"] == settings.PRIVACY_POLICY_VERSION


def test_signup_without_the_consent_says_so_and_creates_nothing(client):
    response = sign_up(client, terms=None)

    assert response.status_code == 200
    assert "acceptez les conditions d'utilisation et la politique de confidentialité" in page_text(response)
    assert not User.objects.exists()
    assert not Consent.objects.exists()
    assert mail.outbox == []


def test_signup_with_a_weak_password_gives_the_validators_message(client):
    response = sign_up(client, password1="12345678", password2="12345678")

    assert response.status_code == 200
    assert "Ce mot de passe est trop courant." in page_text(response)
    assert not User.objects.exists()


def test_signup_with_an_address_already_used_does_not_tell_and_emails_its_owner(client):
    owner = factories.UserFactory(email="lea@pme-exemple.qc.ca", preferred_language="en")

    response = sign_up(client)

    assert response.status_code == 302
    assert User.objects.get() == owner
    assert not Consent.objects.exists()
    [message] = mail.outbox
    assert message.to == ["lea@pme-exemple.qc.ca"]
    assert message.subject == "[Maillage] You already have a Maillage account"
    assert "/en/login/" in message.body


@pytest.mark.parametrize(
    ("language", "subject", "sentence"),
    [
        (
            "fr",
            "[Maillage] Confirmez votre adresse courriel pour activer votre compte",
            "Le lien fonctionne pendant 3 jours.",
        ),
        (
            "en",
            "[Maillage] Confirm your email address to activate your account",
            "The link works for 3 days.",
        ),
    ],
)
def test_signup_emails_a_confirmation_link_in_the_pages_language(client, language, subject, sentence):
    sign_up(client, language=language)

    [message] = mail.outbox
    assert message.to == ["lea@pme-exemple.qc.ca"]
    assert message.subject == subject
    assert sentence in message.body
    assert confirmation_path(message).startswith(f"/{language}/accounts/confirm-email/")


def test_confirmation_link_signs_the_new_sme_in_and_leads_to_registering_its_firm(client):
    sign_up(client)
    path = confirmation_path(mail.outbox[0])

    page = client.get(path)
    response = client.post(path)

    user = User.objects.get(email="lea@pme-exemple.qc.ca")
    assert page.status_code == 200
    assert user.emailaddress_set.get().verified
    assert response.status_code == 302
    assert response["Location"] == "/fr/sme/register/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_confirmed_sme_signing_in_later_lands_on_registering_its_firm(client):
    sign_up(client)
    client.post(confirmation_path(mail.outbox[0]))
    client.logout()

    response = client.post("/fr/login/", {"login": "lea@pme-exemple.qc.ca", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/fr/sme/register/"


def test_unconfirmed_account_cannot_sign_in(client):
    sign_up(client)
    mail.outbox.clear()

    response = client.post("/fr/login/", {"login": "lea@pme-exemple.qc.ca", "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert response["Location"] == "/fr/accounts/confirm-email/"


def test_an_expired_confirmation_link_says_so(client, settings):
    sign_up(client)
    path = confirmation_path(mail.outbox[0])
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 0  # Any age is now too old.

    response = client.get(path)

    assert response.status_code == 200
    assert "Ce lien de confirmation a expiré ou n'est pas valide." in page_text(response)
    assert not User.objects.get().emailaddress_set.get().verified
    assert "_auth_user_id" not in client.session


def test_a_used_confirmation_link_says_so(client):
    sign_up(client)
    path = confirmation_path(mail.outbox[0])
    client.post(path)
    client.logout()

    response = client.get(path)

    assert response.status_code == 200
    assert "Ce lien de confirmation a expiré ou n'est pas valide." in page_text(response)
    assert "_auth_user_id" not in client.session


def test_existing_accounts_still_sign_in_with_their_username(client):
    user = factories.UserFactory(username="marie")

    response = client.post("/fr/login/", {"login": "marie", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


# Two-factor sign-in


@pytest.fixture
def coordinator_without_totp(db) -> User:
    return factories.UserFactory(role=User.Role.COORDINATOR, username="coord", totp=False)


def test_a_coordinator_without_totp_is_sent_to_its_set_up_from_every_page(client, coordinator_without_totp):
    client.force_login(coordinator_without_totp)

    responses = [client.get(path) for path in ("/fr/", "/fr/coordination/", "/en/account/", "/admin/")]

    assert {response.status_code for response in responses} == {302}
    assert {response["Location"] for response in responses} <= {
        "/fr/accounts/2fa/totp/activate/",
        "/en/accounts/2fa/totp/activate/",
    }


def test_a_coordinator_without_totp_may_still_sign_out_and_change_language(client, coordinator_without_totp):
    client.force_login(coordinator_without_totp)

    language = client.post("/i18n/setlang/", {"language": "en", "next": "/en/"})
    sign_out = client.post("/fr/logout/")

    assert language.status_code == 302
    assert language["Location"] == "/en/"
    assert sign_out.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_coordinator_without_totp_is_refused_the_api_with_a_reason(client, coordinator_without_totp):
    client.force_login(coordinator_without_totp)
    token, key = api_token_create(user=coordinator_without_totp, label="script")

    by_session = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    client.logout()
    by_token = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")

    for response in (by_session, by_token):
        assert response.status_code == 403
        assert "must set up two-factor authentication" in response.json()["detail"]


def test_other_roles_need_no_second_factor(client, vendor_member):
    client.force_login(vendor_member)

    response = client.get("/fr/account/")

    assert response.status_code == 200


def test_a_coordinator_sets_up_totp_then_reaches_the_site(client, coordinator_without_totp):
    client.post("/fr/login/", {"login": "coord", "password": PASSWORD})
    # allauth asks the password again before adding an authenticator.
    client.post("/fr/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/fr/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret

    response = client.post("/fr/accounts/2fa/totp/activate/", {"code": totp_code(secret)})

    assert page.status_code == 200
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=coordinator_without_totp, type=Authenticator.Type.TOTP).exists()
    assert client.get("/fr/coordination/").status_code == 200


def test_signing_in_with_totp_asks_the_code(client, coordinator):
    response = client.post("/fr/login/", {"login": coordinator.username, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session

    response = client.post("/fr/accounts/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)


def test_signing_in_with_a_wrong_code_is_refused(client, coordinator):
    client.post("/fr/login/", {"login": coordinator.username, "password": PASSWORD})

    response = client.post("/fr/accounts/2fa/authenticate/", {"code": "000000"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert 'class="error-summary"' in response.content.decode()


def test_signing_in_with_a_recovery_code_works_once(client, coordinator):
    code = RecoveryCodes.activate(coordinator).get_unused_codes()[0]
    client.post("/fr/login/", {"login": coordinator.username, "password": PASSWORD})

    response = client.post("/fr/accounts/2fa/authenticate/", {"code": code})
    client.logout()
    client.post("/fr/login/", {"login": coordinator.username, "password": PASSWORD})
    again = client.post("/fr/accounts/2fa/authenticate/", {"code": code})

    assert response.status_code == 302
    assert again.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_account_page_links_to_two_factor_authentication(client, vendor_member):
    client.force_login(vendor_member)

    content = client.get("/fr/account/").content.decode()

    assert 'href="/fr/accounts/2fa/"' in content
    assert "Authentification à deux facteurs" in content


def test_too_many_wrong_codes_pause_the_code_step_even_for_the_right_code(client, coordinator, settings):
    settings.LOGIN_FAILURES_PER_USERNAME = 3
    client.post("/fr/login/", {"login": coordinator.username, "password": PASSWORD})
    for _ in range(3):
        client.post("/fr/accounts/2fa/authenticate/", {"code": "000000"})
    # A right password again does not clear the count of wrong codes.
    client.post("/fr/login/", {"login": coordinator.username, "password": PASSWORD})

    response = client.post("/fr/accounts/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives de connexion infructueuses" in page_text(response)


# The API's token endpoint asks the second factor too (refusals are 403: the endpoint takes no credentials
# scheme a 401 could name)


def token_request(api_client, user, **fields):
    return api_client.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": PASSWORD, **fields},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )


def test_the_token_endpoint_asks_an_account_with_totp_for_its_code(api_client, coordinator):
    response = token_request(api_client, coordinator)

    assert response.status_code == 403
    assert "authentification à deux facteurs" in response.json()["detail"]
    assert not coordinator.api_tokens.exists()


def test_the_token_endpoint_refuses_a_wrong_code_and_counts_it(api_client, coordinator, settings):
    settings.LOGIN_FAILURES_PER_USERNAME = 2
    wrong = [token_request(api_client, coordinator, code="000000") for _ in range(2)]
    locked = token_request(api_client, coordinator, code=totp_code(TOTP_SECRET))

    assert [response.status_code for response in wrong] == [403, 403]
    assert locked.status_code == 429
    assert not coordinator.api_tokens.exists()


def test_the_token_endpoint_accepts_the_current_code_or_a_recovery_code_once(api_client, coordinator):
    recovery_code = RecoveryCodes.activate(coordinator).get_unused_codes()[0]

    with_totp = token_request(api_client, coordinator, code=totp_code(TOTP_SECRET))
    with_recovery_code = token_request(api_client, coordinator, code=recovery_code)
    recovery_code_again = token_request(api_client, coordinator, code=recovery_code)

    assert (with_totp.status_code, with_recovery_code.status_code) == (200, 200)
    assert recovery_code_again.status_code == 403
    assert coordinator.api_tokens.count() == 2


def test_the_token_endpoint_asks_no_code_of_an_account_without_a_second_factor(api_client, vendor_member):
    assert token_request(api_client, vendor_member).status_code == 200
