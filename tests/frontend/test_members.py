"""Membership pages: members of an organization or a firm, invitations, registering an organization."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.utils import timezone

from hub.models import Organization, OrganizationInvitation, User
from marketplace.models import VendorInvitation
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "Un-mot-de-passe-solide-42"


def _link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+/invitations/\S+/)", message.body).group(1)


def _account(**overrides) -> dict:
    return {
        "first_name": "Léa",
        "last_name": "Roy",
        "password": PASSWORD,
        "password_again": PASSWORD,
        **overrides,
    }


# Registering an organization


def test_organization_register_page_registers_and_invites(coordinator_client):
    response = coordinator_client.post(
        "/fr/coordination/organizations/new/",
        {"name": "Ministère des Essais", "kind": "ministry", "first_member_email": "premiere@example.qc.ca"},
    )

    organization = Organization.objects.get(name="Ministère des Essais")
    assert response.status_code == 302
    assert response["Location"] == f"/fr/organization/{organization.pk}/members/"
    assert OrganizationInvitation.objects.get(organization=organization).email == "premiere@example.qc.ca"
    assert len(mail.outbox) == 1


def test_organization_register_page_refuses_a_ministry_member(client, ministry_member):
    client.force_login(ministry_member)

    response = client.get("/fr/coordination/organizations/new/")

    assert response.status_code == 403


def test_organization_register_page_shows_a_bad_address_and_creates_nothing(coordinator_client):
    response = coordinator_client.post(
        "/fr/coordination/organizations/new/",
        {"name": "Ministère des Essais", "kind": "ministry", "first_member_email": "pas-une-adresse"},
    )

    assert response.status_code == 200
    assert not Organization.objects.filter(name="Ministère des Essais").exists()


# Members pages


def test_organization_members_page_lists_members_and_invitations(client, ministry_member):
    organization = ministry_member.organizations.get()
    factories.OrganizationInvitationFactory(organization=organization, email="attendue@example.qc.ca")
    client.force_login(ministry_member)

    response = client.get(f"/fr/organization/{organization.pk}/members/")

    content = response.content.decode()
    assert response.status_code == 200
    assert ministry_member.email in content
    assert "attendue@example.qc.ca" in content
    assert "Inviter un ou une collègue" in content


def test_organization_members_page_is_hidden_from_other_organizations(client, ministry_member):
    other = factories.OrganizationFactory()
    client.force_login(ministry_member)

    response = client.get(f"/fr/organization/{other.pk}/members/")

    assert response.status_code == 404


def test_vendor_members_page_invites_a_colleague_in_english(client, vendor_member):
    vendor = vendor_member.vendors.get()
    client.force_login(vendor_member)

    response = client.post(
        f"/en/sme/{vendor.pk}/members/", {"action": "invite", "email": "colleague@example.qc.ca"}, follow=True
    )

    assert "colleague@example.qc.ca is invited. The link works for 7 days." in response.content.decode()
    assert VendorInvitation.objects.get(vendor=vendor).email == "colleague@example.qc.ca"
    assert "/en/invitations/" in mail.outbox[0].body


def test_vendor_members_page_shows_a_bad_address_on_the_field(client, vendor_member):
    vendor = vendor_member.vendors.get()
    client.force_login(vendor_member)

    response = client.post(f"/fr/sme/{vendor.pk}/members/", {"action": "invite", "email": "pas-une-adresse"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not VendorInvitation.objects.exists()


def test_vendor_members_page_revokes_an_invitation(client, vendor_member):
    vendor = vendor_member.vendors.get()
    invitation = factories.VendorInvitationFactory(vendor=vendor)
    client.force_login(vendor_member)

    client.post(f"/fr/sme/{vendor.pk}/members/", {"action": "revoke", "invitation": invitation.pk})

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_vendor_members_page_removes_a_colleague(client, vendor_member):
    vendor = vendor_member.vendors.get()
    colleague = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    vendor.members.add(colleague)
    client.force_login(vendor_member)

    client.post(f"/fr/sme/{vendor.pk}/members/", {"action": "remove", "member": colleague.pk})

    assert list(vendor.members.all()) == [vendor_member]


def test_vendor_members_page_says_the_last_member_cannot_leave(client, vendor_member):
    vendor = vendor_member.vendors.get()
    client.force_login(vendor_member)

    response = client.post(
        f"/fr/sme/{vendor.pk}/members/", {"action": "remove", "member": vendor_member.pk}, follow=True
    )

    assert "est la dernière personne membre" in html.unescape(response.content.decode())
    assert list(vendor.members.all()) == [vendor_member]


# Accepting an invitation


def test_invitation_accept_page_creates_the_account_and_joins(client, coordinator):
    organization = factories.OrganizationFactory()
    factories.OrganizationInvitationFactory(organization=organization, email="lea@example.qc.ca", key="cle")

    response = client.post("/fr/invitations/cle/", _account())

    user = User.objects.get(email="lea@example.qc.ca")
    assert response.status_code == 302
    assert response["Location"] == "/fr/organization/"
    assert user.role == User.Role.MINISTRY_MEMBER
    assert list(organization.members.all()) == [user]
    assert client.session["_auth_user_id"] == str(user.pk)


def test_invitation_accept_page_follows_the_emailed_link(client, vendor_member):
    vendor = vendor_member.vendors.get()
    client.force_login(vendor_member)
    client.post(f"/fr/sme/{vendor.pk}/members/", {"action": "invite", "email": "nouveau@example.qc.ca"})
    client.logout()

    response = client.get(_link_path(mail.outbox[0]))

    assert response.status_code == 200
    assert "Créer mon compte et me joindre" in response.content.decode()


def test_invitation_accept_page_refuses_a_weak_password_and_creates_nothing(client):
    invitation = factories.OrganizationInvitationFactory(key="cle")

    response = client.post("/fr/invitations/cle/", _account(password="123", password_again="123"))

    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(email=invitation.email).exists()


def test_invitation_accept_page_joins_the_signed_in_person(client):
    user = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    invitation = factories.VendorInvitationFactory(email=user.email, key="cle")
    client.force_login(user)

    response = client.post("/fr/invitations/cle/")

    assert response["Location"] == "/fr/sme/"
    assert invitation.vendor.members.filter(pk=user.pk).exists()


def test_invitation_accept_page_refuses_another_address(client):
    user = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    invitation = factories.VendorInvitationFactory(key="cle")
    client.force_login(user)

    response = client.post("/fr/invitations/cle/")

    assert "envoyée à une autre adresse" in html.unescape(response.content.decode())
    assert not invitation.vendor.members.filter(pk=user.pk).exists()


def test_invitation_accept_page_asks_an_existing_account_to_sign_in(client):
    factories.UserFactory(email="deja@example.qc.ca", role=User.Role.MINISTRY_MEMBER)
    factories.OrganizationInvitationFactory(email="deja@example.qc.ca", key="cle")

    response = client.get("/fr/invitations/cle/")

    assert "Ouvrir une session" in response.content.decode() or "/fr/login/" in response.content.decode()
    assert response.context["has_account"]


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ({"expires_at": timezone.now() - datetime.timedelta(days=1)}, "Cette invitation est expirée"),
        ({"revoked_at": timezone.now()}, "Cette invitation a été retirée"),
        ({"accepted_at": timezone.now()}, "Cette invitation a déjà été utilisée"),
    ],
)
def test_invitation_accept_page_explains_a_dead_link_and_creates_nothing(client, state, message):
    invitation = factories.OrganizationInvitationFactory(key="cle", **state)

    response = client.post("/fr/invitations/cle/", _account())

    assert response.status_code == 410
    assert message in html.unescape(response.content.decode())
    assert not User.objects.filter(email=invitation.email).exists()


def test_invitation_accept_page_explains_an_unknown_link_in_english(client):
    response = client.get("/en/invitations/nope/")

    assert response.status_code == 410
    assert "This invitation link does not work." in response.content.decode()


def test_ministry_dashboard_links_to_the_members_page(client, ministry_member):
    organization = ministry_member.organizations.get()
    client.force_login(ministry_member)

    page = client.get("/fr/organization/").content.decode()

    assert f"/fr/organization/{organization.pk}/members/" in page


def test_coordinator_dashboard_links_to_the_organization_registration(coordinator_client):
    page = coordinator_client.get("/fr/coordination/dashboard/").content.decode()

    assert "/fr/coordination/organizations/new/" in page


@pytest.mark.search
def test_vendor_dashboard_links_to_the_members_page(client, vendor_member, search_index):
    vendor = vendor_member.vendors.get()
    client.force_login(vendor_member)

    vendor_page = client.get("/fr/sme/").content.decode()

    assert f"/fr/sme/{vendor.pk}/members/" in vendor_page
