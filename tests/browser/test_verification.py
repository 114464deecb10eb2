"""The verification of firms in a real browser: a coordinator reads the register's evidence, refuses one firm with
a reason and verifies another; the refused firm's member reads the reason on their dashboard."""

import pytest
from playwright.sync_api import expect

from hub.models import User
from marketplace.models import VendorVerification
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search, pytest.mark.browser]

REASON = "Le numéro d'entreprise déclaré appartient à une autre entreprise au registre."


def test_a_coordinator_refuses_one_firm_and_verifies_another(live_server, page, check_page, sign_in):
    coordinator = factories.UserFactory(
        role=User.Role.COORDINATOR, first_name="Camille", last_name="Tremblay"
    )
    member = factories.UserFactory(role=User.Role.VENDOR_MEMBER, first_name="Léa", last_name="Roy")
    montreal = factories.RegionFactory(code="06", label_fr="Montréal", label_en="Montreal")
    refused_entry = factories.EnterpriseRegisterEntryFactory(
        legal_name="Tout Autre Nom inc.", postal_code="H2X 1Y4"
    )
    verified_entry = factories.EnterpriseRegisterEntryFactory(
        legal_name="CUMULUS CONSEIL LTÉE", postal_code="H2X 1Y4"
    )
    refused = factories.VendorFactory(
        name="Nuage Boréal inc.",
        neq=refused_entry.neq,
        regions=[montreal],
        members=[member],
        is_verified=False,
    )
    verified = factories.VendorFactory(
        name="Cumulus Conseil", neq=verified_entry.neq, regions=[montreal], is_verified=False
    )
    sign_in(page, coordinator)

    page.goto(f"{live_server.url}/fr/coordination/verifications/")
    check_page(page, "coordinator-verifications")

    refused_case = page.locator(f"#vendor-{refused.pk}")
    expect(refused_case).to_contain_text("Tout Autre Nom inc.")
    expect(refused_case).to_contain_text("Nom différent")
    expect(page.locator(f"#vendor-{verified.pk}")).to_contain_text("Nom proche")
    refused_case.get_by_label("Motif, pour refuser").fill(REASON)
    refused_case.get_by_role("button", name="Refuser").click()
    expect(page.locator(".message--success")).to_contain_text("Nuage Boréal inc.")
    expect(page.locator(f"#vendor-{refused.pk}")).to_have_count(0)

    page.locator(f"#vendor-{verified.pk}").get_by_role("button", name="Vérifier").click()

    expect(page.locator(".message--success")).to_contain_text("Cumulus Conseil")
    assert VendorVerification.objects.get(vendor=refused).reason == REASON
    verified.refresh_from_db()
    assert verified.is_verified

    page.context.clear_cookies()
    sign_in(page, member)
    page.goto(f"{live_server.url}/fr/sme/")
    check_page(page, "vendor-dashboard-refused")

    expect(page.locator(".verification-refusal")).to_contain_text(REASON)
    expect(page.get_by_text("Vérification refusée")).to_be_visible()


def test_a_refusal_without_a_reason_keeps_the_firm_with_the_error(live_server, page, sign_in):
    coordinator = factories.UserFactory(role=User.Role.COORDINATOR)
    vendor = factories.VendorFactory(name="Nuage Boréal inc.", is_verified=False)
    sign_in(page, coordinator)
    page.goto(f"{live_server.url}/fr/coordination/verifications/")

    page.locator(f"#vendor-{vendor.pk}").get_by_role("button", name="Refuser").click()

    field = page.locator(f"#id_verify_{vendor.pk}_reason")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".error-summary, [role=alert]").first).to_be_visible()
    assert not VendorVerification.objects.exists()
