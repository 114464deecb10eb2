import pytest

from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search, pytest.mark.browser]


def test_home_page_is_accessible_in_french_and_english(live_server, page, check_page):
    factories.ChallengeFactory(title="Portail citoyen unifié")

    page.goto(f"{live_server.url}/fr/")
    check_page(page, "home-fr")
    page.get_by_role("button", name="English").click()

    assert page.locator("html").get_attribute("lang") == "en"
    check_page(page, "home-en")
