"""Issue 16's walk through the front door, in a real browser and end to end: a new SME signs up from the home
page, confirms its address, registers its firm from its NEQ through the guided profile and waits « À vérifier »;
a coordinator verifies it against the register's evidence; the firm then sees the opportunities recommended to it.

Selectors use ids, names and addresses rather than visible words where they can, which change with the language."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from hub.models import User
from marketplace.models import Expertise, Region, Vendor
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search, pytest.mark.browser]

PASSWORD = "Un-mot-de-passe-solide-42"
NEQ = "1199000011"  # Solutions Boréales Numériques inc. in the sample extract, registered in Québec City.


def test_a_new_sme_walks_in_is_verified_and_sees_its_opportunities(
    live_server, page, browser, check_page, sign_in, register_extract, taxonomy, indexed
):
    url = live_server.url
    challenge = factories.ChallengeFactory(
        published=True,
        title="Migration des dossiers vers le nuage gouvernemental",
        expertise=[Expertise.objects.get(code="cloud")],
        regions=[Region.objects.get(code="03")],
    )
    indexed(challenge)

    # Sign-up from the home page, with the terms accepted, then the emailed confirmation.
    page.goto(f"{url}/fr/")
    page.locator(".home-actions a[href='/fr/accounts/signup/']").click()
    page.locator("#id_email").fill("eloi@boreales.qc.ca")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_terms").check()
    page.locator("form[action='/fr/accounts/signup/'] button[type='submit']").click()
    expect(page).to_have_url(f"{url}/fr/accounts/confirm-email/")
    [message] = mail.outbox
    link = re.search(r"https?://\S+?(/fr/accounts/confirm-email/\S+/)", message.body).group(1)
    page.goto(f"{url}{link}")
    page.locator("main form button[type='submit']").click()

    # Registering the firm starts from its NEQ; the register fills in its legal name.
    expect(page).to_have_url(f"{url}/fr/sme/register/")
    page.locator("#lookup_neq").fill(NEQ)
    page.locator("#lookup_neq").press("Enter")
    expect(page.locator("#id_name")).to_have_value("Solutions Boréales Numériques inc.")
    page.locator("#id_description").fill(
        "Nous migrons les applications et les dossiers des organismes publics vers l'infonuagique "
        "gouvernementale, en français, avec des équipes de Québec."
    )
    page.locator("#id_employees").fill("18")
    page.locator("#id_founded").fill("2019")
    page.locator("#step-expertise input[value='cloud']").check()
    page.locator("#step-regions input[value='03']").check()
    page.locator("#step-languages input[value='fr']").check()
    page.locator("#id_references-0-client").fill("Ville de Québec")
    page.locator("#id_references-0-title").fill("Migration infonuagique des dossiers")
    page.locator("#id_references-0-year").fill("2024")
    page.locator("form.sme-form button[type=submit]").last.click()
    firm = Vendor.objects.get(neq=NEQ)
    expect(page).to_have_url(f"{url}/fr/sme/?vendor={firm.pk}")
    expect(page.locator(".sme-heading .badge--warning")).to_have_text("À vérifier")
    assert firm.members.get().email == "eloi@boreales.qc.ca" and not firm.is_verified

    # A coordinator reads the register's evidence beside the declaration and verifies the firm.
    coordinator = browser.new_page()
    sign_in(coordinator, factories.UserFactory(role=User.Role.COORDINATOR))
    coordinator.goto(f"{url}/fr/coordination/verifications/")
    case = coordinator.locator(f"#vendor-{firm.pk}")
    expect(case).to_contain_text("Solutions Boréales Numériques inc.")
    case.get_by_role("button", name="Vérifier").click()
    expect(coordinator.locator(".message--success")).to_contain_text("Solutions Boréales Numériques inc.")
    coordinator.close()
    firm.refresh_from_db()
    assert firm.is_verified

    # The firm is told, and sees the opportunities recommended to it.
    page.goto(f"{url}/fr/sme/")
    expect(page.locator(".sme-heading .badge--success")).to_be_visible()
    page.goto(f"{url}/fr/sme/opportunities/")
    expect(page.get_by_role("link", name=challenge.title)).to_be_visible()
    check_page(page, "front-door-recommendations")
