"""Signing in with an organization's own OpenID Connect provider, in a real browser: a coordinator configures
the organization's provider (a real one, npm's oidc-provider: tests/oidc/provider.py), and a member of its
staff signs in through the provider's own login and consent pages and lands on the organization's dashboard.

Selectors use ids, names and addresses rather than visible words, which change with the language."""

import pytest
from playwright.sync_api import expect

from hub.models import User
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

DOMAIN = "mcn.gouv.qc.ca"


def test_a_ministry_member_signs_in_with_their_organizations_provider(
    live_server, page, new_context, check_page, sign_in, oidc_provider
):
    organization = factories.OrganizationFactory(name="Ministère de la Cybersécurité et du Numérique")
    client = oidc_provider.register(
        redirect_uri=f"{live_server.url}/accounts/oidc/organization-{organization.pk}/login/callback/"
    )
    sign_in(page, factories.UserFactory(role=User.Role.COORDINATOR))
    page.goto(f"{live_server.url}/fr/organization/{organization.pk}/members/")
    page.locator(f"a[href='/fr/coordination/organizations/{organization.pk}/sign-in/']").click()
    page.locator("#id_issuer").fill(oidc_provider.issuer)
    page.locator("#id_client_id").fill(client.client_id)
    page.locator("#id_client_secret").fill(client.client_secret)
    page.locator("#id_email_domains").fill(DOMAIN)
    page.locator("#id_email_domains").press("Enter")
    expect(page.locator("code")).to_contain_text(
        f"/accounts/oidc/organization-{organization.pk}/login/callback/"
    )
    expect(page.locator("#id_client_secret")).to_have_value("")
    check_page(page, "organization-sign-in-configure")

    member = new_context().new_page()
    member.goto(f"{live_server.url}/fr/login/")
    member.locator("a[href='/fr/login/organization/']").click()
    check_page(member, "organization-sign-in")
    member.locator("#id_email").fill(f"julie.gagnon@{DOMAIN}")
    member.locator("#id_email").press("Enter")
    # The provider's own pages: its login (the address comes as a hint), then its consent.
    expect(member.locator("input[name='login']")).to_have_value(f"julie.gagnon@{DOMAIN}")
    member.locator("input[name='password']").fill("any password")
    member.locator("input[name='password']").press("Enter")
    member.locator("input[name='prompt'][value='consent'] ~ button").click()

    expect(member).to_have_url(f"{live_server.url}/fr/organization/")
    user = User.objects.get(email=f"julie.gagnon@{DOMAIN}")
    assert list(organization.members.all()) == [user]
    assert user.role == User.Role.MINISTRY_MEMBER
