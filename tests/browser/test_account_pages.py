"""The account page's Law 25 rights in a real browser: consents, the download, the deletion page.

Selectors use ids, names and addresses rather than visible words, which change with the language."""

import pytest
from playwright.sync_api import expect

from hub import services
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "Un-mot-de-passe-solide-42"  # tests.factories.UserFactory's


def test_a_user_withdraws_a_consent_downloads_their_data_and_reaches_the_deletion(
    live_server, page, check_page
):
    user = factories.UserFactory(username="sophie")
    services.consent_record(user=user, kind="notifications", granted=True)
    page.goto(f"{live_server.url}/fr/login/")
    page.locator("#id_login").fill("sophie")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")

    page.goto(f"{live_server.url}/fr/account/")
    check_page(page, "account-privacy")
    page.locator("form[action='/fr/account/consents/'] button").click()
    expect(page.locator("form[action='/fr/account/consents/'] input[name='granted']")).to_have_value("true")
    with page.expect_download() as download:
        page.locator("a[href='/fr/account/data/']").click()
    assert download.value.suggested_filename.startswith("maillage-personal-data-")

    page.locator("a[href='/fr/account/delete/']").click()
    check_page(page, "account-delete")
    page.locator("#id_password").fill("pas le bon")
    page.locator("#id_password").press("Enter")
    expect(page.locator(".error-summary a[href='#id_password']")).to_be_visible()
    user.refresh_from_db()
    assert user.is_active
