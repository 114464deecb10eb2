"""Invitations in a real browser: a coordinator registers an organization and invites its first member, who
accepts from the emailed link, creates their account and writes a first challenge as a draft; a firm's last
member is told they cannot leave.

Selectors use ids, names and addresses rather than visible words, which change with the language."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from hub.models import Organization, User
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "Un-mot-de-passe-solide-42"


def test_a_coordinator_invites_an_organizations_first_member_who_accepts(
    live_server, page, check_page, sign_in, search_index, taxonomy
):
    sign_in(page, factories.UserFactory(role=User.Role.COORDINATOR))
    page.goto(f"{live_server.url}/fr/coordination/dashboard/")
    page.locator("a[href='/fr/coordination/organizations/new/']").click()
    check_page(page, "organization-register")
    page.locator("#id_name").fill("Ministère des Essais")
    page.locator("#id_kind").select_option("ministry")
    page.locator("#id_first_member_email").fill("premiere@example.qc.ca")
    page.locator("#id_first_member_email").press("Enter")
    organization = Organization.objects.get(name="Ministère des Essais")
    expect(page).to_have_url(f"{live_server.url}/fr/organization/{organization.pk}/members/")
    check_page(page, "organization-members")
    link = re.search(r"https?://\S+?(/fr/invitations/\S+/)", mail.outbox[0].body).group(1)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}{link}")
    check_page(page, "invitation-accept")
    page.locator("#id_first_name").fill("Léa")
    page.locator("#id_last_name").fill("Roy")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_again").fill(PASSWORD)
    page.locator("#id_password_again").press("Enter")

    expect(page).to_have_url(f"{live_server.url}/fr/organization/")
    page.locator(f"a[href='/fr/organization/{organization.pk}/members/']").click()
    expect(page.locator("td", has_text="premiere@example.qc.ca")).to_be_visible()
    assert organization.members.get().email == "premiere@example.qc.ca"

    # The new member writes the organization's first challenge and keeps it as a draft.
    page.goto(f"{live_server.url}/fr/organization/challenges/new/")
    page.locator("#id_title").fill("Modernisation du registre des essais")
    page.locator("#id_description").fill(
        "Le registre des essais tourne sur un serveur de 2009. Nous cherchons une équipe pour le migrer "
        "vers une application Web accessible, en français, avec une API ouverte."
    )
    page.locator("input[name='language'][value='fr']").check()
    page.locator("input[name='expertise']").first.check()
    page.locator("#id_budget_min").fill("50 000")
    page.locator("#id_budget_max").fill("150 000")
    page.locator("#id_deadline").fill("2031-06-30")
    page.locator(".org-form button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/fr/organization/challenges/\d+/preview/$"))
    challenge = organization.challenges.get()
    assert (challenge.title, challenge.status) == ("Modernisation du registre des essais", "draft")

    page.goto(f"{live_server.url}{link}")
    check_page(page, "invitation-used")


def test_a_firms_last_member_is_told_they_cannot_leave(live_server, page, check_page, sign_in):
    member = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    vendor = factories.VendorFactory(members=[member])
    sign_in(page, member)

    page.goto(f"{live_server.url}/fr/sme/{vendor.pk}/members/")
    page.locator("input[name='action'][value='remove'] ~ button").click()

    expect(page.locator("[role='alert']")).to_be_visible()
    check_page(page, "vendor-members-last")
    assert list(vendor.members.all()) == [member]
