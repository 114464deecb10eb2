"""The front door in a real browser: a new SME from the home page to registering its firm, and a coordinator
setting up two-factor sign-in (issue 16)."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from playwright.sync_api import expect

from hub.models import Consent, User
from tests import factories
from tests.factories import totp_code

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "Un-mot-de-passe-solide-42"


def test_a_new_sme_signs_up_from_the_home_page_and_lands_on_registering_its_firm(
    live_server, page, check_page
):
    page.goto(f"{live_server.url}/fr/")
    page.locator(".home-actions a[href='/fr/accounts/signup/']").click()
    expect(page).to_have_url(f"{live_server.url}/fr/accounts/signup/")
    check_page(page, "signup")

    # The consent is required: without it, the page says so and nothing is created.
    page.locator("#id_email").fill("lea@pme-exemple.qc.ca")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("form[action='/fr/accounts/signup/'] button[type='submit']").click()
    expect(page.locator(".error-summary a[href='#id_terms']")).to_be_visible()
    assert not User.objects.exists()

    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_terms").check()
    page.locator("form[action='/fr/accounts/signup/'] button[type='submit']").click()
    expect(page).to_have_url(f"{live_server.url}/fr/accounts/confirm-email/")
    check_page(page, "signup-check-email")

    [message] = mail.outbox
    link = re.search(r"https?://\S+?(/fr/accounts/confirm-email/\S+/)", message.body).group(1)
    page.goto(f"{live_server.url}{link}")
    check_page(page, "signup-confirm")
    page.locator("main form button[type='submit']").click()

    expect(page).to_have_url(f"{live_server.url}/fr/sme/register/")
    user = User.objects.get(email="lea@pme-exemple.qc.ca")
    assert user.role == User.Role.VENDOR_MEMBER
    assert Consent.objects.filter(user=user, kind=Consent.Kind.TERMS, granted=True).exists()


def test_a_coordinator_sets_up_two_factor_sign_in_before_anything_else(
    live_server, page, check_page, sign_in_through_form
):
    coordinator = factories.UserFactory(username="camille", role=User.Role.COORDINATOR, totp=False)

    sign_in_through_form(page, "camille")
    page.goto(f"{live_server.url}/fr/coordination/")

    # Every page leads to the set-up; allauth asks the password again first.
    expect(page).to_have_url(re.compile(r"/fr/accounts/reauthenticate/"))
    check_page(page, "mfa-reauthenticate")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/fr/accounts/2fa/totp/activate/")
    check_page(page, "mfa-totp-activate")

    page.reload()  # Each showing of the page draws a new secret, the check's reloads too.
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(totp_code(secret))
    page.locator("#id_code").press("Enter")
    # Recovery codes come with it, shown once to keep.
    expect(page).to_have_url(f"{live_server.url}/fr/accounts/2fa/recovery-codes/")
    check_page(page, "mfa-recovery-codes")
    assert Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists()

    page.goto(f"{live_server.url}/fr/coordination/")
    expect(page).to_have_url(f"{live_server.url}/fr/coordination/")


def test_a_coordinator_with_totp_types_its_code_to_sign_in(
    live_server, page, check_page, sign_in_through_form
):
    factories.UserFactory(username="camille", role=User.Role.COORDINATOR)

    page.goto(f"{live_server.url}/fr/login/")
    page.locator("#id_login").fill("camille")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/fr/accounts/2fa/authenticate/")
    check_page(page, "mfa-authenticate")

    page.locator("#id_code").fill("000000")
    page.locator("#id_code").press("Enter")
    expect(page.locator(".error-summary")).to_be_visible()

    page.locator("#id_code").fill(totp_code())
    page.locator("#id_code").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/fr/")
