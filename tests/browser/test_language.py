"""The language check itself (tests/browser/language.py), so that it cannot pass by seeing nothing."""

import pytest

from tests.browser.language import in_language, language_of, page_leaks

pytestmark = [pytest.mark.browser]


def show(page, language: str, body: str) -> None:
    page.set_content(
        f'<!DOCTYPE html><html lang="{language}"><head><title>Maillage</title></head>{body}</html>'
    )


def test_page_leaks_finds_an_english_interface_string_on_a_french_page(page):
    show(page, "fr", "<body><p>Bienvenue.</p><form><button>Sign out</button></form></body>")

    found = page_leaks(page, language="fr")

    assert len(found) == 1
    assert found[0].startswith('« Sign out »: msgid "Sign out" → msgstr "Se déconnecter"')


def test_page_leaks_passes_a_french_page_with_someone_elses_words_and_a_marked_language_name(page):
    show(
        page,
        "fr",
        "<body><p>Se déconnecter</p><h1>Migration vers le nuage gouvernemental</h1>"
        '<p>Is the source code open?</p><form>\n  <button lang="en">English</button>\n</form>'
        "<p hidden>Sign out</p><p>Publié le 7 décembre 2026</p></body>",
    )

    assert page_leaks(page, language="fr") == []


def test_page_leaks_matches_a_string_with_a_placeholder_across_elements(page):
    show(page, "fr", "<body><p>Signed in as <strong>Sophie Gagnon</strong></p></body>")

    found = page_leaks(page, language="fr")

    assert [leak.split(":")[0] for leak in found] == ["« Signed in as Sophie Gagnon »"]


def test_page_leaks_finds_a_french_translation_on_an_english_page(page):
    show(page, "en", '<body><a href="#main">Passer au contenu principal</a></body>')

    found = page_leaks(page, language="en")

    assert len(found) == 1 and 'msgid "Skip to main content"' in found[0]


def test_page_leaks_reads_labels_placeholders_and_the_title(page):
    show(
        page, "en", '<body><nav aria-label="Menu principal"></nav><input placeholder="Se déconnecter"></body>'
    )

    found = page_leaks(page, language="en")

    assert len(found) == 2


def test_page_leaks_finds_a_date_in_the_other_language(page):
    show(page, "fr", "<body><p>Publié le</p><time>December 7, 2026</time></body>")

    found = page_leaks(page, language="fr")

    assert found == ["« December 7, 2026 »: « December 7 » is a date in English"]


def test_in_language_swaps_the_prefix_of_a_page_address():
    url = "http://127.0.0.1:8000/fr/sme/introductions/3/?q=nuage"

    assert (language_of(url), in_language(url, "en")) == (
        "fr",
        "http://127.0.0.1:8000/en/sme/introductions/3/?q=nuage",
    )
    assert language_of("http://127.0.0.1:8000/api/docs/") is None


def test_page_leaks_finds_a_string_of_a_few_words_inside_a_longer_text(page):
    show(page, "fr", "<body><p>Passer au contenu principal · skip to main content</p></body>")

    found = page_leaks(page, language="fr")

    assert len(found) == 1 and "(« Skip to main content » within)" in found[0]


def test_page_leaks_takes_no_catalogue_words_inside_someones_title_for_a_leak(page):
    show(page, "en", "<body><p>Edit: Tableau de bord des délais</p></body>")

    assert page_leaks(page, language="en") == []


def test_page_leaks_finds_a_colon_written_as_the_other_language_writes_it(page):
    show(page, "fr", "<body><p>7 décembre 2026 13:01: Attribué</p><p>Statut\u00a0: publié</p></body>")

    found = page_leaks(page, language="fr")

    assert found == ["« 7 décembre 2026 13:01: Attribué »: « 1: » is a colon as English writes it"]


def test_page_leaks_reads_the_shadow_trees_of_web_components(page):
    show(page, "fr", "<body><div id='header'></div></body>")
    page.evaluate(
        "() => document.getElementById('header').attachShadow({mode: 'open'}).innerHTML = '<a>Sign out</a>'"
    )

    found = page_leaks(page, language="fr")

    assert [leak.split(":")[0] for leak in found] == ["« Sign out »"]
