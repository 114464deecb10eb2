"""The footer's pages (accessibility, privacy, terms of use, contact), the footer that links them, and the favicon."""

from html import unescape

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from hub.models import Consent

PAGES = {
    "accessibility": ("/fr/accessibility/", "/en/accessibility/"),
    "privacy": ("/fr/privacy/", "/en/privacy/"),
    "terms": ("/fr/terms/", "/en/terms/"),
    "contact": ("/fr/contact/", "/en/contact/"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/fr/accessibility/", ["<h1>Déclaration d'accessibilité</h1>", "SGQRI 008 3.0", "(WCAG) 2.1", "AA"]),
        ("/en/accessibility/", ["<h1>Accessibility statement</h1>", "SGQRI 008 3.0", "(WCAG) 2.1", "AA"]),
        (
            "/fr/privacy/",
            ["<h1>Politique de confidentialité</h1>", "Loi\u00a025", "Commission d'accès à l'information"],
        ),
        ("/en/privacy/", ["<h1>Privacy policy</h1>", "Law 25", "Commission d'accès à l'information"]),
        ("/fr/terms/", ["<h1>Conditions d'utilisation</h1>", "Loi sur les contrats des organismes publics"]),
        ("/en/terms/", ["<h1>Terms of use</h1>", "Act respecting contracting by public bodies"]),
        ("/fr/contact/", ["<h1>Nous joindre</h1>", "Heures d'ouverture"]),
        ("/en/contact/", ["<h1>Contact us</h1>", "Office hours"]),
    ],
)
def test_about_page_answers_in_its_language_with_its_key_content(client, url, expected):
    response = client.get(url)

    assert response.status_code == 200
    content = unescape(response.content.decode())
    assert f'<html lang="{url[1:3]}">' in content
    for text in expected:
        assert text in content


@pytest.mark.django_db
def test_base_template_footer_links_every_about_page_in_the_page_language(client):
    french = client.get("/fr/login/").content.decode()
    english = client.get("/en/").content.decode()

    # After the page's main content: the footer, whatever element holds it.
    french_footer = french[french.index("</main>") :]
    english_footer = english[english.index("</main>") :]
    for french_url, english_url in PAGES.values():
        assert f'href="{french_url}"' in french_footer
        assert f'href="{english_url}"' in english_footer
    assert "Nous joindre" in french_footer


@pytest.mark.django_db
def test_accessibility_statement_gives_the_evaluation_method_date_and_contact(client):
    content = client.get("/fr/accessibility/").content.decode()

    assert "axe-core" in content
    assert "1280" in content and "390" in content
    assert '<time datetime="2026-12-07">7 décembre 2026</time>' in content
    assert f'href="mailto:{settings.MAILLAGE_CONTACT["accessibility_email"]}"' in content
    assert "2\u00a0jours ouvrables" in content


@pytest.mark.django_db
def test_privacy_policy_shows_the_version_that_the_terms_consent_records(client):
    content = client.get("/fr/privacy/").content.decode()

    assert settings.PRIVACY_POLICY_VERSION == settings.CONSENT_VERSIONS[Consent.Kind.TERMS]
    assert "Version 2026-12-07, en vigueur depuis le 7 décembre 2026." in content


@pytest.mark.django_db
def test_privacy_policy_links_the_account_pages_that_exercise_each_right(client):
    content = client.get("/fr/privacy/").content.decode()

    assert 'href="/fr/account/data/"' in content
    assert 'href="/fr/account/delete/"' in content
    assert 'href="/fr/account/"' in content


@pytest.mark.django_db
def test_privacy_policy_names_the_person_in_charge_and_the_retention_settings(client, settings):
    settings.MAILLAGE_CONTACT = {**settings.MAILLAGE_CONTACT, "privacy_officer": "Rosalie Bergeron"}
    settings.API_TOKEN_LIFETIME_DAYS = 45

    content = client.get("/en/privacy/").content.decode()

    assert "Rosalie Bergeron, person in charge of the protection of personal information" in content
    assert "expires 45 days after it is issued" in content


@pytest.mark.django_db
def test_privacy_policy_says_where_the_data_is_hosted_from_the_setting(client, settings):
    quebec = client.get("/en/privacy/").content.decode()
    settings.MAILLAGE_HOSTING = "canada"
    canada = client.get("/en/privacy/").content.decode()

    assert "hosted in Quebec." in quebec
    assert "hosted in Canada." in canada


@pytest.mark.django_db
def test_contact_page_reads_the_contact_details_from_settings(client, settings):
    settings.MAILLAGE_CONTACT = {
        **settings.MAILLAGE_CONTACT,
        "email": "equipe@exemple.quebec",
        "phone": "581 555-0199",
        "address": ["CQEN", "1, rue du Test", "Québec (Québec)  G1A 1A1"],
        "opens": "09:00",
        "closes": "16:30",
    }

    french = client.get("/fr/contact/").content.decode()
    english = client.get("/en/contact/").content.decode()

    assert 'href="mailto:equipe@exemple.quebec"' in french
    assert 'href="tel:+15815550199"' in french
    assert "CQEN<br>1, rue du Test<br>Québec (Québec)  G1A 1A1" in french
    assert "de 9\u00a0h à 16\u00a0h\u00a030" in french
    assert "from 9\u00a0a.m. to 4:30\u00a0p.m." in english


@pytest.mark.django_db
def test_contact_page_says_whom_to_write_for_accessibility_privacy_and_the_api(client):
    content = client.get("/en/contact/").content.decode()

    for key in ("accessibility_email", "privacy_email", "technical_email"):
        assert f'href="mailto:{settings.MAILLAGE_CONTACT[key]}"' in content


# Favicon


@pytest.mark.django_db
def test_base_template_links_the_svg_favicon(client):
    content = client.get("/fr/").content.decode()

    assert '<link rel="icon" href="/static/frontend/favicon.svg" type="image/svg+xml">' in content


def test_favicon_ico_redirects_to_the_svg_favicon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/frontend/favicon.svg"


def test_favicon_is_an_svg_in_the_static_files():
    path = finders.find("frontend/favicon.svg")

    assert path is not None
    with open(path, encoding="utf-8") as svg:
        assert svg.read().startswith("<svg ")
