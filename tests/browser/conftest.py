"""Browser tests: Playwright driving Debian's Chromium against the live server and the real services."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.browser import language
from tests.browser.checks import DESKTOP, PHONE, layout_problems
from tests.browser.language import page_in_each_language
from tests.factories import TOTP_SECRET, totp_code

PASSWORD = "Un-mot-de-passe-solide-42"  # tests.factories.UserFactory's
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
SCREENSHOTS = ROOT / "docs" / "screenshots"

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        # Without these, Chromium keeps calling home, and this machine's closed network refuses it.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "fr-CA"}


def screenshot(page, name: str) -> None:
    """Desktop and phone screenshots as test artefacts, the French page as `{name}-…` and the English one as
    `{name}-en-…` (the language the test is not on is loaded in a new page of the same context); also into
    docs/screenshots/ when asked (UPDATE_SCREENSHOTS=1), so the committed set shows the product as it is."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    targets = [ARTIFACTS]
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        targets.append(SCREENSHOTS)
    original = page.viewport_size
    shown = page_in_each_language(page)
    for code, view in shown.items():
        suffix = "-en" if code == "en" else ""
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            view.set_viewport_size(size)
            for folder in targets:
                view.screenshot(path=str(folder / f"{name}{suffix}-{label}.png"), full_page=True)
        if view is page:
            page.set_viewport_size(original)
        else:
            view.close()


@pytest.fixture
def check_page():
    """Assert a page has no serious or critical accessibility violation, on a desktop screen and on a
    390 px phone, that it does not scroll sideways on the phone, and keep its screenshots."""

    def check(page, name: str) -> None:
        screenshot(page, name)
        problems = layout_problems(page)
        assert problems == [], f"{name}: {problems}"

    return check


@pytest.fixture(autouse=True)
def visited_pages_check(request, browser, new_context):
    """Fail a test if a page it visited, loaded again in French and in English, shows interface text in the
    other language (tests/browser/language.py) or fails the layout checks (tests/browser/checks.py).

    Asks for `new_context` so that it ends before pytest-playwright closes the test's contexts."""
    failures_before = request.session.testsfailed
    with language.watching(browser) as visits:
        yield
    if request.session.testsfailed == failures_before:  # A failed test has said enough.
        problems = visits.problems(
            lambda page, code: language.page_leaks(page, language=code) + layout_problems(page)
        )
        if problems:
            pytest.fail(problems, pytrace=False)


@pytest.fixture
def sign_in(live_server):
    """`sign_in(page, user)`: the page's browser context carries a session of the user, as after the login
    form (tests/browser/test_public_pages.py and test_account_pages.py go through the form itself)."""

    def sign_in(page, user) -> None:
        client = Client()
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )

    return sign_in


@pytest.fixture
def fill_grid():
    """`fill_grid(page)`: the challenge form's evaluation step as a person fills it (in English): the lowest
    adjusted price, K = 20 %, three criteria weighing 100 %, the second row and the third added with the button."""

    def fill_grid(page) -> None:
        page.get_by_label(re.compile(r"Lowest adjusted price")).check()
        page.get_by_label("K factor (%)").fill("20")
        for number, (title, weight) in enumerate(
            [("Démarche", "40"), ("Équipe", "30"), ("Échéancier", "30")], start=1
        ):
            if number > 1:
                page.get_by_role("button", name="Add a criterion").click()
            row = page.get_by_role("group", name=f"Criterion {number}", exact=True)
            row.get_by_label("Criterion", exact=True).fill(title)
            row.get_by_label("Weight (%)").fill(weight)
        expect(page.locator("[data-weights-total-value]")).to_have_text("100")

    return fill_grid


@pytest.fixture
def sign_in_through_form(live_server):
    """`sign_in_through_form(page, username, language="fr")`: the sign-in form, as a person types it, with the
    current code of the account's authenticator (tests.factories.TOTP_SECRET) when the site asks for one."""

    def sign_in(page, username: str, *, language: str = "fr", password: str = PASSWORD) -> None:
        page.goto(f"{live_server.url}/{language}/login/")
        page.locator("#id_login").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("#id_password").press("Enter")
        page.wait_for_load_state()
        if "/accounts/2fa/authenticate/" in page.url:
            page.locator("#id_code").fill(totp_code(TOTP_SECRET))
            page.locator("#id_code").press("Enter")
            page.wait_for_load_state()

    return sign_in
