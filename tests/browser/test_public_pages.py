"""The public and account pages in a real browser: search, detail, sign in, notifications, language.

Selectors use ids, names and addresses rather than visible words, which change with the language."""

import re

import pytest
from playwright.sync_api import expect

from hub.models import Notification, User
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search, pytest.mark.browser]

PASSWORD = "Un-mot-de-passe-solide-42"  # tests.factories.UserFactory's


def test_home_page_is_accessible_in_french_and_english(live_server, page, check_page):
    factories.ChallengeFactory(published=True, title="Portail citoyen unifié")
    factories.EngagementFactory()  # An approved pairing and a pilot project under way, for the figures.

    page.goto(f"{live_server.url}/fr/")
    # Each audience's actions, the three steps and the figures.
    expect(page.locator("a[href='/fr/accounts/signup/']")).to_have_text("Inscrire mon entreprise")
    expect(page.locator(".home-actions a[href='/fr/opportunities/']")).to_have_text("Parcourir les occasions")
    expect(page.locator("a[href='/fr/organization/challenges/new/']")).to_have_text("Déposer un défi")
    expect(page.locator(".home-step")).to_have_count(3)
    expect(page.locator(".home-figure")).to_have_count(5)
    expect(page.locator(".home-figure", has_text="Projets pilotes en cours").locator("dd")).to_have_text("1")
    check_page(page, "home-before-switch")  # Screenshots in both languages; "home" has the README's.
    page.get_by_role("button", name="English").click()

    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("a[href='/en/accounts/signup/']")).to_have_text("Register my firm")
    check_page(page, "home-after-switch")

    # Signed out, an SME creates its account first (tests/browser/test_signup.py goes on).
    page.locator("a[href='/en/accounts/signup/']").click()
    expect(page).to_have_url(re.compile(r"/en/accounts/signup/$"))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_footer_pages_are_reached_from_the_footer_and_accessible(live_server, page, check_page, language):
    page.goto(f"{live_server.url}/{language}/")

    for path in ("accessibility", "privacy", "terms", "contact"):
        link = page.locator(f".footer-links a[href='/{language}/{path}/']")
        link.focus()
        page.keyboard.press("Enter")  # Keyboard only.
        expect(page).to_have_url(f"{live_server.url}/{language}/{path}/")
        expect(page.locator("h1")).to_be_visible()
        check_page(page, path)  # Screenshots in both languages, whichever the test is on.


def test_skip_link_is_the_first_stop_and_moves_to_the_main_content(live_server, page):
    page.goto(f"{live_server.url}/fr/")
    page.locator("qc-piv-header .logo img").wait_for()  # The PIV header has drawn its shadow root.

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Passer au contenu principal")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("main#main")).to_be_focused()
    expect(skip).to_have_count(1)  # The PIV header's, the only one.


def test_a_public_servant_searches_reads_signs_in_and_switches_to_english(
    live_server, page, check_page, indexed
):
    cloud = factories.ExpertiseFactory(code="cloud", label_fr="Infonuagique", label_en="Cloud computing")
    security = factories.ExpertiseFactory(code="security", label_fr="Cybersécurité", label_en="Cybersecurity")
    montreal = factories.RegionFactory(code="06", label_fr="Montréal", label_en="Montreal")
    indexed(
        factories.ChallengeFactory(
            published=True,
            title="Migration des applications vers l'infonuagique",
            description="Le ministère migre ses applications et ses serveurs vers un nuage gouvernemental.",
            expertise=[cloud],
        ),
        factories.ChallengeFactory(
            published=True,
            title="Centre des opérations de sécurité",
            description="Surveiller les serveurs du ministère jour et nuit.",
            expertise=[security],
            regions=[montreal],
            budget_min=750000,
            budget_max=1200000,
        ),
    )
    indexed(
        factories.VendorFactory(name="Nuage Boréal inc.", expertise=[cloud]),
        factories.VendorFactory(name="Vigie Cyber inc.", expertise=[security]),
    )
    user = factories.UserFactory(
        username="sophie", first_name="Sophie", last_name="Gagnon", role=User.Role.MINISTRY_MEMBER
    )
    factories.OrganizationFactory(members=[user])
    for n, title in enumerate(["Nouvelle proposition à examiner", "Défi publié"]):
        factories.NotificationFactory(
            user=user,
            kind=Notification.Kind.CHALLENGE_PUBLISHED,
            title=title,
            body="Votre défi est en ligne.",
            url="/fr/",
            dedupe_key=f"browser:{n}",
        )

    # Home: the search box leads to the opportunity search.
    page.goto(f"{live_server.url}/fr/")
    check_page(page, "home")
    page.locator("#home-q").fill("serveurs")
    page.locator("#home-q").press("Enter")
    expect(page).to_have_url(re.compile(r"/fr/opportunities/\?q=serveurs$"))
    expect(page.locator("mark").first).to_have_text("serveurs")
    expect(page.locator(".result")).to_have_count(2)

    # Ticking a facet refreshes the results (htmx) and the address, which can be shared.
    page.locator("#facet-expertise-security").focus()
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"expertise=security"))
    expect(page.locator("#facet-expertise-security")).to_be_focused()
    expect(page.locator(".result")).to_have_count(1)
    expect(page.locator("#facet-expertise-security")).to_be_checked()
    expect(page.locator("#search-status")).not_to_be_empty()
    check_page(page, "opportunities")

    # The same address without JavaScript's help gives the same page.
    page.reload()
    expect(page.locator(".result")).to_have_count(1)
    expect(page.locator("#facet-expertise-security")).to_be_checked()

    page.locator(".result__title a").click()
    expect(page.locator("h1")).to_have_text("Centre des opérations de sécurité")
    expect(page.locator(".status-line .badge")).to_be_visible()
    check_page(page, "challenge")

    # Sign in through the form; back on the same page afterwards.
    challenge_url = page.url
    page.locator(".site-nav__account a[href^='/fr/login/']").click()
    page.locator("#id_login").fill("sophie")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(challenge_url)
    expect(page.locator("#nav-unread .badge--count")).to_contain_text("2")

    page.locator(".site-nav a[href='/fr/vendors/']").click()
    expect(page.locator(".result")).to_have_count(2)
    check_page(page, "vendors")

    # Notifications: mark one as read with the keyboard; the badge follows without a page load.
    page.locator(".site-nav__account a[href='/fr/notifications/']").click()
    check_page(page, "notifications")
    page.locator(".notification form button").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".notification__done")).to_be_focused()
    expect(page.locator("#nav-unread .badge--count")).to_contain_text("1")

    # Account: choosing English saves the preference and switches the site.
    page.locator(".site-nav__account a[href='/fr/account/']").click()
    check_page(page, "account")
    page.locator("#id_preferred_language_1").check()
    page.locator("form[action='/fr/account/'] button[type='submit']").click()
    expect(page).to_have_url(f"{live_server.url}/en/account/")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator(".message--success")).to_have_text("Your account is saved.")
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_a_user_finds_and_revokes_an_api_token_from_the_account_page(live_server, page, check_page):
    from hub.models import ApiToken
    from hub.services import api_token_create

    user = factories.UserFactory(username="sophie")
    token, _key = api_token_create(user=user, label="Synchronisation nocturne")
    page.goto(f"{live_server.url}/fr/login/")
    page.fill("#id_login", "sophie")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/fr/sme/register/$"))  # An SME without a firm yet is led to register it.

    page.goto(f"{live_server.url}/fr/account/")
    page.locator("a[href='/fr/account/tokens/']").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    check_page(page, "account-tokens")
    page.locator(f"form[action='/fr/account/tokens/{token.pk}/revoke/'] button").focus()
    page.keyboard.press("Enter")

    expect(page.locator(".message--success")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(0)
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_changing_the_language_warns_before_losing_what_was_typed(live_server, page):
    page.goto(f"{live_server.url}/fr/login/")
    page.locator("input[name='login']").fill("quelqu-un")
    dialogs = []

    def dismiss(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.locator("form[data-language-switch] button").click()

    assert len(dialogs) == 1 and "perdu" in dialogs[0]
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("input[name='login']").input_value() == "quelqu-un"


def test_changing_the_language_of_an_untouched_page_asks_nothing(live_server, page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.goto(f"{live_server.url}/fr/login/")

    page.locator("form[data-language-switch] button").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert dialogs == []
