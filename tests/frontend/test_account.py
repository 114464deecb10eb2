"""Account pages: sign in, notifications, account and language preferences, password change and reset."""

import html
import json
import re
import socket

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from hub import services
from hub.models import ApiToken, Consent, Notification, User
from hub.services import api_token_create
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Un-mot-de-passe-solide-42"


def notify(user: User, n: int, *, read: bool = False) -> Notification:
    return factories.NotificationFactory(
        user=user,
        kind=Notification.Kind.INTRODUCTION,
        title=f"Introduction {n}",
        body="Un coordonnateur vous présente un défi.",
        url="/fr/challenges/1/",
        dedupe_key=f"test:{n}",
        read=read,
    )


@pytest.fixture
def user(db) -> User:
    return factories.UserFactory(first_name="Alice", last_name="Tremblay", email="alice@example.qc.ca")


# Sign in


def test_login_page_links_to_password_reset(client):
    content = client.get("/en/login/").content.decode()

    assert 'href="/en/password-reset/"' in content


def test_login_page_renders_in_french(client):
    response = client.get("/fr/login/")

    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()


# Notifications


def test_notifications_require_sign_in(client):
    response = client.get("/en/notifications/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/login/?next=")


def test_notifications_list_unread_first_with_text_badges(client, user):
    notify(user, 1)
    notify(user, 2, read=True)
    notify(user, 3)
    client.force_login(user)

    content = client.get("/en/notifications/").content.decode()

    positions = [content.index(f"Introduction {n}") for n in (1, 2, 3)]
    assert positions[1] > positions[0] and positions[1] > positions[2]
    assert content.count('<span class="badge badge--info">Unread</span>') == 2
    assert content.count('<span class="badge">Read</span>') == 1


def test_notifications_show_only_the_users_own(client, user):
    notify(factories.UserFactory(), 9)
    client.force_login(user)

    content = client.get("/en/notifications/").content.decode()

    assert "Introduction 9" not in content


def test_notifications_render_in_french(client, user):
    client.force_login(user)

    response = client.get("/fr/notifications/")

    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()


def test_notifications_mark_their_texts_with_the_language_they_were_written_in(client, user):
    factories.NotificationFactory(user=user, title="Défi publié", body="Votre défi est en ligne.", url="/fr/")
    client.force_login(user)

    content = client.get("/en/notifications/").content.decode()

    assert '<h2 class="notification__title" lang="fr">' in content
    assert '<p class="notification__body" lang="fr">' in content
    assert ': <span lang="fr">Défi publié</span></span></button>' in content


def test_notification_read_marks_it_and_redirects_without_javascript(client, user):
    notification = notify(user, 1)
    client.force_login(user)

    response = client.post(f"/en/notifications/{notification.pk}/read/")

    notification.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/en/notifications/"
    assert notification.is_read


def test_notification_read_with_htmx_returns_the_item_and_the_new_count(client, user):
    notification = notify(user, 1)
    notify(user, 2)
    client.force_login(user)

    response = client.post(f"/en/notifications/{notification.pk}/read/", headers={"HX-Request": "true"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert f'id="notification-{notification.pk}"' in content
    assert '<span id="nav-unread" hx-swap-oob="true"> <span class="badge badge--count">1<' in content


def test_notification_read_refuses_another_users_notification(client, user):
    notification = notify(factories.UserFactory(), 1)
    client.force_login(user)

    response = client.post(f"/en/notifications/{notification.pk}/read/")

    notification.refresh_from_db()
    assert response.status_code == 404
    assert not notification.is_read


def test_notification_read_refuses_get(client, user):
    notification = notify(user, 1)
    client.force_login(user)

    response = client.get(f"/en/notifications/{notification.pk}/read/")

    assert response.status_code == 405


def test_notifications_read_all_marks_every_unread_one(client, user):
    notify(user, 1)
    notify(user, 2)
    other = notify(factories.UserFactory(), 3)
    client.force_login(user)

    response = client.post("/en/notifications/read-all/", follow=True)

    other.refresh_from_db()
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert not other.is_read
    assert "All your notifications are marked as read." in response.content.decode()


# Account


def test_account_requires_sign_in(client):
    response = client.get("/en/account/")

    assert response.status_code == 302


def test_account_shows_current_values(client, user):
    client.force_login(user)

    content = client.get("/en/account/").content.decode()

    assert 'value="alice@example.qc.ca"' in content
    assert 'value="immediate"' in content and "checked" in content
    assert "<legend>Notification emails" in content


def test_account_renders_in_french(client, user):
    client.force_login(user)

    response = client.get("/fr/account/")

    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()


def test_account_names_each_language_in_itself_and_marks_it_so(client, user):
    client.force_login(user)

    content = client.get("/fr/account/").content.decode()

    assert re.search(r'<label for="id_preferred_language_1" lang="en">.*English</label>', content, re.S)
    assert re.search(r'<label for="id_preferred_language_0" lang="fr">.*Français</label>', content, re.S)


def test_account_saves_preferences_and_switches_the_site_language(client, user):
    client.force_login(user)

    response = client.post(
        "/fr/account/",
        {
            "first_name": "Alice",
            "last_name": "Tremblay",
            "email": "alice@example.qc.ca",
            "preferred_language": "en",
            "email_frequency": "daily_digest",
        },
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/en/account/"
    assert response.cookies["django_language"].value == "en"
    assert user.preferred_language == "en"
    assert user.email_frequency == User.EmailFrequency.DAILY_DIGEST


def test_account_confirms_in_the_new_language(client, user):
    client.force_login(user)
    data = {"first_name": "A", "last_name": "T", "email": "a@example.qc.ca", "email_frequency": "off"}

    response = client.post("/fr/account/", {**data, "preferred_language": "en"}, follow=True)

    assert "Your account is saved." in response.content.decode()


def account_data(**changes) -> dict:
    return {
        "first_name": "Alice",
        "last_name": "Tremblay",
        "email": "alice@example.qc.ca",
        "preferred_language": "fr",
        "email_frequency": "immediate",
        **changes,
    }


def confirmation_link(message) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/\w\w/account/email/confirm/[^/\s]+/)", message.body).group(1)


def test_account_saves_the_name_and_waits_for_the_new_email_address_to_confirm(client, user):
    client.force_login(user)

    response = client.post(
        "/en/account/", account_data(first_name="Alicia", last_name="Roy", email="alicia@example.qc.ca")
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert (user.first_name, user.last_name, user.email) == ("Alicia", "Roy", "alice@example.qc.ca")
    assert [message.to for message in mail.outbox] == [["alicia@example.qc.ca"]]
    assert confirmation_link(mail.outbox[0]).startswith("/en/account/email/confirm/")  # The page's language.
    assert "alicia@example.qc.ca" in client.get("/en/account/").content.decode()  # Shown as waiting.


def test_account_email_change_with_the_mail_server_down_says_so_and_changes_nothing(client, user, settings):
    with socket.socket() as probe:  # A port nothing listens on: the SMTP connection is refused.
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
    client.force_login(user)

    response = client.post("/en/account/", account_data(first_name="Alicia", email="alicia@example.qc.ca"))

    user.refresh_from_db()
    assert response.status_code == 200
    assert "The confirmation email could not be sent right now" in response.content.decode()
    assert (user.first_name, user.email) == ("Alice", "alice@example.qc.ca")
    assert not EmailAddress.objects.filter(email="alicia@example.qc.ca").exists()


def test_account_email_changes_once_the_new_address_confirms_and_the_old_one_is_told(client, user):
    client.force_login(user)
    client.post("/fr/account/", account_data(email="Alicia@Example.qc.ca"))
    link = confirmation_link(mail.outbox[0])
    client.logout()  # The link works from any browser: it proves who reads the new mailbox.

    page = client.get(link)
    response = client.post(link)

    user.refresh_from_db()
    assert page.status_code == 200
    assert response.status_code == 302
    assert user.email == "alicia@example.qc.ca"
    assert mail.outbox[-1].to == ["alice@example.qc.ca"]
    assert "alicia@example.qc.ca" in mail.outbox[-1].body


def test_account_email_confirmation_page_changes_nothing_before_the_button_is_pressed(client, user):
    client.force_login(user)
    client.post("/en/account/", account_data(email="alicia@example.qc.ca"))

    response = client.get(confirmation_link(mail.outbox[0]))

    user.refresh_from_db()
    assert response.status_code == 200
    assert "alicia@example.qc.ca" in response.content.decode()
    assert user.email == "alice@example.qc.ca"


@pytest.mark.parametrize(
    "tamper",
    [lambda link: link.replace("/confirm/", "/confirm/x"), lambda link: link],
    ids=["forged", "expired"],
)
def test_account_email_confirmation_refuses_a_forged_or_expired_link(client, user, settings, tamper):
    client.force_login(user)
    client.post("/en/account/", account_data(email="alicia@example.qc.ca"))
    link = tamper(confirmation_link(mail.outbox[0]))
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 0  # The untampered link is then expired.

    response = client.post(link)

    user.refresh_from_db()
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()
    assert user.email == "alice@example.qc.ca"


def test_account_refuses_an_email_address_another_account_uses(client, user):
    factories.UserFactory(email="bob@example.qc.ca")
    client.force_login(user)

    response = client.post("/en/account/", account_data(first_name="Alicia", email="Bob@Example.qc.ca"))

    content = response.content.decode()
    user.refresh_from_db()
    assert response.status_code == 200
    assert "Another account already uses this email address." in content
    assert 'href="#id_email"' in content
    assert (user.first_name, user.email) == ("Alice", "alice@example.qc.ca")
    assert mail.outbox == []


def test_account_email_confirmation_refuses_an_address_another_account_took_meanwhile(client, user):
    client.force_login(user)
    client.post("/en/account/", account_data(email="alicia@example.qc.ca"))
    link = confirmation_link(mail.outbox[0])
    factories.UserFactory(email="alicia@example.qc.ca")

    response = client.post(link)

    user.refresh_from_db()
    assert "Another account already uses this email address." in response.content.decode()
    assert user.email == "alice@example.qc.ca"


def test_account_refuses_an_unknown_frequency_with_the_api_message_and_keeps_typed_values(client, user):
    client.force_login(user)

    response = client.post(
        "/en/account/",
        {
            "first_name": "Alicia",
            "last_name": "Roy",
            "email": "alicia@example.qc.ca",
            "preferred_language": "fr",
            "email_frequency": "hourly",
        },
    )

    content = response.content.decode()
    user.refresh_from_db()
    assert response.status_code == 200
    assert "“hourly” is not an email frequency. Choose immediate, daily_digest or off." in content
    assert 'href="#id_email_frequency_0"' in content
    assert 'value="Alicia"' in content
    assert user.first_name == "Alice"


def test_account_refuses_an_invalid_email_and_keeps_it(client, user):
    client.force_login(user)

    response = client.post(
        "/en/account/",
        {
            "first_name": "Alice",
            "last_name": "T",
            "email": "pas-une-adresse",
            "preferred_language": "fr",
            "email_frequency": "off",
        },
    )

    content = response.content.decode()
    user.refresh_from_db()
    assert 'class="error-summary"' in content
    assert 'href="#id_email"' in content
    assert 'value="pas-une-adresse"' in content
    assert user.email == "alice@example.qc.ca"
    assert user.email_frequency == User.EmailFrequency.IMMEDIATE


# Password change and reset


def test_password_change_changes_it_and_returns_to_the_account(client, user):
    client.force_login(user)

    response = client.post(
        "/en/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Autre-mot-de-passe-99",
            "new_password2": "Autre-mot-de-passe-99",
        },
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/en/account/"
    assert user.check_password("Autre-mot-de-passe-99")


def test_password_change_with_a_wrong_old_password_shows_the_error_summary(client, user):
    client.force_login(user)

    response = client.post(
        "/en/account/password/",
        {
            "old_password": "wrong",
            "new_password1": "Autre-mot-de-passe-99",
            "new_password2": "Autre-mot-de-passe-99",
        },
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_old_password"' in content


def test_password_reset_emails_a_link(client, user):
    response = client.post("/fr/password-reset/", {"email": "alice@example.qc.ca"})

    assert response.status_code == 302
    assert response["Location"] == "/fr/password-reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.qc.ca"]
    assert re.search(r"http://testserver/fr/password-reset/[^/]+/[^/]+/", mail.outbox[0].body)


def test_password_reset_emails_in_the_users_language_whatever_the_page(client, user):
    user.preferred_language = "en"
    user.save()

    client.post("/fr/password-reset/", {"email": "alice@example.qc.ca"})

    assert "Someone asked to reset the password" in mail.outbox[0].body
    assert re.search(r"http://testserver/en/password-reset/[^/]+/[^/]+/", mail.outbox[0].body)


def test_password_reset_link_lets_the_user_choose_a_new_password(client, user):
    user.preferred_language = "en"
    user.save()
    client.post("/en/password-reset/", {"email": "alice@example.qc.ca"})
    link = re.search(r"http://testserver(/(?:fr|en)/password-reset/[^/]+/[^/]+/)", mail.outbox[0].body).group(
        1
    )

    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Nouveau-mot-de-passe-77", "new_password2": "Nouveau-mot-de-passe-77"},
    )

    user.refresh_from_db()
    assert response["Location"] == "/en/password-reset/done/"
    assert user.check_password("Nouveau-mot-de-passe-77")


def test_password_change_deletes_the_users_api_tokens(client, user):
    api_token_create(user=user, label="Script")
    client.force_login(user)

    client.post(
        "/en/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Autre-mot-de-passe-99",
            "new_password2": "Autre-mot-de-passe-99",
        },
    )

    assert not ApiToken.objects.filter(user=user).exists()


def test_password_reset_deletes_the_users_api_tokens(client, user):
    api_token_create(user=user, label="Script")
    client.post("/en/password-reset/", {"email": "alice@example.qc.ca"})
    link = re.search(r"http://testserver(/(?:fr|en)/password-reset/[^/]+/[^/]+/)", mail.outbox[0].body).group(
        1
    )
    form_page = client.get(link, follow=True)

    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Nouveau-mot-de-passe-77", "new_password2": "Nouveau-mot-de-passe-77"},
    )

    assert not ApiToken.objects.filter(user=user).exists()


def test_password_reset_with_a_bad_link_says_so(client, user):
    response = client.get("/en/password-reset/MQ/bad-token/")

    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


def test_login_continues_in_the_users_preferred_language(client, user):
    user.preferred_language = "en"
    user.save()

    response = client.post(
        "/fr/login/", {"login": user.username, "password": PASSWORD, "next": "/fr/notifications/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/notifications/"
    assert response.cookies["django_language"].value == "en"


# Law 25 rights: access, deletion, consents


def test_account_data_download_is_the_apis_document(client, user):
    services.consent_record(user=user, kind="terms", granted=True)
    client.force_login(user)

    page = client.get("/fr/account/data/")
    api = client.get("/api/v1/me/data/")

    assert page.status_code == 200
    assert page["Content-Type"] == "application/json"
    assert page["Content-Disposition"] == api["Content-Disposition"]
    page_data, api_data = json.loads(page.content), json.loads(api.content)
    assert {**page_data, "generated_at": None} == {**api_data, "generated_at": None}
    assert page_data["account"]["email"] == "alice@example.qc.ca"


def test_account_page_links_to_the_download_the_deletion_and_lists_the_consents(client, user, settings):
    settings.CONSENT_VERSIONS = {"terms": "2026-11-28", "notifications": "2026-11-28"}
    services.consent_record(user=user, kind="notifications", granted=True)
    client.force_login(user)

    content = client.get("/en/account/").content.decode()

    assert 'href="/en/account/data/"' in content
    assert 'href="/en/account/delete/"' in content
    assert "Notification emails" in content and "2026-11-28" in content and "Given" in content
    assert "Withdraw" in content


def test_account_consent_withdrawal_records_it_and_stops_notification_emails(client, user, settings):
    services.consent_record(user=user, kind="notifications", granted=True)
    client.force_login(user)

    response = client.post(
        "/en/account/consents/",
        {"kind": "notifications", "granted": "false", "version": settings.CONSENT_VERSIONS["notifications"]},
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert Consent.objects.filter(user=user).first().granted is False
    assert user.email_frequency == User.EmailFrequency.OFF


def test_account_consent_refuses_an_outdated_version_with_the_services_message(client, user):
    client.force_login(user)

    response = client.post(
        "/en/account/consents/", {"kind": "notifications", "granted": "false", "version": "1999"}, follow=True
    )

    assert "This text changed" in response.content.decode()
    assert not Consent.objects.filter(user=user).exists()


def test_account_delete_page_says_what_is_kept_and_why(client, user):
    client.force_login(user)

    content = client.get("/en/account/delete/").content.decode()

    assert 'type="password"' in content
    assert "audit log" in content and "consents" in content


def test_account_delete_with_the_password_anonymizes_and_signs_out(client, user):
    client.force_login(user)

    response = client.post("/en/account/delete/", {"password": PASSWORD})

    user.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert (user.is_active, user.email) == (False, "")
    assert client.get("/en/account/").status_code == 302  # Signed out.


def test_account_delete_refuses_a_wrong_password_and_changes_nothing(client, user):
    client.force_login(user)

    response = client.post("/en/account/delete/", {"password": "pas le bon"})

    user.refresh_from_db()
    assert response.status_code == 200
    assert "The password is incorrect." in response.content.decode()
    assert 'href="#id_password"' in response.content.decode()
    assert user.is_active


def test_account_delete_counts_wrong_passwords_like_failed_sign_ins(client, user, settings):
    settings.LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS = 2
    client.force_login(user)
    for _attempt in range(2):
        client.post("/en/account/delete/", {"password": "pas le bon"})

    response = client.post("/en/account/delete/", {"password": PASSWORD})

    user.refresh_from_db()
    assert "Too many failed sign-in attempts." in response.content.decode()
    assert user.is_active


# API tokens


def test_account_links_to_the_api_tokens_page(client, user):
    client.force_login(user)

    content = client.get("/fr/account/").content.decode()

    assert 'href="/fr/account/tokens/"' in content


def test_api_tokens_page_requires_sign_in(client):
    response = client.get("/fr/account/tokens/")

    assert response.status_code == 302
    assert response["Location"].startswith("/fr/login/")


def test_api_tokens_page_lists_the_users_tokens_without_their_secret(client, user):
    _token, key = api_token_create(user=user, label="Synchronisation nocturne")
    api_token_create(user=factories.UserFactory(), label="Le jeton d’un autre")
    client.force_login(user)

    content = client.get("/fr/account/tokens/").content.decode()

    assert "Synchronisation nocturne" in content
    assert f"{key[:8]}…" in content
    assert key not in content
    assert "Le jeton d’un autre" not in content
    assert "Jetons d'API" in html.unescape(content)


def test_api_tokens_page_says_when_there_is_none(client, user):
    client.force_login(user)

    content = client.get("/en/account/tokens/").content.decode()

    assert "You have no API token." in content


def test_api_token_revoke_from_the_page_deletes_it_and_says_so(client, user):
    token, _key = api_token_create(user=user, label="Ancien script")
    client.force_login(user)

    response = client.post(f"/fr/account/tokens/{token.pk}/revoke/", follow=True)

    assert response.redirect_chain[-1][0] == "/fr/account/tokens/"
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert "Le jeton d'API «\u00a0Ancien script\u00a0» est révoqué" in html.unescape(
        response.content.decode()
    )


def test_api_token_revoke_from_the_page_refuses_another_users_token(client, user):
    token, _key = api_token_create(user=factories.UserFactory(), label="")
    client.force_login(user)

    response = client.post(f"/fr/account/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_api_token_revoke_from_the_page_refuses_get(client, user):
    token, _key = api_token_create(user=user, label="")
    client.force_login(user)

    response = client.get(f"/fr/account/tokens/{token.pk}/revoke/")

    assert response.status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()
