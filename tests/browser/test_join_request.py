"""Registering a firm from its NEQ in a real browser: a newcomer who types the NEQ of a firm already on Maillage
asks to join it, a member accepts, and the newcomer is told; another newcomer registers a new firm through the
guided profile and lands on the dashboard, the firm « À vérifier ».

Selectors use ids, names and addresses rather than visible words where they can, which change with the language."""

import re

import pytest
from playwright.sync_api import expect

from hub.models import Notification, User
from marketplace.models import Vendor, VendorJoinRequest
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search, pytest.mark.browser]


def test_a_newcomer_asks_to_join_a_firm_and_a_member_accepts(
    live_server, page, check_page, sign_in, register_extract, taxonomy
):
    member = factories.UserFactory(role=User.Role.VENDOR_MEMBER, first_name="Marc", last_name="Gagnon")
    firm = factories.VendorFactory(name="Atelier Mésange Design", neq="1199000029", members=[member])
    newcomer = factories.UserFactory(role=User.Role.VENDOR_MEMBER, first_name="Léa", last_name="Tremblay")
    sign_in(page, newcomer)
    page.goto(f"{live_server.url}/fr/sme/register/")

    page.locator("#lookup_neq").fill(firm.neq)
    expect(page.locator("#register-evidence")).to_contain_text("Atelier Mésange Design est déjà sur Maillage")
    page.locator("#lookup_neq").press("Enter")
    expect(page.locator("#join")).to_be_visible()
    check_page(page, "vendor-register-join")
    page.locator("#id_message").fill("Je suis la nouvelle designer de l'atelier.")
    page.locator("#join button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/fr/sme/")
    expect(page.locator("input[name='action'][value='withdraw']")).to_have_count(1)
    check_page(page, "vendor-dashboard-join-pending")
    join_request = VendorJoinRequest.objects.get()
    assert join_request.status == VendorJoinRequest.Status.PENDING

    page.context.clear_cookies()
    sign_in(page, member)
    page.goto(f"{live_server.url}/fr/notifications/")
    page.get_by_role("link", name="Léa Tremblay demande à joindre Atelier Mésange Design").click()
    expect(page).to_have_url(f"{live_server.url}/fr/sme/{firm.pk}/members/")
    expect(page.locator(".join-request")).to_contain_text("Je suis la nouvelle designer de l'atelier.")
    check_page(page, "vendor-members-join-requests")
    page.locator("input[name='action'][value='accept_request'] ~ button").click()

    expect(page.locator("td", has_text=newcomer.email)).to_be_visible()
    expect(page.locator(".join-request")).to_have_count(0)
    assert firm.members.filter(pk=newcomer.pk).exists()

    page.context.clear_cookies()
    sign_in(page, newcomer)
    page.goto(f"{live_server.url}/fr/notifications/")
    expect(
        page.get_by_role("link", name=re.compile("^Vous êtes maintenant membre de Atelier"))
    ).to_be_visible()
    page.goto(f"{live_server.url}/fr/sme/")
    expect(page.locator("h1")).to_have_text("Atelier Mésange Design")
    assert Notification.objects.filter(user=newcomer, kind=Notification.Kind.JOIN_REQUEST_DECIDED).exists()


def test_a_newcomer_registers_a_firm_through_the_guided_profile(
    live_server, page, check_page, sign_in, register_extract, taxonomy
):
    newcomer = factories.UserFactory(role=User.Role.VENDOR_MEMBER, first_name="Éloi", last_name="Bouchard")
    sign_in(page, newcomer)
    page.goto(f"{live_server.url}/fr/sme/register/")
    check_page(page, "vendor-register-neq")

    page.locator("#lookup_neq").fill("1199000011")
    page.locator("#lookup_neq").press("Enter")

    expect(page.locator("#id_name")).to_have_value("Solutions Boréales Numériques inc.")
    expect(page.locator("#id_neq")).to_have_value("1199000011")
    expect(page.locator("nav.sme-steps a")).to_have_count(7)
    check_page(page, "vendor-register-profile")
    page.locator("#id_description").fill(
        "Nous migrons les applications des organismes publics vers l'infonuagique gouvernementale."
    )
    page.locator("#id_employees").fill("18")
    page.locator("#id_founded").fill("2019")
    page.locator("#step-expertise input[value='cloud']").check()
    page.locator("#step-regions input[value='03']").check()
    page.locator("#step-languages input[value='fr']").check()
    page.locator("#id_certifications").fill("ISO 27001")
    page.locator("#id_references-0-client").fill("Ville de Québec")
    page.locator("#id_references-0-title").fill("Migration infonuagique")
    page.locator("#id_references-0-year").fill("2024")
    page.locator("form.sme-form button[type=submit]").last.click()

    firm = Vendor.objects.get(neq="1199000011")
    expect(page).to_have_url(f"{live_server.url}/fr/sme/?vendor={firm.pk}")
    expect(page.locator(".sme-heading .badge--warning")).to_have_text("À vérifier")
    expect(page.get_by_text("Votre entreprise est à vérifier.")).to_be_visible()
    check_page(page, "vendor-dashboard-to-verify")
    assert list(firm.members.all()) == [newcomer] and not firm.is_verified
    assert firm.references.get().title == "Migration infonuagique"
