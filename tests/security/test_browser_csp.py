"""The strict Content-Security-Policy in a real browser: pages, the API documentation and the admin run
without the browser refusing anything (a refused script or style is reported on the console)."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import (  # noqa: F401  Debian's Chromium, and the language check of the pages.
    browser_context_args,
    browser_type_launch_args,
    visited_pages_check,
)
from tests.factories import totp_code

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search, pytest.mark.browser]

PASSWORD = "Un-mot-de-passe-solide-42"


def _violations(page, url: str) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return [text for text in messages if "Content Security Policy" in text or "EvalError" in text]


@pytest.mark.parametrize(
    "path", ["/fr/", "/fr/opportunities/?q=portail", "/en/login/", "/fr/challenges/{challenge}/"]
)
def test_public_pages_run_under_the_policy(live_server, page, path):
    challenge = factories.ChallengeFactory(published=True, title="Portail citoyen")

    violations = _violations(page, live_server.url + path.format(challenge=challenge.pk))

    assert violations == []


def test_api_documentation_runs_under_the_policy(live_server, page):
    violations = _violations(page, f"{live_server.url}/api/docs/")

    assert violations == []
    assert page.locator(".opblock").count() > 10  # Swagger UI drew the operations.


def test_admin_runs_under_the_policy(live_server, page):
    factories.UserFactory(username="gestion", role="admin", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/login/")  # The site's sign-in, then the second factor.
    page.fill("#id_login", "gestion")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.fill("#id_code", totp_code())
    page.press("#id_code", "Enter")
    expect(page).to_have_url(f"{live_server.url}/admin/")

    violations = _violations(page, f"{live_server.url}/admin/hub/user/add/")
    # The sign-in pages visited no longer answer once signed in; the pages' check loads this one again.
    page.goto(f"{live_server.url}/fr/account/")

    assert violations == []


# Listens from the first script on, so a refusal during loading is caught too.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective}: ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.mark.parametrize("path", ["/fr/", "/en/login/", "/fr/opportunities/?q=portail"])
def test_design_system_web_components_run_under_the_policy(live_server, page, path):
    factories.ChallengeFactory(published=True, title="Portail citoyen")
    page.add_init_script(RECORD_VIOLATIONS)

    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")

    assert page.evaluate("window.__cspViolations") == []
    header = page.locator("qc-piv-header")
    expect(header.locator(".page-title").first).to_have_text(
        "Maillage"
    )  # Playwright pierces the shadow root.
    logo = header.locator(".logo img")
    expect(logo).to_be_visible()
    assert logo.evaluate("image => image.complete && image.naturalWidth > 0")
    assert page.evaluate(
        "!!document.querySelector('qc-piv-footer').shadowRoot.querySelector('.qc-piv-footer')"
    )
    expect(page.locator("qc-piv-footer .copyright")).to_contain_text("Gouvernement du Québec")
